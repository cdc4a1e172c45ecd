//! Between the API and the store: where the behaviour chosen for a database outage lives.
//!
//! In `fail-fast` mode every request that needs the database goes to it, and an outage is
//! answered with 503 and `Retry-After` within the store's bound. In `queue` mode, a write that
//! passes every check that needs no database is kept in the durable [`Outbox`] and answered with
//! 202 when the database is away (or when earlier writes of the same LPA are still queued), and
//! reads answer the last state the simulator saw, marked stale. The gateway also keeps the
//! truth about the database's health, for the admin health route.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::Serialize;
use uuid::Uuid;

use crate::create;
use crate::model::{FieldError, Lpa, Timestamp};
use crate::outage::{OnDbOffline, Outage, OutageError, Switch};
use crate::outbox::{Operation, Outbox, Work};
use crate::store::{ChangeRecord, Event, NewLpa, Store, StoreError};
use crate::update::{self, Context, UpdateRequest};

pub(crate) mod replay;

/// Why the gateway could not serve a request; the HTTP layer decides how each is answered.
#[derive(Debug, thiserror::Error)]
pub(crate) enum GatewayError {
    /// The request fails a check that needs no database.
    #[error("invalid request")]
    Invalid(Vec<FieldError>),
    /// The store refused or could not answer.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A write to queue could not be kept in the outbox.
    #[error("Failed to keep the write in the outbox")]
    Outbox(#[source] crate::outbox::OutboxError),
}

/// A write done now, or accepted for later.
#[derive(Debug)]
pub(crate) enum Written<T> {
    /// Applied to the store.
    Now(T),
    /// In the outbox, to be applied when the database is back.
    Queued(Operation),
}

/// Whether a read reflects the database now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Freshness {
    /// Read from the database.
    Current,
    /// The last state seen before the database became unavailable.
    Stale,
}

/// What the admin health route reports.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct HealthReport {
    pub(crate) database: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) reason: Option<String>,
    pub(crate) on_db_offline: OnDbOffline,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) pending_operations: Option<usize>,
}

#[derive(Debug, Default)]
struct Health {
    down: AtomicBool,
    reason: Mutex<Option<String>>,
}

/// How long ending a provider state's outage waits for the writes queued during it.
const DRAIN_BOUND: Duration = Duration::from_secs(10);

/// See the module docs.
#[derive(Clone, Debug)]
pub(crate) struct Gateway {
    store: Arc<dyn Store>,
    outbox: Option<Outbox>,
    /// The database's outage state: its condition, the mode, a provider state's hold.
    outage: Outage,
    /// The last state of each LPA seen, shared with the answers that carried it.
    known: Arc<Mutex<HashMap<String, Arc<Lpa>>>>,
    health: Arc<Health>,
}

impl Gateway {
    /// A gateway that queues during an outage when given an outbox, and fails fast otherwise;
    /// outages are made through `switch` when there is one.
    pub(crate) fn new(
        store: Arc<dyn Store>,
        outbox: Option<Outbox>,
        switch: Option<Switch>,
    ) -> Self {
        let mode = if outbox.is_some() {
            OnDbOffline::Queue
        } else {
            OnDbOffline::FailFast
        };
        let outage = Outage::new(switch, mode, outbox.is_some());
        Self {
            store,
            outbox,
            outage,
            known: Arc::default(),
            health: Arc::default(),
        }
    }

    /// The database's outage state.
    pub(crate) fn outage(&self) -> &Outage {
        &self.outage
    }

    /// Switches between failing fast and queueing; queueing needs an outbox.
    pub(crate) fn set_mode(&self, mode: OnDbOffline) -> Result<(), OutageError> {
        self.outage.set_mode(mode)
    }

    fn queueing(&self) -> bool {
        self.outbox.is_some() && self.outage.queueing()
    }

    pub(crate) fn mode(&self) -> OnDbOffline {
        self.outage.mode()
    }

