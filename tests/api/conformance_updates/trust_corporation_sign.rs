//! Ported from `lambda/update/trust_corporation_sign_test.go`: `TestValidateUpdateTrustCorporationSign`
//! addresses the trust corporation by index, `TestValidateUpdateTrustCorporationSignUIDReferences`
//! by UID; each case here runs both ways.
//!
//! The cases start from a trust corporation with nothing set; over HTTP that is a paper LPA
//! (the store keeps a paper LPA whatever its validation finds) whose trust corporation has no
//! company number and no channel.

use serde_json::{Value, json};
use testkit::fixture::TRUST_CORPORATION_UID;
use testkit::{TestApp, expect_json, spawn_app};

use super::{errors, given_paper, refused};

const NOW: &str = "2024-05-01T10:11:12Z";
const SECOND_UID: &str = "c2d2e6a4-7a2b-4f4e-9d55-b2a4d5c5e0aa";

/// The trust corporation by index and by UID.
const KEYS: [&str; 2] = ["0", TRUST_CORPORATION_UID];

fn change(tc: &str, field: &str, old: Value, new: Value) -> Value {
    super::change(format!("/trustCorporations/{tc}/{field}"), old, new)
}

fn signatory(tc: &str, index: usize, first_names: &str, title: &str) -> Vec<Value> {
    let field = |name: &str| format!("signatories/{index}/{name}");
    vec![
        change(tc, &field("firstNames"), json!(null), json!(first_names)),
        change(tc, &field("lastName"), json!(null), json!("Smith")),
        change(tc, &field("professionalTitle"), json!(null), json!(title)),
        change(tc, &field("signedAt"), json!(null), json!(NOW)),
    ]
}

/// A paper LPA whose trust corporation has no company number and no channel.
async fn bare_trust_corporation(app: &TestApp) -> String {
    given_paper(app, |lpa| {
        let tc = lpa["trustCorporations"][0]
            .as_object_mut()
            .expect("a trust corporation");
        tc.remove("companyNumber");
        tc.remove("channel");
    })
    .await
}

async fn sign(app: &TestApp, uid: &str, changes: Vec<Value>) -> reqwest::Response {
    app.update(uid, "TRUST_CORPORATION_SIGN", json!(changes))
        .await
}

/// Ported from `TestTrustCorporationSignApply` and the "valid" cases.
#[tokio::test]
async fn a_trust_corporation_signs_through_two_signatories() {
    let app = spawn_app().await;
    for tc in KEYS {
        let uid = bare_trust_corporation(&app).await;
        let mut changes = vec![change(tc, "mobile", json!(null), json!("07777"))];
        changes.extend(signatory(tc, 0, "John", "Director"));
        changes.extend(signatory(tc, 1, "Jane", "Deputy Director"));
        changes.push(change(
            tc,
            "contactLanguagePreference",
            json!(null),
            json!("cy"),
        ));
        changes.push(change(tc, "companyNumber", json!(null), json!("ABCD1234")));

        let lpa = expect_json(sign(&app, &uid, changes).await, 201).await;

        let signed = &lpa["trustCorporations"][0];
        assert_eq!(signed["mobile"], "07777", "{tc}");
        assert_eq!(signed["contactLanguagePreference"], "cy", "{tc}");
        assert_eq!(signed["companyNumber"], "ABCD1234", "{tc}");
        let signatories = &signed["signatories"];
        assert_eq!(signatories[0]["firstNames"], "John", "{tc}");
        assert_eq!(signatories[0]["signedAt"], NOW, "{tc}");
        assert_eq!(
            signatories[1]["professionalTitle"], "Deputy Director",
            "{tc}"
        );
    }
}

