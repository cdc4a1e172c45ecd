use reqwest::Method;
use serde_json::json;
use testkit::fixture::{self, new_uid};
use testkit::{Consumer, expect_json, spawn_app};

#[tokio::test]
async fn get_of_an_unknown_uid_is_not_found() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let response = app.get_lpa(&new_uid()).await;

    // Assert
    insta::assert_json_snapshot!("get_unknown", expect_json(response, 404).await);
}

#[tokio::test]
async fn get_many_returns_the_known_lpas_and_omits_unknown_uids() {
    // Arrange
    let app = spawn_app().await;
    let first = app.given_lpa().await;
    let second = app.given_lpa().await;
    let body = json!({"uids": [first, new_uid(), second, first]});

    // Act
    let response = app
        .send(Consumer::UseAnLpa, Method::POST, "/lpas", Some(&body))
        .await;

    // Assert
    let body = expect_json(response, 200).await;
    let mut uids: Vec<&str> = body["lpas"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["uid"].as_str().unwrap())
        .collect();
    uids.sort_unstable();
    let mut expected = vec![first.as_str(), second.as_str()];
    expected.sort_unstable();
    assert_eq!(uids, expected);
}

#[tokio::test]
async fn get_many_without_uids_is_an_invalid_request() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let response = app
        .send(Consumer::UseAnLpa, Method::POST, "/lpas", Some(&json!({})))
        .await;

    // Assert
    let body = expect_json(response, 400).await;
    assert_eq!(body["errors"][0]["source"], "/uids");
}

#[tokio::test]
async fn presign_images_replaces_paths_with_urls_that_serve_the_bytes() {
    // Arrange
    let app = spawn_app().await;
    let uid = new_uid();
    expect_json(
        app.put_lpa(&uid, &fixture::paper_lpa_with_gaps()).await,
        201,
    )
    .await;

    // Act
    let response = app
        .send(
            Consumer::UseAnLpa,
            Method::GET,
            &format!("/lpas/{uid}?presign-images"),
            None,
        )
        .await;

    // Assert
    let lpa = expect_json(response, 200).await;
    let url = lpa["restrictionsAndConditionsImages"][0]["path"]
        .as_str()
        .unwrap();
    assert!(url.starts_with("http://"), "{url}");
    let bytes = app
        .client
        .get(url)
        .header(
            "X-Jwt-Authorization",
            format!("Bearer {}", app.token(Consumer::UseAnLpa)),
        )
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(&bytes[..], b"hello world");
}

#[tokio::test]
async fn static_copy_is_the_lpa_as_created_whatever_happens_after() {
    // Arrange
    let app = spawn_app().await;
    let uid = app.given_signed_lpa().await;

    // Act
    let response = app
        .send(
            Consumer::Sirius,
            Method::GET,
            &format!("/lpas/{uid}/static"),
            None,
        )
        .await;

    // Assert
    let original = expect_json(response, 200).await;
    assert!(original["certificateProvider"].get("signedAt").is_none());
    assert_eq!(original["certificateProvider"]["channel"], "paper");
    let current = expect_json(app.get_lpa(&uid).await, 200).await;
    assert_eq!(current["certificateProvider"]["channel"], "online");
}

#[tokio::test]
async fn static_copy_of_an_unknown_uid_is_not_found() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let response = app
        .send(
            Consumer::Sirius,
            Method::GET,
            &format!("/lpas/{}/static", new_uid()),
            None,
        )
        .await;

    // Assert
    expect_json(response, 404).await;
}
