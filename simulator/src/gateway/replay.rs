//! Applying queued operations once the database is back, oldest first: each LPA's one at a
//! time and in order, several LPAs' at once.
//!
//! Replay is idempotent, because a crash can come between a write reaching the database and its
//! outcome reaching the outbox: an update's change record carries the operation's id, and a
//! create is recognised by its static copy, so an operation already applied is recorded as
//! applied rather than applied twice (or failed as a duplicate).

use std::future::Future;
use std::time::Duration;

use super::Gateway;
use crate::model::{Problem, Timestamp};
use crate::outbox::{Accepted, OperationState, Outbox, Outcome, Work};
use crate::store::StoreError;
use crate::update::Context;

/// How a failed operation is recorded: the status and body the API would have answered had
/// the write not been queued. The HTTP layer owns that catalogue and passes it in.
pub(crate) type Describe = fn(StoreError) -> (u16, Problem);

/// How long to wait before trying the database again after it was unavailable.
const RETRY_AFTER_UNAVAILABLE: Duration = Duration::from_millis(250);

/// How many LPAs' operations are applied at once. Each replayer waits on the database's round
/// trips, not on the CPU; one LPA's operations are still applied one at a time, in order.
const REPLAYERS: usize = 8;

/// Replays until `shutdown` completes; the operations being applied are finished first.
pub(crate) async fn run(gateway: Gateway, describe: Describe, shutdown: impl Future<Output = ()>) {
    let Some(outbox) = gateway.outbox().cloned() else {
        return;
    };
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let mut replayers = tokio::task::JoinSet::new();
    for _ in 0..REPLAYERS {
        replayers.spawn(replayer(
            gateway.clone(),
            describe,
            outbox.clone(),
            stopped.clone(),
        ));
    }
    shutdown.await;
    stop.send(true).ok();
    while replayers.join_next().await.is_some() {}
}

/// One replayer: claims the oldest operation it may apply (see [`Outbox::claim_next`]),
/// applies it and records its outcome, until told to stop.
async fn replayer(
    gateway: Gateway,
    describe: Describe,
    outbox: Outbox,
    mut stopped: tokio::sync::watch::Receiver<bool>,
) {
    loop {
        if *stopped.borrow() {
            return;
        }
        let Some(operation) = outbox.claim_next() else {
            tokio::select! {
                _ = stopped.changed() => return,
                () = outbox.wait_for_work(Duration::from_secs(1)) => continue,
            }
        };
        let wait = match attempt(&gateway, describe, &operation).await {
            Some(outcome) => match outbox.record(outcome).await {
                Ok(()) => Duration::ZERO,
                Err(e) => {
                    tracing::error!(error = %e, "could not record an outcome; will retry");
                    Duration::from_secs(1)
                }
            },
            None => RETRY_AFTER_UNAVAILABLE,
        };
        outbox.release(&operation.uid);
        if wait.is_zero() {
            // On to the next operation at once: even a zero sleep waits for the timer's next
            // millisecond, which capped replay at a few hundred writes a second.
            tokio::task::yield_now().await;
            continue;
        }
        tokio::select! {
            _ = stopped.changed() => return,
            () = tokio::time::sleep(wait) => {}
        }
    }
}

/// Applies one operation: its outcome, or `None` while the database is unavailable.
async fn attempt(gateway: &Gateway, describe: Describe, operation: &Accepted) -> Option<Outcome> {
    let result = match already_applied(gateway, operation).await {
        Ok(true) => Ok(()),
        Ok(false) => apply(gateway, operation).await,
        Err(e) => Err(e),
    };
    let (state, status, error) = match result {
        Ok(()) => (OperationState::Applied, 201, None),
        Err(StoreError::Unavailable(_)) => return None,
        Err(e) => {
            let (status, problem) = describe(e);
            (OperationState::Failed, status, Some(problem))
        }
    };
    tracing::info!(operation = %operation.id, uid = %operation.uid, ?state, "queued write completed");
    Some(Outcome {
        id: operation.id.clone(),
        state,
        completed_at: Timestamp::now(),
        status,
        error,
    })
}

async fn apply(gateway: &Gateway, operation: &Accepted) -> Result<(), StoreError> {
    match &operation.work {
        Work::Create { lpa, images, event } => {
            gateway
                .write_create(Work::to_new_lpa(lpa, images, event))
                .await
        }
        Work::Update { author, request } => {
            let ctx = Context {
                author: author.clone(),
                now: operation.accepted_at,
            };
            gateway
                .write_update_as(&operation.uid, request, &ctx, Some(&operation.id))
                .await
                .map(drop)
        }
    }
}

async fn already_applied(gateway: &Gateway, operation: &Accepted) -> Result<bool, StoreError> {
    let store = gateway.store();
    match &operation.work {
        Work::Create { lpa, .. } => match store.get_static(&operation.uid).await {
            Ok(stored) => Ok(stored == **lpa),
            Err(StoreError::NotFound(_)) => Ok(false),
            Err(e) => Err(e),
        },
        Work::Update { .. } => store.has_change(&operation.uid, &operation.id).await,
    }
}
