//! Data minimisation: the store holding each consumer to the scope of its pact, and what each
//! consumer was sent. These steps talk plain HTTP with the consumer's token, so that a `Then`
//! judges the answer exactly as it was sent, not as a typed client read it.

use std::collections::BTreeSet;
use std::time::Instant;

use anyhow::Context as _;
use cucumber::{given, then, when};
use serde_json::{Value, json};
use simulator::scope::{Contracts, Issuers, ScopeMode, leaf_paths};

use crate::answer::{Answer, ensure};
use crate::steps::consumer::Consumer;
use crate::steps::outage::ensure_no_store;
use crate::store::{StoreUnderTest, admin_get, committed_pacts};
use crate::world::LpaStore;

/// Fields the store sets on every LPA, whatever was submitted.
const SET_BY_THE_STORE: [&str; 3] = ["$.uid", "$.status", "$.updatedAt"];

#[given("the LPA store holds each consumer to its pact")]
async fn holds_to_pacts(world: &mut LpaStore) -> anyhow::Result<()> {
    ensure_no_store(world)?;
    world.store = Some(StoreUnderTest::start_scoped(ScopeMode::Enforce).await?);
    Ok(())
}

#[given("the LPA store reports what each consumer does outside its pact")]
async fn reports_outside_pacts(world: &mut LpaStore) -> anyhow::Result<()> {
    ensure_no_store(world)?;
    world.store = Some(StoreUnderTest::start_scoped(ScopeMode::Report).await?);
    Ok(())
}

/// The consumer's name in its pact: `use-an-lpa`.
fn pact_name(consumer: Consumer) -> anyhow::Result<String> {
    Issuers::default()
        .consumer_of(consumer.0.issuer())
        .map(str::to_owned)
        .with_context(|| format!("no pact consumer signs as {}", consumer.0.issuer()))
}

/// Sends `method path` as `consumer`, with its token, and records the answer as sent.
async fn send_as(
    world: &mut LpaStore,
    consumer: Consumer,
    what: &str,
    method: reqwest::Method,
    path: &str,
    body: Option<&Value>,
) -> anyhow::Result<()> {
    let url = format!("{}{path}", world.store()?.address()?);
    let token = consumer.credentials().token()?;
    let mut request = world
        .admin
        .request(method, &url)
        .header(contracts::client::JWT_HEADER, format!("Bearer {token}"));
    if let Some(body) = body {
        request = request.json(body);
    }
    let started = Instant::now();
    let answer =
        Answer::from_response(format!("{consumer} {what}"), request.send().await, started).await;
    world.record(answer);
    Ok(())
}

#[when(expr = "{consumer} fetches the LPA as plain JSON")]
async fn fetches_the_lpa(world: &mut LpaStore, consumer: Consumer) -> anyhow::Result<()> {
    let uid = world.uid()?;
    // Use an LPA always asks for presigned image URLs, as its service does.
    let query = if consumer.0 == testkit::Consumer::UseAnLpa {
        "?presign-images"
    } else {
        ""
    };
    let path = format!("/lpas/{uid}{query}");
    send_as(
        world,
        consumer,
        "fetches the LPA",
        reqwest::Method::GET,
        &path,
        None,
    )
    .await
}

#[when(expr = "{consumer} fetches the change history as plain JSON")]
async fn fetches_the_history(world: &mut LpaStore, consumer: Consumer) -> anyhow::Result<()> {
    let path = format!("/lpas/{}/updates", world.uid()?);
    let what = "fetches the change history";
    send_as(world, consumer, what, reqwest::Method::GET, &path, None).await
}

#[when(expr = "{consumer} tries to correct the donor's last name to {string}")]
async fn tries_to_correct(
    world: &mut LpaStore,
    consumer: Consumer,
    last_name: String,
) -> anyhow::Result<()> {
    let uid = world.uid()?;
    let old = submitted_last_name(world)?;
    let body = json!({
        "type": "CORRECTION",
        "changes": [{"key": "/donor/lastName", "old": old, "new": last_name}]
    });
    let what = format!("tries to correct the donor's last name to {last_name:?}");
    let path = format!("/lpas/{uid}/updates");
    send_as(
        world,
        consumer,
        &what,
        reqwest::Method::POST,
        &path,
        Some(&body),
    )
    .await
}

fn submitted_last_name(world: &LpaStore) -> anyhow::Result<String> {
    let (_, lpa) = world
        .submitted
        .last()
        .context("no LPA was submitted in this scenario")?;
    lpa["donor"]["lastName"]
        .as_str()
        .map(str::to_owned)
        .context("the submitted LPA has no donor last name")
}

/// The fields the consumer's pact relies on in the answer to `answer_key`.
fn relied_on(consumer: Consumer, answer_key: &str) -> anyhow::Result<BTreeSet<String>> {
    let contracts = Contracts::read(&committed_pacts())?;
    let name = pact_name(consumer)?;
    let scope = contracts
        .scope(&name)
        .with_context(|| format!("{name} has no pact in contracts/pacts"))?;
    let fields = scope
        .fields_of(answer_key)
        .with_context(|| format!("{name}'s pact has no successful {answer_key}"))?;
    Ok(fields.paths().into_iter().collect())
}