    /// Ends any outage, as a provider state's teardown and `POST /__admin/reset` do. When a
    /// provider state held it, the writes queued meanwhile are applied (within a bound) before
    /// its mode is put back, so none lands in the middle of the next interaction.
    pub(crate) async fn end_outage(&self) {
        if !self.outage.end() {
            return;
        }
        if let Some(outbox) = &self.outbox {
            let deadline = tokio::time::Instant::now() + DRAIN_BOUND;
            while outbox.pending_count() > 0 && tokio::time::Instant::now() < deadline {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            if outbox.pending_count() > 0 {
                tracing::warn!(
                    pending = outbox.pending_count(),
                    "writes queued during a provider state are still pending"
                );
            }
        }
        self.outage.restore_mode();
    }

    /// Forgets the last known state of `uid`, after it was removed from the store.
    pub(crate) fn forget(&self, uid: &str) {
        self.known
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(uid);
    }

    pub(crate) fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    pub(crate) fn outbox(&self) -> Option<&Outbox> {
        self.outbox.as_ref()
    }

    /// Notes what a store call said about the database's health.
    fn observe<T>(&self, result: &Result<T, StoreError>) {
        // A consumer meeting a condition of its own says nothing of the shared database.
        if self.outage.serving_a_lane() {
            return;
        }
        match result {
            Err(StoreError::Unavailable(reason)) => {
                if !self.health.down.swap(true, Ordering::SeqCst) {
                    self.outage.note_seen_unavailable();
                }
                *self.health.reason.lock().unwrap_or_else(|p| p.into_inner()) =
                    Some(reason.clone());
            }
            // Read first: a store on every request would bounce the flag's cache line between
            // cores for nothing.
            _ if self.health.down.load(Ordering::SeqCst)
                && self.health.down.swap(false, Ordering::SeqCst) =>
            {
                self.outage.note_seen_available();
            }
            _ => {}
        }
    }

    fn remember(&self, lpa: Arc<Lpa>) {
        self.known
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(lpa.uid.clone(), lpa);
    }

    fn recall(&self, uid: &str) -> Option<Arc<Lpa>> {
        self.known
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(uid)
            .cloned()
    }

    /// True when a write for `uid` must go to the outbox without trying the store: earlier
    /// writes of this LPA are still queued (order is kept whatever the mode), or the database
    /// is known to be away in queue mode.
    fn must_queue(&self, uid: &str) -> bool {
        self.outbox.as_ref().is_some_and(|outbox| {
            outbox.has_pending_for(uid)
                || (self.queueing() && self.health.down.load(Ordering::SeqCst))
        })
    }

    async fn enqueue(
        &self,
        uid: &str,
        work: Work,
        now: Timestamp,
    ) -> Result<Operation, GatewayError> {
        let outbox = self.outbox.as_ref().expect("only queue mode enqueues");
        let accepted = outbox
            .accept(uid, work, now)
            .await
            .map_err(GatewayError::Outbox)?;
        tracing::info!(%uid, operation = %accepted.id, "write queued until the database is back");
        Ok(outbox
            .operation(&accepted.id)
            .expect("an accepted operation is listed"))
    }

    /// `PUT /lpas/{uid}`.
    pub(crate) async fn create(&self, uid: &str, body: Lpa) -> Result<Written<()>, GatewayError> {
        let now = Timestamp::now();
        if self.must_queue(uid) {
            let new = create::new_lpa(body, uid, now).map_err(GatewayError::Invalid)?;
            return Ok(Written::Queued(
                self.enqueue(uid, Work::create(&new), now).await?,
            ));
        }
        let existing = self.store.get(uid).await;
        self.observe(&existing);
        match existing {
            Ok(_) => return Err(StoreError::AlreadyExists(uid.to_owned()).into()),
            Err(StoreError::NotFound(_)) => {}
            Err(StoreError::Unavailable(_)) if self.queueing() => {
                let new = create::new_lpa(body, uid, now).map_err(GatewayError::Invalid)?;
                return Ok(Written::Queued(
                    self.enqueue(uid, Work::create(&new), now).await?,
                ));
            }
            Err(e) => return Err(e.into()),
        }
        let new = create::new_lpa(body, uid, now).map_err(GatewayError::Invalid)?;
        match self.write_create(new.clone()).await {
            Err(StoreError::Unavailable(_)) if self.queueing() => Ok(Written::Queued(
                self.enqueue(uid, Work::create(&new), now).await?,
            )),
            result => result.map(Written::Now).map_err(GatewayError::from),
        }
    }

    /// Writes a new LPA now.
    pub(crate) async fn write_create(&self, new: NewLpa) -> Result<(), StoreError> {
        let lpa = new.lpa.clone();
        let result = self.store.create(new).await;
        self.observe(&result);
        if result.is_ok() {
            self.remember(Arc::new(lpa));
        }
        result
    }

    /// `POST /lpas/{uid}/updates`.
    pub(crate) async fn update(
        &self,
        uid: &str,
        request: UpdateRequest,
        author: String,
    ) -> Result<Written<Arc<Lpa>>, GatewayError> {
        let ctx = Context {
            author,
            now: Timestamp::now(),
        };
        if self.must_queue(uid) {
            return self.queue_update(uid, request, ctx).await;
        }
        match self.write_update(uid, &request, &ctx).await {
            Err(StoreError::Unavailable(_)) if self.queueing() => {
                self.queue_update(uid, request, ctx).await
            }
            result => result.map(Written::Now).map_err(GatewayError::from),
        }
    }

    async fn queue_update(
        &self,
        uid: &str,
        request: UpdateRequest,
        ctx: Context,
    ) -> Result<Written<Arc<Lpa>>, GatewayError> {
        update::precheck(&request).map_err(GatewayError::Invalid)?;
        let work = Work::Update {
            author: ctx.author,
            request,
        };
        Ok(Written::Queued(self.enqueue(uid, work, ctx.now).await?))
    }

    /// Applies an update now: the engine's check runs inside the store's atomic step.
    pub(crate) async fn write_update(
        &self,
        uid: &str,
        request: &UpdateRequest,
        ctx: &Context,
    ) -> Result<Arc<Lpa>, StoreError> {
        self.write_update_as(uid, request, ctx, None).await
    }

    /// As [`Self::write_update`], with the change record's id given (a queued operation's id,
    /// so a replay can tell it was applied).
    pub(crate) async fn write_update_as(
        &self,
        uid: &str,
        request: &UpdateRequest,
        ctx: &Context,
        record_id: Option<&str>,
    ) -> Result<Arc<Lpa>, StoreError> {
        let record_id = record_id.map_or_else(|| Uuid::new_v4().to_string(), str::to_owned);
        let mut check = |lpa: &mut Lpa| {
            // A refused update may have changed `lpa` part way; the store never writes it.
            update::apply(request, lpa, ctx)?;
            let record = ChangeRecord {
                id: record_id.clone(),
                uid: uid.to_owned(),
                applied: Timestamp::now_seconds(),
                author: ctx.author.clone(),
                update_type: request.update_type.clone(),
                changes: request.changes.clone(),
            };
            let event = Event::lpa_updated(uid, &request.update_type, ctx.now);
            Ok((record, event))
        };
        let result = self.store.update(uid, &mut check).await;
        self.observe(&result);
        let lpa = Arc::new(result?);
        self.remember(Arc::clone(&lpa));
        Ok(lpa)
    }

    /// `GET /lpas/{uid}`.
    pub(crate) async fn get(&self, uid: &str) -> Result<(Arc<Lpa>, Freshness), GatewayError> {
        let result = self.store.get(uid).await;
        self.observe(&result);
        match result {
            Ok(lpa) => {
                let lpa = Arc::new(lpa);
                self.remember(Arc::clone(&lpa));
                Ok((lpa, Freshness::Current))
            }
            Err(StoreError::Unavailable(reason)) if self.queueing() => self
                .recall(uid)
                .map(|lpa| (lpa, Freshness::Stale))
                .ok_or_else(|| StoreError::Unavailable(reason).into()),
            Err(e) => Err(e.into()),
        }
    }

    /// `POST /lpas`.
    pub(crate) async fn get_many(
        &self,
        uids: &[String],
    ) -> Result<(Vec<Arc<Lpa>>, Freshness), GatewayError> {
        let result = self.store.get_many(uids).await;
        self.observe(&result);
        match result {
            Ok(lpas) => {
                let lpas: Vec<_> = lpas.into_iter().map(Arc::new).collect();
                lpas.iter().for_each(|lpa| self.remember(Arc::clone(lpa)));
                Ok((lpas, Freshness::Current))
            }
            Err(StoreError::Unavailable(_)) if self.queueing() => {
                let mut seen = std::collections::HashSet::new();
                let lpas = uids
                    .iter()
                    .filter(|uid| seen.insert(uid.as_str()))
                    .filter_map(|uid| self.recall(uid))
                    .collect();
                Ok((lpas, Freshness::Stale))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Asks the database (bounded) and reports the truth.
    pub(crate) async fn health(&self) -> HealthReport {
        let result = self.store.ping().await;
        self.observe(&result);
        let reason = match &result {
            Ok(()) => None,
            Err(e) => Some(e.to_string()),
        };
        HealthReport {
            database: if result.is_ok() { "up" } else { "down" },
            reason,
            on_db_offline: self.mode(),
            pending_operations: self.outbox.as_ref().map(Outbox::pending_count),
        }
    }
}
