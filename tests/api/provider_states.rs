//! `/__pact/provider-states`: the states a Pact verification asks for, set up for real.

use std::time::Duration;

use serde_json::{Value, json};
use simulator::Simulator;
use testkit::{Consumer, TestApp, expect_json, fixture, spawn, spawn_app};

const UID: &str = "M-0000-1111-2222";

async fn set_up(app: &TestApp, state: &str) -> Value {
    expect_json(app.provider_state(state, "setup").await, 200).await
}

async fn updates(app: &TestApp, uid: &str) -> reqwest::Response {
    app.send(
        Consumer::Sirius,
        reqwest::Method::GET,
        &format!("/lpas/{uid}/updates"),
        None,
    )
    .await
}

#[tokio::test]
async fn an_lpa_exists_creates_the_real_providers_fixture_under_the_pacts_uid() {
    // Arrange
    let app = spawn_app().await;
    let uid = fixture::new_uid();

    // Act
    let values = set_up(&app, &format!("An LPA with UID {uid} exists")).await;
    let lpa = expect_json(app.get_lpa(&uid).await, 200).await;

    // Assert
    assert_eq!(values, json!({"uid": uid}));
    assert_eq!(lpa["uid"], uid.as_str());
    assert_eq!(lpa["status"], "in-progress");
    assert_eq!(lpa["donor"]["firstNames"], "Homer");
    assert_eq!(lpa["donor"]["lastName"], "Zoller");
    assert_eq!(lpa["attorneys"][0]["lastName"], "Vallar");
    assert_eq!(lpa["trustCorporations"][0]["name"], "Trust us Corp.");
    assert_eq!(lpa["certificateProvider"]["channel"], "paper");
    assert_eq!(lpa["signedAt"], "2000-01-02T12:13:14Z");
}

#[tokio::test]
async fn setting_a_state_up_twice_starts_from_scratch_each_time() {
    // Arrange
    let app = spawn_app().await;
    let state = format!("An LPA with UID {UID} exists");
    set_up(&app, &state).await;
    app.update_ok(
        UID,
        "CORRECTION",
        json!([{"key": "/donor/firstNames", "old": "Homer", "new": "Marge"}]),
    )
    .await;

    // Act
    set_up(&app, &state).await;
    let lpa = expect_json(app.get_lpa(UID).await, 200).await;
    let history = updates(&app, UID).await;

    // Assert
    assert_eq!(lpa["donor"]["firstNames"], "Homer");
    expect_json(history, 404).await;
}

#[tokio::test]
async fn an_lpa_with_changes_has_the_real_providers_correction_in_its_history() {
    // Arrange
    let app = spawn_app().await;
    let uid = fixture::new_uid();

    // Act
    set_up(
        &app,
        &format!("An LPA with UID {uid} exists and has changes"),
    )
    .await;
    let lpa = expect_json(app.get_lpa(&uid).await, 200).await;
    let history = expect_json(updates(&app, &uid).await, 200).await;

    // Assert
    assert_eq!(lpa["donor"]["lastName"], "Perkins");
    let history = history.as_array().expect("an array of changes");
    assert_eq!(history.len(), 1);
    assert_eq!(history[0]["type"], "CORRECTION");
    assert_eq!(history[0]["author"], "urn:opg:sirius:users:34");
}

#[tokio::test]
async fn an_lpa_does_not_exist_removes_one_that_did_and_teardown_cleans_up() {
    // Arrange
    let app = spawn_app().await;
    set_up(&app, &format!("An LPA with UID {UID} exists")).await;
    let created = app.get_lpa(UID).await.status();

    // Act
    set_up(&app, &format!("An LPA with UID {UID} does not exist")).await;
    let after_setup = app.get_lpa(UID).await.status();
    set_up(&app, &format!("An LPA with UID {UID} is registered")).await;
    let torn_down = app
        .provider_state(&format!("An LPA with UID {UID} is registered"), "teardown")
        .await;
    let after_teardown = app.get_lpa(UID).await.status();

    // Assert
    assert_eq!(created, 200);
    assert_eq!(after_setup, 404);
    assert_eq!(torn_down.status(), 200);
    assert_eq!(after_teardown, 404);
}

