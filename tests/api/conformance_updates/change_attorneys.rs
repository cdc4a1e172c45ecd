//! Ported from `lambda/update/change_attorneys_test.go`.

use serde_json::{Value, json};
use testkit::fixture::{ATTORNEY_UID, REPLACEMENT_ATTORNEY_UID};
use testkit::{TestApp, expect_json, spawn_app};

use super::{change, errors, given_paper, refused};

const THIRD_UID: &str = "9ac5cb7c-fc75-40c7-8e53-059f36dbbe3e";

fn status(attorney: &str, old: &str, new: &str) -> Value {
    change(
        format!("/attorneys/{attorney}/status"),
        json!(old),
        json!(new),
    )
}

/// A paper LPA whose second attorney is Charles Dent, appointed as `appointment`, `status`.
async fn second_attorney(app: &TestApp, appointment: &str, status: &str) -> String {
    given_paper(app, |lpa| {
        let second = &mut lpa["attorneys"][1];
        second["firstNames"] = json!("Charles");
        second["lastName"] = json!("Dent");
        second["appointmentType"] = json!(appointment);
        second["status"] = json!(status);
    })
    .await
}

/// Three attorneys: active, active and an inactive replacement.
async fn three_attorneys(app: &TestApp) -> String {
    given_paper(app, |lpa| {
        let mut third = lpa["attorneys"][1].clone();
        third["uid"] = json!(THIRD_UID);
        lpa["attorneys"][1]["status"] = json!("active");
        lpa["attorneys"][1]["appointmentType"] = json!("original");
        lpa["attorneys"].as_array_mut().expect("a list").push(third);
    })
    .await
}

/// Ported from `TestChangeAttorneysApply`: an original attorney made active leaves no note.
#[tokio::test]
async fn an_original_attorney_made_active_leaves_no_note() {
    let app = spawn_app().await;
    let uid = second_attorney(&app, "original", "inactive").await;

    let response = app
        .update(
            &uid,
            "CHANGE_ATTORNEYS",
            json!([status("1", "inactive", "active")]),
        )
        .await;

    let lpa = expect_json(response, 201).await;
    assert_eq!(lpa["attorneys"][1]["status"], "active");
    assert!(lpa.get("notes").is_none(), "no note: {}", lpa["notes"]);
}

/// Ported from `TestChangeAttorneysApplySetAttorneyInactive`.
#[tokio::test]
async fn a_removed_attorney_leaves_a_note_with_their_name() {
    let app = spawn_app().await;
    let uid = second_attorney(&app, "original", "active").await;

    let response = app
        .update(
            &uid,
            "CHANGE_ATTORNEYS",
            json!([status("1", "active", "removed")]),
        )
        .await;

    let lpa = expect_json(response, 201).await;
    assert_eq!(lpa["attorneys"][1]["status"], "removed");
    let notes = lpa["notes"].as_array().expect("notes");
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0]["type"], "ATTORNEY_REMOVED_V1");
    assert_eq!(notes[0]["values"], json!({"fullName": "Charles Dent"}));
}

/// Ported from `TestChangeAttorneysEnableReplacementAttorney`.
#[tokio::test]
async fn an_enabled_replacement_leaves_a_note_with_their_name() {
    let app = spawn_app().await;
    let uid = second_attorney(&app, "replacement", "inactive").await;

    let response = app
        .update(
            &uid,
            "CHANGE_ATTORNEYS",
            json!([status("1", "inactive", "active")]),
        )
        .await;

    let lpa = expect_json(response, 201).await;
    let notes = lpa["notes"].as_array().expect("notes");
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0]["type"], "REPLACEMENT_ATTORNEY_ENABLED_V1");
    assert_eq!(notes[0]["values"], json!({"fullName": "Charles Dent"}));
}

/// Ported from `TestChangeAttorneysIncorrectStatus`.
#[tokio::test]
async fn an_active_attorney_cannot_be_made_inactive() {
    let app = spawn_app().await;
    let uid = second_attorney(&app, "replacement", "inactive").await;

    let response = app
        .update(
            &uid,
            "CHANGE_ATTORNEYS",
            json!([status("0", "active", "inactive")]),
        )
        .await;

    assert_eq!(
        refused(response).await,
        errors(&[(
            "/attorneys/0/status",
            "An active attorney cannot be made inactive"
        )])
    );
}

/// Ported from `TestValidateUpdateChangeAttorneys` and
/// `TestValidateUpdateChangeAttorneysWithUIDReferences`, "valid - with previous values".
#[tokio::test]
async fn one_attorney_removed_and_a_replacement_stepping_in() {
    let app = spawn_app().await;
    for (second, third) in [("1", "2"), (REPLACEMENT_ATTORNEY_UID, THIRD_UID)] {
        let uid = three_attorneys(&app).await;
        let changes = json!([
            status(second, "active", "removed"),
            status(third, "inactive", "active"),
        ]);

        let lpa = expect_json(app.update(&uid, "CHANGE_ATTORNEYS", changes).await, 201).await;

        let statuses: Vec<&Value> = (0..3).map(|i| &lpa["attorneys"][i]["status"]).collect();
        assert_eq!(
            statuses,
            [&json!("active"), &json!("removed"), &json!("active")],
            "{second}"
        );
    }
}

/// Ported from `TestValidateUpdateChangeAttorneys` and
/// `TestValidateUpdateChangeAttorneysWithUIDReferences`, "invalid status".
#[tokio::test]
async fn an_attorney_status_the_store_does_not_know_is_an_invalid_value() {
    let app = spawn_app().await;
    for attorney in ["0", ATTORNEY_UID] {
        let uid = app.given_lpa().await;

        let response = app
            .update(
                &uid,
                "CHANGE_ATTORNEYS",
                json!([status(attorney, "active", "in-progress")]),
            )
            .await;

        assert_eq!(
            refused(response).await,
            errors(&[("/changes/0/new", "invalid value")]),
            "{attorney}"
        );
    }
}
