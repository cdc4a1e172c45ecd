//! The same database conditions for the in-memory store, which has no connection to cut: they
//! act on the store's calls, with the same outcomes a client of the Postgres store sees.

use std::sync::{Arc, RwLock};
use std::time::Duration;

use async_trait::async_trait;

use super::condition::{DbCondition, Phase, Timed};
use crate::model::Lpa;
use crate::store::{ChangeRecord, Event, NewLpa, Store, StoreError, UpdateFn, deadline};

/// A shared, settable condition.
#[derive(Clone, Debug, Default)]
pub(crate) struct ConditionCell(Arc<RwLock<Option<Timed>>>);

impl ConditionCell {
    /// Sets `condition` from now on.
    pub(crate) fn set(&self, condition: DbCondition) {
        *self.0.write().unwrap_or_else(|p| p.into_inner()) = Some(Timed::now(condition));
    }

    /// The current condition.
    pub(crate) fn get(&self) -> DbCondition {
        self.0
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .as_ref()
            .map(|t| t.condition.clone())
            .unwrap_or_default()
    }

    fn phase(&self) -> Phase {
        self.0
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .as_ref()
            .map_or(Phase::Online, Timed::phase)
    }
}

/// Any store, behind a database condition.
#[derive(Debug)]
pub(crate) struct FaultyStore {
    inner: Arc<dyn Store>,
    condition: ConditionCell,
    timeout: Duration,
}

impl FaultyStore {
    /// `inner`, answering as a database in `condition` would, with calls bounded by `timeout`.
    pub(crate) fn new(inner: Arc<dyn Store>, condition: ConditionCell, timeout: Duration) -> Self {
        Self {
            inner,
            condition,
            timeout,
        }
    }

    /// Waits as the condition says, then lets the call through or reports the outage.
    async fn admit(&self) -> Result<(), StoreError> {
        // What is left of the request's bound (see `store::deadline`).
        let bound = deadline::remaining(self.timeout);
        match self.condition.phase() {
            Phase::Online => Ok(()),
            Phase::Offline => Err(StoreError::Unavailable("connection refused".to_owned())),
            Phase::Hung => {
                tokio::time::sleep(bound).await;
                Err(self.timed_out())
            }
            Phase::Slow(delay) if delay >= bound => {
                tokio::time::sleep(bound).await;
                Err(self.timed_out())
            }
            Phase::Slow(delay) => {
                tokio::time::sleep(delay).await;
                Ok(())
            }
        }
    }

    fn timed_out(&self) -> StoreError {
        StoreError::Unavailable(format!(
            "the database did not answer within {} ms",
            self.timeout.as_millis()
        ))
    }
}

#[async_trait]
impl Store for FaultyStore {
    async fn create(&self, new: NewLpa) -> Result<(), StoreError> {
        self.admit().await?;
        self.inner.create(new).await
    }

    async fn get(&self, uid: &str) -> Result<Lpa, StoreError> {
        self.admit().await?;
        self.inner.get(uid).await
    }

    async fn get_many(&self, uids: &[String]) -> Result<Vec<Lpa>, StoreError> {
        self.admit().await?;
        self.inner.get_many(uids).await
    }

    async fn get_static(&self, uid: &str) -> Result<Lpa, StoreError> {
        self.admit().await?;
        self.inner.get_static(uid).await
    }

    async fn update(&self, uid: &str, check: &mut UpdateFn<'_>) -> Result<Lpa, StoreError> {
        self.admit().await?;
        self.inner.update(uid, check).await
    }

    async fn changes(&self, uid: &str) -> Result<Vec<ChangeRecord>, StoreError> {
        self.admit().await?;
        self.inner.changes(uid).await
    }

    async fn has_change(&self, uid: &str, id: &str) -> Result<bool, StoreError> {
        self.admit().await?;
        self.inner.has_change(uid, id).await
    }

    async fn events(&self, after: u64) -> Result<Vec<Event>, StoreError> {
        self.admit().await?;
        self.inner.events(after).await
    }

    async fn image(&self, path: &str) -> Result<Vec<u8>, StoreError> {
        self.admit().await?;
        self.inner.image(path).await
    }

    async fn ping(&self) -> Result<(), StoreError> {
        self.admit().await?;
        self.inner.ping().await
    }

    async fn remove(&self, uid: &str) -> Result<bool, StoreError> {
        self.admit().await?;
        self.inner.remove(uid).await
    }
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use super::*;
    use crate::store::MemoryStore;

    fn faulty(condition: DbCondition) -> FaultyStore {
        let cell = ConditionCell::default();
        cell.set(condition);
        FaultyStore::new(
            Arc::new(MemoryStore::new()),
            cell,
            Duration::from_millis(200),
        )
    }

    #[tokio::test]
    async fn offline_is_unavailable_at_once_and_online_passes_through() {
        let store = faulty(DbCondition::Offline);
        let started = Instant::now();
        assert!(matches!(
            store.get("M-1").await,
            Err(StoreError::Unavailable(_))
        ));
        assert!(started.elapsed() < Duration::from_millis(100));
        store.condition.set(DbCondition::Online);
        assert!(matches!(
            store.get("M-1").await,
            Err(StoreError::NotFound(_))
        ));
    }

    #[tokio::test]
    async fn hung_is_unavailable_after_the_timeout() {
        let store = faulty(DbCondition::Hung);
        let started = Instant::now();
        assert!(matches!(
            store.ping().await,
            Err(StoreError::Unavailable(_))
        ));
        let elapsed = started.elapsed();
        assert!(
            elapsed >= Duration::from_millis(200) && elapsed < Duration::from_millis(600),
            "{elapsed:?}"
        );
    }

    #[tokio::test]
    async fn slow_below_the_timeout_answers_late_and_above_it_times_out() {
        let store = faulty(DbCondition::Slow { latency_ms: 50 });
        let started = Instant::now();
        store.ping().await.unwrap();
        assert!(started.elapsed() >= Duration::from_millis(50));
        store.condition.set(DbCondition::Slow { latency_ms: 5_000 });
        let started = Instant::now();
        assert!(store.ping().await.is_err());
        assert!(started.elapsed() < Duration::from_millis(600));
    }
}
