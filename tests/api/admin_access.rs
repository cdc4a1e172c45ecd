//! Who may use the admin and provider-state routes: anyone on a loopback listener, only the
//! admin token's holders elsewhere, and nobody on a shared address without a token.

use reqwest::StatusCode;
use serde_json::json;
use simulator::Simulator;
use testkit::{Consumer, expect_json, fixture, spawn_app, spawn_on_all_interfaces};

const ADMIN_ROUTES: &[(&str, &str)] = &[
    ("GET", "/__admin/events"),
    ("GET", "/__admin/health"),
    ("GET", "/__admin/database"),
    ("PUT", "/__admin/database"),
    ("POST", "/__admin/reset"),
    ("GET", "/__admin/faults"),
    ("POST", "/__admin/faults"),
    ("DELETE", "/__admin/faults"),
    ("PUT", "/__admin/fault-seed"),
    ("GET", "/__admin/requests"),
    ("DELETE", "/__admin/requests"),
    ("GET", "/__admin/outbox"),
    ("GET", "/__admin/operations"),
    ("GET", "/__admin/scopes"),
    ("GET", "/__admin/metrics"),
    ("GET", "/__admin/report"),
    ("GET", "/__admin/"),
    ("GET", "/__pact/provider-states"),
    ("POST", "/__pact/provider-states"),
    ("POST", "/_pact_state"),
];

async fn call(app: &testkit::TestApp, method: &str, path: &str) -> reqwest::Response {
    let method: reqwest::Method = method.parse().unwrap();
    app.client
        .request(method, app.url(path))
        .json(&json!({"state": "An LPA with UID M-0000-1111-2222 exists"}))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn on_a_shared_address_without_a_token_every_admin_route_is_closed_and_says_what_to_do() {
    // Arrange
    let app = spawn_on_all_interfaces(Simulator::in_memory(), None).await;

    for (method, path) in ADMIN_ROUTES {
        // Act
        let response = call(&app, method, path).await;

        // Assert
        let problem = expect_json(response, 403).await;
        assert_eq!(problem["code"], "FORBIDDEN", "{method} {path}");
        let detail = problem["detail"].as_str().unwrap();
        assert!(
            detail.contains("--admin-token") && detail.contains("--admin-listen"),
            "{method} {path}: {detail}"
        );
    }
    // The provider state was never set up: nothing was created.
    let lpa = app.get_lpa("M-0000-1111-2222").await;
    assert_eq!(lpa.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn on_a_shared_address_the_api_itself_still_answers() {
    // Arrange
    let app = spawn_on_all_interfaces(Simulator::in_memory(), None).await;
    let uid = fixture::new_uid();

    // Act
    let created = app.put_lpa(&uid, &fixture::online_lpa()).await;
    let read = app.get_lpa(&uid).await;

    // Assert
    assert_eq!(created.status(), StatusCode::CREATED);
    assert_eq!(read.status(), StatusCode::OK);
}

#[tokio::test]
async fn with_a_token_the_admin_routes_answer_its_holder_only() {
    // Arrange
    let simulator = Simulator::in_memory().with_admin_token(Some("rehearsal-token".to_owned()));
    let holder = spawn_on_all_interfaces(simulator, Some("rehearsal-token")).await;
    let stranger = reqwest::Client::new();
    let wrong = reqwest::Client::new();

    // Act
    let allowed = holder
        .client
        .get(holder.url("/__admin/faults"))
        .send()
        .await
        .unwrap();
    let anonymous = stranger
        .get(holder.url("/__admin/faults"))
        .send()
        .await
        .unwrap();
    let guessed = wrong
        .get(holder.url("/__admin/faults"))
        .bearer_auth("rehearsal-tokem")
        .send()
        .await
        .unwrap();

    // Assert
    assert_eq!(allowed.status(), StatusCode::OK);
    for refused in [anonymous, guessed] {
        let problem = expect_json(refused, 401).await;
        assert_eq!(problem["code"], "UNAUTHORIZED");
        assert!(
            problem["detail"].as_str().unwrap().contains("admin token"),
            "{problem}"
        );
    }
}

#[tokio::test]
async fn a_token_is_required_even_on_loopback_once_it_is_set() {
    // Arrange
    let app =
        testkit::spawn(Simulator::in_memory().with_admin_token(Some("t0ken".to_owned()))).await;

    // Act
    let response = app
        .client
        .post(app.url("/__admin/reset"))
        .send()
        .await
        .unwrap();

    // Assert
    expect_json(response, 401).await;
}

#[tokio::test]
async fn on_loopback_without_a_token_the_admin_routes_are_open() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let response = app
        .client
        .get(app.url("/__admin/faults"))
        .send()
        .await
        .unwrap();

    // Assert
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn scanned_images_are_refused_to_anonymous_callers_and_served_to_the_admin_token() {
    // Arrange: a paper LPA with a scanned page, read with presigned image URLs.
    let simulator = Simulator::in_memory().with_admin_token(Some("qa-token".to_owned()));
    let app = spawn_on_all_interfaces(simulator, Some("qa-token")).await;
    let uid = fixture::new_uid();
    let created = app.put_lpa(&uid, &fixture::paper_lpa_with_gaps()).await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let lpa = expect_json(
        app.send(
            Consumer::UseAnLpa,
            reqwest::Method::GET,
            &format!("/lpas/{uid}?presign-images"),
            None,
        )
        .await,
        200,
    )
    .await;
    let image_path = lpa["restrictionsAndConditionsImages"][0]["path"]
        .as_str()
        .expect("a presigned image URL")
        .split_once("/__admin/")
        .map(|(_, rest)| format!("/__admin/{rest}"))
        .expect("an image route");

    // Act
    let anonymous = reqwest::get(app.url(&image_path)).await.unwrap();
    let with_admin_token = app.client.get(app.url(&image_path)).send().await.unwrap();

    // Assert
    let problem = expect_json(anonymous, 401).await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("X-Jwt-Authorization"),
        "{problem}"
    );
    assert_eq!(with_admin_token.status(), StatusCode::OK);
    assert_eq!(
        with_admin_token.bytes().await.unwrap().as_ref(),
        b"hello world"
    );
}

#[tokio::test]
async fn presigned_image_urls_ignore_the_callers_host_header() {
    // Arrange
    let app = spawn_app().await;
    let uid = fixture::new_uid();
    let created = app.put_lpa(&uid, &fixture::paper_lpa_with_gaps()).await;
    assert_eq!(created.status(), StatusCode::CREATED);

    // Act
    let response = app
        .client
        .get(app.url(&format!("/lpas/{uid}?presign-images")))
        .header("Host", "evil.example")
        .header(
            "X-Jwt-Authorization",
            format!("Bearer {}", app.token(Consumer::UseAnLpa)),
        )
        .send()
        .await
        .unwrap();

    // Assert
    let lpa = expect_json(response, 200).await;
    let url = lpa["restrictionsAndConditionsImages"][0]["path"]
        .as_str()
        .unwrap();
    assert!(
        url.starts_with(&format!("{}/__admin/images/", app.address)),
        "{url}"
    );
}

#[tokio::test]
async fn the_request_journal_keeps_query_parameter_names_without_their_values() {
    // Arrange
    let app = spawn_app().await;

    // Act
    app.client
        .get(app.url("/health-check?api_key=s3cret&verbose"))
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
    let text = journal.to_string();
    assert!(!text.contains("s3cret"), "{text}");
    assert!(text.contains("api_key&verbose"), "{text}");
}
