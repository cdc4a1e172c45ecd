//! Queue mode's durable outbox: writes accepted while the database is away, kept on disk until
//! they are applied or have failed, so no accepted write is ever dropped.
//!
//! Design constraints:
//! - **Durable before acknowledged.** An operation is appended and fsynced before the caller
//!   gets its 202, so a crash (even `kill -9`) after the 202 cannot lose it.
//! - **In order, for each LPA.** An LPA's operations are replayed one at a time, in the order
//!   they were accepted; a new write for an LPA with pending operations is queued behind them
//!   even when the database is back. Different LPAs' operations are independent (no write
//!   reads another LPA), so the replayer applies several LPAs' at once ([`Outbox::claim_next`]),
//!   oldest first: one at a time, replay was held to one database round trip after another.
//! - **Every outcome recorded.** A replayed operation that the store refuses (a stale `old`, an
//!   unknown UID, a UID created twice) is recorded as failed with the same status and error
//!   body the caller would have had, never dropped. A refusal is fsynced before the next
//!   operation starts; an operation applied is written without waiting for the disk, because
//!   after a crash replay finds it applied again in the store (its change record or its static
//!   copy) rather than from the outbox, and waiting for each one capped replay at the disk's
//!   sync rate.

mod log;

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::{Arc, Mutex};

use base64::Engine;
use serde::{Deserialize, Serialize};
use tokio::sync::Notify;

use log::JsonLines;
pub use log::OutboxError;

use crate::model::Problem;
use crate::model::UpdateRequest;
use crate::model::{Lpa, Timestamp};
use crate::store::{Event, ImageObject, NewLpa};

/// The work an operation does once the database is back.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Work {
    /// Store a new, already validated LPA.
    Create {
        /// The LPA as it will be stored (boxed: it dwarfs an update).
        lpa: Box<Lpa>,
        /// Its scanned images.
        images: Vec<QueuedImage>,
        /// Its `CREATE` event.
        event: Event,
    },
    /// Apply an update.
    Update {
        /// The JWT subject of the caller.
        author: String,
        /// The update as sent.
        request: UpdateRequest,
    },
}

/// An image's bytes in the outbox (base64, so the log stays JSON lines).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct QueuedImage {
    /// Object path.
    pub path: String,
    /// Base64 bytes.
    pub data: String,
}

impl Work {
    /// The work of creating `new`.
    pub fn create(new: &NewLpa) -> Self {
        Self::Create {
            lpa: Box::new(new.lpa.clone()),
            images: new
                .images
                .iter()
                .map(|i| QueuedImage {
                    path: i.path.clone(),
                    data: base64::engine::general_purpose::STANDARD.encode(&i.bytes),
                })
                .collect(),
            event: new.event.clone(),
        }
    }

    /// Back to the store's input, for a create.
    pub(crate) fn to_new_lpa(lpa: &Lpa, images: &[QueuedImage], event: &Event) -> NewLpa {
        NewLpa {
            lpa: lpa.clone(),
            images: images
                .iter()
                .map(|i| ImageObject {
                    path: i.path.clone(),
                    bytes: base64::engine::general_purpose::STANDARD
                        .decode(&i.data)
                        .unwrap_or_default(),
                })
                .collect(),
            event: event.clone(),
        }
    }

    fn label(&self) -> String {
        match self {
            Self::Create { .. } => "CREATE".to_owned(),
            Self::Update { request, .. } => request.update_type.clone(),
        }
    }
}

/// An operation as accepted.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Accepted {
    /// Operation id (a UUID), given to the caller with the 202.
    pub id: String,
    /// Position in the outbox, from 1.
    pub sequence: u64,
    /// The LPA it writes.
    pub uid: String,
    /// When it was accepted; also the time the write takes effect at.
    pub accepted_at: Timestamp,
    /// What it does.
    pub work: Work,
}

/// What became of an operation.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Outcome {
    /// The operation.
    pub id: String,
    /// Applied or failed.
    pub state: OperationState,
    /// When.
    pub completed_at: Timestamp,
    /// The status the caller would have had.
    pub status: u16,
    /// The error body the caller would have had, for a failure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<Problem>,
}

/// The state of an operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum OperationState {
    /// Waiting for the database.
    Queued,
    /// Written to the database.
    Applied,
    /// Refused by the store; see the error.
    Failed,
}

