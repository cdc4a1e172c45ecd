//! The state of one scenario: the store under test, the LPA the scenario is about, what the
//! consumers were answered, and the outage in force. A fresh one for every scenario.

use std::time::Duration;

use anyhow::Context as _;
use serde_json::Value;

use crate::answer::Answer;
use crate::steps::outage::Outage;
use crate::store::StoreUnderTest;

/// A write the store accepted for later (`202`), followed until it is applied.
#[derive(Clone, Debug)]
pub(crate) struct QueuedWrite {
    /// The store's operation id.
    pub(crate) operation_id: uuid::Uuid,
}

/// One scenario's world.
#[derive(Debug, cucumber::World)]
#[world(init = Self::new)]
pub(crate) struct LpaStore {
    /// The store under test; `None` until a `Given` starts it.
    pub(crate) store: Option<StoreUnderTest>,
    /// A client for the admin API, never faulted.
    pub(crate) admin: reqwest::Client,
    /// The LPA the scenario is about.
    pub(crate) uid: Option<String>,
    /// Every LPA submitted in this scenario, with the body sent, in order.
    pub(crate) submitted: Vec<(String, Value)>,
    /// The LPA as last read successfully, to compare with stale reads.
    pub(crate) last_read: Option<Value>,
    /// The donor's last names the corrections set, in the order they were sent.
    pub(crate) renames: Vec<(String, String)>,
    /// Every answer consumers got, in order.
    pub(crate) answers: Vec<Answer>,
    /// Writes accepted for later, in the order the store accepted them.
    pub(crate) queued: Vec<QueuedWrite>,
    /// The database outage in force, to be ended by "the database comes back".
    pub(crate) outage: Option<Outage>,
    /// How many answers came before the last outage began.
    pub(crate) answers_before_outage: usize,
    /// How long each consumer's client waits for an answer.
    pub(crate) client_timeout: Duration,
    /// How many times a consumer tries a request (1: no retries).
    pub(crate) attempts: u32,
    /// When the last outage began and ended, by the runner's clock (the store's journal uses
    /// the same machine's).
    pub(crate) outage_began: Option<chrono::DateTime<chrono::Utc>>,
    pub(crate) outage_ended: Option<chrono::DateTime<chrono::Utc>>,
    /// The consumer under test, when the scenario drives one.
    pub(crate) under_test: Option<crate::steps::under_test::UnderTest>,
}

impl LpaStore {
    fn new() -> Self {
        Self {
            store: None,
            admin: reqwest::Client::builder()
                .timeout(Duration::from_secs(10))
                .build()
                .unwrap_or_default(),
            uid: None,
            submitted: Vec::new(),
            last_read: None,
            renames: Vec::new(),
            answers: Vec::new(),
            queued: Vec::new(),
            outage: None,
            answers_before_outage: 0,
            client_timeout: contracts::client::DEFAULT_TIMEOUT,
            attempts: 1,
            outage_began: None,
            outage_ended: None,
            under_test: None,
        }
    }

    /// The store under test, or a message saying which step starts it.
    pub(crate) fn store(&self) -> anyhow::Result<&StoreUnderTest> {
        self.store.as_ref().context(
            "no store is running: start with \"Given the LPA store runs on a Postgres database of its own\"",
        )
    }

    /// The LPA of the scenario.
    pub(crate) fn uid(&self) -> anyhow::Result<String> {
        self.uid
            .clone()
            .context("no LPA yet: add \"Given an LPA that Make and register an LPA submitted\"")
    }

    /// The last answer a consumer got.
    pub(crate) fn last_answer(&self) -> anyhow::Result<&Answer> {
        self.answers
            .last()
            .context("no consumer has asked the store anything yet")
    }

    /// The answers since the last outage began (all of them when there was none).
    pub(crate) fn answers_during_outage(&self) -> &[Answer] {
        &self.answers[self.answers_before_outage.min(self.answers.len())..]
    }

    /// Keeps `answer`, and tracks a write accepted for later.
    pub(crate) fn record(&mut self, answer: Answer) {
        if let Some(operation_id) = answer.operation_id {
            self.queued.push(QueuedWrite { operation_id });
        }
        self.answers.push(answer);
    }
}
