//! One test per fault kind, asserting what the client sees.

use std::io::ErrorKind;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use testkit::{expect_json, fixture};

use super::app;

const FAULT_HEADER: &str = "x-lpa-sim-fault";

#[tokio::test]
async fn a_latency_fault_delays_the_answer_and_leaves_it_intact() {
    // Arrange
    let app = app().await;
    let uid = app.given_lpa().await;
    app.add_fault(
        json!({"name": "slow-read", "kind": "latency", "latency_ms": 400,
                         "selector": {"method": "GET", "route": "/lpas/{uid}"}}),
    )
    .await;

    // Act
    let started = Instant::now();
    let response = app.get_lpa(&uid).await;
    let elapsed = started.elapsed();

    // Assert
    assert_eq!(response.headers()[FAULT_HEADER], "slow-read");
    let lpa = expect_json(response, 200).await;
    assert_eq!(lpa["uid"], uid.as_str());
    assert!(elapsed >= Duration::from_millis(400), "{elapsed:?}");
    assert!(elapsed < Duration::from_millis(2000), "{elapsed:?}");
}

#[tokio::test]
async fn a_jittered_latency_stays_between_the_fixed_delay_and_the_jitter() {
    // Arrange
    let app = app().await;
    let uid = app.given_lpa().await;
    app.add_fault(json!({"kind": "latency", "latency_ms": 100, "jitter_ms": 300}))
        .await;

    // Act
    let mut delays = Vec::new();
    for _ in 0..6 {
        let started = Instant::now();
        expect_json(app.get_lpa(&uid).await, 200).await;
        delays.push(started.elapsed());
    }

    // Assert
    for delay in &delays {
        assert!(*delay >= Duration::from_millis(100), "{delays:?}");
        assert!(*delay < Duration::from_millis(1400), "{delays:?}");
    }
    let spread = delays
        .iter()
        .max()
        .unwrap()
        .saturating_sub(*delays.iter().min().unwrap());
    assert!(
        spread >= Duration::from_millis(20),
        "jitter should vary: {delays:?}"
    );
}

#[tokio::test]
async fn a_status_fault_answers_the_problem_body_with_retry_after_and_writes_nothing() {
    // Arrange
    let app = app().await;
    app.add_fault(
        json!({"kind": "status", "status": 503, "retry_after_secs": 7,
                         "selector": {"method": "PUT"}, "count": 1}),
    )
    .await;
    let uid = fixture::new_uid();

    // Act
    let refused = app.put_lpa(&uid, &fixture::online_lpa()).await;
    let retry_after = refused.headers()["retry-after"].clone();
    let problem = expect_json(refused, 503).await;
    let after = app.get_lpa(&uid).await;

    // Assert
    assert_eq!(retry_after, "7");
    assert_eq!(
        problem,
        json!({"code": "SERVICE_UNAVAILABLE", "detail": "Service Unavailable"})
    );
    expect_json(after, 404).await;
}

#[tokio::test]
async fn a_status_fault_can_speak_with_its_own_code_and_detail() {
    // Arrange
    let app = app().await;
    let uid = app.given_lpa().await;
    app.add_fault(
        json!({"kind": "status", "status": 500, "code": "INTERNAL_SERVER_ERROR",
                         "detail": "Internal server error"}),
    )
    .await;

    // Act
    let response = app.get_lpa(&uid).await;

    // Assert
    assert!(response.headers().get("retry-after").is_none());
    assert_eq!(
        expect_json(response, 500).await,
        json!({"code": "INTERNAL_SERVER_ERROR", "detail": "Internal server error"})
    );
}

#[tokio::test]
async fn a_reset_fault_is_a_connection_reset_and_the_store_never_sees_the_request() {
    // Arrange
    let app = app().await;
    app.add_fault(json!({"kind": "reset", "selector": {"method": "PUT"}, "count": 1}))
        .await;
    let uid = fixture::new_uid();
    let path = format!("/lpas/{uid}");

    // Act
    let answer = app.raw("PUT", &path, Some(&fixture::online_lpa())).await;

    // Assert
    let error = answer.expect_err("the connection should be reset");
    assert_eq!(error.kind(), ErrorKind::ConnectionReset, "{error}");
    expect_json(app.get_lpa(&uid).await, 404).await;
}

