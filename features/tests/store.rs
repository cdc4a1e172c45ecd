//! The LPA store under test in one scenario: a simulator on a Postgres container of its own,
//! either in this process or as a separate `lpa-sim` process that a step can kill.
//!
//! Every scenario gets its own container, because a step may pause or stop it; the cost is a
//! container start (about two seconds), paid concurrently across scenarios.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context as _;
use serde_json::Value;
use testkit::postgres::TestDatabase;
use testkit::process::SimProcess;
use testkit::{StoreChoice, TEST_DB_TIMEOUT, TestApp, spawn_app_on, spawn_queue_app};

/// What the store does with requests while its database is away (`--on-db-offline`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mode {
    /// `503` with `Retry-After`, within the bound.
    FailFast,
    /// Writes accepted with `202` and applied later; reads answered stale.
    Queue,
}

/// The most an answer may take: the simulator's database bound plus the round trip and
/// scheduling on a busy two-core machine.
pub(crate) fn answer_bound() -> Duration {
    TEST_DB_TIMEOUT + Duration::from_millis(1000)
}

/// The consumers' committed pacts, `contracts/pacts`.
pub(crate) fn committed_pacts() -> PathBuf {
    testkit::repository_root().join("contracts/pacts")
}

/// The running store.
#[derive(Debug)]
pub(crate) enum StoreUnderTest {
    /// A simulator in the runner's process (`testkit::spawn_app_on`, `spawn_queue_app`).
    InProcess(Box<TestApp>),
    /// `lpa-sim serve` as a child process, in queue mode, so it can be killed with SIGKILL.
    Process(Box<ProcessStore>),
    /// A store that was already running, at this address (a consumer under test's file may
    /// name one, e.g. in the compose recipe).
    External(String),
}

/// `lpa-sim serve` as a child process, with what it needs to start again after a kill.
#[derive(Debug)]
pub(crate) struct ProcessStore {
    process: Option<SimProcess>,
    database: TestDatabase,
    outbox: PathBuf,
    args: Vec<String>,
}

impl StoreUnderTest {
    /// A simulator in this process on a fresh Postgres container, in `mode`.
    pub(crate) async fn start(mode: Mode) -> Self {
        match mode {
            Mode::FailFast => Self::InProcess(Box::new(spawn_app_on(StoreChoice::Postgres).await)),
            Mode::Queue => Self::InProcess(Box::new(spawn_queue_app().await)),
        }
    }

    /// A simulator in this process on a fresh Postgres container, failing fast, holding each
    /// consumer to its pact in `contracts/pacts` as `mode` says.
    pub(crate) async fn start_scoped(mode: simulator::scope::ScopeMode) -> anyhow::Result<Self> {
        Self::start_with_contracts(&committed_pacts(), mode).await
    }

    /// As [`StoreUnderTest::start_scoped`], with the pacts in `dir`.
    pub(crate) async fn start_with_contracts(
        dir: &std::path::Path,
        mode: simulator::scope::ScopeMode,
    ) -> anyhow::Result<Self> {
        let contracts = simulator::scope::Contracts::read(dir)?;
        let app =
            testkit::spawn_postgres_app_with(|simulator| simulator.with_scopes(contracts, mode))
                .await;
        Ok(Self::InProcess(Box::new(app)))
    }

    /// `lpa-sim serve` in queue mode as a child process, on a fresh Postgres container.
    pub(crate) async fn start_process() -> anyhow::Result<Self> {
        let database = TestDatabase::start().await?;
        let outbox = std::env::temp_dir().join(format!("lpa-outbox-{}", uuid::Uuid::new_v4()));
        let args = [
            "--store",
            "postgres",
            "--database-url",
            &database.url,
            "--db-timeout-ms",
            &TEST_DB_TIMEOUT.as_millis().to_string(),
            "--on-db-offline",
            "queue",
            "--outbox",
            &outbox.to_string_lossy(),
        ]
        .map(str::to_owned)
        .to_vec();
        let mut store = ProcessStore {
            process: None,
            database,
            outbox,
            args,
        };
        store.start().await?;
        Ok(Self::Process(Box::new(store)))
    }