/// Ported from the "valid - existing values" cases: the company number, email and channel
/// are checked against the trust corporation's; the mobile and language start empty.
#[tokio::test]
async fn a_trust_corporation_signs_over_its_existing_values() {
    let app = spawn_app().await;
    for tc in KEYS {
        let uid = given_paper(&app, |lpa| {
            let corporation = &mut lpa["trustCorporations"][0];
            corporation["email"] = json!("a@example.com");
            corporation["channel"] = json!("paper");
            corporation["companyNumber"] = json!("ABCD1234");
        })
        .await;
        let mut changes = vec![change(tc, "mobile", json!(null), json!("07777"))];
        changes.extend(signatory(tc, 0, "John", "Director"));
        changes.push(change(
            tc,
            "contactLanguagePreference",
            json!(null),
            json!("cy"),
        ));
        changes.push(change(
            tc,
            "email",
            json!("a@example.com"),
            json!("b@example.com"),
        ));
        changes.push(change(tc, "channel", json!("paper"), json!("online")));
        changes.push(change(
            tc,
            "companyNumber",
            json!("ABCD1234"),
            json!("ABCD4567"),
        ));

        let lpa = expect_json(sign(&app, &uid, changes).await, 201).await;

        let signed = &lpa["trustCorporations"][0];
        assert_eq!(signed["email"], "b@example.com", "{tc}");
        assert_eq!(signed["channel"], "online", "{tc}");
        assert_eq!(signed["companyNumber"], "ABCD4567", "{tc}");
        assert_eq!(
            signed["signatories"].as_array().map(Vec::len),
            Some(1),
            "{tc}"
        );
    }
}

/// Ported from `TestTrustCorporationSignApplyWhenAlreadySigned`.
#[tokio::test]
async fn a_trust_corporation_cannot_sign_again() {
    let app = spawn_app().await;
    let uid = given_paper(&app, |lpa| {
        lpa["trustCorporations"][0]["signatories"] = json!([{"signedAt": NOW}]);
        lpa["trustCorporations"][0]
            .as_object_mut()
            .expect("a trust corporation")
            .remove("companyNumber");
    })
    .await;
    let mut changes = vec![change("0", "mobile", json!(null), json!("07777"))];
    changes.extend(signatory("0", 0, "John", "Director"));
    changes.push(change(
        "0",
        "contactLanguagePreference",
        json!(null),
        json!("cy"),
    ));
    changes.push(change("0", "companyNumber", json!(null), json!("ABCD1234")));

    let response = sign(&app, &uid, changes).await;

    assert_eq!(
        refused(response).await,
        errors(&[("/type", "trust corporation cannot sign again")])
    );
}

/// Ported from the "missing all" cases.
#[tokio::test]
async fn a_signature_without_changes_misses_the_trust_corporations() {
    let app = spawn_app().await;
    let uid = bare_trust_corporation(&app).await;

    let response = app
        .update(&uid, "TRUST_CORPORATION_SIGN", json!(null))
        .await;

    assert_eq!(
        refused(response).await,
        errors(&[("/changes", "missing /trustCorporations/...")])
    );
}

/// Ported from the "extra fields" cases. The real tests compare in any order; the store
/// reports the trust corporation's unread keys before those outside it.
#[tokio::test]
async fn changes_a_trust_corporation_signature_does_not_set_are_unexpected() {
    let app = spawn_app().await;
    for tc in KEYS {
        let uid = bare_trust_corporation(&app).await;
        let mut changes = vec![change(tc, "mobile", json!(null), json!("0777"))];
        changes.extend(signatory(tc, 0, "John", "Director"));
        changes.push(change(
            tc,
            "contactLanguagePreference",
            json!(null),
            json!("cy"),
        ));
        changes.push(json!({"key": "/donor/firstNames", "old": null, "new": "John"}));
        changes.push(change(tc, "firstNames", json!(null), json!("John")));
        changes.push(change(tc, "companyNumber", json!(null), json!("ABCD1234")));

        let response = sign(&app, &uid, changes).await;

        assert_eq!(
            refused(response).await,
            errors(&[
                ("/changes/7", "unexpected change provided"),
                ("/changes/6", "unexpected change provided"),
            ]),
            "{tc}"
        );
    }
}

