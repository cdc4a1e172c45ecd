use reqwest::Response;
use simulator::auth::TokenRequest;
use testkit::{TestApp, expect_json, fixture, spawn_app, token};

async fn get_with_header(app: &TestApp, header: Option<String>) -> Response {
    let uid = app.given_lpa().await;
    let mut request = app.client.get(app.url(&format!("/lpas/{uid}")));
    if let Some(header) = header {
        request = request.header("X-Jwt-Authorization", header);
    }
    request.send().await.unwrap()
}

fn bearer(issuer: &str, subject: &str, expires_in: Option<i64>, issued_offset: i64) -> String {
    let jwt = token(&TokenRequest {
        issuer: issuer.to_owned(),
        subject: subject.to_owned(),
        expires_in,
        issued_offset,
    });
    format!("Bearer {jwt}")
}

#[tokio::test]
async fn request_without_a_token_is_unauthorised() {
    let app = spawn_app().await;
    let response = get_with_header(&app, None).await;
    insta::assert_json_snapshot!("unauthorised", expect_json(response, 401).await);
}

#[tokio::test]
async fn each_refused_token_gets_the_same_401() {
    // Arrange
    let app = spawn_app().await;
    let urn = "urn:opg:poas:use:users:1";
    let cases = [
        ("garbage", "Bearer not.a.jwt".to_owned()),
        ("expired", bearer("opg.poas.use", urn, Some(-60), -120)),
        (
            "issued in the future",
            bearer("opg.poas.use", urn, Some(3600), 600),
        ),
        (
            "unknown issuer",
            bearer("opg.poas.elsewhere", urn, Some(60), 0),
        ),
        (
            "subject not a URN",
            bearer("opg.poas.use", "user-1", Some(60), 0),
        ),
        ("wrong secret", {
            let jwt = simulator::auth::issue(
                "not-the-secret",
                &TokenRequest {
                    issuer: "opg.poas.use".into(),
                    subject: urn.into(),
                    expires_in: None,
                    issued_offset: 0,
                },
            )
            .unwrap();
            format!("Bearer {jwt}")
        }),
    ];

    for (case, header) in cases {
        // Act
        let response = get_with_header(&app, Some(header)).await;

        // Assert
        assert_eq!(response.status(), 401, "{case}");
        let body = expect_json(response, 401).await;
        assert_eq!(body["code"], "UNAUTHORISED", "{case}");
    }
}

#[tokio::test]
async fn token_without_expiry_is_accepted_as_make_register_sends_it() {
    // Arrange
    let app = spawn_app().await;
    let header = bearer(
        "opg.poas.makeregister",
        "urn:opg:poas:makeregister:users:00000000-0000-4000-0000-000000000000",
        None,
        -10,
    );

    // Act
    let response = get_with_header(&app, Some(header)).await;

    // Assert
    expect_json(response, 200).await;
}

#[tokio::test]
async fn token_is_accepted_without_the_bearer_prefix_and_in_lower_case_header() {
    // Arrange
    let app = spawn_app().await;
    let uid = app.given_lpa().await;
    let jwt = token(&TokenRequest {
        issuer: "opg.poas.sirius".into(),
        subject: "urn:opg:sirius:users:34".into(),
        expires_in: Some(60),
        issued_offset: 0,
    });

    // Act
    let response = app
        .client
        .get(app.url(&format!("/lpas/{uid}")))
        .header("x-jwt-authorization", jwt)
        .send()
        .await
        .unwrap();

    // Assert
    expect_json(response, 200).await;
}

#[tokio::test]
async fn unauthorised_comes_before_not_found_and_validation() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let response = app
        .client
        .put(app.url(&format!("/lpas/{}", fixture::new_uid())))
        .body("{not json")
        .send()
        .await
        .unwrap();

    // Assert
    expect_json(response, 401).await;
}