/// An operation and its state, as the admin API shows it.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Operation {
    /// Operation id.
    pub id: String,
    /// Position in the outbox.
    pub sequence: u64,
    /// The LPA it writes.
    pub uid: String,
    /// `CREATE` or the update type.
    pub kind: String,
    /// Queued, applied or failed.
    pub state: OperationState,
    /// When it was accepted.
    pub accepted_at: Timestamp,
    /// When it was applied or failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub completed_at: Option<Timestamp>,
    /// The status the caller would have had.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// The error body the caller would have had.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<Problem>,
}

#[derive(Debug)]
struct State {
    accepted_log: JsonLines,
    outcomes_log: JsonLines,
    accepted: Vec<Accepted>,
    outcomes: HashMap<String, Outcome>,
    /// How many operations each LPA has pending (LPAs with none are absent).
    pending_by_uid: HashMap<String, usize>,
    /// Every operation before this index has an outcome: where a search for pending ones
    /// starts, so that finding the next is not a walk over the whole history.
    first_pending: usize,
    /// The LPAs whose oldest pending operation a replayer is applying now.
    claimed: HashSet<String>,
}

impl State {
    fn new(
        accepted_log: JsonLines,
        outcomes_log: JsonLines,
        accepted: Vec<Accepted>,
        outcomes: HashMap<String, Outcome>,
    ) -> Self {
        let mut pending_by_uid: HashMap<String, usize> = HashMap::new();
        for operation in accepted.iter().filter(|a| !outcomes.contains_key(&a.id)) {
            *pending_by_uid.entry(operation.uid.clone()).or_default() += 1;
        }
        let mut state = Self {
            accepted_log,
            outcomes_log,
            accepted,
            outcomes,
            pending_by_uid,
            first_pending: 0,
            claimed: HashSet::new(),
        };
        state.skip_completed();
        state
    }

    fn is_pending(&self, operation: &Accepted) -> bool {
        !self.outcomes.contains_key(&operation.id)
    }

    fn skip_completed(&mut self) {
        while self
            .accepted
            .get(self.first_pending)
            .is_some_and(|a| self.outcomes.contains_key(&a.id))
        {
            self.first_pending += 1;
        }
    }

    fn pending(&self) -> impl Iterator<Item = &Accepted> {
        self.accepted[self.first_pending..]
            .iter()
            .filter(|a| self.is_pending(a))
    }

    /// Notes `outcome`, counting its operation as no longer pending.
    fn complete(&mut self, outcome: Outcome) {
        let uid = self
            .accepted
            .iter()
            .skip(self.first_pending)
            .find(|a| a.id == outcome.id)
            .map(|a| a.uid.clone());
        let newly = self.outcomes.insert(outcome.id.clone(), outcome).is_none();
        if newly
            && let Some(uid) = uid
            && let Some(count) = self.pending_by_uid.get_mut(&uid)
        {
            *count -= 1;
            if *count == 0 {
                self.pending_by_uid.remove(&uid);
            }
        }
        self.skip_completed();
    }
}

/// The outbox; cheap to clone, shared by the handlers and the replayer.
#[derive(Clone, Debug)]
pub struct Outbox {
    state: Arc<Mutex<State>>,
    wake: Arc<Notify>,
}

