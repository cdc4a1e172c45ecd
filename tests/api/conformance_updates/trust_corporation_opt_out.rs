//! Ported from `lambda/update/trust_corporation_opt_out_test.go`. The real tests name the trust corporation
//! opting out `b` among `a`, `b` and `c`; over HTTP the token's subject names it by UID.

use serde_json::{Value, json};
use testkit::{expect_json, spawn_app};

use super::{errors, given, refused, update_acting_for};

const A: &str = "0a9f1bb4-41c4-4a6e-9d1c-8b7c0a6f2a01";
const B: &str = "0a9f1bb4-41c4-4a6e-9d1c-8b7c0a6f2a02";
const C: &str = "0a9f1bb4-41c4-4a6e-9d1c-8b7c0a6f2a03";
const TYPE: &str = "TRUST_CORPORATION_OPT_OUT";

/// The fixture's trust corporation, once per `(uid, status)`.
fn trust_corporations(template: &Value, actors: &[(&str, &str)]) -> Value {
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
        let mut template = lpa["trustCorporations"][0].clone();
        if signed {
            template["signatories"] = json!([{"firstNames": "Sig", "lastName": "Natory", "professionalTitle": "Director", "signedAt": "2024-01-12T09:00:00Z"}]);
        }
        lpa["trustCorporations"] = trust_corporations(&template, actors);
    })
    .await
}

/// Ported from `TestTrustCorporationOptOutApply` "successful apply" and "successful apply to inactive", and
/// `TestValidateUpdateTrustCorporationOptOut` "valid".
#[tokio::test]
async fn the_trust_corporation_named_by_the_token_is_removed() {
    let app = spawn_app().await;
    for status in ["active", "inactive"] {
        let uid = lpa_with(&app, &[(A, "active"), (B, status), (C, "active")], false).await;

        let response = update_acting_for(&app, &uid, B, TYPE, json!([])).await;

        let lpa = expect_json(response, 201).await;
        let statuses: Vec<&Value> = (0..3)
            .map(|i| &lpa["trustCorporations"][i]["status"])
            .collect();
        assert_eq!(
            statuses,
            [&json!("active"), &json!("removed"), &json!("active")],
            "from {status}"
        );
    }
}

/// Ported from `TestTrustCorporationOptOutApply` "not found".
#[tokio::test]
async fn a_trust_corporation_not_on_the_lpa_is_not_found() {
    let app = spawn_app().await;
    let uid = lpa_with(&app, &[(A, "active")], false).await;

    let response = update_acting_for(&app, &uid, B, TYPE, json!(null)).await;

    assert_eq!(
        refused(response).await,
        errors(&[("/type", "trust corporation not found")])
    );
    let lpa = expect_json(app.get_lpa(&uid).await, 200).await;
    assert_eq!(lpa["trustCorporations"][0]["status"], "active");
}

/// Ported from `TestTrustCorporationOptOutApply` "already signed".
#[tokio::test]
async fn a_trust_corporation_cannot_opt_out_after_signing() {
    let app = spawn_app().await;
    let uid = lpa_with(&app, &[(B, "active")], true).await;

    let response = update_acting_for(&app, &uid, B, TYPE, json!(null)).await;

    assert_eq!(
        refused(response).await,
        errors(&[("/type", "trust corporation cannot opt out after signing")])
    );
    let lpa = expect_json(app.get_lpa(&uid).await, 200).await;
    assert_eq!(lpa["trustCorporations"][0]["status"], "active");
}

/// Ported from `TestValidateUpdateTrustCorporationOptOut` "with changes".
#[tokio::test]
async fn a_trust_corporation_opt_out_refuses_any_change() {
    let app = spawn_app().await;
    let uid = lpa_with(&app, &[(B, "active")], false).await;
    let changes = json!([{"key": "/something/someValue", "old": null, "new": "not expected"}]);

    let response = update_acting_for(&app, &uid, B, TYPE, changes).await;

    assert_eq!(
        refused(response).await,
        errors(&[("/changes", "expected empty")])
    );
}

/// Ported from `TestValidateUpdateTrustCorporationOptOut` "author UID not valid".
#[tokio::test]
async fn a_trust_corporation_opt_out_needs_a_uid_as_the_author() {
    let app = spawn_app().await;
    let uid = lpa_with(&app, &[(B, "active")], false).await;

    let response = update_acting_for(&app, &uid, "not-a-uid", TYPE, json!([])).await;

    assert_eq!(
        refused(response).await,
        errors(&[("/author", "invalid format")])
    );
}
