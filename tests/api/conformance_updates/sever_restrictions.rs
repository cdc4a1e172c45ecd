//! Ported from `lambda/update/sever_restrictions_test.go`.

use serde_json::json;
use testkit::{expect_json, spawn_app};

use super::{change, errors, given_paper, refused};

/// Ported from `TestSeverRestrictionsApply`, "change restrictions" and "can blank
/// restrictions", and `TestValidateSeverRestrictions`.
#[tokio::test]
async fn severing_replaces_the_restrictions_drops_their_images_and_leaves_a_note() {
    let app = spawn_app().await;
    for (old, new, noted) in [
        ("I do not want to x", "I do want", "I do want"),
        (
            "I want to x",
            "",
            "All restrictions have been severed from the LPA",
        ),
        ("I do not want", "I want", "I want"),
    ] {
        let uid = given_paper(&app, |lpa| {
            lpa["restrictionsAndConditions"] = json!(old);
            lpa["restrictionsAndConditionsImages"] =
                json!([{"filename": "test.png", "data": "aGVsbG8gd29ybGQ="}]);
        })
        .await;
        let changes = json!([change("/restrictionsAndConditions", json!(old), json!(new))]);

        let response = app
            .update(&uid, "SEVER_RESTRICTIONS_AND_CONDITIONS", changes)
            .await;

        let lpa = expect_json(response, 201).await;
        assert_eq!(
            lpa.get("restrictionsAndConditions").unwrap_or(&json!("")),
            new,
            "{old}"
        );
        assert!(
            lpa.get("restrictionsAndConditionsImages").is_none(),
            "no images left: {lpa}"
        );
        let notes = lpa["notes"].as_array().expect("notes");
        assert_eq!(notes.len(), 1, "{old}");
        assert_eq!(notes[0]["type"], "SEVER_RESTRICTIONS_AND_CONDITIONS_V1");
        assert_eq!(
            notes[0]["values"],
            json!({"updatedRestrictionsAndConditions": noted})
        );
    }
}

/// Ported from `TestValidateSeverRestrictionsNoChanges`.
#[tokio::test]
async fn severing_needs_a_change() {
    let app = spawn_app().await;
    let uid = app.given_lpa().await;

    let response = app
        .update(&uid, "SEVER_RESTRICTIONS_AND_CONDITIONS", json!(null))
        .await;

    assert_eq!(
        refused(response).await,
        errors(&[("/changes", "no changes provided")])
    );
}