#[tokio::test]
async fn lifecycle_states_take_the_fixture_through_signing_to_registration() {
    // Arrange
    let app = spawn_app().await;
    let (signed, waiting, registered) =
        (fixture::new_uid(), fixture::new_uid(), fixture::new_uid());

    // Act
    set_up(
        &app,
        &format!("An LPA with UID {signed} exists and has been signed"),
    )
    .await;
    set_up(
        &app,
        &format!("An LPA with UID {waiting} is in the statutory waiting period"),
    )
    .await;
    set_up(&app, &format!("An LPA with UID {registered} is registered")).await;
    let signed = expect_json(app.get_lpa(&signed).await, 200).await;
    let waiting = expect_json(app.get_lpa(&waiting).await, 200).await;
    let registered = expect_json(app.get_lpa(&registered).await, 200).await;

    // Assert
    assert_eq!(signed["status"], "in-progress");
    assert!(signed["certificateProvider"]["signedAt"].is_string());
    assert!(signed["attorneys"][0]["signedAt"].is_string());
    assert!(signed["trustCorporations"][0]["signatories"][0]["signedAt"].is_string());
    assert_eq!(waiting["status"], "statutory-waiting-period");
    assert_eq!(registered["status"], "registered");
    assert!(registered["registrationDate"].is_string());
}

#[tokio::test]
async fn the_database_offline_state_is_a_real_outage_until_its_teardown() {
    // Arrange
    let app = spawn_app().await;
    set_up(&app, &format!("An LPA with UID {UID} exists")).await;

    // Act
    set_up(&app, "the LPA database is offline").await;
    let during = app.get_lpa(UID).await;
    let retry_after = during.headers().get("retry-after").cloned();
    let during = expect_json(during, 503).await;
    let health = app
        .client
        .get(app.url("/__admin/health"))
        .send()
        .await
        .unwrap()
        .status();
    let teardown = app
        .provider_state("the LPA database is offline", "teardown")
        .await;
    let after = app.get_lpa(UID).await.status();

    // Assert
    assert_eq!(during["code"], "SERVICE_UNAVAILABLE");
    assert!(retry_after.is_some());
    assert_eq!(health, 503);
    assert_eq!(teardown.status(), 200);
    assert_eq!(after, 200);
}

#[tokio::test]
async fn an_lpa_state_ends_the_outage_an_earlier_interaction_left() {
    // The official verifier tears nothing down unless asked: the next interaction's states
    // must bring the database back themselves.
    // Arrange
    let app = spawn_app().await;
    set_up(&app, "the LPA database is offline").await;

    // Act
    set_up(&app, &format!("An LPA with UID {UID} exists")).await;
    let after = app.get_lpa(UID).await.status();

    // Assert
    assert_eq!(after, 200, "the LPA state brought the database back");
}

#[tokio::test]
async fn an_interaction_without_a_state_ends_an_earlier_outage_too() {
    // Arrange
    let app = spawn_app().await;
    set_up(&app, &format!("An LPA with UID {UID} exists")).await;
    set_up(&app, "the LPA database is offline").await;
    let during = app.get_lpa(UID).await.status();

    // Act: pact_verifier posts an empty state for an interaction that has none.
    set_up(&app, "").await;
    let after = app.get_lpa(UID).await.status();

    // Assert
    assert_eq!(during, 503);
    assert_eq!(after, 200);
}

#[tokio::test]
async fn an_lpa_state_ends_an_outage_made_over_the_admin_api() {
    // Arrange
    let app = spawn_app().await;
    app.set_database(json!({"state": "offline"})).await;

    // Act
    set_up(&app, &format!("An LPA with UID {UID} exists")).await;
    let after = app.get_lpa(UID).await.status();

    // Assert
    assert_eq!(after, 200, "the state names a world with the database up");
}

