//! Ported from `lambda/update/paper_certificate_provider_access_online_test.go`.

use serde_json::json;
use testkit::{expect_json, spawn_app};

use super::{change, errors, given, refused};

/// Ported from `TestValidateUpdatePaperCertificateProviderAccessOnline` "valid" and
/// `TestPaperCertificateProviderAccessOnlineApply`.
#[tokio::test]
async fn a_paper_certificate_provider_gets_an_email_to_continue_online() {
    let app = spawn_app().await;
    let uid = app.given_lpa().await;
    let changes = json!([change(
        "/certificateProvider/email",
        json!(null),
        json!("a@example.com")
    )]);

    let response = app
        .update(&uid, "PAPER_CERTIFICATE_PROVIDER_ACCESS_ONLINE", changes)
        .await;

    let lpa = expect_json(response, 201).await;
    assert_eq!(lpa["certificateProvider"]["email"], "a@example.com");
}

/// Ported from `TestValidateUpdatePaperCertificateProviderAccessOnline` "missing email". The
/// real case (`old` and `new` both `null`) is, over HTTP, caught by the redundant-change rule
/// first.
#[tokio::test]
async fn an_email_from_nothing_to_nothing_is_redundant() {
    let app = spawn_app().await;
    let uid = app.given_lpa().await;
    let changes = json!([change(
        "/certificateProvider/email",
        json!(null),
        json!(null)
    )]);

    let response = app
        .update(&uid, "PAPER_CERTIFICATE_PROVIDER_ACCESS_ONLINE", changes)
        .await;

    assert_eq!(
        refused(response).await,
        errors(&[(
            "/changes/0",
            "redundant change for /certificateProvider/email"
        )])
    );
}

/// Ported from `TestPaperCertificateProviderAccessOnlineApplyWhenChannelNotPaper`.
#[tokio::test]
async fn an_online_certificate_provider_is_refused() {
    let app = spawn_app().await;
    let uid = given(&app, |lpa| {
        lpa["certificateProvider"]["channel"] = json!("online");
        lpa["certificateProvider"]["email"] = json!("provider@example.com");
    })
    .await;
    let changes = json!([change(
        "/certificateProvider/email",
        json!(null),
        json!("a@example.com")
    )]);

    let response = app
        .update(&uid, "PAPER_CERTIFICATE_PROVIDER_ACCESS_ONLINE", changes)
        .await;

    assert_eq!(
        refused(response).await,
        errors(&[("/channel", "lpa channel is not paper")])
    );
    let lpa = expect_json(app.get_lpa(&uid).await, 200).await;
    assert_eq!(lpa["certificateProvider"]["email"], "provider@example.com");
}
