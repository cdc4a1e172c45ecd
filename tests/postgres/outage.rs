use std::time::{Duration, Instant};

use testkit::{StoreChoice, TEST_DB_TIMEOUT, TestApp, spawn_app_on};

/// How much later than the database bound an answer may come: the HTTP round trip and
/// scheduling on a busy 2-core machine.
const MARGIN: Duration = Duration::from_millis(1000);

async fn timed_get(app: &TestApp, uid: &str) -> (u16, Option<String>, Duration) {
    let started = Instant::now();
    let response = app.get_lpa(uid).await;
    let elapsed = started.elapsed();
    let retry_after = response
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().to_owned());
    (response.status().as_u16(), retry_after, elapsed)
}

#[tokio::test(flavor = "multi_thread")]
async fn paused_database_is_answered_503_within_the_bound_and_served_again_after_unpause() {
    // Arrange
    let app = spawn_app_on(StoreChoice::Postgres).await;
    let uid = app.given_lpa().await;
    let database = app.database().expect("a Postgres app has a database");

    // Act
    database.pause().await.unwrap();
    let during = timed_get(&app, &uid).await;
    database.unpause().await.unwrap();
    let after = timed_get(&app, &uid).await;

    // Assert
    assert_eq!(during.0, 503, "while paused");
    assert!(during.1.is_some(), "503 carries Retry-After");
    assert!(
        during.2 < TEST_DB_TIMEOUT + MARGIN,
        "answered after {:?}",
        during.2
    );
    assert_eq!(
        after.0, 200,
        "service is back without restarting the simulator"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn stopped_database_is_answered_503_and_served_again_after_start() {
    // Arrange
    let app = spawn_app_on(StoreChoice::Postgres).await;
    let uid = app.given_lpa().await;
    let database = app.database().expect("a Postgres app has a database");

    // Act
    database.stop().await.unwrap();
    let during = timed_get(&app, &uid).await;
    database.start_again().await.unwrap();
    let after = timed_get(&app, &uid).await;

    // Assert
    assert_eq!(during.0, 503, "while stopped");
    assert!(
        during.2 < TEST_DB_TIMEOUT + MARGIN,
        "answered after {:?}",
        during.2
    );
    assert_eq!(
        after.0, 200,
        "service is back without restarting the simulator"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_write_during_an_outage_is_refused_not_lost_and_can_be_retried() {
    // Arrange
    let app = spawn_app_on(StoreChoice::Postgres).await;
    let uid = app.given_lpa().await;
    let database = app.database().expect("a Postgres app has a database");
    let changes =
        serde_json::json!([{"key": "/donor/lastName", "old": "Zoller", "new": "Perkins"}]);

    // Act
    database.pause().await.unwrap();
    let refused = app
        .update(&uid, "CORRECTION", changes.clone())
        .await
        .status();
    database.unpause().await.unwrap();
    let retried = app.update(&uid, "CORRECTION", changes).await.status();

    // Assert: the refused write was not applied behind the caller's back, so the retry with the
    // same `old` succeeds.
    assert_eq!(refused, 503);
    assert_eq!(retried, 201);
}

/// Puts the database in `condition` for the consumer signing as `issuer` only.
async fn set_for(app: &TestApp, issuer: &str, condition: serde_json::Value) -> serde_json::Value {
    let response = app
        .client
        .put(app.url(&format!("/__admin/database/consumers/{issuer}")))
        .json(&condition)
        .send()
        .await
        .unwrap();
    testkit::expect_json(response, 200).await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_database_offline_for_one_consumer_is_offline_for_it_alone_through_a_proxy_of_its_own() {
    // Arrange
    let app = spawn_app_on(StoreChoice::Postgres).await;
    let uid = app.given_lpa().await;

    // Act: Use an LPA's own path cut at the network; Sirius's untouched.
    let database = set_for(
        &app,
        "opg.poas.use",
        serde_json::json!({"state": "offline"}),
    )
    .await;
    let (use_an_lpa, retry_after, took) = timed_get(&app, &uid).await;
    let sirius = app
        .send(
            testkit::Consumer::Sirius,
            reqwest::Method::GET,
            &format!("/lpas/{uid}"),
            None,
        )
        .await
        .status();
    let health = app
        .client
        .get(app.url("/__admin/health"))
        .send()
        .await
        .unwrap()
        .status();
    let back = set_for(&app, "opg.poas.use", serde_json::json!({"state": "online"})).await;
    let (after, _, _) = timed_get(&app, &uid).await;

    // Assert
    assert_eq!(
        database["consumers"]["opg.poas.use"]["state"], "offline",
        "{database}"
    );
    assert_eq!(
        database["condition"]["state"], "online",
        "the shared path stays online"
    );
    assert_eq!((use_an_lpa, retry_after.as_deref()), (503, Some("5")));
    assert!(
        took < TEST_DB_TIMEOUT + MARGIN,
        "answered within the bound: {took:?}"
    );
    assert_eq!(sirius, 200, "another consumer is not affected");
    assert_eq!(
        health, 200,
        "the store's own view of its database is not affected"
    );
    assert_eq!(back["consumers"]["opg.poas.use"]["state"], "online");
    assert_eq!(after, 200);
}
