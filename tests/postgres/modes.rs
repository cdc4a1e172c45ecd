//! Each outage the proxy makes (offline, hung, slow past the bound, flapping), in each mode:
//! in fail-fast every request is answered within the bound; in queue mode every write accepted
//! during the outage is applied after it, in order.

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use testkit::{
    Consumer, StoreChoice, TEST_DB_TIMEOUT, TestApp, expect_json, fixture, spawn_app_on,
    spawn_queue_app,
};

/// Round trip and scheduling on a loaded 2-core machine, over the database bound.
const MARGIN: Duration = Duration::from_millis(1000);
const WRITES: usize = 6;

async fn fail_fast_answers_every_request_within_the_bound(condition: Value) {
    // Arrange
    let app = spawn_app_on(StoreChoice::Postgres).await;
    let uid = app.given_lpa().await;
    app.set_database(condition.clone()).await;

    // Act
    let mut answers = Vec::new();
    for _ in 0..3 {
        answers.push(timed(app.get_lpa(&uid)).await);
        answers.push(timed(app.put_lpa(&fixture::new_uid(), &fixture::online_lpa())).await);
        let rename = json!([{"key": "/donor/lastName", "old": "Zoller", "new": "Perkins"}]);
        answers.push(timed(app.update(&uid, "CORRECTION", rename)).await);
    }
    app.set_database(json!({"state": "online"})).await;
    let after = app.get_lpa(&uid).await.status();

    // Assert
    for (status, retry_after, took) in &answers {
        assert!(
            *took < TEST_DB_TIMEOUT + MARGIN,
            "{condition}: answered after {took:?}"
        );
        if *status == 503 {
            assert!(retry_after, "{condition}: 503 without Retry-After");
        } else {
            assert!(
                [200, 201, 400].contains(status),
                "{condition}: status {status}"
            );
        }
    }
    assert!(
        answers.iter().any(|a| a.0 == 503),
        "{condition}: the outage was never seen: {answers:?}"
    );
    assert_eq!(after, 200, "{condition}: service is back");
}

async fn timed(
    request: impl std::future::Future<Output = reqwest::Response>,
) -> (u16, bool, Duration) {
    let started = Instant::now();
    let response = request.await;
    let took = started.elapsed();
    (
        response.status().as_u16(),
        response.headers().contains_key("retry-after"),
        took,
    )
}

async fn queue_applies_every_accepted_write_in_order_after(condition: Value) {
    // Arrange
    let app = spawn_queue_app().await;
    let uid = app.given_lpa().await;
    app.set_database(condition.clone()).await;

    // Act
    let mut previous = "Zoller".to_owned();
    let mut queued = 0;
    for i in 0..WRITES {
        let next = format!("Name{i}");
        let rename = json!([{"key": "/donor/lastName", "old": previous, "new": next}]);
        let response = app.update(&uid, "CORRECTION", rename).await;
        let status = response.status().as_u16();
        assert!([201, 202].contains(&status), "{condition}: status {status}");
        queued += usize::from(status == 202);
        previous = next;
    }
    app.set_database(json!({"state": "online"})).await;
    app.wait_until_outbox_empty(Duration::from_secs(30)).await;

    // Assert
    assert!(queued > 0, "{condition}: nothing was queued");
    let renames = renames(&app, &uid).await;
    let expected: Vec<(Value, Value)> = (0..WRITES)
        .map(|i| {
            let old = if i == 0 {
                "Zoller".to_owned()
            } else {
                format!("Name{}", i - 1)
            };
            (json!(old), json!(format!("Name{i}")))
        })
        .collect();
    assert_eq!(renames, expected, "{condition}");
}

async fn renames(app: &TestApp, uid: &str) -> Vec<(Value, Value)> {
    let response = app
        .send(
            Consumer::Sirius,
            reqwest::Method::GET,
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

macro_rules! outage_tests {
    ($($name:ident: $condition:expr;)+) => {
        mod fail_fast {
            $(
                #[tokio::test(flavor = "multi_thread")]
                async fn $name() {
                    super::fail_fast_answers_every_request_within_the_bound($condition).await;
                }
            )+
        }
        mod queue {
            $(
                #[tokio::test(flavor = "multi_thread")]
                async fn $name() {
                    super::queue_applies_every_accepted_write_in_order_after($condition).await;
                }
            )+
        }
    };
}

// Flapping faster than the bound is absorbed, not seen: the pool keeps retrying a refused
// connection until its acquire timeout, so a request that starts offline succeeds in the next
// online phase. The period here is longer than the bound so both phases reach the client.
outage_tests! {
    proxy_offline: serde_json::json!({"state": "offline"});
    proxy_hung: serde_json::json!({"state": "hung"});
    proxy_slow_past_the_bound: serde_json::json!({"state": "slow", "latency_ms": 2500});
    proxy_flapping_slower_than_the_bound: serde_json::json!({"state": "flapping", "period_ms": 2000});
}
