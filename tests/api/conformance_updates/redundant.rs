//! Ported from `lambda/update/redundant_test.go`.
//!
//! Not ported: `TestRedundantChangeErrorsInvalidJSON` and `TestIsRedundantChangeInvalidJSON`
//! give the rule an `old` that is not JSON, which cannot reach it over HTTP: the request body
//! itself would not be JSON.

use serde_json::json;
use testkit::spawn_app;

use super::{errors, given_status, refused};

/// Ported from `TestRedundantChangeErrors`.
#[tokio::test]
async fn a_change_to_the_same_value_is_refused_as_redundant() {
    let app = spawn_app().await;
    let uid = app.given_lpa().await;
    let changes = json!([
        {"key": "/duplicate", "old": "foo", "new": "foo"},
        {"key": "/different", "old": "foo", "new": "bar"}
    ]);

    let response = app.update(&uid, "REGISTER", changes).await;

    assert_eq!(
        refused(response).await,
        errors(&[("/changes/0", "redundant change for /duplicate")])
    );
}

/// Ported from `TestRedundantChangeErrorsEmpty`: neither a `null` nor an empty change list is
/// redundant.
#[tokio::test]
async fn no_changes_are_not_redundant() {
    let app = spawn_app().await;
    for changes in [json!(null), json!([])] {
        let uid = given_status(&app, "statutory-waiting-period").await;

        let lpa = app.update_ok(&uid, "REGISTER", changes).await;

        assert_eq!(lpa["status"], "registered");
    }
}

/// Ported from `TestIsRedundantChangeNilAndEmpty`: `null` and `""` count as the same value.
#[tokio::test]
async fn a_change_between_null_and_empty_is_redundant() {
    let app = spawn_app().await;
    let uid = app.given_lpa().await;
    let changes = json!([
        {"key": "/donor/email", "old": null, "new": ""},
        {"key": "/donor/email", "old": "", "new": null}
    ]);

    let response = app.update(&uid, "CORRECTION", changes).await;

    assert_eq!(
        refused(response).await,
        errors(&[
            ("/changes/0", "redundant change for /donor/email"),
            ("/changes/1", "redundant change for /donor/email"),
        ])
    );
}
