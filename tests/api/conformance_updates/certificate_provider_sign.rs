//! Ported from `lambda/update/certificate_provider_sign_test.go`.
//!
//! The validation cases start from a certificate provider with nothing set but a name; over
//! HTTP that is a paper LPA (the store keeps a paper LPA whatever its validation finds) whose
//! certificate provider has an empty address and no channel.

use serde_json::{Value, json};
use testkit::{TestApp, expect_json, spawn_app};

use super::{errors, given_paper, refused};

const NOW: &str = "2024-05-01T10:11:12.123456789Z";
const YESTERDAY: &str = "2024-04-30T10:11:12.123456789Z";

fn change(field: &str, old: Value, new: Value) -> Value {
    super::change(format!("/certificateProvider/{field}"), old, new)
}

/// A paper LPA whose certificate provider has only a name.
async fn bare_certificate_provider(app: &TestApp) -> String {
    given_paper(app, |lpa| {
        lpa["certificateProvider"] = json!({
            "uid": testkit::fixture::CERTIFICATE_PROVIDER_UID,
            "firstNames": "Some",
            "lastName": "Provider",
            "address": {}
        });
    })
    .await
}

async fn sign(app: &TestApp, uid: &str, changes: Vec<Value>) -> reqwest::Response {
    app.update(uid, "CERTIFICATE_PROVIDER_SIGN", json!(changes))
        .await
}

/// Ported from `TestCertificateProviderSignApply` and `TestValidateUpdateCertificateProviderSign`
/// "valid - no previous values".
#[tokio::test]
async fn the_certificate_provider_signs_with_an_address_a_language_an_email_and_a_channel() {
    let app = spawn_app().await;
    let uid = bare_certificate_provider(&app).await;

    let response = sign(
        &app,
        &uid,
        vec![
            change("address/line1", json!(null), json!("123 Main St")),
            change("address/town", json!(null), json!("Homeland")),
            change("address/country", json!(null), json!("GB")),
            change("signedAt", json!(null), json!(NOW)),
            change("contactLanguagePreference", json!(null), json!("cy")),
            change("email", json!(null), json!("b@example.com")),
            change("channel", json!(null), json!("online")),
        ],
    )
    .await;

    let lpa = expect_json(response, 201).await;
    let provider = &lpa["certificateProvider"];
    assert_eq!(provider["address"]["line1"], "123 Main St");
    assert_eq!(provider["address"]["town"], "Homeland");
    assert_eq!(provider["address"]["country"], "GB");
    assert_eq!(provider["signedAt"], NOW);
    assert_eq!(provider["contactLanguagePreference"], "cy");
    assert_eq!(provider["email"], "b@example.com");
    assert_eq!(provider["channel"], "online");
}

/// Ported from `TestValidateUpdateCertificateProviderSign` "valid - with previous values" and
/// `TestCertificateProviderSignApplyWhenAlreadySigned`: every `old` matches, so the changes
/// are valid, and the signature is refused because the certificate provider has signed.
#[tokio::test]
async fn the_certificate_provider_cannot_sign_again() {
    let app = spawn_app().await;
    let uid = given_paper(&app, |lpa| {
        lpa["certificateProvider"]["address"] = json!({
            "line1": "Line 1", "line2": "Line 2", "line3": "Line 3",
            "town": "Town", "postcode": "ABC 123", "country": "GB"
        });
        lpa["certificateProvider"]["signedAt"] = json!(YESTERDAY);
        lpa["certificateProvider"]["contactLanguagePreference"] = json!("en");
        lpa["certificateProvider"]["email"] = json!("a@example.com");
        lpa["certificateProvider"]["channel"] = json!("online");
    })
    .await;

    let response = sign(
        &app,
        &uid,
        vec![
            change("address/line1", json!("Line 1"), json!("New Line 1")),
            change("address/line2", json!("Line 2"), json!("New Line 2")),
            change("address/line3", json!("Line 3"), json!("New Line 3")),
            change("address/town", json!("Town"), json!("New Town")),
            change("address/country", json!("GB"), json!("FR")),
            change("signedAt", json!(YESTERDAY), json!(NOW)),
            change("contactLanguagePreference", json!("en"), json!("cy")),
            change("email", json!("a@example.com"), json!("b@example.com")),
            change("channel", json!("online"), json!("paper")),
        ],
    )
    .await;

    assert_eq!(
        refused(response).await,
        errors(&[("/type", "certificate provider cannot sign again")])
    );
}

