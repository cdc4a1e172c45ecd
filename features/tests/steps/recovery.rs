//! Recovery after an outage: the writes accepted while the database was away are completed
//! after it returns, in the order they were accepted, and "nothing is lost" is checked by
//! counting and by comparing content — the operations, the change history and the LPA.

use std::time::Duration;

use contracts::{Change, Images, Update, UpdateType};
use cucumber::{then, when};
use serde_json::{Value, json};

use super::consumer::{Consumer, ask};
use crate::store::admin_get;
use crate::world::LpaStore;

/// The longest the outbox may take to drain once the database is back.
const DRAIN_BOUND: Duration = Duration::from_secs(30);

/// Appends to `problems` every place where `stored` differs from what was `sent`. Only what
/// was sent is compared, because the store adds to an LPA (its status, defaults); an empty
/// string sent and a field left out by the store are the same.
pub(crate) fn differences(sent: &Value, stored: &Value, path: &str, problems: &mut Vec<String>) {
    match (sent, stored) {
        (Value::Object(sent), Value::Object(stored)) => {
            for (key, value) in sent {
                let kept = stored.get(key).unwrap_or(&Value::Null);
                differences(value, kept, &format!("{path}/{key}"), problems);
            }
        }
        (Value::Array(sent), Value::Array(stored)) if sent.len() == stored.len() => {
            for (i, (value, kept)) in sent.iter().zip(stored).enumerate() {
                differences(value, kept, &format!("{path}/{i}"), problems);
            }
        }
        (Value::Null, _) => {}
        (Value::String(text), Value::Null) if text.is_empty() => {}
        _ if sent == stored => {}
        _ => problems.push(format!("{path}: sent {sent}, stored {stored}")),
    }
}

