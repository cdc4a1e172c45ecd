//! Ported from `lambda/update/certificate_provider_opt_out_test.go`.

use serde_json::json;
use testkit::{expect_json, spawn_app};

use super::{errors, given, refused};

/// Ported from `TestCertificateProviderOptOutApply` and
/// `TestValidateUpdateCertificateProviderOptOut` "valid".
#[tokio::test]
async fn the_certificate_provider_opting_out_makes_the_lpa_unregistrable() {
    let app = spawn_app().await;
    let uid = app.given_lpa().await;

    let lpa = app
        .update_ok(&uid, "CERTIFICATE_PROVIDER_OPT_OUT", json!([]))
        .await;

    assert_eq!(lpa["status"], "cannot-register");
}

/// Ported from `TestCertificateProviderOptOutApplyWhenCertificateProvided`.
#[tokio::test]
async fn the_certificate_provider_cannot_opt_out_after_providing_the_certificate() {
    let app = spawn_app().await;
    let uid = given(&app, |lpa| {
        lpa["certificateProvider"]["channel"] = json!("online");
        lpa["certificateProvider"]["email"] = json!("a@example");
        lpa["certificateProvider"]["signedAt"] = json!("2024-01-10T09:00:00Z");
    })
    .await;
    let before = expect_json(app.get_lpa(&uid).await, 200).await;

    let response = app
        .update(&uid, "CERTIFICATE_PROVIDER_OPT_OUT", json!(null))
        .await;

    assert_eq!(
        refused(response).await,
        errors(&[(
            "/type",
            "certificate provider cannot opt out after providing certificate"
        )])
    );
    let after = expect_json(app.get_lpa(&uid).await, 200).await;
    assert_eq!(after["certificateProvider"], before["certificateProvider"]);
}

/// Ported from `TestValidateUpdateCertificateProviderOptOut` "with changes".
#[tokio::test]
async fn the_certificate_provider_opt_out_refuses_any_change() {
    let app = spawn_app().await;
    let uid = app.given_lpa().await;
    let changes = json!([{"key": "/something/someValue", "old": null, "new": "not expected"}]);

    let response = app
        .update(&uid, "CERTIFICATE_PROVIDER_OPT_OUT", changes)
        .await;

    assert_eq!(
        refused(response).await,
        errors(&[("/changes", "expected empty")])
    );
}