/// Ported from the "invalid values" cases, in the order the store reads the keys. The real
/// case empties a company number that was never set, which over HTTP the redundant-change
/// rule catches first; here the company number is set before.
#[tokio::test]
async fn invalid_language_channel_and_company_number_are_reported() {
    let app = spawn_app().await;
    for tc in KEYS {
        let uid = given_paper(&app, |lpa| {
            let corporation = lpa["trustCorporations"][0]
                .as_object_mut()
                .expect("a trust corporation");
            corporation.remove("channel");
        })
        .await;
        let mut changes = vec![change(tc, "mobile", json!(null), json!("07777"))];
        changes.extend(signatory(tc, 0, "John", "Director"));
        changes.push(change(
            tc,
            "contactLanguagePreference",
            json!(null),
            json!("xy"),
        ));
        changes.push(change(tc, "channel", json!(null), json!("digital")));
        changes.push(change(tc, "companyNumber", json!("666123321"), json!("")));

        let response = sign(&app, &uid, changes).await;

        assert_eq!(
            refused(response).await,
            errors(&[
                ("/changes/5/new", "invalid value"),
                ("/changes/7/new", "field is required"),
                ("/changes/6/new", "invalid value"),
            ]),
            "{tc}"
        );
    }
}

/// Ported from the "multiple trust corporations" cases: one signature is one trust
/// corporation's; the first named is read, the other is out of range.
#[tokio::test]
async fn one_signature_cannot_sign_for_two_trust_corporations() {
    let app = spawn_app().await;
    for (first, second) in [("0", "1"), (TRUST_CORPORATION_UID, SECOND_UID)] {
        let uid = given_paper(&app, |lpa| {
            let mut other = lpa["trustCorporations"][0].clone();
            other["uid"] = json!(SECOND_UID);
            let list = lpa["trustCorporations"].as_array_mut().expect("a list");
            list[0]
                .as_object_mut()
                .expect("a trust corporation")
                .remove("companyNumber");
            list.push(other);
        })
        .await;
        let mut changes = vec![
            change(first, "mobile", json!(null), json!("0777")),
            change(
                second,
                "signatories/0/firstNames",
                json!(null),
                json!("John"),
            ),
        ];
        changes.extend(signatory(first, 0, "John", "Director").split_off(1));
        changes.push(change(
            first,
            "contactLanguagePreference",
            json!(null),
            json!("cy"),
        ));
        changes.push(change(
            first,
            "companyNumber",
            json!(null),
            json!("ABCD1234"),
        ));

        let response = sign(&app, &uid, changes).await;

        let missing = format!("missing /trustCorporations/{first}/signatories/0/firstNames");
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

/// Not a case of the real tests but the rule of `trust_corporation_sign.go`: keys for the
/// trust corporation by index and then by UID are read as two groups; the second starts
/// again from the stored company number, email and channel, while the mobile, language and
/// signatories carry over from the first.
#[tokio::test]
async fn a_second_group_of_keys_starts_again_from_the_stored_company_number() {
    let app = spawn_app().await;
    let uid = app.given_lpa().await;
    let tc = TRUST_CORPORATION_UID;
    let mut changes = vec![change("0", "mobile", json!(null), json!("07777"))];
    changes.push(change(
        "0",
        "contactLanguagePreference",
        json!(null),
        json!("en"),
    ));
    changes.push(change(
        "0",
        "companyNumber",
        json!("666123321"),
        json!("X1"),
    ));
    changes.extend(signatory("0", 0, "John", "Director"));
    changes.push(change(tc, "mobile", json!("07777"), json!("08888")));
    changes.push(change(
        tc,
        "contactLanguagePreference",
        json!("en"),
        json!("cy"),
    ));
    changes.push(change(tc, "companyNumber", json!("666123321"), json!("Y2")));
    let key = |field: &str| format!("signatories/0/{field}");
    changes.push(change(tc, &key("firstNames"), json!("John"), json!("Jo")));
    changes.push(change(tc, &key("lastName"), json!("Smith"), json!("Smyth")));
    changes.push(change(
        tc,
        &key("professionalTitle"),
        json!("Director"),
        json!("Chair"),
    ));
    changes.push(change(
        tc,
        &key("signedAt"),
        json!(NOW),
        json!("2024-05-02T10:11:12Z"),
    ));

    let lpa = expect_json(sign(&app, &uid, changes).await, 201).await;

    let signed = &lpa["trustCorporations"][0];
    assert_eq!(signed["mobile"], "08888");
    assert_eq!(signed["contactLanguagePreference"], "cy");
    assert_eq!(signed["companyNumber"], "Y2");
    assert_eq!(signed["signatories"][0]["lastName"], "Smyth");
}
