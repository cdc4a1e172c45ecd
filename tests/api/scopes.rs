//! Data minimisation: a simulator started with the consumers' pacts holds each consumer to
//! the scope its pact gives it, reporting (`--scopes report`) or refusing and trimming
//! (`--scopes enforce`).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use reqwest::Method;
use serde_json::{Value, json};
use simulator::Simulator;
use simulator::scope::{Contracts, ScopeMode, leaf_paths};
use testkit::{Consumer, TestApp, expect_json, repository_root, spawn};

const UID: &str = "M-0000-1111-2222";

fn committed_pacts() -> PathBuf {
    repository_root().join("contracts/pacts")
}

fn contracts(dir: &Path) -> Contracts {
    Contracts::read(dir).expect("the pacts are read")
}

async fn scoped(mode: ScopeMode) -> TestApp {
    let (store, switch) = simulator::outage::memory(testkit::TEST_DB_TIMEOUT);
    spawn(
        Simulator::new(store)
            .with_outage_switch(switch)
            .with_scopes(contracts(&committed_pacts()), mode),
    )
    .await
}

async fn given_registered_lpa(app: &TestApp) {
    let response = app
        .client
        .post(app.url("/__pact/provider-states"))
        .json(&json!({"state": "A registered LPA with UID {uid} exists", "params": {"uid": UID}}))
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success(), "{response:?}");
}

async fn read_as(app: &TestApp, consumer: Consumer, path: &str) -> Value {
    expect_json(app.send(consumer, Method::GET, path, None).await, 200).await
}

async fn report(app: &TestApp) -> Value {
    let response = app
        .client
        .get(app.url("/__admin/scopes"))
        .send()
        .await
        .unwrap();
    expect_json(response, 200).await
}

fn consumer<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["consumers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["consumer"] == name)
        .unwrap_or_else(|| panic!("{name} is not in the report: {report}"))
}

#[tokio::test]
async fn enforcing_use_an_lpa_reads_only_the_fields_its_contract_relies_on() {
    // Arrange
    let app = scoped(ScopeMode::Enforce).await;
    given_registered_lpa(&app).await;
    let relied_on: BTreeSet<String> = contracts(&committed_pacts())
        .scope("use-an-lpa")
        .unwrap()
        .fields_of("GET /lpas/{uid}")
        .unwrap()
        .paths()
        .into_iter()
        .collect();

    // Act
    let lpa = read_as(
        &app,
        Consumer::UseAnLpa,
        &format!("/lpas/{UID}?presign-images"),
    )
    .await;

    // Assert
    let received = leaf_paths(&lpa);
    let extra: Vec<&String> = received.difference(&relied_on).collect();
    assert!(extra.is_empty(), "fields outside the contract: {extra:?}");
    assert!(received.contains("$.donor.firstNames"), "{lpa}");
    assert!(lpa.get("certificateProvider").is_none(), "{lpa}");
}

#[tokio::test]
async fn reporting_nothing_is_trimmed_and_enforcing_sends_fewer_fields() {
    let reporting = scoped(ScopeMode::Report).await;
    let enforcing = scoped(ScopeMode::Enforce).await;
    given_registered_lpa(&reporting).await;
    given_registered_lpa(&enforcing).await;
    let path = format!("/lpas/{UID}");

    for consumer in [Consumer::MakeRegister, Consumer::UseAnLpa, Consumer::Sirius] {
        let full = read_as(&reporting, consumer, &path).await;
        let trimmed = read_as(&enforcing, consumer, &path).await;

        let (all, kept) = (leaf_paths(&full), leaf_paths(&trimmed));
        assert!(kept.is_subset(&all), "{consumer:?}");
        assert!(
            kept.len() < all.len(),
            "{consumer:?}: {} of {}",
            kept.len(),
            all.len()
        );
        assert_eq!(trimmed["uid"], UID, "{consumer:?} relies on the UID");
    }
}

