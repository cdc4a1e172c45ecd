//! Ported from `lambda/update/opg_change_status_test.go`.

use testkit::spawn_app;

use super::{errors, given_status, refused, status_change};

/// Ported from `TestOpgChangeStatusToCannotRegisterApply`, `TestOpgChangeStatusToCancelledApply`,
/// `TestOpgChangeStatusToDoNotRegisterApply`, `TestOpgChangeStatusToExpiredApply` and
/// `TestValidateUpdateOPGChangeStatus` "valid - with previous values".
#[tokio::test]
async fn a_caseworker_may_move_the_lpa_to_the_statuses_set_by_hand() {
    let app = spawn_app().await;
    for (from, to) in [
        ("in-progress", "cannot-register"),
        ("registered", "cancelled"),
        ("statutory-waiting-period", "do-not-register"),
        ("statutory-waiting-period", "expired"),
    ] {
        let uid = given_status(&app, from).await;

        let lpa = app
            .update_ok(&uid, "OPG_STATUS_CHANGE", status_change(from, to))
            .await;

        assert_eq!(lpa["status"], to, "from {from}");
    }
}

/// Ported from `TestOpgChangeStatusInvalidNewStatus`,
/// `TestOpgChangeStatusToCannotRegisterIncorrectExistingStatus`,
/// `TestOpgChangeStatusToCancelledIncorrectExistingStatus`,
/// `TestOpgChangeStatusToDoNotRegisterIncorrectExistingStatus` and
/// `TestOpgChangeStatusToExpiredIncorrectExistingStatus`.
#[tokio::test]
async fn a_status_change_by_hand_is_refused_outside_its_transitions() {
    let app = spawn_app().await;
    for (from, to, detail) in [
        (
            "in-progress",
            "withdrawn",
            "Lpa cannot be manually updated to this status",
        ),
        (
            "registered",
            "cannot-register",
            "Lpa status cannot be registered while changing to cannot register",
        ),
        (
            "in-progress",
            "cancelled",
            "Lpa status has to be registered while changing to cancelled",
        ),
        (
            "in-progress",
            "do-not-register",
            "Lpa status has to be statutory waiting period while changing to do not register",
        ),
        (
            "registered",
            "expired",
            "Lpa status has to be in progress, statutory waiting period or do not register while changing to expired",
        ),
    ] {
        let uid = given_status(&app, from).await;

        let response = app
            .update(&uid, "OPG_STATUS_CHANGE", status_change(from, to))
            .await;

        assert_eq!(
            refused(response).await,
            errors(&[("/status", detail)]),
            "{from} to {to}"
        );
    }
}

/// Ported from `TestValidateUpdateOPGChangeStatus`, case "invalid status".
#[tokio::test]
async fn a_status_the_store_does_not_know_is_an_invalid_value() {
    let app = spawn_app().await;
    let uid = given_status(&app, "in-progress").await;

    let response = app
        .update(
            &uid,
            "OPG_STATUS_CHANGE",
            status_change("in-progress", "never-register"),
        )
        .await;

    assert_eq!(
        refused(response).await,
        errors(&[("/changes/0/new", "invalid value")])
    );
}
