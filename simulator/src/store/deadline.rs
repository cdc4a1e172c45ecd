//! One bound on database waits per request, however many store calls the request makes.
//!
//! `--db-timeout-ms` is "the most a request waits on the database". Each store bounds its own
//! calls by it, but a request may make more than one call: a create reads the UID first, then
//! writes. Bounded one by one, a read that succeeded just before an outage and a write that
//! met it could keep the caller for twice the bound. Inside [`one_request`], every call gets
//! only what is left of the bound counted from the request's first call; outside one (the
//! outbox's replays, migrations at start), each call has the whole bound.

use std::future::Future;
use std::time::Duration;

use tokio::time::Instant;

tokio::task_local! {
    /// When the request's first store call began; `None` until it makes one.
    static FIRST_CALL: std::cell::Cell<Option<Instant>>;
}

/// Runs `work` as one request: its store calls share one bound.
pub(crate) async fn one_request<F: Future>(work: F) -> F::Output {
    FIRST_CALL.scope(std::cell::Cell::new(None), work).await
}

/// How long a store call starting now may wait on the database, for a store whose calls are
/// bounded by `bound`: all of `bound` outside a request, what is left of it inside one.
pub(crate) fn remaining(bound: Duration) -> Duration {
    FIRST_CALL
        .try_with(|first| {
            let started = first.get().unwrap_or_else(|| {
                let now = Instant::now();
                first.set(Some(now));
                now
            });
            bound.saturating_sub(started.elapsed())
        })
        .unwrap_or(bound)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn outside_a_request_every_call_has_the_whole_bound() {
        let bound = Duration::from_millis(1500);

        tokio::time::sleep(Duration::from_millis(1000)).await;

        assert_eq!(remaining(bound), bound);
        assert_eq!(remaining(bound), bound);
    }

    #[tokio::test(start_paused = true)]
    async fn inside_a_request_the_calls_share_the_bound_from_the_first_call() {
        let bound = Duration::from_millis(1500);

        let (first, second, third) = one_request(async {
            // Time before the first call (reading the body, checking the token) is not counted.
            tokio::time::sleep(Duration::from_millis(700)).await;
            let first = remaining(bound);
            tokio::time::sleep(Duration::from_millis(1000)).await;
            let second = remaining(bound);
            tokio::time::sleep(Duration::from_millis(1000)).await;
            (first, second, remaining(bound))
        })
        .await;

        assert_eq!(first, bound);
        assert_eq!(second, Duration::from_millis(500));
        assert_eq!(third, Duration::ZERO);
    }
}