impl Outbox {
    /// Opens the outbox in `dir`, creating it, and reads back what an earlier run left.
    pub fn open(dir: &Path) -> Result<Self, OutboxError> {
        let accepted_log = JsonLines::open(dir, "accepted.jsonl")?;
        let outcomes_log = JsonLines::open(dir, "outcomes.jsonl")?;
        let accepted: Vec<Accepted> = accepted_log.read_all()?;
        let outcomes = outcomes_log
            .read_all::<Outcome>()?
            .into_iter()
            .map(|o| (o.id.clone(), o))
            .collect();
        Ok(Self {
            state: Arc::new(Mutex::new(State::new(
                accepted_log,
                outcomes_log,
                accepted,
                outcomes,
            ))),
            wake: Arc::new(Notify::new()),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave a half-written record in memory: every
        // change is pushed only after its line is on disk.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Accepts `work` for `uid`: on disk before it returns.
    pub async fn accept(
        &self,
        uid: &str,
        work: Work,
        now: Timestamp,
    ) -> Result<Accepted, OutboxError> {
        let outbox = self.clone();
        let uid = uid.to_owned();
        let accepted = tokio::task::spawn_blocking(move || {
            let mut state = outbox.lock();
            let record = Accepted {
                id: uuid::Uuid::new_v4().to_string(),
                sequence: state.accepted.len() as u64 + 1,
                uid,
                accepted_at: now,
                work,
            };
            state.accepted_log.append(&record)?;
            *state.pending_by_uid.entry(record.uid.clone()).or_default() += 1;
            state.accepted.push(record.clone());
            Ok::<_, OutboxError>(record)
        })
        .await
        .expect("the outbox append does not panic")?;
        self.wake.notify_one();
        Ok(accepted)
    }

    /// Records what became of operation `id`: a failure on disk before it returns, an
    /// operation applied written without waiting for the disk (see the module docs).
    pub async fn record(&self, outcome: Outcome) -> Result<(), OutboxError> {
        if outcome.state == OperationState::Applied {
            let mut state = self.lock();
            state.outcomes_log.append_unsynced(&outcome)?;
            state.complete(outcome);
            return Ok(());
        }
        let outbox = self.clone();
        tokio::task::spawn_blocking(move || {
            let mut state = outbox.lock();
            state.outcomes_log.append(&outcome)?;
            state.complete(outcome);
            Ok(())
        })
        .await
        .expect("the outbox append does not panic")
    }

    /// The oldest pending operation that is its LPA's oldest and whose LPA no one else has
    /// claimed, claimed for the caller until [`Self::release`]: so each LPA's operations are
    /// applied one at a time and in order, while several LPAs' are applied at once.
    pub fn claim_next(&self) -> Option<Accepted> {
        let mut state = self.lock();
        let operation = {
            let lpas = state.pending_by_uid.len();
            let mut passed: HashSet<&str> = HashSet::new();
            let mut found = None;
            // Oldest first, so the first operation met of an unclaimed LPA is its oldest; the
            // LPAs met are counted only to stop once every LPA with work has been met claimed.
            for operation in state.pending() {
                if !passed.insert(operation.uid.as_str()) {
                    continue;
                }
                if !state.claimed.contains(&operation.uid) {
                    found = Some(operation.clone());
                    break;
                }
                if passed.len() == lpas {
                    break;
                }
            }
            found?
        };
        state.claimed.insert(operation.uid.clone());
        Some(operation)
    }

    /// Gives up the claim on `uid`'s operations, after recording its outcome or leaving it
    /// pending for a later try.
    pub fn release(&self, uid: &str) {
        let mut state = self.lock();
        state.claimed.remove(uid);
        if state.pending_by_uid.contains_key(uid) {
            // Its next operation can go: a replayer waiting for work may take it.
            self.wake.notify_one();
        }
    }

    /// How many operations are pending.
    pub fn pending_count(&self) -> usize {
        self.lock().pending_by_uid.values().sum()
    }

    /// True when `uid` has operations waiting, so a new write must queue behind them.
    pub fn has_pending_for(&self, uid: &str) -> bool {
        self.lock().pending_by_uid.contains_key(uid)
    }

    /// Every operation with its state, oldest first.
    pub fn operations(&self) -> Vec<Operation> {
        let state = self.lock();
        state
            .accepted
            .iter()
            .map(|a| view(a, state.outcomes.get(&a.id)))
            .collect()
    }

    /// One operation by id.
    pub fn operation(&self, id: &str) -> Option<Operation> {
        let state = self.lock();
        state
            .accepted
            .iter()
            .find(|a| a.id == id)
            .map(|a| view(a, state.outcomes.get(&a.id)))
    }

    /// Waits until an operation is accepted (or `bound` passes).
    pub async fn wait_for_work(&self, bound: std::time::Duration) {
        tokio::time::timeout(bound, self.wake.notified()).await.ok();
    }
}

fn view(accepted: &Accepted, outcome: Option<&Outcome>) -> Operation {
    Operation {
        id: accepted.id.clone(),
        sequence: accepted.sequence,
        uid: accepted.uid.clone(),
        kind: accepted.work.label(),
        state: outcome.map_or(OperationState::Queued, |o| o.state),
        accepted_at: accepted.accepted_at,
        completed_at: outcome.map(|o| o.completed_at),
        status: outcome.map(|o| o.status),
        error: outcome.and_then(|o| o.error.clone()),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn update_work(new: &str) -> Work {
        Work::Update {
            author: "urn:opg:sirius:users:1".into(),
            request: serde_json::from_value(json!({
                "type": "CORRECTION",
                "changes": [{"key": "/donor/lastName", "old": "Zoller", "new": new}]
            }))
            .unwrap(),
        }
    }

    #[tokio::test]
    async fn accepted_operations_survive_reopening_and_stay_pending_until_recorded() {
        let dir = std::env::temp_dir().join(format!("outbox-{}", uuid::Uuid::new_v4()));
        let outbox = Outbox::open(&dir).unwrap();
        let first = outbox
            .accept("M-1", update_work("A"), Timestamp::now())
            .await
            .unwrap();
        outbox
            .accept("M-2", update_work("B"), Timestamp::now())
            .await
            .unwrap();
        drop(outbox);

        let reopened = Outbox::open(&dir).unwrap();
        assert_eq!(reopened.pending_count(), 2);
        assert_eq!(reopened.claim_next().unwrap().id, first.id);
        reopened.release("M-1");
        assert!(reopened.has_pending_for("M-1"));
        reopened
            .record(Outcome {
                id: first.id.clone(),
                state: OperationState::Applied,
                completed_at: Timestamp::now(),
                status: 201,
                error: None,
            })
            .await
            .unwrap();
        drop(reopened);

        let again = Outbox::open(&dir).unwrap();
        assert_eq!(again.pending_count(), 1);
        assert!(!again.has_pending_for("M-1"));
        assert_eq!(
            again.operation(&first.id).unwrap().state,
            OperationState::Applied
        );
        std::fs::remove_dir_all(dir).ok();
    }

    fn applied(id: &str) -> Outcome {
        Outcome {
            id: id.to_owned(),
            state: OperationState::Applied,
            completed_at: Timestamp::now(),
            status: 201,
            error: None,
        }
    }

    #[tokio::test]
    async fn each_lpa_is_claimed_by_one_replayer_at_a_time_and_its_operations_go_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let outbox = Outbox::open(dir.path()).unwrap();
        let mut accepted = Vec::new();
        for (uid, name) in [("M-A", "A1"), ("M-B", "B1"), ("M-A", "A2"), ("M-C", "C1")] {
            let operation = outbox
                .accept(uid, update_work(name), Timestamp::now())
                .await
                .unwrap();
            accepted.push(operation.id);
        }
        let claim = || outbox.claim_next().map(|operation| operation.id);

        // Oldest first, one operation per LPA: A2 waits behind A1.
        assert_eq!(claim(), Some(accepted[0].clone()));
        assert_eq!(claim(), Some(accepted[1].clone()));
        assert_eq!(claim(), Some(accepted[3].clone()));
        assert_eq!(claim(), None);

        // Released without an outcome (the database was away): A1 is tried again, not A2.
        outbox.release("M-A");
        assert_eq!(claim(), Some(accepted[0].clone()));

        // Once A1 has its outcome, A2 is next.
        outbox.record(applied(&accepted[0])).await.unwrap();
        outbox.release("M-A");
        assert_eq!(claim(), Some(accepted[2].clone()));
        assert_eq!(outbox.pending_count(), 3);
        assert!(outbox.has_pending_for("M-A"));

        outbox.record(applied(&accepted[2])).await.unwrap();
        outbox.release("M-A");
        assert!(!outbox.has_pending_for("M-A"));
        assert_eq!(claim(), None, "B1 and C1 are still claimed");
        assert_eq!(outbox.pending_count(), 2);
    }

    #[tokio::test]
    async fn a_torn_last_line_is_skipped() {
        let dir = std::env::temp_dir().join(format!("outbox-{}", uuid::Uuid::new_v4()));
        let outbox = Outbox::open(&dir).unwrap();
        outbox
            .accept("M-1", update_work("A"), Timestamp::now())
            .await
            .unwrap();
        drop(outbox);
        use std::io::Write;
        let mut file = std::fs::OpenOptions::new()
            .append(true)
            .open(dir.join("accepted.jsonl"))
            .unwrap();
        file.write_all(b"{\"id\": \"half").unwrap();

        let reopened = Outbox::open(&dir).unwrap();
        assert_eq!(reopened.pending_count(), 1);
        reopened
            .accept("M-2", update_work("B"), Timestamp::now())
            .await
            .unwrap();
        drop(reopened);
        assert_eq!(
            Outbox::open(&dir).unwrap().pending_count(),
            2,
            "the next record is kept"
        );
        std::fs::remove_dir_all(dir).ok();
    }
}