/// Ported from `TestValidateUpdateCertificateProviderSign` "valid - can exclude optional
/// fields".
#[tokio::test]
async fn the_certificate_provider_may_leave_out_email_and_channel() {
    let app = spawn_app().await;
    let uid = bare_certificate_provider(&app).await;

    let response = sign(
        &app,
        &uid,
        vec![
            change("address/line1", json!(null), json!("123 Main St")),
            change("address/town", json!(null), json!("Homeland")),
            change("address/country", json!(null), json!("GB")),
            change("signedAt", json!(null), json!("2024-05-01T10:11:12Z")),
            change("contactLanguagePreference", json!(null), json!("cy")),
        ],
    )
    .await;

    let lpa = expect_json(response, 201).await;
    assert_eq!(
        lpa["certificateProvider"]["signedAt"],
        "2024-05-01T10:11:12Z"
    );
}

/// Ported from `TestValidateUpdateCertificateProviderSign` "missing all".
#[tokio::test]
async fn a_signature_without_changes_misses_the_signing_time() {
    let app = spawn_app().await;
    let uid = bare_certificate_provider(&app).await;

    let response = app
        .update(&uid, "CERTIFICATE_PROVIDER_SIGN", json!(null))
        .await;

    assert_eq!(
        refused(response).await,
        errors(&[("/changes", "missing /certificateProvider/signedAt")])
    );
}

/// Ported from `TestValidateUpdateCertificateProviderSign` "bad address". The real test
/// compares the errors in any order; the store gives them in the order it reads the keys.
#[tokio::test]
async fn a_partial_address_reports_each_problem_in_the_order_read() {
    let app = spawn_app().await;
    let uid = bare_certificate_provider(&app).await;

    let response = sign(
        &app,
        &uid,
        vec![
            change("address/line3", json!(null), json!(1)),
            change("address/country", json!(null), json!("x")),
        ],
    )
    .await;

    assert_eq!(
        refused(response).await,
        errors(&[
            ("/changes", "missing /certificateProvider/address/line1"),
            ("/changes/0/new", "unexpected type"),
            ("/changes", "missing /certificateProvider/address/town"),
            ("/changes/1/new", "must be a valid ISO-3166-1 country code"),
            ("/changes", "missing /certificateProvider/signedAt"),
        ])
    );
}

/// Ported from `TestValidateUpdateCertificateProviderSign` "extra fields".
#[tokio::test]
async fn a_change_outside_the_certificate_provider_is_unexpected() {
    let app = spawn_app().await;
    let uid = bare_certificate_provider(&app).await;

    let response = sign(
        &app,
        &uid,
        vec![
            change("signedAt", json!(null), json!("2024-05-01T10:11:12Z")),
            change("contactLanguagePreference", json!(null), json!("en")),
            json!({"key": "/donor/firstNames", "old": null, "new": "John"}),
            change("email", json!(null), json!("a@example.com")),
            change("address/line1", json!(null), json!("123 Main St")),
            change("address/town", json!(null), json!("Homeland")),
            change("address/country", json!(null), json!("GB")),
        ],
    )
    .await;

    assert_eq!(
        refused(response).await,
        errors(&[("/changes/2", "unexpected change provided")])
    );
}

/// Ported from `TestValidateUpdateCertificateProviderSign` "invalid contact language".
#[tokio::test]
async fn a_language_the_store_does_not_know_is_an_invalid_value() {
    let app = spawn_app().await;
    let uid = bare_certificate_provider(&app).await;

    let response = sign(
        &app,
        &uid,
        vec![
            change("signedAt", json!(null), json!("2024-05-01T10:11:12Z")),
            change("contactLanguagePreference", json!(null), json!("xy")),
            change("email", json!(null), json!("a@example.com")),
            change("address/line1", json!(null), json!("123 Main St")),
            change("address/town", json!(null), json!("Homeland")),
            change("address/country", json!(null), json!("GB")),
        ],
    )
    .await;

    assert_eq!(
        refused(response).await,
        errors(&[("/changes/1/new", "invalid value")])
    );
}
