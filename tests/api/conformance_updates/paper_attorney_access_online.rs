//! Ported from `lambda/update/paper_attorney_access_online_test.go`. The real validation
//! cases have two paper attorneys and address the second (`a-uid`, index 1).

use serde_json::json;
use testkit::fixture::REPLACEMENT_ATTORNEY_UID;
use testkit::{TestApp, expect_json, spawn_app};

use super::{change, errors, given, refused};

async fn paper_attorneys(app: &TestApp) -> String {
    given(app, |lpa| {
        lpa["attorneys"][1]["channel"] = json!("paper");
        lpa["attorneys"][1]
            .as_object_mut()
            .expect("an attorney")
            .remove("email");
    })
    .await
}

/// Ported from `TestPaperAttorneyAccessOnlineApply` and `TestPaperAttorneyAccessOnlineValidate`
/// "valid uid" and "valid index".
#[tokio::test]
async fn a_paper_attorney_gets_an_email_to_continue_online() {
    let app = spawn_app().await;
    for key in [REPLACEMENT_ATTORNEY_UID, "1"] {
        let uid = paper_attorneys(&app).await;
        let changes = json!([change(
            format!("/attorneys/{key}/email"),
            json!(null),
            json!("a@example.com")
        )]);

        let response = app
            .update(&uid, "PAPER_ATTORNEY_ACCESS_ONLINE", changes)
            .await;

        let lpa = expect_json(response, 201).await;
        assert_eq!(lpa["attorneys"][1]["email"], "a@example.com", "{key}");
        assert_eq!(lpa["attorneys"][1]["channel"], "paper", "{key}");
    }
}

/// Ported from `TestPaperAttorneyAccessOnlineApplyWhenNotPaper`.
#[tokio::test]
async fn an_online_attorney_is_refused() {
    let app = spawn_app().await;
    let uid = app.given_lpa().await;
    let changes = json!([change(
        format!("/attorneys/{REPLACEMENT_ATTORNEY_UID}/email"),
        json!(null),
        json!("a@example.com")
    )]);

    let response = app
        .update(&uid, "PAPER_ATTORNEY_ACCESS_ONLINE", changes)
        .await;

    assert_eq!(
        refused(response).await,
        errors(&[("/channel", "lpa channel is not paper")])
    );
}

/// Ported from `TestPaperAttorneyAccessOnlineValidate` "missing email value". The real case
/// (`old` and `new` both `null`) is, over HTTP, caught by the redundant-change rule first.
#[tokio::test]
async fn an_email_from_nothing_to_nothing_is_redundant() {
    let app = spawn_app().await;
    let uid = paper_attorneys(&app).await;
    let key = format!("/attorneys/{REPLACEMENT_ATTORNEY_UID}/email");
    let changes = json!([change(key.as_str(), json!(null), json!(null))]);

    let response = app
        .update(&uid, "PAPER_ATTORNEY_ACCESS_ONLINE", changes)
        .await;

    let expected = format!("redundant change for {key}");
    assert_eq!(
        refused(response).await,
        errors(&[("/changes/0", expected.as_str())])
    );
}

/// Ported from `TestPaperAttorneyAccessOnlineValidate` "unexpected field".
#[tokio::test]
async fn only_the_email_may_be_set() {
    let app = spawn_app().await;
    let uid = paper_attorneys(&app).await;
    let changes = json!([change(
        format!("/attorneys/{REPLACEMENT_ATTORNEY_UID}/name"),
        json!(null),
        json!("name")
    )]);

    let response = app
        .update(&uid, "PAPER_ATTORNEY_ACCESS_ONLINE", changes)
        .await;

    let missing = format!("missing /attorneys/{REPLACEMENT_ATTORNEY_UID}/email");
    assert_eq!(
        refused(response).await,
        errors(&[
            ("/changes", missing.as_str()),
            ("/changes/0", "unexpected change provided"),
        ])
    );
}
