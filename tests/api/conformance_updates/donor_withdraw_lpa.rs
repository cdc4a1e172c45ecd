//! Ported from `lambda/update/donor_withdraw_lpa_test.go`.

use serde_json::json;
use testkit::spawn_app;

use super::{errors, given_status, one_change, refused};

/// Ported from `TestValidateDonorWithdrawLPA` and `TestDonorWithdrawLPA`.
#[tokio::test]
async fn withdrawal_of_an_lpa_in_progress_makes_it_withdrawn() {
    let app = spawn_app().await;
    let uid = given_status(&app, "in-progress").await;

    let lpa = app.update_ok(&uid, "DONOR_WITHDRAW_LPA", json!([])).await;

    assert_eq!(lpa["status"], "withdrawn");
}

/// Ported from `TestValidateDonorWithdrawLPAWithChanges`.
#[tokio::test]
async fn withdrawal_refuses_any_change() {
    let app = spawn_app().await;
    let uid = given_status(&app, "in-progress").await;

    let response = app.update(&uid, "DONOR_WITHDRAW_LPA", one_change()).await;

    assert_eq!(
        refused(response).await,
        errors(&[("/changes", "expected empty")])
    );
}

/// Ported from `TestDonorWithdrawLPAInvalidStatuses`, cases "withdrawn", "registered" and
/// "cannot-register".
#[tokio::test]
async fn withdrawal_is_refused_once_withdrawn_registered_or_unregistrable() {
    let app = spawn_app().await;
    for (status, detail) in [
        ("withdrawn", "lpa has already been withdrawn"),
        ("registered", "cannot withdraw a registered lpa"),
        ("cannot-register", "cannot withdraw an unregisterable lpa"),
    ] {
        let uid = given_status(&app, status).await;

        let response = app.update(&uid, "DONOR_WITHDRAW_LPA", json!(null)).await;

        assert_eq!(
            refused(response).await,
            errors(&[("/type", detail)]),
            "from {status}"
        );
    }
}
