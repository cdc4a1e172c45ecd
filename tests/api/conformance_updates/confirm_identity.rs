//! Ported from `lambda/update/confirm_identity_test.go`.

use serde_json::{Value, json};
use testkit::{expect_json, spawn_app};

use super::{change, errors, given_paper, refused};

const CHECKED: &str = "2024-05-01T10:11:12.123456789Z";

fn check(actor: &str, field: &str, new: Value) -> Value {
    change(format!("/{actor}/identityCheck/{field}"), json!(null), new)
}

/// Ported from `TestConfirmIdentityDonor`, `TestConfirmIdentityCertificateProvider`,
/// `TestConfirmIdentityApplyDonor` and `TestConfirmIdentityApplyCertificateProvider`.
#[tokio::test]
async fn a_confirmed_identity_is_recorded_on_its_actor() {
    let app = spawn_app().await;
    for (update_type, actor, check_type) in [
        ("DONOR_CONFIRM_IDENTITY", "donor", "one-login"),
        (
            "CERTIFICATE_PROVIDER_CONFIRM_IDENTITY",
            "certificateProvider",
            "opg-paper-id",
        ),
    ] {
        let uid = app.given_lpa().await;
        let changes = json!([
            check(actor, "checkedAt", json!(CHECKED)),
            check(actor, "type", json!(check_type)),
        ]);

        let lpa = expect_json(app.update(&uid, update_type, changes).await, 201).await;

        assert_eq!(
            lpa[actor]["identityCheck"],
            json!({"type": check_type, "checkedAt": CHECKED}),
            "{update_type}"
        );
    }
}

/// Ported from `TestConfirmIdentityDonorBadFieldsFails`. The real test checks the errors in
/// any order; the store gives those under the prefix first, in the order it reads the keys.
#[tokio::test]
async fn unknown_keys_and_an_unknown_check_type_are_refused() {
    let app = spawn_app().await;
    let uid = app.given_lpa().await;
    let changes = json!([
        change("/irrelevant", json!(null), json!(CHECKED)),
        check("donor", "irrelevant", json!(CHECKED)),
        check("donor", "type", json!("rinky-dink-login-system")),
    ]);

    let response = app.update(&uid, "DONOR_CONFIRM_IDENTITY", changes).await;

    assert_eq!(
        refused(response).await,
        errors(&[
            ("/changes/2/new", "invalid value"),
            ("/changes", "missing /donor/identityCheck/checkedAt"),
            ("/changes/1", "unexpected change provided"),
            ("/changes/0", "unexpected change provided"),
        ])
    );
}

/// Ported from `TestConfirmIdentityDonorANDCertificateProviderFails`.
#[tokio::test]
async fn a_donor_identity_update_cannot_confirm_the_certificate_provider() {
    let app = spawn_app().await;
    let uid = app.given_lpa().await;
    let changes = json!([
        check("certificateProvider", "checkedAt", json!(CHECKED)),
        check("donor", "type", json!("one-login")),
    ]);

    let response = app.update(&uid, "DONOR_CONFIRM_IDENTITY", changes).await;

    assert_eq!(
        refused(response).await,
        errors(&[
            ("/changes", "missing /donor/identityCheck/checkedAt"),
            ("/changes/0", "unexpected change provided"),
        ])
    );
}

/// Ported from `TestConfirmIdentityDonorMismatchWithExistingLpaFails`. The real test checks
/// the errors in any order; the store reads the type before the time.
#[tokio::test]
async fn a_confirmation_over_an_existing_check_must_name_its_values_as_old() {
    let app = spawn_app().await;
    let uid = given_paper(&app, |lpa| {
        lpa["donor"]["identityCheck"] =
            json!({"type": "not-one-login", "checkedAt": "2023-05-01T10:11:12Z"});
    })
    .await;
    let changes = json!([
        check("donor", "checkedAt", json!(CHECKED)),
        check("donor", "type", json!("one-login")),
    ]);

    let response = app.update(&uid, "DONOR_CONFIRM_IDENTITY", changes).await;

    assert_eq!(
        refused(response).await,
        errors(&[
            ("/changes/1/old", "does not match existing value"),
            ("/changes/0/old", "does not match existing value"),
        ])
    );
}