#[then(expr = "{consumer} was sent only the fields its pact relies on")]
async fn sent_only_relied_on(world: &mut LpaStore, consumer: Consumer) -> anyhow::Result<()> {
    let answer = world.last_answer()?;
    ensure(answer.status == Some(200), "a 200 with the LPA", answer)?;
    let relied_on = relied_on(consumer, "GET /lpas/{uid}")?;
    let sent = leaf_paths(&answer.body);
    let outside: Vec<&String> = sent.difference(&relied_on).collect();
    ensure(
        outside.is_empty(),
        &format!("no field outside its pact; it was also sent {outside:?}"),
        answer,
    )
}

#[then(expr = "{consumer} was sent every field of the LPA its pact relies on")]
async fn sent_every_relied_on(world: &mut LpaStore, consumer: Consumer) -> anyhow::Result<()> {
    let answer = world.last_answer()?;
    ensure(answer.status == Some(200), "a 200 with the LPA", answer)?;
    let (_, submitted) = world
        .submitted
        .last()
        .context("no LPA was submitted in this scenario")?;
    let mut held = leaf_paths(submitted);
    held.extend(SET_BY_THE_STORE.map(str::to_owned));
    let sent = leaf_paths(&answer.body);
    let withheld: Vec<String> = relied_on(consumer, "GET /lpas/{uid}")?
        .into_iter()
        .filter(|field| held.contains(field) && !sent.contains(field))
        .collect();
    ensure(
        withheld.is_empty(),
        &format!("every field its pact relies on; {withheld:?} were withheld"),
        answer,
    )
}

#[then(expr = "{consumer} was not sent the {word} part of the LPA")]
async fn not_sent_part(
    world: &mut LpaStore,
    consumer: Consumer,
    part: String,
) -> anyhow::Result<()> {
    let answer = world.last_answer()?;
    ensure(
        answer.status == Some(200) && answer.body.get(&part).is_none(),
        &format!("{consumer} sent the LPA without `{part}`"),
        answer,
    )
}

#[then(expr = "the store refused {consumer}'s call to {string}, naming both")]
async fn refused_naming(
    world: &mut LpaStore,
    consumer: Consumer,
    operation: String,
) -> anyhow::Result<()> {
    let answer = world.last_answer()?;
    let name = pact_name(consumer)?;
    let detail = answer.body["detail"].as_str().unwrap_or_default();
    ensure(
        answer.status == Some(403)
            && answer.body["code"] == "FORBIDDEN"
            && detail.contains(&name)
            && detail.contains(&operation),
        &format!("403 FORBIDDEN naming {name} and {operation}"),
        answer,
    )
}

#[then(expr = "{consumer} sees the donor's last name as submitted")]
async fn last_name_as_submitted(world: &mut LpaStore, consumer: Consumer) -> anyhow::Result<()> {
    let expected = submitted_last_name(world)?;
    fetches_the_lpa(world, consumer).await?;
    let answer = world.last_answer()?;
    ensure(
        answer.status == Some(200) && answer.body["donor"]["lastName"] == expected.as_str(),
        &format!("the LPA with the donor's last name {expected:?}"),
        answer,
    )
}

#[then(expr = "the scope report shows {consumer} called {string} outside its pact {int} time(s)")]
async fn report_shows(
    world: &mut LpaStore,
    consumer: Consumer,
    operation: String,
    count: u64,
) -> anyhow::Result<()> {
    let report = admin_get(&world.admin, world.store()?, "/__admin/scopes").await?;
    let name = pact_name(consumer)?;
    let entry = report["consumers"]
        .as_array()
        .and_then(|all| all.iter().find(|c| c["consumer"] == name.as_str()))
        .with_context(|| format!("{name} is not in the scope report: {report}"))?;
    let expected = json!({"operation": operation, "count": count});
    let calls = &entry["callsOutsideContract"];
    anyhow::ensure!(
        calls.as_array().is_some_and(|all| all.contains(&expected)),
        "expected {name}'s calls outside its pact to include {expected}; the report says {calls}"
    );
    Ok(())
}

#[then(expr = "the scope report shows {consumer} was sent fields its pact never relies on")]
async fn report_shows_fields(world: &mut LpaStore, consumer: Consumer) -> anyhow::Result<()> {
    let report = admin_get(&world.admin, world.store()?, "/__admin/scopes").await?;
    let name = pact_name(consumer)?;
    let fields = report["consumers"]
        .as_array()
        .and_then(|all| all.iter().find(|c| c["consumer"] == name.as_str()))
        .map(|c| c["fieldsOutsideContract"].clone())
        .with_context(|| format!("{name} is not in the scope report: {report}"))?;
    anyhow::ensure!(
        fields.as_array().is_some_and(|all| !all.is_empty()),
        "expected fields outside {name}'s pact in the report: {report}"
    );
    Ok(())
}
