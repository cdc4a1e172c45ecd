//! Ported from `lambda/update/attorney_sign_test.go`: `TestValidateUpdateAttorneySign` addresses
//! the attorney by index, `TestValidateUpdateAttorneySignActorUID` by UID; each case here runs
//! both ways.
//!
//! The cases start from an attorney with nothing set; over HTTP that is a paper LPA (the store
//! keeps a paper LPA whatever its validation finds) whose first attorney has no channel.

use serde_json::{Value, json};
use testkit::fixture::{ATTORNEY_UID, REPLACEMENT_ATTORNEY_UID};
use testkit::{TestApp, expect_json, spawn_app};

use super::{errors, given_paper, refused};

const NOW: &str = "2024-05-01T10:11:12.123456789Z";
const YESTERDAY: &str = "2024-04-30T10:11:12.123456789Z";

/// The first attorney by index and by UID.
const FIRST: [&str; 2] = ["0", ATTORNEY_UID];

fn change(attorney: &str, field: &str, old: Value, new: Value) -> Value {
    super::change(format!("/attorneys/{attorney}/{field}"), old, new)
}

/// A paper LPA whose first attorney has no channel.
async fn bare_attorney(app: &TestApp) -> String {
    given_paper(app, |lpa| {
        lpa["attorneys"][0]
            .as_object_mut()
            .expect("an attorney")
            .remove("channel");
    })
    .await
}

/// A paper LPA whose attorney at `index` has signed, on paper, with an email and a mobile.
async fn signed_attorney(app: &TestApp, index: usize) -> String {
    given_paper(app, |lpa| {
        let attorney = &mut lpa["attorneys"][index];
        attorney["channel"] = json!("paper");
        attorney["email"] = json!("a@example.com");
        attorney["mobile"] = json!("06666");
        attorney["signedAt"] = json!(YESTERDAY);
    })
    .await
}

async fn sign(app: &TestApp, uid: &str, changes: Vec<Value>) -> reqwest::Response {
    app.update(uid, "ATTORNEY_SIGN", json!(changes)).await
}

/// Ported from `TestAttorneySignApply` and the "valid - no previous values" cases.
#[tokio::test]
async fn an_attorney_signs() {
    let app = spawn_app().await;
    for attorney in FIRST {
        let uid = bare_attorney(&app).await;

        let response = sign(
            &app,
            &uid,
            vec![
                change(attorney, "signedAt", json!(null), json!(NOW)),
                change(attorney, "mobile", json!(null), json!("0777")),
                change(
                    attorney,
                    "contactLanguagePreference",
                    json!(null),
                    json!("cy"),
                ),
                change(attorney, "channel", json!(null), json!("online")),
            ],
        )
        .await;

        let lpa = expect_json(response, 201).await;
        let signed = &lpa["attorneys"][0];
        assert_eq!(signed["signedAt"], NOW, "{attorney}");
        assert_eq!(signed["mobile"], "0777", "{attorney}");
        assert_eq!(signed["contactLanguagePreference"], "cy", "{attorney}");
        assert_eq!(signed["channel"], "online", "{attorney}");
    }
}

/// Ported from the "valid - with previous values" and "multiple attorneys - single attorney
/// change" cases and `TestAttorneySignApplyWhenAlreadySigned`: every `old` matches, so the
/// changes are valid, and the signature is refused because the attorney has signed.
#[tokio::test]
async fn an_attorney_cannot_sign_again() {
    let app = spawn_app().await;
    for (index, attorney) in [
        (0, "0"),
        (0, ATTORNEY_UID),
        (1, "1"),
        (1, REPLACEMENT_ATTORNEY_UID),
    ] {
        let uid = signed_attorney(&app, index).await;

        let response = sign(
            &app,
            &uid,
            vec![
                change(attorney, "mobile", json!("06666"), json!("07777")),
                change(attorney, "signedAt", json!(YESTERDAY), json!(NOW)),
                change(
                    attorney,
                    "contactLanguagePreference",
                    json!(null),
                    json!("cy"),
                ),
                change(attorney, "channel", json!("paper"), json!("online")),
                change(
                    attorney,
                    "email",
                    json!("a@example.com"),
                    json!("b@example.com"),
                ),
            ],
        )
        .await;

        assert_eq!(
            refused(response).await,
            errors(&[("/type", "attorney cannot sign again")]),
            "{attorney}"
        );
    }
}