#[tokio::test]
async fn a_reset_after_the_write_loses_the_answer_but_not_the_write() {
    // Arrange
    let app = app().await;
    app.add_fault(json!({"kind": "reset", "phase": "response", "selector": {"method": "PUT"}}))
        .await;
    let uid = fixture::new_uid();

    // Act
    let answer = app
        .raw("PUT", &format!("/lpas/{uid}"), Some(&fixture::online_lpa()))
        .await;

    // Assert
    let error = answer.expect_err("the connection should be reset");
    assert_eq!(error.kind(), ErrorKind::ConnectionReset, "{error}");
    let lpa = expect_json(app.get_lpa(&uid).await, 200).await;
    assert_eq!(lpa["uid"], uid.as_str());
}

#[tokio::test]
async fn an_empty_fault_closes_the_connection_without_a_byte() {
    // Arrange
    let app = app().await;
    let uid = app.given_lpa().await;
    app.add_fault(json!({"kind": "empty"})).await;

    // Act
    let answer = app.raw("GET", &format!("/lpas/{uid}"), None).await;

    // Assert
    let bytes = answer.expect("an orderly close, not a reset");
    assert!(bytes.is_empty(), "{}", String::from_utf8_lossy(&bytes));
}

#[tokio::test]
async fn a_malformed_fault_keeps_the_status_but_the_body_does_not_parse() {
    // Arrange
    let app = app().await;
    let uid = app.given_lpa().await;
    let whole = app.get_lpa(&uid).await.text().await.unwrap();
    app.add_fault(json!({"kind": "malformed"})).await;

    // Act
    let response = app.get_lpa(&uid).await;
    let status = response.status().as_u16();
    let length = response.headers()["content-length"].clone();
    let body = response.text().await.expect("the cut body arrives whole");

    // Assert
    assert_eq!(status, 200);
    assert_eq!(length, body.len().to_string().as_str());
    assert!(serde_json::from_str::<Value>(&body).is_err(), "{body}");
    assert!(whole.starts_with(&body) && body.len() < whole.len());
}

#[tokio::test]
async fn a_hang_ends_at_its_bound_with_a_close_when_the_client_waits_longer() {
    // Arrange
    let app = app().await;
    let uid = app.given_lpa().await;
    app.add_fault(json!({"kind": "hang", "max_ms": 1000})).await;

    // Act
    let started = Instant::now();
    let answer = app.raw("GET", &format!("/lpas/{uid}"), None).await;
    let elapsed = started.elapsed();

    // Assert
    assert!(answer.expect("a close, not a reset").is_empty());
    assert!(elapsed >= Duration::from_millis(1000), "{elapsed:?}");
    assert!(elapsed < Duration::from_millis(3000), "{elapsed:?}");
}

#[tokio::test]
async fn a_hang_outlasts_a_client_that_gives_up_first() {
    // Arrange
    let app = app().await;
    let uid = app.given_lpa().await;
    app.add_fault(json!({"kind": "hang", "max_ms": 60000}))
        .await;
    let impatient = reqwest::Client::builder()
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();

    // Act
    let started = Instant::now();
    let error = impatient
        .get(app.url(&format!("/lpas/{uid}")))
        .header(
            "X-Jwt-Authorization",
            format!("Bearer {}", app.token(testkit::Consumer::UseAnLpa)),
        )
        .send()
        .await
        .expect_err("the client gives up");
    let elapsed = started.elapsed();

    // Assert
    assert!(error.is_timeout(), "{error}");
    assert!(elapsed < Duration::from_millis(2000), "{elapsed:?}");
}

#[tokio::test]
async fn a_slow_body_arrives_whole_at_the_set_rate() {
    // Arrange
    let app = app().await;
    let uid = app.given_lpa().await;
    let whole = expect_json(app.get_lpa(&uid).await, 200).await;
    let size = whole.to_string().len();
    let rate = u64::try_from(size).unwrap(); // one second's worth
    app.add_fault(json!({"kind": "slow_body", "bytes_per_sec": rate}))
        .await;

    // Act
    let started = Instant::now();
    let slow = expect_json(app.get_lpa(&uid).await, 200).await;
    let elapsed = started.elapsed();

    // Assert
    assert_eq!(slow, whole);
    assert!(elapsed >= Duration::from_millis(900), "{elapsed:?}");
    assert!(elapsed < Duration::from_millis(3000), "{elapsed:?}");
}
