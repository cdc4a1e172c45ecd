//! Ported from `lambda/update/attorney_opt_out_test.go`. The real tests name the attorney
//! opting out `b` among `a`, `b` and `c`; over HTTP the token's subject names it by UID.

use serde_json::{Value, json};
use testkit::{expect_json, spawn_app};

use super::{errors, given, refused, update_acting_for};

const A: &str = "0a9f1bb4-41c4-4a6e-9d1c-8b7c0a6f2a01";
const B: &str = "0a9f1bb4-41c4-4a6e-9d1c-8b7c0a6f2a02";
const C: &str = "0a9f1bb4-41c4-4a6e-9d1c-8b7c0a6f2a03";
const TYPE: &str = "ATTORNEY_OPT_OUT";

/// The fixture's attorney, once per `(uid, status)`.
fn attorneys(template: &Value, actors: &[(&str, &str)]) -> Value {
    actors
        .iter()
        .map(|(uid, status)| {
            let mut actor = template.clone();
            actor["uid"] = json!(uid);
            actor["status"] = json!(status);
            actor
        })
        .collect()
}

async fn lpa_with(app: &testkit::TestApp, actors: &[(&str, &str)], signed: bool) -> String {
    given(app, |lpa| {
        let mut template = lpa["attorneys"][0].clone();
        if signed {
            template["signedAt"] = json!("2024-01-11T09:00:00Z");
        }
        lpa["attorneys"] = attorneys(&template, actors);
    })
    .await
}

/// Ported from `TestAttorneyOptOutApply` "successful apply" and "successful apply to inactive", and
/// `TestValidateUpdateAttorneyOptOut` "valid".
#[tokio::test]
async fn the_attorney_named_by_the_token_is_removed() {
    let app = spawn_app().await;
    for status in ["active", "inactive"] {
        let uid = lpa_with(&app, &[(A, "active"), (B, status), (C, "active")], false).await;

        let response = update_acting_for(&app, &uid, B, TYPE, json!([])).await;

        let lpa = expect_json(response, 201).await;
        let statuses: Vec<&Value> = (0..3).map(|i| &lpa["attorneys"][i]["status"]).collect();
        assert_eq!(
            statuses,
            [&json!("active"), &json!("removed"), &json!("active")],
            "from {status}"
        );
    }
}

/// Ported from `TestAttorneyOptOutApply` "not found".
#[tokio::test]
async fn a_attorney_not_on_the_lpa_is_not_found() {
    let app = spawn_app().await;
    let uid = lpa_with(&app, &[(A, "active")], false).await;

    let response = update_acting_for(&app, &uid, B, TYPE, json!(null)).await;

    assert_eq!(
        refused(response).await,
        errors(&[("/type", "attorney not found")])
    );
    let lpa = expect_json(app.get_lpa(&uid).await, 200).await;
    assert_eq!(lpa["attorneys"][0]["status"], "active");
}

/// Ported from `TestAttorneyOptOutApply` "already signed".
#[tokio::test]
async fn a_attorney_cannot_opt_out_after_signing() {
    let app = spawn_app().await;
    let uid = lpa_with(&app, &[(B, "active")], true).await;

    let response = update_acting_for(&app, &uid, B, TYPE, json!(null)).await;

    assert_eq!(
        refused(response).await,
        errors(&[("/type", "attorney cannot opt out after signing")])
    );
    let lpa = expect_json(app.get_lpa(&uid).await, 200).await;
    assert_eq!(lpa["attorneys"][0]["status"], "active");
}

/// Ported from `TestValidateUpdateAttorneyOptOut` "with changes".
#[tokio::test]
async fn a_attorney_opt_out_refuses_any_change() {
    let app = spawn_app().await;
    let uid = lpa_with(&app, &[(B, "active")], false).await;
    let changes = json!([{"key": "/something/someValue", "old": null, "new": "not expected"}]);

    let response = update_acting_for(&app, &uid, B, TYPE, changes).await;

    assert_eq!(
        refused(response).await,
        errors(&[("/changes", "expected empty")])
    );
}

/// Ported from `TestValidateUpdateAttorneyOptOut` "author UID not valid".
#[tokio::test]
async fn a_attorney_opt_out_needs_a_uid_as_the_author() {
    let app = spawn_app().await;
    let uid = lpa_with(&app, &[(B, "active")], false).await;

    let response = update_acting_for(&app, &uid, "not-a-uid", TYPE, json!([])).await;

    assert_eq!(
        refused(response).await,
        errors(&[("/author", "invalid format")])
    );
}
