//! Ported from `lambda/update/register_test.go`.

use serde_json::json;
use simulator::model::Timestamp;
use testkit::spawn_app;

use super::{errors, given_status, one_change, refused};

/// Ported from `TestRegisterApply`.
#[tokio::test]
async fn register_records_the_registration_date_when_the_waiting_period_is_over() {
    let app = spawn_app().await;
    let uid = given_status(&app, "statutory-waiting-period").await;
    let before = Timestamp::now_seconds();

    let lpa = app.update_ok(&uid, "REGISTER", json!(null)).await;

    let after = Timestamp::now();
    assert_eq!(lpa["status"], "registered");
    let registered = lpa["registrationDate"]
        .as_str()
        .and_then(Timestamp::parse)
        .unwrap_or_else(|| panic!("a registration date is set: {lpa}"));
    assert!(
        before <= registered && registered <= after,
        "registered at {registered:?}, not now"
    );
}

/// Ported from `TestRegisterApplyWhenNotStatutoryWaitingPeriod`, cases "in-progress" and
/// "registered".
#[tokio::test]
async fn register_is_refused_unless_the_lpa_is_in_its_waiting_period() {
    let app = spawn_app().await;
    for status in ["in-progress", "registered"] {
        let uid = given_status(&app, status).await;

        let response = app.update(&uid, "REGISTER", json!(null)).await;

        assert_eq!(
            refused(response).await,
            errors(&[(
                "/type",
                "status must be statutory-waiting-period to register"
            )]),
            "from {status}"
        );
    }
}

/// Ported from `TestValidateRegister`.
#[tokio::test]
async fn register_takes_an_empty_change_list() {
    let app = spawn_app().await;
    let uid = given_status(&app, "statutory-waiting-period").await;

    let lpa = app.update_ok(&uid, "REGISTER", json!([])).await;

    assert_eq!(lpa["status"], "registered");
}

/// Ported from `TestValidateRegisterWhenChanges`.
#[tokio::test]
async fn register_refuses_any_change() {
    let app = spawn_app().await;
    let uid = given_status(&app, "statutory-waiting-period").await;

    let response = app.update(&uid, "REGISTER", one_change()).await;

    assert_eq!(
        refused(response).await,
        errors(&[("/changes", "expected empty")])
    );
}
