//! `/__admin/faults`: adding, listing and removing faults, and refusing bad ones clearly.

use serde_json::{Value, json};
use testkit::expect_json;

use super::app;

#[tokio::test]
async fn an_added_fault_is_listed_with_its_name_defaults_and_count() {
    // Arrange
    let app = app().await;

    // Act
    let added = app
        .add_fault(json!({"kind": "latency", "latency_ms": 5, "count": 3}))
        .await;
    let listing = app.faults().await;

    // Assert
    let expected = json!({"name": "fault-1", "kind": "latency", "latency_ms": 5, "jitter_ms": 0,
                          "selector": {}, "probability": 1.0, "count": 3, "applied": 0,
                          "remaining": 3});
    assert_eq!(added, json!({"faults": [expected]}));
    assert_eq!(listing["faults"], json!([expected]));
    assert!(listing["seed"].is_u64());
}

#[tokio::test]
async fn a_fault_is_read_and_removed_by_name_and_unknown_names_are_404() {
    // Arrange
    let app = app().await;
    app.add_fault(json!({"name": "gone-soon", "kind": "empty"}))
        .await;
    let url = app.url("/__admin/faults/gone-soon");

    // Act
    let read = app.client.get(&url).send().await.unwrap();
    let removed = app.client.delete(&url).send().await.unwrap();
    let again = app.client.delete(&url).send().await.unwrap();
    let missing = app.client.get(&url).send().await.unwrap();

    // Assert
    assert_eq!(expect_json(read, 200).await["kind"], "empty");
    assert_eq!(removed.status(), 204);
    assert_eq!(expect_json(again, 404).await["code"], "NOT_FOUND");
    assert_eq!(missing.status(), 404);
}

async fn refused(body: &str) -> Value {
    let app = app().await;
    let response = app
        .client
        .post(app.url("/__admin/faults"))
        .header("content-type", "application/json")
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    let problem = expect_json(response, 400).await;
    assert_eq!(app.faults().await["faults"], json!([]), "nothing installed");
    problem
}

#[tokio::test]
async fn bad_faults_are_refused_with_a_pointer_to_what_is_wrong() {
    let cases = [
        (r#"{"kind": "latency", "latencyMs": 10}"#, "/latencyMs"),
        (r#"{"kind": "teleport"}"#, "/kind"),
        (r#"{"kind": "status", "status": 200}"#, "/status"),
        (r#"{"kind": "hang", "max_ms": 0}"#, "/max_ms"),
        (r#"{"kind": "reset", "probability": 2}"#, "/probability"),
        (
            r#"{"kind": "reset", "selector": {"route": "/nope"}}"#,
            "/selector/route",
        ),
        (
            r#"[{"kind": "reset"}, {"kind": "slow_body", "bytes_per_sec": 0}]"#,
            "/1/bytes_per_sec",
        ),
        (r#"{"kind": "reset""#, "/"),
    ];
    for (body, source) in cases {
        let problem = refused(body).await;
        assert_eq!(problem["code"], "INVALID_REQUEST", "{body}");
        assert_eq!(problem["errors"][0]["source"], source, "{body}: {problem}");
    }
}

#[tokio::test]
async fn admin_routes_are_never_faulted_so_a_rehearsal_can_always_be_ended() {
    // Arrange
    let app = app().await;
    app.add_fault(json!({"kind": "reset"})).await;

    // Act
    let listing = app.faults().await;
    let cleared = app
        .client
        .delete(app.url("/__admin/faults"))
        .send()
        .await
        .unwrap();
    let health = app
        .client
        .get(app.url("/health-check"))
        .send()
        .await
        .unwrap();

    // Assert
    assert_eq!(listing["faults"].as_array().unwrap().len(), 1);
    assert_eq!(cleared.status(), 204);
    assert_eq!(health.status(), 200);
}

#[tokio::test]
async fn the_journal_names_the_fault_and_marks_a_dropped_answer_with_status_0() {
    // Arrange
    let app = app().await;
    app.add_fault(json!({"name": "cut", "kind": "reset", "count": 1,
                         "selector": {"route": "/health-check"}}))
        .await;

    // Act
    let cut = app.client.get(app.url("/health-check")).send().await;
    let fine = app.client.get(app.url("/health-check")).send().await;
    let journal = expect_json(
        app.client
            .get(app.url("/__admin/requests"))
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;

    // Assert
    assert!(cut.is_err());
    assert_eq!(fine.unwrap().status(), 200);
    let requests = journal["requests"].as_array().unwrap();
    let statuses: Vec<_> = requests
        .iter()
        .map(|r| (r["status"].clone(), r["fault"].clone()))
        .collect();
    assert_eq!(
        statuses,
        [(json!(0), json!("cut")), (json!(200), Value::Null)]
    );
}

#[tokio::test]
async fn a_request_whose_caller_gives_up_is_journaled_with_499_and_a_503_with_its_retry_after() {
    // Arrange: the first read is held past the caller's patience, the second refused.
    let app = app().await;
    app.add_fault(json!({"kind": "latency", "latency_ms": 2000, "count": 1,
                         "selector": {"route": "/health-check"}}))
        .await;
    let impatient = reqwest::Client::builder()
        .timeout(std::time::Duration::from_millis(200))
        .build()
        .unwrap();

    // Act
    let gave_up = impatient.get(app.url("/health-check")).send().await;
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    app.add_fault(
        json!({"kind": "status", "status": 503, "retry_after_secs": 7, "count": 1,
                         "selector": {"route": "/health-check"}}),
    )
    .await;
    let refused = app
        .client
        .get(app.url("/health-check"))
        .send()
        .await
        .unwrap();
    let journal = expect_json(
        app.client
            .get(app.url("/__admin/requests"))
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;

    // Assert
    assert!(gave_up.is_err());
    assert_eq!(refused.status(), 503);
    let requests = journal["requests"].as_array().unwrap();
    assert_eq!(requests.len(), 2, "{journal}");
    assert_eq!(requests[0]["status"], 499, "{journal}");
    assert!(
        requests[0]["durationMs"].as_u64().unwrap() >= 150,
        "{journal}"
    );
    assert_eq!(requests[1]["status"], 503);
    assert_eq!(requests[1]["retryAfter"], 7);
}