/// Ported from the "missing all" cases.
#[tokio::test]
async fn a_signature_without_changes_misses_the_attorneys() {
    let app = spawn_app().await;
    let uid = bare_attorney(&app).await;

    let response = app.update(&uid, "ATTORNEY_SIGN", json!(null)).await;

    assert_eq!(
        refused(response).await,
        errors(&[("/changes", "missing /attorneys/...")])
    );
}

/// Ported from the "extra fields" cases. The real tests compare in any order; the store
/// reports the attorney's unread keys before those outside the attorneys.
#[tokio::test]
async fn changes_an_attorney_signature_does_not_set_are_unexpected() {
    let app = spawn_app().await;
    for attorney in FIRST {
        let uid = bare_attorney(&app).await;

        let response = sign(
            &app,
            &uid,
            vec![
                change(attorney, "mobile", json!(null), json!("0777")),
                change(attorney, "signedAt", json!(null), json!(NOW)),
                change(
                    attorney,
                    "contactLanguagePreference",
                    json!(null),
                    json!("cy"),
                ),
                json!({"key": "/donor/firstNames", "old": null, "new": "John"}),
                change(attorney, "firstNames", json!(null), json!("John")),
                change(attorney, "email", json!(null), json!("a@example.com")),
                change(attorney, "channel", json!(null), json!("paper")),
            ],
        )
        .await;

        assert_eq!(
            refused(response).await,
            errors(&[
                ("/changes/4", "unexpected change provided"),
                ("/changes/3", "unexpected change provided"),
            ]),
            "{attorney}"
        );
    }
}

/// Ported from the "invalid contact language and channel" cases.
#[tokio::test]
async fn a_language_or_channel_the_store_does_not_know_is_an_invalid_value() {
    let app = spawn_app().await;
    for attorney in FIRST {
        let uid = bare_attorney(&app).await;

        let response = sign(
            &app,
            &uid,
            vec![
                change(attorney, "mobile", json!(null), json!("07777")),
                change(attorney, "signedAt", json!(null), json!(NOW)),
                change(
                    attorney,
                    "contactLanguagePreference",
                    json!(null),
                    json!("xy"),
                ),
                change(attorney, "channel", json!(null), json!("digital")),
                change(attorney, "email", json!(null), json!("b@example.com")),
            ],
        )
        .await;

        assert_eq!(
            refused(response).await,
            errors(&[
                ("/changes/2/new", "invalid value"),
                ("/changes/3/new", "invalid value"),
            ]),
            "{attorney}"
        );
    }
}

/// Ported from the "multiple attorneys - multiple attorney changes" cases: one signature is
/// one attorney's; the first named is read, the other is out of range.
#[tokio::test]
async fn one_signature_cannot_sign_for_two_attorneys() {
    let app = spawn_app().await;
    for (first, second) in [("0", "1"), (ATTORNEY_UID, REPLACEMENT_ATTORNEY_UID)] {
        let uid = bare_attorney(&app).await;

        let response = sign(
            &app,
            &uid,
            vec![
                change(first, "mobile", json!(null), json!("0777")),
                change(second, "signedAt", json!(null), json!(NOW)),
                change(first, "contactLanguagePreference", json!(null), json!("cy")),
                change(first, "email", json!(null), json!("a@example.com")),
                change(first, "channel", json!(null), json!("online")),
            ],
        )
        .await;

        let missing = format!("missing /attorneys/{first}/signedAt");
        assert_eq!(
            refused(response).await,
            errors(&[
                ("/changes", missing.as_str()),
                ("/changes/1/key", "index out of range"),
            ]),
            "{first}"
        );
    }
}
