//! A database condition for one consumer only: that consumer's calls reach the database by a
//! path of their own, which can be taken away while the others' stays up.
//!
//! The path is real, as the shared one is: for Postgres, a second TCP proxy and a second
//! connection pool to the same database; for the in-memory store, the same data behind a
//! condition of its own. Which path a store call takes is decided by the consumer making it,
//! set for the request by the journal layer ([`as_caller`]) in a task-local, so the store's
//! interface stays as it is.

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;

use super::condition::DbCondition;
use super::store::{ConditionCell, FaultyStore};
use super::{Switch, Via};
use crate::model::Lpa;
use crate::store::{ChangeRecord, Event, NewLpa, Store, StoreError, UpdateFn};

tokio::task_local! {
    /// The issuer of the request being served, if it has a valid JWT.
    static CALLER: Option<Arc<str>>;
}

/// Runs `work` (a request's handling) as the consumer signing as `issuer`.
pub(crate) async fn as_caller<F: Future>(issuer: Option<String>, work: F) -> F::Output {
    CALLER.scope(issuer.map(Arc::from), work).await
}

fn caller() -> Option<Arc<str>> {
    CALLER.try_with(Clone::clone).ok().flatten()
}

/// How a consumer's own path to the database is made.
#[derive(Clone, Debug)]
pub(crate) enum Maker {
    /// The in-memory store's data, behind a condition of its own.
    Memory {
        data: Arc<dyn Store>,
        timeout: Duration,
    },
    /// A proxy and a pool of their own, to the same Postgres.
    Postgres { url: String, timeout: Duration },
}

#[derive(Clone, Debug)]
struct Lane {
    store: Arc<dyn Store>,
    switch: Switch,
}

/// The consumers' own paths, made when a condition is first set for one.
#[derive(Debug)]
pub(crate) struct Lanes {
    maker: Maker,
    lanes: Mutex<BTreeMap<String, Lane>>,
    /// Whether any lane was made: until one is, every store call and the gateway's health
    /// check take the shared path without locking the map.
    any: AtomicBool,
}

impl Lanes {
    pub(crate) fn new(maker: Maker) -> Self {
        Self {
            maker,
            lanes: Mutex::default(),
            any: AtomicBool::new(false),
        }
    }

    fn lanes(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, Lane>> {
        self.lanes.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Puts `issuer`'s own path in `condition`, making the path first if need be.
    pub(crate) async fn set(&self, issuer: &str, condition: DbCondition) -> anyhow::Result<()> {
        let existing = self.lanes().get(issuer).cloned();
        let lane = match existing {
            Some(lane) => lane,
            None => {
                let lane = self.make().await?;
                let lane = self
                    .lanes()
                    .entry(issuer.to_owned())
                    .or_insert(lane)
                    .clone();
                self.any.store(true, Ordering::Release);
                lane
            }
        };
        lane.switch.set(condition);
        Ok(())
    }

    async fn make(&self) -> anyhow::Result<Lane> {
        Ok(match &self.maker {
            Maker::Memory { data, timeout } => {
                let cell = ConditionCell::default();
                Lane {
                    store: Arc::new(FaultyStore::new(data.clone(), cell.clone(), *timeout)),
                    switch: Switch::plain(Via::InStore(cell)),
                }
            }
            Maker::Postgres { url, timeout } => {
                let (store, via) = super::proxied_postgres(url, *timeout).await?;
                Lane {
                    store,
                    switch: Switch::plain(via),
                }
            }
        })
    }

    /// Every consumer's own condition, by issuer; online ones included.
    pub(crate) fn conditions(&self) -> BTreeMap<String, DbCondition> {
        self.lanes()
            .iter()
            .map(|(issuer, lane)| (issuer.clone(), lane.switch.current()))
            .collect()
    }

    /// Every consumer's path back online.
    pub(crate) fn all_online(&self) {
        for lane in self.lanes().values() {
            lane.switch.set(DbCondition::Online);
        }
    }

    /// The path of the consumer being served, when it has one that is not online.
    fn of_caller(&self) -> Option<Arc<dyn Store>> {
        if !self.any.load(Ordering::Acquire) {
            return None;
        }
        let caller = caller()?;
        let lanes = self.lanes();
        let lane = lanes.get(&*caller)?;
        (lane.switch.current() != DbCondition::Online).then(|| lane.store.clone())
    }

    /// Whether the consumer being served meets a condition of its own.
    pub(crate) fn serving_a_lane(&self) -> bool {
        self.of_caller().is_some()
    }
}

/// The store the simulator uses when consumers can have conditions of their own: each call
/// takes the path of the consumer making it, when it has one that is not online.
#[derive(Debug)]
pub(crate) struct LanedStore {
    shared: Arc<dyn Store>,
    lanes: Arc<Lanes>,
}

impl LanedStore {
    pub(crate) fn new(shared: Arc<dyn Store>, lanes: Arc<Lanes>) -> Self {
        Self { shared, lanes }
    }

    fn pick(&self) -> Arc<dyn Store> {
        self.lanes
            .of_caller()
            .unwrap_or_else(|| self.shared.clone())
    }
}

#[async_trait]
impl Store for LanedStore {
    async fn create(&self, new: NewLpa) -> Result<(), StoreError> {
        self.pick().create(new).await
    }

    async fn get(&self, uid: &str) -> Result<Lpa, StoreError> {
        self.pick().get(uid).await
    }

    async fn get_many(&self, uids: &[String]) -> Result<Vec<Lpa>, StoreError> {
        self.pick().get_many(uids).await
    }

    async fn get_static(&self, uid: &str) -> Result<Lpa, StoreError> {
        self.pick().get_static(uid).await
    }

    async fn update(&self, uid: &str, check: &mut UpdateFn<'_>) -> Result<Lpa, StoreError> {
        self.pick().update(uid, check).await
    }

    async fn changes(&self, uid: &str) -> Result<Vec<ChangeRecord>, StoreError> {
        self.pick().changes(uid).await
    }

    async fn has_change(&self, uid: &str, id: &str) -> Result<bool, StoreError> {
        self.pick().has_change(uid, id).await
    }

    async fn events(&self, after: u64) -> Result<Vec<Event>, StoreError> {
        self.pick().events(after).await
    }

    async fn image(&self, path: &str) -> Result<Vec<u8>, StoreError> {
        self.pick().image(path).await
    }

    async fn ping(&self) -> Result<(), StoreError> {
        self.pick().ping().await
    }

    async fn remove(&self, uid: &str) -> Result<bool, StoreError> {
        self.pick().remove(uid).await
    }
}
