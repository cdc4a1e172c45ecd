//! Where LPAs live: one interface, [`Store`], so handlers never know which storage is behind it.
//!
//! The interface is shaped by the real store's consistency needs rather than by tables: a create
//! writes the LPA, its static (as-created) copy, its images and its `CREATE` event together; an
//! update is a read-check-write of one LPA plus its change-log row and event, done atomically so
//! that two concurrent updates cannot both pass the optimistic-concurrency check on `old`.

pub(crate) mod deadline;
mod memory;
mod postgres;

use std::fmt;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::model::Change;
use crate::model::FieldError;
use crate::model::{Lpa, Timestamp};

pub use memory::MemoryStore;
pub use postgres::PostgresStore;

/// A row of the change log served by `GET /lpas/{uid}/updates`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChangeRecord {
    /// Random UUID of the record.
    pub id: String,
    /// The LPA's UID.
    pub uid: String,
    /// When it was applied, to the second, UTC.
    pub applied: Timestamp,
    /// The JWT subject of the caller.
    pub author: String,
    /// The update type, as sent.
    #[serde(rename = "type")]
    pub update_type: String,
    /// The changes, as sent.
    pub changes: Vec<Change>,
}

/// What the real store would publish on its event bus after a write.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Event {
    /// Position in the log, from 1, increasing.
    pub sequence: u64,
    /// Always `opg.poas.lpastore`.
    pub source: String,
    /// Always `lpa-updated`.
    pub detail_type: String,
    /// `{uid, changeType}`.
    pub detail: EventDetail,
    /// When it was published.
    pub time: Timestamp,
}

/// The detail of an `lpa-updated` event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventDetail {
    /// The LPA's UID.
    pub uid: String,
    /// `CREATE` or the update type.
    pub change_type: String,
}

impl Event {
    /// An `lpa-updated` event for `uid`; the store assigns the sequence.
    pub fn lpa_updated(uid: &str, change_type: &str, time: Timestamp) -> Self {
        Self {
            sequence: 0,
            source: "opg.poas.lpastore".to_owned(),
            detail_type: "lpa-updated".to_owned(),
            detail: EventDetail {
                uid: uid.to_owned(),
                change_type: change_type.to_owned(),
            },
            time,
        }
    }
}

/// A scanned image kept beside the LPA, addressed by its object path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageObject {
    /// Object path, `<uid>/scans/<prefix>_<i>_<filename>`.
    pub path: String,
    /// The bytes.
    pub bytes: Vec<u8>,
}

/// A new LPA with everything written with it.
#[derive(Clone, Debug)]
pub struct NewLpa {
    /// The LPA as stored (also its static copy).
    pub lpa: Lpa,
    /// Its scanned images.
    pub images: Vec<ImageObject>,
    /// Its `CREATE` event.
    pub event: Event,
}

/// The outcome of an update's check against the current LPA: the change-log row and event to
/// write with the new LPA, or the field errors that refuse it.
pub type UpdateOutcome = Result<(ChangeRecord, Event), Vec<FieldError>>;

/// Checks and applies an update to the current LPA, in place.
pub type UpdateFn<'a> = dyn FnMut(&mut Lpa) -> UpdateOutcome + Send + 'a;

/// Why a store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// No LPA has that UID.
    #[error("no LPA with UID {0}")]
    NotFound(String),
    /// An LPA with that UID is already stored.
    #[error("an LPA with UID {0} already exists")]
    AlreadyExists(String),
    /// The update was refused by its checks.
    #[error("update refused")]
    Rejected(Vec<FieldError>),
    /// The storage cannot answer now (offline, hung past the bound).
    #[error("storage unavailable: {0}")]
    Unavailable(String),
    /// Anything else; a bug or a corrupt record.
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

/// Storage of LPAs, their static copies, images, change log and event log.
#[async_trait]
pub trait Store: Send + Sync + fmt::Debug {
    /// Stores a new LPA; [`StoreError::AlreadyExists`] when the UID is taken.
    async fn create(&self, new: NewLpa) -> Result<(), StoreError>;

    /// The current LPA.
    async fn get(&self, uid: &str) -> Result<Lpa, StoreError>;

    /// The LPAs among `uids` that exist, in no promised order; unknown UIDs are left out.
    async fn get_many(&self, uids: &[String]) -> Result<Vec<Lpa>, StoreError>;

    /// The LPA as it was first stored.
    async fn get_static(&self, uid: &str) -> Result<Lpa, StoreError>;

    /// Runs `check` on the current LPA and, when it passes, writes the changed LPA, the change
    /// record and the event as one atomic step. Returns the updated LPA. `check` may have
    /// changed the LPA part way when it refuses: a refused LPA is never written.
    async fn update(&self, uid: &str, check: &mut UpdateFn<'_>) -> Result<Lpa, StoreError>;

    /// The change log of one LPA, most recent first.
    async fn changes(&self, uid: &str) -> Result<Vec<ChangeRecord>, StoreError>;

    /// Whether the change log of `uid` holds a record with id `id`: how the outbox's replay
    /// tells that an operation was applied before a crash. By default read from
    /// [`Store::changes`]; a store that can look one record up directly should.
    async fn has_change(&self, uid: &str, id: &str) -> Result<bool, StoreError> {
        match self.changes(uid).await {
            Ok(records) => Ok(records.iter().any(|record| record.id == id)),
            Err(StoreError::NotFound(_)) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Events with a sequence above `after`, oldest first.
    async fn events(&self, after: u64) -> Result<Vec<Event>, StoreError>;

    /// An image's bytes by object path.
    async fn image(&self, path: &str) -> Result<Vec<u8>, StoreError>;

    /// Checks that the storage answers now (bounded like every other call).
    async fn ping(&self) -> Result<(), StoreError>;

    /// Forgets an LPA: it, its static copy, its images and its change log, so a provider
    /// state can set it up afresh. Its events stay: the event log is history. Returns whether
    /// there was one.
    async fn remove(&self, uid: &str) -> Result<bool, StoreError>;
}
