//! HTTP faults on the store's own API, installed over the admin API (`/__admin/faults`, see
//! `docs/faults.md`) and aimed at one consumer by its JWT issuer: latency, error statuses,
//! connection resets and hangs, for the consumer's retries and timeouts to meet.

use cucumber::given;
use serde_json::{Value, json};

use super::consumer::Consumer;
use crate::store::admin_send;
use crate::world::LpaStore;

/// The longest a `hang` fault holds a request: past every client timeout in the features.
const HANG_MS: u64 = 10_000;

async fn add_fault(world: &LpaStore, consumer: Consumer, fault: Value) -> anyhow::Result<()> {
    add_fault_for(world, consumer.0.issuer(), fault).await
}

/// Installs `fault` over the admin API, aimed at the consumer signing as `issuer`.
pub(crate) async fn add_fault_for(
    world: &LpaStore,
    issuer: &str,
    mut fault: Value,
) -> anyhow::Result<()> {
    fault["selector"] = json!({"issuer": issuer});
    admin_send(
        &world.admin,
        world.store()?,
        reqwest::Method::POST,
        "/__admin/faults",
        &fault,
        201,
    )
    .await
    .map(drop)
}

#[given(expr = "the store's API answers {int} to the next {int} requests from {consumer}")]
async fn answers_status(
    world: &mut LpaStore,
    status: u16,
    count: u32,
    consumer: Consumer,
) -> anyhow::Result<()> {
    let fault = json!({"kind": "status", "status": status, "count": count});
    add_fault(world, consumer, fault).await
}

#[given(expr = "the store's API answers {consumer} {int} ms late")]
async fn answers_late(
    world: &mut LpaStore,
    consumer: Consumer,
    latency_ms: u64,
) -> anyhow::Result<()> {
    let fault = json!({"kind": "latency", "latency_ms": latency_ms});
    add_fault(world, consumer, fault).await
}

#[given(
    expr = "the store's API resets the next connection from {consumer} before the store sees the request"
)]
async fn resets_before(world: &mut LpaStore, consumer: Consumer) -> anyhow::Result<()> {
    let fault = json!({"kind": "reset", "phase": "request", "count": 1});
    add_fault(world, consumer, fault).await
}

#[given(
    expr = "the store's API resets the next connection from {consumer} after the store has done the work"
)]
async fn resets_after(world: &mut LpaStore, consumer: Consumer) -> anyhow::Result<()> {
    let fault = json!({"kind": "reset", "phase": "response", "count": 1});
    add_fault(world, consumer, fault).await
}

#[given(expr = "the store's API hangs on every request from {consumer}")]
async fn hangs(world: &mut LpaStore, consumer: Consumer) -> anyhow::Result<()> {
    let fault = json!({"kind": "hang", "max_ms": HANG_MS});
    add_fault(world, consumer, fault).await
}
