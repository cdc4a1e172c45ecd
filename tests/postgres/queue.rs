//! Queue mode over real outages: writes accepted while the database is away are applied after
//! it returns, in order, none lost — also across a `kill -9` of the simulator.

use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};
use simulator::auth::TokenRequest;
use testkit::postgres::TestDatabase;
use testkit::process::SimProcess;
use testkit::{Consumer, TestApp, expect_json, fixture, spawn_queue_app, token};

const WRITES: usize = 10;

fn rename(from: &str, to: &str) -> Value {
    json!([{"key": "/donor/lastName", "old": from, "new": to}])
}

/// The change log's renames, oldest first.
async fn renames(app: &TestApp, uid: &str) -> Vec<(Value, Value)> {
    let response = app
        .send(
            Consumer::Sirius,
            Method::GET,
            &format!("/lpas/{uid}/updates"),
            None,
        )
        .await;
    let mut records = expect_json(response, 200).await.as_array().unwrap().clone();
    records.reverse();
    records
        .iter()
        .map(|r| {
            (
                r["changes"][0]["old"].clone(),
                r["changes"][0]["new"].clone(),
            )
        })
        .collect()
}

fn expected_renames() -> Vec<(Value, Value)> {
    let mut previous = "Zoller".to_owned();
    (0..WRITES)
        .map(|i| {
            let next = format!("Name{i}");
            let pair = (json!(previous), json!(next));
            previous = next;
            pair
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn writes_accepted_while_the_database_is_paused_are_applied_in_order_after() {
    // Arrange
    let app = spawn_queue_app().await;
    let uid = app.given_lpa().await;
    let database = app.database().unwrap();

    // Act
    database.pause().await.unwrap();
    let mut operations = Vec::new();
    for (old, new) in expected_renames() {
        let changes = json!([{"key": "/donor/lastName", "old": old, "new": new}]);
        let response = app.update(&uid, "CORRECTION", changes).await;
        assert!(response.headers().contains_key("location"));
        let body = expect_json(response, 202).await;
        assert_eq!(body["status"], "queued");
        operations.push(body["operationId"].as_str().unwrap().to_owned());
    }
    database.unpause().await.unwrap();
    app.wait_until_outbox_empty(Duration::from_secs(30)).await;

    // Assert: count and content, in order.
    assert_eq!(renames(&app, &uid).await, expected_renames());
    let lpa = expect_json(app.get_lpa(&uid).await, 200).await;
    assert_eq!(lpa["donor"]["lastName"], format!("Name{}", WRITES - 1));
    for id in operations {
        let response = app
            .client
            .get(app.url(&format!("/__admin/operations/{id}")))
            .send()
            .await
            .unwrap();
        let operation = expect_json(response, 200).await;
        assert_eq!(operation["state"], "applied", "{operation}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn writes_to_several_lpas_accepted_during_an_outage_are_each_applied_in_their_lpas_order() {
    // Arrange: several LPAs, so the replayers apply them at once; each correction names the
    // last one's new name as its `old`, so one applied out of its LPA's order would be refused.
    const LPAS: usize = 6;
    let app = spawn_queue_app().await;
    let mut uids = Vec::new();
    for _ in 0..LPAS {
        uids.push(app.given_lpa().await);
    }
    app.set_database(json!({"state": "offline"})).await;

    // Act: the LPAs' corrections interleaved, as several consumers would send them.
    let mut operations = Vec::new();
    for (old, new) in expected_renames() {
        for uid in &uids {
            let changes = json!([{"key": "/donor/lastName", "old": old, "new": new}]);
            let body = expect_json(app.update(uid, "CORRECTION", changes).await, 202).await;
            operations.push(body["operationId"].as_str().unwrap().to_owned());
        }
    }
    app.set_database(json!({"state": "online"})).await;
    app.wait_until_outbox_empty(Duration::from_secs(60)).await;

    // Assert: every operation applied, and each LPA's change history in the order sent.
    let listed: Value = expect_json(
        app.client
            .get(app.url("/__admin/operations"))
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    let states: Vec<&Value> = listed["operations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| operations.iter().any(|id| o["id"] == json!(id)))
        .collect();
    assert_eq!(states.len(), operations.len());
    assert!(
        states.iter().all(|o| o["state"] == "applied"),
        "not all applied: {states:?}"
    );
    for uid in &uids {
        assert_eq!(renames(&app, uid).await, expected_renames(), "{uid}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_queued_write_refused_on_replay_is_recorded_failed_with_the_store_error() {
    // Arrange
    let app = spawn_queue_app().await;
    let uid = app.given_lpa().await;
    let database = app.database().unwrap();

    // Act
    database.pause().await.unwrap();
    let stale = expect_json(
        app.update(&uid, "CORRECTION", rename("Smith", "Perkins"))
            .await,
        202,
    )
    .await;
    let unknown = expect_json(
        app.update(&fixture::new_uid(), "REGISTER", json!(null))
            .await,
        202,
    )
    .await;
    database.unpause().await.unwrap();
    app.wait_until_outbox_empty(Duration::from_secs(30)).await;

    // Assert
    let operation = |body: &Value| {
        let url = app.url(body["statusUrl"].as_str().unwrap());
        let client = app.client.clone();
        async move { expect_json(client.get(url).send().await.unwrap(), 200).await }
    };
    let stale = operation(&stale).await;
    assert_eq!(stale["state"], "failed");
    assert_eq!(stale["status"], 400);
    assert_eq!(
        stale["error"]["errors"],
        json!([{"source": "/changes/0/old", "detail": "does not match existing value"}])
    );
    let unknown = operation(&unknown).await;
    assert_eq!(
        (unknown["state"].clone(), unknown["status"].clone()),
        (json!("failed"), json!(404))
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn checks_that_need_no_database_still_refuse_at_once_during_an_outage() {
    // Arrange
    let app = spawn_queue_app().await;
    let uid = app.given_lpa().await;
    app.database().unwrap().pause().await.unwrap();
    app.get_lpa(&uid).await; // lets the simulator notice the outage

    // Act
    let redundant = app
        .update(&uid, "CORRECTION", rename("Zoller", "Zoller"))
        .await;
    let unknown_type = app.update(&uid, "A_TYPE", json!(null)).await;
    let mut invalid = fixture::online_lpa();
    invalid["donor"]["firstNames"] = json!("");
    let invalid = app.put_lpa(&fixture::new_uid(), &invalid).await;

    // Assert
    expect_json(redundant, 400).await;
    expect_json(unknown_type, 400).await;
    expect_json(invalid, 400).await;
    app.database().unwrap().unpause().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn reads_during_an_outage_answer_the_last_known_state_marked_stale() {
    // Arrange
    let app = spawn_queue_app().await;
    let uid = app.given_lpa().await;
    let before = expect_json(app.get_lpa(&uid).await, 200).await;
    let database = app.database().unwrap();

    // Act
    database.pause().await.unwrap();
    let known = app.get_lpa(&uid).await;
    let unknown = app.get_lpa(&fixture::new_uid()).await;
    let health = app
        .client
        .get(app.url("/__admin/health"))
        .send()
        .await
        .unwrap();
    database.unpause().await.unwrap();

    // Assert
    assert_eq!(known.headers()["x-lpa-store-stale"], "true");
    assert_eq!(expect_json(known, 200).await, before);
    assert!(unknown.headers().contains_key("retry-after"));
    expect_json(unknown, 503).await;
    let health = expect_json(health, 503).await;
    assert_eq!(health["database"], "down");
    let health = app
        .client
        .get(app.url("/__admin/health"))
        .send()
        .await
        .unwrap();
    assert_eq!(expect_json(health, 200).await["database"], "up");
}

struct ProcessClient {
    client: reqwest::Client,
    address: String,
    bearer: String,
}

impl ProcessClient {
    fn new(address: &str) -> Self {
        testkit::install_crypto();
        let jwt = token(&TokenRequest {
            issuer: "opg.poas.sirius".into(),
            subject: "urn:opg:sirius:users:34".into(),
            expires_in: Some(600),
            issued_offset: 0,
        });
        Self {
            client: reqwest::Client::builder()
                .timeout(Duration::from_secs(10))
                .build()
                .unwrap(),
            address: address.to_owned(),
            bearer: format!("Bearer {jwt}"),
        }
    }

    async fn send(&self, method: Method, path: &str, body: Option<Value>) -> reqwest::Response {
        let mut request = self
            .client
            .request(method, format!("{}{path}", self.address))
            .header("X-Jwt-Authorization", &self.bearer);
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.unwrap()
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn writes_queued_during_an_outage_survive_kill_9_and_are_applied_after_restart() {
    // Arrange: a simulator process in queue mode on a database that is then stopped.
    let database = TestDatabase::start().await.unwrap();
    let outbox_dir = tempfile::Builder::new()
        .prefix("lpa-outbox-")
        .tempdir()
        .unwrap();
    let outbox = outbox_dir.path();
    let args = [
        "--store",
        "postgres",
        "--database-url",
        &database.url,
        "--db-timeout-ms",
        "1000",
        "--on-db-offline",
        "queue",
        "--outbox",
        outbox.to_str().unwrap(),
    ];
    let first = SimProcess::start(&args).unwrap();
    let client = ProcessClient::new(&first.address);
    let uid = fixture::new_uid();
    let created = client
        .send(
            Method::PUT,
            &format!("/lpas/{uid}"),
            Some(fixture::online_lpa()),
        )
        .await;
    assert_eq!(created.status(), 201);
    database.stop().await.unwrap();

    // Act: writes accepted during the outage, then kill -9, restart still during the outage.
    let path = format!("/lpas/{uid}/updates");
    for (old, new) in expected_renames() {
        let body = json!({"type": "CORRECTION", "changes": [{"key": "/donor/lastName", "old": old, "new": new}]});
        assert_eq!(
            client.send(Method::POST, &path, Some(body)).await.status(),
            202
        );
    }
    first.kill_hard().unwrap();
    let second = SimProcess::start(&args).unwrap();
    let client = ProcessClient::new(&second.address);
    let pending: Value = client
        .send(Method::GET, "/__admin/outbox", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        pending["pending"].as_array().unwrap().len(),
        WRITES,
        "{pending}"
    );
    database.start_again().await.unwrap();

    // Assert: every accepted write applied, in order, none lost.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let outbox: Value = client
            .send(Method::GET, "/__admin/outbox", None)
            .await
            .json()
            .await
            .unwrap();
        if outbox["pending"].as_array().unwrap().is_empty() {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "still pending: {outbox}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let records: Value = client
        .send(Method::GET, &path, None)
        .await
        .json()
        .await
        .unwrap();
    let mut records = records.as_array().unwrap().clone();
    records.reverse();
    let applied: Vec<_> = records
        .iter()
        .map(|r| {
            (
                r["changes"][0]["old"].clone(),
                r["changes"][0]["new"].clone(),
            )
        })
        .collect();
    assert_eq!(applied, expected_renames());
    let operations: Value = client
        .send(Method::GET, "/__admin/operations", None)
        .await
        .json()
        .await
        .unwrap();
    assert!(
        operations["operations"]
            .as_array()
            .unwrap()
            .iter()
            .all(|o| o["state"] == "applied")
    );
}