/// Waits, at most [`DRAIN_BOUND`], until the store has no write left to apply (at once in
/// fail-fast mode, which keeps none).
pub(crate) async fn wait_until_drained(world: &LpaStore) -> anyhow::Result<()> {
    let deadline = tokio::time::Instant::now() + DRAIN_BOUND;
    loop {
        let outbox = admin_get(&world.admin, world.store()?, "/__admin/outbox").await?;
        if outbox["pending"].as_array().is_some_and(Vec::is_empty) {
            return Ok(());
        }
        anyhow::ensure!(
            tokio::time::Instant::now() < deadline,
            "expected: every accepted write applied within {DRAIN_BOUND:?}\n  the store still holds: {outbox}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The store's record of the writes this scenario got accepted, in the store's order.
async fn our_operations(world: &LpaStore) -> anyhow::Result<Vec<Value>> {
    let all = admin_get(&world.admin, world.store()?, "/__admin/operations").await?;
    let ids: Vec<String> = world
        .queued
        .iter()
        .map(|q| q.operation_id.to_string())
        .collect();
    let mut ours: Vec<Value> = all["operations"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .filter(|o| {
            o["id"]
                .as_str()
                .is_some_and(|id| ids.iter().any(|i| i == id))
        })
        .collect();
    ours.sort_by_key(|o| o["sequence"].as_u64());
    Ok(ours)
}

#[when(expr = "{consumer} corrects the donor's last name from {string} to {string}")]
async fn corrects_from_to(
    world: &mut LpaStore,
    consumer: Consumer,
    old: String,
    new: String,
) -> anyhow::Result<()> {
    consumer.ensure_writes()?;
    let uid = world.uid()?;
    let update = Update::new(UpdateType::Correction).with_change(Change::new(
        "/donor/lastName",
        old.as_str(),
        new.as_str(),
    ));
    let what = format!("corrects the donor's last name from {old:?} to {new:?}");
    let _recorded = ask(world, consumer, &what, 201, move |client| {
        let (uid, update) = (uid.clone(), update.clone());
        async move { client.update(&uid, &update).await }
    })
    .await?;
    Ok(())
}

#[then(expr = "the store still holds {int} writes to apply")]
async fn still_holds(world: &mut LpaStore, count: usize) -> anyhow::Result<()> {
    let outbox = admin_get(&world.admin, world.store()?, "/__admin/outbox").await?;
    let pending = outbox["pending"].as_array().map_or(0, Vec::len);
    anyhow::ensure!(
        pending == count,
        "expected: {count} writes waiting to be applied\n  the store holds {pending}: {outbox}"
    );
    Ok(())
}

#[then("every write accepted during the outage is applied, in the order it was accepted")]
async fn every_write_applied(world: &mut LpaStore) -> anyhow::Result<()> {
    anyhow::ensure!(
        !world.queued.is_empty(),
        "no write was accepted for later in this scenario, so there is nothing to check"
    );
    wait_until_drained(world).await?;
    let ours = our_operations(world).await?;
    let order: Vec<String> = ours
        .iter()
        .filter_map(|o| o["id"].as_str().map(str::to_owned))
        .collect();
    let accepted: Vec<String> = world
        .queued
        .iter()
        .map(|q| q.operation_id.to_string())
        .collect();
    let all_applied = ours.iter().all(|o| o["state"] == json!("applied"));
    anyhow::ensure!(
        order == accepted && all_applied,
        "expected: the {} accepted writes, each applied, in the order accepted: {accepted:?}\n  the store's operations: {}",
        accepted.len(),
        Value::Array(ours)
    );
    Ok(())
}

#[then(expr = "the write is recorded as failed with {int} and {string} at {string}")]
async fn recorded_failed(
    world: &mut LpaStore,
    status: u16,
    detail: String,
    source: String,
) -> anyhow::Result<()> {
    wait_until_drained(world).await?;
    let ours = our_operations(world).await?;
    let last = ours
        .last()
        .ok_or_else(|| anyhow::anyhow!("no write was accepted for later in this scenario"))?;
    let expected_error = json!([{"source": source, "detail": detail}]);
    anyhow::ensure!(
        last["state"] == json!("failed")
            && last["status"] == json!(status)
            && last["error"]["errors"] == expected_error,
        "expected: failed with {status} and {expected_error}\n  the store recorded: {last}"
    );
    Ok(())
}

#[then("the change history holds every correction, in the order they were sent")]
async fn history_holds_every_correction(world: &mut LpaStore) -> anyhow::Result<()> {
    anyhow::ensure!(!world.renames.is_empty(), "no correction was sent");
    wait_until_drained(world).await?;
    let client = Consumer(testkit::Consumer::Sirius).client(world)?;
    let mut records = client.changes(&world.uid()?).await?;
    records.reverse();
    let applied: Vec<(Value, Value)> = records
        .iter()
        .filter(|r| r.kind == "CORRECTION")
        .filter_map(|r| r.changes.first())
        .map(|c| (c.old.clone(), c.new.clone()))
        .collect();
    let sent: Vec<(Value, Value)> = world
        .renames
        .iter()
        .map(|(old, new)| (json!(old), json!(new)))
        .collect();
    anyhow::ensure!(
        applied == sent,
        "expected: {} corrections, in order: {sent:?}\n  the change history holds {}: {applied:?}",
        sent.len(),
        applied.len()
    );
    Ok(())
}

#[then("the LPA shows the last correction")]
async fn shows_the_last_correction(world: &mut LpaStore) -> anyhow::Result<()> {
    let (_, last) = world
        .renames
        .last()
        .cloned()
        .ok_or_else(|| anyhow::anyhow!("no correction was sent"))?;
    let client = Consumer(testkit::Consumer::Sirius).client(world)?;
    let lpa = client.get(&world.uid()?, Images::AsStored).await?;
    let name = lpa.details.donor.map(|d| d.last_name).unwrap_or_default();
    anyhow::ensure!(
        name == last,
        "expected: the donor's last name {last:?}\n  the store holds {name:?}"
    );
    Ok(())
}

/// The store's recovery report (`GET /__admin/report`), its outages checked to be there.
async fn recovery_report(world: &LpaStore) -> anyhow::Result<Value> {
    let report = admin_get(&world.admin, world.store()?, "/__admin/report").await?;
    anyhow::ensure!(
        report["outages"]
            .as_array()
            .is_some_and(|all| !all.is_empty()),
        "the recovery report shows no outage: {report}"
    );
    Ok(report)
}

#[then(expr = "the recovery report shows recovery took less than {int} ms")]
async fn recovery_took_less_than(world: &mut LpaStore, within_ms: i64) -> anyhow::Result<()> {
    let report = recovery_report(world).await?;
    let last = report["outages"]
        .as_array()
        .and_then(|all| all.last())
        .cloned()
        .unwrap_or_default();
    let first_success = last["firstSuccessAfterMs"].as_i64();
    anyhow::ensure!(
        first_success.is_some_and(|ms| ms < within_ms),
        "expected the first success within {within_ms} ms of the database's return; the report \
         says {}:\n{last:#}",
        first_success.map_or_else(|| "no success yet".to_owned(), |ms| format!("{ms} ms"))
    );
    Ok(())
}

#[then("the recovery report shows no write was lost")]
async fn no_write_lost(world: &mut LpaStore) -> anyhow::Result<()> {
    let report = recovery_report(world).await?;
    for outage in report["outages"].as_array().into_iter().flatten() {
        let writes = &outage["writes"];
        anyhow::ensure!(
            writes["lost"] == 0 && writes["pending"] == 0,
            "writes accepted during an outage were lost or are still pending: {writes} in\n{outage:#}"
        );
    }
    Ok(())
}

#[then(expr = "the recovery report shows {int} writes accepted during the outage, all applied")]
async fn writes_all_applied(world: &mut LpaStore, count: u64) -> anyhow::Result<()> {
    // The outbox drains after the database returns: wait for it, within the drain bound.
    let deadline = tokio::time::Instant::now() + DRAIN_BOUND;
    loop {
        let report = recovery_report(world).await?;
        let last = report["outages"]
            .as_array()
            .and_then(|all| all.last())
            .cloned()
            .unwrap_or_default();
        let writes = &last["writes"];
        if writes["accepted"] == count && writes["applied"] == count {
            return Ok(());
        }
        anyhow::ensure!(
            tokio::time::Instant::now() < deadline && writes["pending"] != 0,
            "expected {count} writes accepted and {count} applied; the report says {writes}:\n{last:#}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
