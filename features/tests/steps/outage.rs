//! Starting the store, and taking its database away for real: the Postgres container is
//! paused (a hang) or stopped (refused connections) through the test kit, or the connection is
//! cut, held or slowed at the network by the simulator's database proxy
//! (`PUT /__admin/database`). No step tells the simulator to pretend.

use std::time::Duration;

use cucumber::{Parameter, given, when};
use serde_json::{Value, json};

use crate::store::{Mode, StoreUnderTest, admin_send};
use crate::world::LpaStore;

/// A way the database goes away, as named in the features.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Parameter)]
#[param(
    name = "outage",
    regex = "is paused|is stopped|is cut off at the network|hangs at the network|stays online"
)]
pub(crate) enum Outage {
    /// The container is paused: connections open, nothing answers (a hang).
    Paused,
    /// The container is stopped: connections are refused.
    Stopped,
    /// The proxy refuses connections and resets the open ones.
    CutOff,
    /// The proxy accepts connections and forwards nothing.
    Hung,
    /// The proxy delays every chunk.
    Slow,
    /// The proxy is offline and online in turn.
    Flapping,
    /// No outage: for outlines that also run with the database up.
    None,
}

impl std::str::FromStr for Outage {
    type Err = String;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        match name {
            "is paused" => Ok(Self::Paused),
            "is stopped" => Ok(Self::Stopped),
            "is cut off at the network" => Ok(Self::CutOff),
            "hangs at the network" => Ok(Self::Hung),
            "stays online" => Ok(Self::None),
            other => Err(format!("unknown outage {other:?}")),
        }
    }
}

/// How the store behaves while its database is away, as named in the features.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Parameter)]
#[param(name = "mode", regex = "fails fast|queues writes")]
pub(crate) struct ModeName(pub(crate) Mode);

impl std::str::FromStr for ModeName {
    type Err = String;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        match name {
            "fails fast" => Ok(Self(Mode::FailFast)),
            "queues writes" => Ok(Self(Mode::Queue)),
            other => Err(format!("unknown mode {other:?}")),
        }
    }
}

async fn set_proxy(world: &LpaStore, condition: Value) -> anyhow::Result<()> {
    admin_send(
        &world.admin,
        world.store()?,
        reqwest::Method::PUT,
        "/__admin/database",
        &condition,
        200,
    )
    .await
    .map(drop)
}

/// One store per scenario: a second would leave the scenario's LPA and answers behind.
pub(crate) fn ensure_no_store(world: &LpaStore) -> anyhow::Result<()> {
    anyhow::ensure!(
        world.store.is_none(),
        "a store already runs in this scenario (is one started in the Background too?)"
    );
    Ok(())
}

#[given("the LPA store runs on a Postgres database of its own")]
async fn runs_on_postgres(world: &mut LpaStore) -> anyhow::Result<()> {
    ensure_no_store(world)?;
    world.store = Some(StoreUnderTest::start(Mode::FailFast).await);
    Ok(())
}

#[given(expr = "the LPA store {mode} when its database is away")]
async fn runs_in_mode(world: &mut LpaStore, mode: ModeName) -> anyhow::Result<()> {
    ensure_no_store(world)?;
    world.store = Some(StoreUnderTest::start(mode.0).await);
    Ok(())
}

#[given("the LPA store runs as its own process and queues writes when its database is away")]
async fn runs_as_a_process(world: &mut LpaStore) -> anyhow::Result<()> {
    ensure_no_store(world)?;
    world.store = Some(StoreUnderTest::start_process().await?);
    Ok(())
}

#[given(expr = "the database {outage}")]
#[when(expr = "the database {outage}")]
async fn the_database_goes(world: &mut LpaStore, outage: Outage) -> anyhow::Result<()> {
    match outage {
        Outage::Paused => world.store()?.database()?.pause().await?,
        Outage::Stopped => world.store()?.database()?.stop().await?,
        Outage::CutOff => set_proxy(world, json!({"state": "offline"})).await?,
        Outage::Hung => set_proxy(world, json!({"state": "hung"})).await?,
        Outage::Slow | Outage::Flapping | Outage::None => {}
    }
    if outage != Outage::None {
        world.outage = Some(outage);
        world.answers_before_outage = world.answers.len();
        world.outage_began = Some(chrono::Utc::now());
    }
    Ok(())
}

#[when(expr = "the database becomes slow, each round trip {int} ms late")]
async fn the_database_slows(world: &mut LpaStore, latency_ms: u64) -> anyhow::Result<()> {
    set_proxy(world, json!({"state": "slow", "latency_ms": latency_ms})).await?;
    world.outage = Some(Outage::Slow);
    world.answers_before_outage = world.answers.len();
    world.outage_began = Some(chrono::Utc::now());
    Ok(())
}

#[when(expr = "the database flaps, down and up in turn for {int} ms each")]
async fn the_database_flaps(world: &mut LpaStore, period_ms: u64) -> anyhow::Result<()> {
    set_proxy(world, json!({"state": "flapping", "period_ms": period_ms})).await?;
    world.outage = Some(Outage::Flapping);
    world.answers_before_outage = world.answers.len();
    world.outage_began = Some(chrono::Utc::now());
    Ok(())
}

#[when("the database comes back")]
async fn the_database_comes_back(world: &mut LpaStore) -> anyhow::Result<()> {
    let outage = world
        .outage
        .take()
        .ok_or_else(|| anyhow::anyhow!("the database is not away: no outage step came before"))?;
    match outage {
        Outage::Paused => world.store()?.database()?.unpause().await?,
        Outage::Stopped => world.store()?.database()?.start_again().await?,
        Outage::CutOff | Outage::Hung | Outage::Slow | Outage::Flapping => {
            set_proxy(world, json!({"state": "online"})).await?;
        }
        Outage::None => {}
    }
    world.outage_ended = Some(chrono::Utc::now());
    Ok(())
}

#[when("the store's process is killed with SIGKILL and started again")]
async fn killed_and_restarted(world: &mut LpaStore) -> anyhow::Result<()> {
    let store = world
        .store
        .as_mut()
        .ok_or_else(|| anyhow::anyhow!("no store is running"))?;
    store.kill_and_restart().await
}

#[given(expr = "each consumer gives up on a request after {int} ms")]
async fn gives_up_after(world: &mut LpaStore, timeout_ms: u64) {
    world.client_timeout = Duration::from_millis(timeout_ms);
}

#[given(expr = "each consumer tries a request up to {int} times, waiting as Retry-After says")]
async fn retries(world: &mut LpaStore, attempts: u32) {
    world.attempts = attempts;
}