#[tokio::test]
async fn enforcing_sirius_caseworker_reads_keep_every_field_its_contract_uses() {
    // Arrange
    let reporting = scoped(ScopeMode::Report).await;
    let enforcing = scoped(ScopeMode::Enforce).await;
    given_registered_lpa(&reporting).await;
    given_registered_lpa(&enforcing).await;
    let contract = contracts(&committed_pacts());
    let relied_on = contract
        .scope("sirius")
        .unwrap()
        .fields_of("GET /lpas/{uid}")
        .unwrap()
        .paths();
    let path = format!("/lpas/{UID}");

    // Act
    let full = read_as(&reporting, Consumer::Sirius, &path).await;
    let trimmed = read_as(&enforcing, Consumer::Sirius, &path).await;
    let history = read_as(&enforcing, Consumer::Sirius, &format!("{path}/updates")).await;

    // Assert: every field the contract uses that the LPA has is kept.
    let (all, kept) = (leaf_paths(&full), leaf_paths(&trimmed));
    let withheld: Vec<&String> = relied_on
        .iter()
        .filter(|field| all.contains(*field) && !kept.contains(*field))
        .collect();
    assert!(
        withheld.is_empty(),
        "withheld from Sirius though its contract uses them: {withheld:?}"
    );
    assert!(kept.contains("$.donor.lastName"), "{trimmed}");
    assert!(kept.contains("$.attorneys[*].status"), "{trimmed}");
    let change = &history[0];
    assert!(
        change["type"].is_string() && change["changes"].is_array(),
        "{history}"
    );
}

#[tokio::test]
async fn enforcing_a_call_outside_the_contract_is_refused_with_403_naming_consumer_and_operation() {
    // Arrange
    let app = scoped(ScopeMode::Enforce).await;
    given_registered_lpa(&app).await;

    // Act
    let response = app
        .update_as(
            Consumer::UseAnLpa,
            UID,
            "CORRECTION",
            json!([{"key": "/donor/lastName", "old": "Zoller", "new": "Perkins"}]),
        )
        .await;

    // Assert
    let problem = expect_json(response, 403).await;
    assert_eq!(problem["code"], "FORBIDDEN");
    let detail = problem["detail"].as_str().unwrap();
    assert!(
        detail.contains("use-an-lpa") && detail.contains("POST /lpas/{uid}/updates CORRECTION"),
        "{detail}"
    );
    let lpa = read_as(&app, Consumer::Sirius, &format!("/lpas/{UID}")).await;
    assert_eq!(
        lpa["donor"]["lastName"], "Zoller",
        "the refused update had no effect"
    );
    let tally = report(&app).await;
    assert_eq!(
        consumer(&tally, "use-an-lpa")["callsOutsideContract"],
        json!([{"operation": "POST /lpas/{uid}/updates CORRECTION", "count": 1}])
    );
}

#[tokio::test]
async fn enforcing_an_update_type_outside_the_contract_is_refused_though_the_route_is_in_it() {
    let app = scoped(ScopeMode::Enforce).await;
    given_registered_lpa(&app).await;

    // Sirius corrects, but registering is Sirius's; Make and register never sends REGISTER.
    let response = app
        .update_as(Consumer::MakeRegister, UID, "REGISTER", json!([]))
        .await;

    let problem = expect_json(response, 403).await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("POST /lpas/{uid}/updates REGISTER"),
        "{problem}"
    );
}

#[tokio::test]
async fn enforcing_in_queue_mode_a_write_outside_the_contract_is_refused_before_it_is_queued() {
    // Arrange: queue mode, the database away.
    let (store, switch) = simulator::outage::memory(testkit::TEST_DB_TIMEOUT);
    let (outbox, outbox_dir) = testkit::fresh_outbox();
    let app = spawn(
        Simulator::new(store)
            .with_outage_switch(switch)
            .with_outbox(outbox)
            .with_scopes(contracts(&committed_pacts()), ScopeMode::Enforce),
    )
    .await
    .keeping_outbox_dir(outbox_dir);
    given_registered_lpa(&app).await;
    app.set_database(json!({"state": "offline"})).await;
    let correction = json!([{"key": "/donor/lastName", "old": "Zoller", "new": "Perkins"}]);

    // Act
    let refused = app
        .update_as(Consumer::UseAnLpa, UID, "CORRECTION", correction.clone())
        .await;
    let queued = app
        .update_as(Consumer::Sirius, UID, "CORRECTION", correction)
        .await;

    // Assert
    expect_json(refused, 403).await;
    expect_json(queued, 202).await;
    let outbox = app
        .client
        .get(app.url("/__admin/outbox"))
        .send()
        .await
        .unwrap();
    let outbox = expect_json(outbox, 200).await;
    let pending = outbox["pending"].as_array().unwrap();
    assert_eq!(pending.len(), 1, "only Sirius's write was queued: {outbox}");
}

