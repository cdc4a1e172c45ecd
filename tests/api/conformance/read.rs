//! Ported from lambda/get, lambda/getlist, lambda/getstatic and lambda/getupdates main_test.go.
//!
//! Not ported: each `...WhenStoreErrors` and `...WhenPresignImagesErrors` test, and getstatic's
//! "generic error, 500 response" case: a mocked DynamoDB or S3 failure answered with a 500,
//! which the simulator does not copy (DESIGN.md, principle 1).

use reqwest::Method;
use serde_json::{Value, json};
use testkit::{Consumer, TestApp, expect_json, fixture, spawn_app};

use super::{not_found, send_bytes, unauthorised};

async fn send(app: &TestApp, method: Method, path: &str, body: Option<&[u8]>) -> reqwest::Response {
    let header = format!("Bearer {}", app.token(Consumer::UseAnLpa));
    send_bytes(app, method, path, Some(&header), body).await
}

/// A paper LPA with one image of each kind.
async fn given_paper_lpa_with_images(app: &TestApp) -> String {
    let mut lpa = fixture::online_lpa();
    lpa["channel"] = json!("paper");
    lpa["restrictionsAndConditionsImages"] = json!([{"filename": "a.png", "data": "aGVsbG8K"}]);
    lpa["howAttorneysMakeDecisionsDetailsImages"] =
        json!([{"filename": "b.png", "data": "aGVsbG8K"}]);
    let uid = fixture::new_uid();
    expect_json(app.put_lpa(&uid, &lpa).await, 201).await;
    uid
}

/// Ported from lambda/get/main_test.go, TestLambdaHandleEvent: 200 with the LPA.
#[tokio::test]
async fn get_answers_the_stored_lpa() {
    let app = spawn_app().await;
    let uid = app.given_lpa().await;
    let lpa = expect_json(
        send(&app, Method::GET, &format!("/lpas/{uid}"), None).await,
        200,
    )
    .await;
    assert_eq!(lpa["uid"], uid);
}

/// Ported from lambda/get/main_test.go, TestLambdaHandleEventWhenPresignImages: each image's
/// path becomes a URL; the hash stays.
#[tokio::test]
async fn get_with_presign_images_replaces_each_image_path() {
    let app = spawn_app().await;
    let uid = given_paper_lpa_with_images(&app).await;
    let plain = expect_json(
        send(&app, Method::GET, &format!("/lpas/{uid}"), None).await,
        200,
    )
    .await;
    let signed = expect_json(
        send(
            &app,
            Method::GET,
            &format!("/lpas/{uid}?presign-images"),
            None,
        )
        .await,
        200,
    )
    .await;
    for list in [
        "restrictionsAndConditionsImages",
        "howAttorneysMakeDecisionsDetailsImages",
    ] {
        let path = plain[list][0]["path"].as_str().expect("a path");
        let url = signed[list][0]["path"].as_str().expect("a URL");
        assert!(
            url.starts_with("http") && url.ends_with(path),
            "{list}: {url}"
        );
        assert_eq!(plain[list][0]["hash"], signed[list][0]["hash"]);
    }
}

