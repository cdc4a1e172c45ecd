//! Bad input never yields a 5xx or a panic.

use reqwest::Method;
use serde_json::json;
use testkit::fixture::{self, new_uid};
use testkit::{Consumer, TestApp, expect_json, spawn, spawn_app};

async fn send_raw(app: &TestApp, method: Method, path: &str, body: Vec<u8>) -> reqwest::Response {
    app.client
        .request(method, app.url(path))
        .header(
            "X-Jwt-Authorization",
            format!("Bearer {}", app.token(Consumer::Sirius)),
        )
        .header("Content-Type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn malformed_json_is_an_invalid_request_on_every_body_route() {
    // Arrange
    let app = spawn_app().await;
    let uid = app.given_lpa().await;
    let routes = [
        (Method::PUT, format!("/lpas/{}", new_uid())),
        (Method::POST, format!("/lpas/{uid}/updates")),
        (Method::POST, "/lpas".to_owned()),
    ];

    for (method, path) in routes {
        // Act
        let response = send_raw(&app, method.clone(), &path, b"{\"type\": ".to_vec()).await;

        // Assert
        let body = expect_json(response, 400).await;
        assert_eq!(body["code"], "INVALID_REQUEST", "{method} {path}");
    }
}

#[tokio::test]
async fn malformed_json_body_is_described_in_the_error() {
    let app = spawn_app().await;
    let response = send_raw(
        &app,
        Method::PUT,
        &format!("/lpas/{}", new_uid()),
        b"{".to_vec(),
    )
    .await;
    insta::assert_json_snapshot!("malformed_json", expect_json(response, 400).await);
}

#[tokio::test]
async fn wrong_json_types_are_an_invalid_request() {
    // Arrange
    let app = spawn_app().await;
    let uid = app.given_lpa().await;
    let mut lpa = fixture::online_lpa();
    lpa["donor"] = json!("Homer");

    // Act
    let put = app.put_lpa(&new_uid(), &lpa).await;
    let update = app
        .send(
            Consumer::Sirius,
            Method::POST,
            &format!("/lpas/{uid}/updates"),
            Some(&json!({"type": 5, "changes": "all"})),
        )
        .await;
    let many = app
        .send(
            Consumer::UseAnLpa,
            Method::POST,
            "/lpas",
            Some(&json!({"uids": "M-1"})),
        )
        .await;

    // Assert
    for response in [put, update, many] {
        let body = expect_json(response, 400).await;
        assert_eq!(body["code"], "INVALID_REQUEST");
    }
}

#[tokio::test]
async fn body_over_the_limit_is_refused_with_413() {
    // Arrange
    let app = spawn(simulator::Simulator::in_memory().with_body_limit(64 * 1024)).await;
    let mut lpa = fixture::online_lpa();
    lpa["restrictionsAndConditions"] = json!("x".repeat(100 * 1024));

    // Act
    let response = app.put_lpa(&new_uid(), &lpa).await;

    // Assert
    let body = expect_json(response, 413).await;
    assert_eq!(body["code"], "PAYLOAD_TOO_LARGE");
}

#[tokio::test]
async fn deeply_nested_json_is_refused_without_a_crash() {
    // Arrange
    let app = spawn_app().await;
    let depth = 100_000;
    let body = format!("{}{}", "[".repeat(depth), "]".repeat(depth)).into_bytes();

    // Act
    let response = send_raw(&app, Method::POST, "/lpas", body).await;

    // Assert
    expect_json(response, 400).await;
    let health = app
        .client
        .get(app.url("/health-check"))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200, "the server is still up");
}

#[tokio::test]
async fn non_utf8_body_is_an_invalid_request() {
    let app = spawn_app().await;
    let response = send_raw(
        &app,
        Method::PUT,
        &format!("/lpas/{}", new_uid()),
        vec![0xff, 0xfe, 0x7b],
    )
    .await;
    expect_json(response, 400).await;
}

#[tokio::test]
async fn unknown_fields_are_ignored_as_the_real_store_does() {
    // Arrange
    let app = spawn_app().await;
    let uid = new_uid();
    let mut lpa = fixture::online_lpa();
    lpa["favouriteColour"] = json!("green");
    lpa["donor"]["shoeSize"] = json!(9);

    // Act
    expect_json(app.put_lpa(&uid, &lpa).await, 201).await;

    // Assert
    let stored = expect_json(app.get_lpa(&uid).await, 200).await;
    assert!(stored.get("favouriteColour").is_none());
    assert!(stored["donor"].get("shoeSize").is_none());
}

#[tokio::test]
async fn object_values_in_changes_never_cause_a_server_error() {
    // Arrange
    let app = spawn_app().await;
    let uid = app.given_lpa().await;
    let changes = json!([
        {"key": "/donor/lastName", "old": {"a": 1}, "new": ["x"]},
        {"key": "/donor/firstNames", "old": "Homer", "new": {"b": 2}}
    ]);

    // Act
    let response = app.update(&uid, "CORRECTION", changes).await;

    // Assert
    let body = expect_json(response, 400).await;
    assert_eq!(body["code"], "INVALID_REQUEST");
}

#[tokio::test]
async fn unknown_route_is_a_not_found_problem() {
    let app = spawn_app().await;
    let response = app.client.get(app.url("/nowhere")).send().await.unwrap();
    let body = expect_json(response, 404).await;
    assert_eq!(body["code"], "NOT_FOUND");
}
