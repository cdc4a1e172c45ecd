//! Ported from `lambda/update/statutory_waiting_period_test.go`.

use serde_json::{Value, json};
use testkit::fixture;
use testkit::{TestApp, spawn_app};

use super::{errors, given, given_paper, given_status, one_change, refused};

/// Applies the fixture's signatures whose positions are in `which` (0: certificate provider,
/// 1: attorney, 2: replacement attorney, 3: trust corporation).
async fn sign(app: &TestApp, uid: &str, which: &[usize]) {
    for (i, (update_type, changes)) in fixture::signatures().into_iter().enumerate() {
        if which.contains(&i) {
            app.update_ok(uid, update_type, changes).await;
        }
    }
}

/// Two signatories for the trust corporation, the second yet to sign.
fn one_unsigned_signatory(lpa: &mut Value) {
    lpa["trustCorporations"][0]["signatories"] = json!([
        {"firstNames": "Sig", "lastName": "Natory", "professionalTitle": "Director", "signedAt": "2024-01-12T09:00:00Z"},
        {}
    ]);
}

async fn waiting_period(app: &TestApp, uid: &str) -> reqwest::Response {
    app.update(uid, "STATUTORY_WAITING_PERIOD", json!(null))
        .await
}

/// Ported from `TestStatutoryWaitingPeriodApply`.
#[tokio::test]
async fn the_waiting_period_starts_once_everyone_has_signed() {
    let app = spawn_app().await;
    let uid = app.given_signed_lpa().await;

    let lpa = app
        .update_ok(&uid, "STATUTORY_WAITING_PERIOD", json!(null))
        .await;

    assert_eq!(lpa["status"], "statutory-waiting-period");
}

/// Ported from `TestStatutoryWaitingPeriodApplyWhenUnsigned`, case "lpa".
#[tokio::test]
async fn the_waiting_period_needs_the_donors_signature() {
    let app = spawn_app().await;
    let uid = given_paper(&app, |lpa| {
        lpa.as_object_mut().expect("an object").remove("signedAt");
    })
    .await;
    sign(&app, &uid, &[0, 1, 2, 3]).await;

    assert_eq!(
        refused(waiting_period(&app, &uid).await).await,
        errors(&[("/type", "lpa must be signed")])
    );
}

/// Ported from `TestStatutoryWaitingPeriodApplyWhenUnsigned`, case "certificate provider".
#[tokio::test]
async fn the_waiting_period_needs_the_certificate() {
    let app = spawn_app().await;
    let uid = app.given_lpa().await;
    sign(&app, &uid, &[1, 2, 3]).await;

    assert_eq!(
        refused(waiting_period(&app, &uid).await).await,
        errors(&[("/type", "lpa must have a certificate")])
    );
}

/// Ported from `TestStatutoryWaitingPeriodApplyWhenUnsigned`, case "attorney".
#[tokio::test]
async fn the_waiting_period_needs_every_attorneys_signature() {
    let app = spawn_app().await;
    let uid = app.given_lpa().await;
    sign(&app, &uid, &[0, 1, 3]).await;

    assert_eq!(
        refused(waiting_period(&app, &uid).await).await,
        errors(&[("/type", "lpa must be signed by attorneys")])
    );
}

/// Ported from `TestStatutoryWaitingPeriodApplyWhenUnsigned`, case "attorney, but not
/// removeds".
#[tokio::test]
async fn the_waiting_period_does_not_wait_for_removed_attorneys() {
    let app = spawn_app().await;
    let uid = given_paper(&app, |lpa| {
        lpa["attorneys"][1]["status"] = json!("removed");
    })
    .await;
    sign(&app, &uid, &[0, 1, 3]).await;

    let lpa = app
        .update_ok(&uid, "STATUTORY_WAITING_PERIOD", json!(null))
        .await;

    assert_eq!(lpa["status"], "statutory-waiting-period");
}

/// Ported from `TestStatutoryWaitingPeriodApplyWhenUnsigned`, case "trust corporation".
#[tokio::test]
async fn the_waiting_period_needs_every_signatory_of_a_trust_corporation() {
    let app = spawn_app().await;
    let uid = given_paper(&app, one_unsigned_signatory).await;
    sign(&app, &uid, &[0, 1, 2]).await;

    assert_eq!(
        refused(waiting_period(&app, &uid).await).await,
        errors(&[("/type", "lpa must be signed by trust corporations")])
    );
}

/// Ported from `TestStatutoryWaitingPeriodApplyWhenUnsigned`, case "not removed trust
/// corporation".
#[tokio::test]
async fn the_waiting_period_does_not_wait_for_a_removed_trust_corporation() {
    let app = spawn_app().await;
    let uid = given_paper(&app, |lpa| {
        one_unsigned_signatory(lpa);
        lpa["trustCorporations"][0]["status"] = json!("removed");
    })
    .await;
    sign(&app, &uid, &[0, 1, 2]).await;

    let lpa = app
        .update_ok(&uid, "STATUTORY_WAITING_PERIOD", json!(null))
        .await;

    assert_eq!(lpa["status"], "statutory-waiting-period");
}

/// Not a real test case but the rule of `statutory_waiting_period.go` the cases above sample:
/// the store checks the signatories a trust corporation has, so one with none holds nothing
/// back.
#[tokio::test]
async fn the_waiting_period_does_not_wait_for_a_trust_corporation_without_signatories() {
    let app = spawn_app().await;
    let uid = given(&app, |_| {}).await;
    sign(&app, &uid, &[0, 1, 2]).await;

    let lpa = app
        .update_ok(&uid, "STATUTORY_WAITING_PERIOD", json!(null))
        .await;

    assert_eq!(lpa["status"], "statutory-waiting-period");
}

/// Ported from `TestRegisterApplyWhenNotInProgress` (of this file), cases
/// "statutory-waiting-period" and "registered".
#[tokio::test]
async fn the_waiting_period_starts_only_from_in_progress() {
    let app = spawn_app().await;
    for status in ["statutory-waiting-period", "registered"] {
        let uid = given_status(&app, status).await;

        assert_eq!(
            refused(waiting_period(&app, &uid).await).await,
            errors(&[(
                "/type",
                "status must be in-progress to enter statutory-waiting-period"
            )]),
            "from {status}"
        );
    }
}

/// Ported from `TestValidateStatutoryWaitingPeriod`.
#[tokio::test]
async fn the_waiting_period_takes_an_empty_change_list() {
    let app = spawn_app().await;
    let uid = app.given_signed_lpa().await;

    let lpa = app
        .update_ok(&uid, "STATUTORY_WAITING_PERIOD", json!([]))
        .await;

    assert_eq!(lpa["status"], "statutory-waiting-period");
}

/// Ported from `TestValidateStatutoryWaitingPeriodWhenChanges`.
#[tokio::test]
async fn the_waiting_period_refuses_any_change() {
    let app = spawn_app().await;
    let uid = app.given_signed_lpa().await;

    let response = app
        .update(&uid, "STATUTORY_WAITING_PERIOD", one_change())
        .await;

    assert_eq!(
        refused(response).await,
        errors(&[("/changes", "expected empty")])
    );
}