#[tokio::test]
async fn enforcing_a_consumer_without_a_pact_gets_nothing_and_is_told_why() {
    // Arrange: a folder with Use an LPA's pact only.
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        committed_pacts().join("use-an-lpa-data-lpa-store.json"),
        dir.path().join("use-an-lpa.json"),
    )
    .unwrap();
    let (store, switch) = simulator::outage::memory(testkit::TEST_DB_TIMEOUT);
    let app = spawn(
        Simulator::new(store)
            .with_outage_switch(switch)
            .with_scopes(contracts(dir.path()), ScopeMode::Enforce),
    )
    .await;
    given_registered_lpa(&app).await;

    // Act
    let response = app
        .send(Consumer::Sirius, Method::GET, &format!("/lpas/{UID}"), None)
        .await;

    // Assert
    let problem = expect_json(response, 403).await;
    let detail = problem["detail"].as_str().unwrap();
    assert!(
        detail.contains("sirius") && detail.contains("has no pact in"),
        "{detail}"
    );
    read_as(&app, Consumer::UseAnLpa, &format!("/lpas/{UID}")).await;
}

#[tokio::test]
async fn reporting_a_call_outside_the_contract_goes_ahead_and_is_counted_with_the_fields_sent() {
    // Arrange
    let app = scoped(ScopeMode::Report).await;
    given_registered_lpa(&app).await;

    // Act: Use an LPA's pact never reads the change history; it reads the LPA twice.
    let history = app
        .send(
            Consumer::UseAnLpa,
            Method::GET,
            &format!("/lpas/{UID}/updates"),
            None,
        )
        .await;
    for _ in 0..2 {
        read_as(&app, Consumer::UseAnLpa, &format!("/lpas/{UID}")).await;
    }

    // Assert
    expect_json(history, 200).await;
    let tally = report(&app).await;
    assert_eq!(tally["mode"], "report");
    let use_an_lpa = consumer(&tally, "use-an-lpa");
    assert_eq!(use_an_lpa["calls"], 3);
    assert_eq!(
        use_an_lpa["callsOutsideContract"],
        json!([{"operation": "GET /lpas/{uid}/updates", "count": 1}])
    );
    let fields = use_an_lpa["fieldsOutsideContract"].as_array().unwrap();
    let phone = fields
        .iter()
        .find(|f| f["answer"] == "GET /lpas/{uid}" && f["field"] == "$.certificateProvider.phone")
        .unwrap_or_else(|| panic!("the certificate provider's phone was sent: {fields:?}"));
    assert_eq!(phone["count"], 2);
    assert_eq!(consumer(&tally, "sirius")["calls"], 0);
}

#[tokio::test]
async fn a_reset_clears_the_scope_tally() {
    let app = scoped(ScopeMode::Report).await;
    given_registered_lpa(&app).await;
    read_as(&app, Consumer::UseAnLpa, &format!("/lpas/{UID}")).await;

    let reset = app
        .client
        .post(app.url("/__admin/reset"))
        .send()
        .await
        .unwrap();

    assert_eq!(reset.status(), 204);
    let tally = report(&app).await;
    assert_eq!(consumer(&tally, "use-an-lpa")["calls"], 0);
    assert_eq!(
        consumer(&tally, "use-an-lpa")["fieldsOutsideContract"],
        json!([])
    );
}

#[tokio::test]
async fn without_contracts_the_scope_report_says_scopes_are_off() {
    let app = testkit::spawn_app().await;

    let tally = report(&app).await;

    assert_eq!(tally["mode"], "off");
    assert!(tally["detail"].as_str().unwrap().contains("--contracts"));
}

#[tokio::test]
async fn enforcing_a_read_of_several_lpas_is_trimmed_per_lpa() {
    let app = scoped(ScopeMode::Enforce).await;
    given_registered_lpa(&app).await;

    let response = app
        .send(
            Consumer::UseAnLpa,
            Method::POST,
            "/lpas",
            Some(&json!({"uids": [UID]})),
        )
        .await;

    let body = expect_json(response, 200).await;
    let lpa = &body["lpas"][0];
    assert_eq!(lpa["uid"], UID);
    assert!(lpa.get("certificateProvider").is_none(), "{lpa}");
}