#[tokio::test]
async fn an_outage_state_after_the_lpa_state_of_its_interaction_holds() {
    // Arrange
    let app = spawn_app().await;

    // Act: the verifier sets up an interaction's states in the pact's order.
    set_up(&app, &format!("An LPA with UID {UID} exists")).await;
    set_up(&app, "the LPA database is offline").await;
    let during = app.get_lpa(UID).await.status();
    app.provider_state("the LPA database is offline", "teardown")
        .await;
    let after = app.get_lpa(UID).await.status();

    // Assert
    assert_eq!(during, 503);
    assert_eq!(after, 200);
}

async fn standby_app() -> TestApp {
    let (store, database) = simulator::outage::memory(Duration::from_secs(2));
    let (outbox, dir) = testkit::fresh_outbox();
    spawn(
        Simulator::new(store)
            .with_outage_switch(database)
            .with_outbox_on_standby(outbox),
    )
    .await
    .keeping_outbox_dir(dir)
}

#[tokio::test]
async fn the_queued_writes_state_accepts_writes_and_its_teardown_applies_them() {
    // Arrange
    let app = standby_app().await;
    let uid = fixture::new_uid();
    set_up(&app, "the LPA database is offline and writes are queued").await;

    // Act
    let accepted = expect_json(app.put_lpa(&uid, &fixture::online_lpa()).await, 202).await;
    let teardown = app
        .provider_state(
            "the LPA database is offline and writes are queued",
            "teardown",
        )
        .await;
    let applied = app.get_lpa(&uid).await.status();
    set_up(&app, "the LPA database is offline").await;
    let fail_fast = app
        .put_lpa(&fixture::new_uid(), &fixture::online_lpa())
        .await;

    // Assert
    assert!(accepted["operationId"].is_string(), "{accepted}");
    assert_eq!(teardown.status(), 200);
    assert_eq!(
        applied, 200,
        "the queued write was applied before the teardown answered"
    );
    assert_eq!(fail_fast.status(), 503, "the mode went back to fail-fast");
}

#[tokio::test]
async fn the_queued_writes_state_works_on_a_simulator_started_without_an_outbox() {
    // Arrange: no outbox given, as with a plain `lpa-sim serve`.
    let app = spawn_app().await;
    let uid = fixture::new_uid();
    set_up(&app, "the LPA database is offline and writes are queued").await;

    // Act
    let accepted = expect_json(app.put_lpa(&uid, &fixture::online_lpa()).await, 202).await;
    set_up(&app, &format!("An LPA with UID {UID} exists")).await;
    let applied = app.get_lpa(&uid).await.status();
    set_up(&app, "the LPA database is offline").await;
    let fail_fast = app
        .put_lpa(&fixture::new_uid(), &fixture::online_lpa())
        .await;

    // Assert
    assert!(accepted["operationId"].is_string(), "{accepted}");
    assert_eq!(
        applied, 200,
        "the next interaction's state applied the queued write first"
    );
    assert_eq!(fail_fast.status(), 503, "the mode went back to fail-fast");
}

#[tokio::test]
async fn an_unknown_state_is_refused_with_its_name_and_the_known_ones_are_listed() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let refused = app
        .provider_state("An LPA with UID M-0000-1111-2222 is on holiday", "setup")
        .await;
    let listed = app
        .client
        .get(app.url("/__pact/provider-states"))
        .send()
        .await
        .unwrap();

    // Assert
    let problem = expect_json(refused, 400).await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("is on holiday")
    );
    let listed = expect_json(listed, 200).await;
    assert!(
        listed["states"]
            .as_array()
            .unwrap()
            .contains(&json!("An LPA with UID {uid} exists"))
    );
}
