//! Ported from lambda/update/main_test.go: the update handler's own behaviour, whatever the
//! type (the types themselves are ported elsewhere).
//!
//! Not ported: TestHandleEventWhenStoreGetError (a mocked DynamoDB failure, a 500) and
//! TestHandleEventWhenSendLpaUpdatedFailed (an EventBridge failure that still answers 201, as
//! every successful update here does).

use reqwest::Method;
use serde_json::{Value, json};
use testkit::{Consumer, TestApp, expect_json, fixture, spawn_app};

use super::{invalid, not_found, send_bytes, unauthorised};

async fn post(app: &TestApp, uid: &str, body: &[u8]) -> reqwest::Response {
    let header = format!("Bearer {}", app.token(Consumer::Sirius));
    send_bytes(
        app,
        Method::POST,
        &format!("/lpas/{uid}/updates"),
        Some(&header),
        Some(body),
    )
    .await
}

/// Ported from lambda/update/main_test.go, TestHandleEvent: a certificate provider signing
/// a paper LPA (stored despite its gaps) whose provider is on paper with email a@example.com.
#[tokio::test]
async fn an_update_is_applied_and_answered_with_the_lpa() {
    let app = spawn_app().await;
    let uid = fixture::new_uid();
    let lpa = json!({"channel": "paper", "certificateProvider": {"email": "a@example.com", "channel": "paper"}});
    expect_json(app.put_lpa(&uid, &lpa).await, 201).await;

    let body = br#"{"type":"CERTIFICATE_PROVIDER_SIGN","changes":[{"key":"/certificateProvider/signedAt","old":null,"new":"2022-01-02T12:13:14.000000006Z"},{"key":"/certificateProvider/contactLanguagePreference","old":null,"new":"en"},{"key":"/certificateProvider/email","old":"a@example.com","new":"b@example.com"},{"key":"/certificateProvider/channel","old":"paper","new":"online"}]}"#;
    let got = expect_json(post(&app, &uid, body).await, 201).await;

    let provider = &got["certificateProvider"];
    assert_eq!(provider["signedAt"], "2022-01-02T12:13:14.000000006Z");
    assert_eq!(provider["contactLanguagePreference"], "en");
    assert_eq!(provider["email"], "b@example.com");
    assert_eq!(provider["channel"], "online");

    let records = expect_json(app.get_updates(&uid).await, 200).await;
    let sent: Value = serde_json::from_slice(body).expect("JSON");
    assert_eq!(records[0]["type"], "CERTIFICATE_PROVIDER_SIGN");
    assert_eq!(records[0]["changes"], sent["changes"]);
    assert_eq!(records[0]["author"], "urn:opg:sirius:users:34");
}

/// Ported from lambda/update/main_test.go, TestHandleEventWhenAllChangesRedundant.
#[tokio::test]
async fn an_update_whose_only_change_is_redundant_is_refused() {
    let app = spawn_app().await;
    let uid = app.given_lpa().await;
    let body = br#"{"type":"OPG_STATUS_CHANGE","changes":[{"key":"/status","old":"cannot-register","new":"cannot-register"}]}"#;
    assert_eq!(
        expect_json(post(&app, &uid, body).await, 400).await,
        invalid(&[("/changes/0", "redundant change for /status")])
    );
}

/// Ported from lambda/update/main_test.go, TestHandleEventWhenAnyChangeRedundant.
#[tokio::test]
async fn an_update_with_any_redundant_change_is_refused() {
    let app = spawn_app().await;
    let uid = app.given_lpa().await;
    let body = br#"{"type":"CERTIFICATE_PROVIDER_SIGN","changes":[{"key":"/certificateProvider/email","old":"a@example.com","new":"a@example.com"},{"key":"/certificateProvider/signedAt","old":null,"new":"2022-01-02T12:13:14.000000006Z"}]}"#;
    assert_eq!(
        expect_json(post(&app, &uid, body).await, 400).await,
        invalid(&[(
            "/changes/0",
            "redundant change for /certificateProvider/email"
        )])
    );
}

/// Ported from lambda/update/main_test.go, TestHandleEventWhenUnknownType.
#[tokio::test]
async fn an_update_of_an_unknown_type_is_refused() {
    let app = spawn_app().await;
    let uid = app.given_lpa().await;
    let body = br#"{"type":"SCANNING_CORRECTION","changes":[{"key":"/donor/firstNames","old":"Johm","new":"John"}]}"#;
    assert_eq!(
        expect_json(post(&app, &uid, body).await, 400).await,
        invalid(&[("/type", "invalid value")])
    );
}

/// Ported from lambda/update/main_test.go, TestHandleEventWhenUpdateInvalid.
#[tokio::test]
async fn an_update_missing_a_required_change_is_refused() {
    let app = spawn_app().await;
    let uid = app.given_lpa().await;
    let body = br#"{"type":"CERTIFICATE_PROVIDER_SIGN","changes":[]}"#;
    assert_eq!(
        expect_json(post(&app, &uid, body).await, 400).await,
        invalid(&[("/changes", "missing /certificateProvider/signedAt")])
    );
}

/// Ported from lambda/update/main_test.go, TestHandleEventWhenLpaNotFound: `{}` for an LPA
/// that does not exist is a 404, as the LPA is looked up before the update is checked.
#[tokio::test]
async fn an_update_of_an_unknown_lpa_is_not_found_whatever_the_body() {
    let app = spawn_app().await;
    let response = post(&app, &fixture::new_uid(), b"{}").await;
    assert_eq!(expect_json(response, 404).await, not_found());
}

/// Ported from lambda/update/main_test.go, TestHandleEventWhenRequestBodyNotJSON: the store
/// answers 500; the simulator answers 400, a departure listed in the README.
#[tokio::test]
async fn an_update_that_is_not_json_is_a_bad_request() {
    let app = spawn_app().await;
    let uid = app.given_lpa().await;
    let body = expect_json(post(&app, &uid, b"hello").await, 400).await;
    assert_eq!(body["code"], "INVALID_REQUEST");
    assert_eq!(body["errors"][0]["source"], "/");
}

/// Ported from lambda/update/main_test.go, TestHandleEventWhenHeaderNotVerified.
#[tokio::test]
async fn an_update_without_a_valid_token_is_unauthorised() {
    let app = spawn_app().await;
    let uid = app.given_lpa().await;
    let response = send_bytes(
        &app,
        Method::POST,
        &format!("/lpas/{uid}/updates"),
        Some("Bearer x"),
        Some(b"{}"),
    )
    .await;
    assert_eq!(expect_json(response, 401).await, unauthorised());
}