/// Ported from lambda/get, getlist, getstatic and getupdates main_test.go,
/// TestLambdaHandleEventWhenUnauthorised / TestLambdaHandleEventHeadersNotVerified.
#[tokio::test]
async fn every_read_refuses_a_request_without_a_token() {
    let app = spawn_app().await;
    let uid = app.given_lpa().await;
    let cases: [(&str, Method, String, Option<&[u8]>); 4] = [
        ("get", Method::GET, format!("/lpas/{uid}"), None),
        (
            "getlist",
            Method::POST,
            "/lpas".to_owned(),
            Some(br#"{"uids":["my-uid","another-uid"]}"#),
        ),
        (
            "getstatic",
            Method::GET,
            format!("/lpas/{uid}/static"),
            None,
        ),
        (
            "getupdates",
            Method::GET,
            format!("/lpas/{uid}/updates"),
            None,
        ),
    ];
    for (case, method, path, body) in cases {
        let response = send_bytes(&app, method, &path, None, body).await;
        assert_eq!(expect_json(response, 401).await, unauthorised(), "{case}");
    }
}

/// Ported from lambda/get/main_test.go, TestLambdaHandleEventWhenNotFound.
#[tokio::test]
async fn get_of_an_unknown_uid_is_not_found() {
    let app = spawn_app().await;
    let response = send(
        &app,
        Method::GET,
        &format!("/lpas/{}", fixture::new_uid()),
        None,
    )
    .await;
    assert_eq!(expect_json(response, 404).await, not_found());
}

/// Ported from lambda/getlist/main_test.go, TestLambdaHandleEvent: the LPAs found, in
/// `{"lpas": [...]}`; a UID not stored is left out.
#[tokio::test]
async fn get_list_answers_the_lpas_found() {
    let app = spawn_app().await;
    let uid = app.given_lpa().await;
    let body = serde_json::to_vec(&json!({"uids": [uid, "another-uid"]})).expect("JSON");
    let got = expect_json(send(&app, Method::POST, "/lpas", Some(&body)).await, 200).await;
    let uids: Vec<&Value> = got["lpas"]
        .as_array()
        .expect("lpas")
        .iter()
        .map(|l| &l["uid"])
        .collect();
    assert_eq!(uids, [&json!(uid)]);
}

/// Ported from lambda/getlist/main_test.go, TestLambdaHandleEventWhenPresignImages.
#[tokio::test]
async fn get_list_with_presign_images_replaces_each_image_path() {
    let app = spawn_app().await;
    let uid = given_paper_lpa_with_images(&app).await;
    let body = serde_json::to_vec(&json!({"uids": [uid]})).expect("JSON");
    let got = expect_json(
        send(&app, Method::POST, "/lpas?presign-images", Some(&body)).await,
        200,
    )
    .await;
    let url = got["lpas"][0]["restrictionsAndConditionsImages"][0]["path"]
        .as_str()
        .expect("a URL");
    assert!(
        url.starts_with("http") && url.ends_with(&format!("{uid}/scans/rc_0_a.png")),
        "{url}"
    );
}

/// Ported from lambda/getlist/main_test.go, TestLambdaHandleEventWhenBadRequest: the store
/// answers `{` with a 500; the simulator answers 400, a departure listed in the README.
#[tokio::test]
async fn get_list_of_a_body_that_is_not_json_is_a_bad_request() {
    let app = spawn_app().await;
    let response = send(&app, Method::POST, "/lpas", Some(b"{")).await;
    let body = expect_json(response, 400).await;
    assert_eq!(body["code"], "INVALID_REQUEST");
    assert_eq!(body["errors"][0]["source"], "/");
}

/// Ported from lambda/getstatic/main_test.go, TestLambdaHandleEventStaticLpaReturned and
/// TestLambdaHandleEventStaticLpaNotFound ("NoSuchUpload" and "NoSuchKey" cases: no static
/// copy is a 404).
#[tokio::test]
async fn get_static_answers_the_copy_or_not_found() {
    let app = spawn_app().await;
    let uid = app.given_lpa().await;
    let copy = expect_json(
        send(&app, Method::GET, &format!("/lpas/{uid}/static"), None).await,
        200,
    )
    .await;
    assert_eq!(copy["uid"], uid);
    let response = send(
        &app,
        Method::GET,
        &format!("/lpas/{}/static", fixture::new_uid()),
        None,
    )
    .await;
    assert_eq!(expect_json(response, 404).await, not_found());
}

/// Ported from lambda/getupdates/main_test.go, TestLambdaHandleEvent and
/// TestLambdaHandleEventWhenNoChangesFound.
#[tokio::test]
async fn get_updates_answers_the_changes_or_not_found_when_there_are_none() {
    let app = spawn_app().await;
    let uid = app.given_lpa().await;
    let response = send(&app, Method::GET, &format!("/lpas/{uid}/updates"), None).await;
    assert_eq!(expect_json(response, 404).await, not_found());

    app.update_ok(&uid, "DONOR_WITHDRAW_LPA", json!([])).await;
    let got = expect_json(
        send(&app, Method::GET, &format!("/lpas/{uid}/updates"), None).await,
        200,
    )
    .await;
    let records = got.as_array().expect("an array");
    assert_eq!(records.len(), 1);
    assert_eq!(records[0]["uid"], uid);
    assert_eq!(records[0]["type"], "DONOR_WITHDRAW_LPA");
}