    /// `http://127.0.0.1:PORT` of the store's API.
    pub(crate) fn address(&self) -> anyhow::Result<&str> {
        match self {
            Self::InProcess(app) => Ok(&app.address),
            Self::External(address) => Ok(address),
            Self::Process(store) => store
                .process
                .as_ref()
                .map(|p| p.address.as_str())
                .context("the store's process was killed and not started again"),
        }
    }

    /// The store's Postgres, which outage steps pause, stop and start.
    pub(crate) fn database(&self) -> anyhow::Result<&TestDatabase> {
        match self {
            Self::InProcess(app) => app
                .database()
                .context("the store under test runs without Postgres"),
            Self::Process(store) => Ok(&store.database),
            Self::External(address) => anyhow::bail!(
                "the store at {address} was already running: this runner has no container of \
                 its to pause or stop; take its database away at the network instead (is cut \
                 off at the network, hangs at the network, flaps, becomes slow)"
            ),
        }
    }

    /// Kills the store's process with SIGKILL (nothing flushed, nothing finished) and starts
    /// it again with the same database and outbox.
    pub(crate) async fn kill_and_restart(&mut self) -> anyhow::Result<()> {
        let Self::Process(store) = self else {
            anyhow::bail!(
                "only a store started as its own process can be killed; start it with \
                 \"Given the LPA store runs as its own process and queues writes when its database is away\""
            );
        };
        let process = store.process.take().context("the process is not running")?;
        tokio::task::spawn_blocking(move || process.kill_hard())
            .await
            .context("Failed to wait for the kill")??;
        store.start().await
    }

    /// Stops the store and removes its container, off the runner's task: removing a container
    /// blocks, and the runner's scenarios share one task.
    pub(crate) async fn shut_down(self) {
        let outbox = match &self {
            Self::Process(store) => Some(store.outbox.clone()),
            Self::InProcess(_) | Self::External(_) => None,
        };
        tokio::task::spawn_blocking(move || drop(self)).await.ok();
        if let Some(dir) = outbox {
            std::fs::remove_dir_all(dir).ok();
        }
    }
}

impl ProcessStore {
    async fn start(&mut self) -> anyhow::Result<()> {
        let binary = PathBuf::from(env!("CARGO_BIN_EXE_features-lpa-sim"));
        let args = self.args.clone();
        let process = tokio::task::spawn_blocking(move || {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            SimProcess::start_binary(&binary, &args)
        })
        .await
        .context("Failed to wait for lpa-sim to start")??;
        self.process = Some(process);
        Ok(())
    }
}

/// The admin API's answer to `GET path`, as JSON.
pub(crate) async fn admin_get(
    http: &reqwest::Client,
    store: &StoreUnderTest,
    path: &str,
) -> anyhow::Result<Value> {
    let url = format!("{}{path}", store.address()?);
    let response = http
        .get(&url)
        .send()
        .await
        .with_context(|| format!("Failed to GET {url}"))?;
    response
        .json()
        .await
        .with_context(|| format!("GET {url} did not answer JSON"))
}

/// Sends `body` to the admin API with `method`, and insists on `expected`.
pub(crate) async fn admin_send(
    http: &reqwest::Client,
    store: &StoreUnderTest,
    method: reqwest::Method,
    path: &str,
    body: &Value,
    expected: u16,
) -> anyhow::Result<Value> {
    let url = format!("{}{path}", store.address()?);
    let response = http
        .request(method.clone(), &url)
        .json(body)
        .send()
        .await
        .with_context(|| format!("Failed to {method} {url}"))?;
    let status = response.status().as_u16();
    let text = response.text().await.unwrap_or_default();
    anyhow::ensure!(
        status == expected,
        "{method} {path} with {body}: expected {expected}, the admin API answered {status}: {text}"
    );
    Ok(serde_json::from_str(&text).unwrap_or(Value::Null))
}
