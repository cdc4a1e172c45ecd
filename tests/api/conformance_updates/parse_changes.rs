//! Ported from `lambda/update/parse/changes_test.go`.
//!
//! The real tests drive the change parser directly with a made-up key such as `/thing`. Over
//! HTTP the parser is reached through an update type, so each case uses a type whose keys
//! exercise the same rule: `CERTIFICATE_PROVIDER_SIGN` for plain, optional and validated
//! fields and an optional prefix, `CORRECTION` for fields checked against the LPA's value
//! (`Old`), `ATTORNEY_SIGN` for a required prefix and keys by index or UID (`EachKey`), and
//! `TRUST_CORPORATION_SIGN` for its signatories (`Each`).
//!
//! Not ported: `TestConsumed` (no type reads an empty change list and then checks that
//! everything was read: each either requires a key or refuses an empty list first), and the
//! third case of `TestEachKeyWhenNonIndexedOrUIDKey` (a key without a leading `/` inside a
//! prefix; a prefix only matches keys that continue with `/`).

use reqwest::Response;
use serde_json::{Value, json};
use testkit::fixture::{ATTORNEY_UID, REPLACEMENT_ATTORNEY_UID};
use testkit::{TestApp, expect_json, spawn_app};

use super::{errors, given, given_paper, refused, sorted};

const SIGNED: &str = "2024-01-10T09:00:00Z";

fn signed_at() -> Value {
    json!({"key": "/certificateProvider/signedAt", "old": null, "new": SIGNED})
}

async fn certificate_provider_sign(app: &TestApp, uid: &str, changes: Value) -> Response {
    app.update(uid, "CERTIFICATE_PROVIDER_SIGN", changes).await
}

async fn accepted(response: Response) -> Value {
    expect_json(response, 201).await
}

/// Ported from `TestField` and `TestConsumedWhenConsumed`.
#[tokio::test]
async fn a_field_takes_its_new_value_when_old_is_null_for_an_empty_value() {
    let app = spawn_app().await;
    let uid = app.given_lpa().await;

    let lpa = accepted(certificate_provider_sign(&app, &uid, json!([signed_at()])).await).await;

    assert_eq!(lpa["certificateProvider"]["signedAt"], SIGNED);
}

/// Ported from `TestFieldWhenMissing`.
#[tokio::test]
async fn a_missing_required_field_is_named_at_changes() {
    let app = spawn_app().await;
    let uid = app.given_lpa().await;

    let response = certificate_provider_sign(&app, &uid, json!([])).await;

    assert_eq!(
        refused(response).await,
        errors(&[("/changes", "missing /certificateProvider/signedAt")])
    );
}

/// Ported from `TestFieldWhenWrongType`.
#[tokio::test]
async fn a_new_value_of_the_wrong_type_is_an_unexpected_type() {
    let app = spawn_app().await;
    let uid = app.given_lpa().await;
    let changes = json!([{"key": "/certificateProvider/signedAt", "old": null, "new": 5}]);

    let response = certificate_provider_sign(&app, &uid, changes).await;

    assert_eq!(
        refused(response).await,
        errors(&[("/changes/0/new", "unexpected type")])
    );
}

/// Ported from `TestFieldOld`: the field starts empty but `old` is checked against the LPA.
#[tokio::test]
async fn old_is_checked_against_the_lpa_where_the_store_says_so() {
    let app = spawn_app().await;
    let uid = app.given_lpa().await;
    let changes = json!([
        {"key": "/lifeSustainingTreatmentOption", "old": "option-a", "new": "option-b"}
    ]);

    let lpa = accepted(app.update(&uid, "CORRECTION", changes).await).await;

    assert_eq!(lpa["lifeSustainingTreatmentOption"], "option-b");
}

/// Ported from `TestFieldOldWhenNotMatch`.
#[tokio::test]
async fn old_that_is_not_the_lpas_value_does_not_match() {
    let app = spawn_app().await;
    let uid = app.given_lpa().await;
    let changes = json!([
        {"key": "/lifeSustainingTreatmentOption", "old": "option-b", "new": "option-a"}
    ]);

    let response = app.update(&uid, "CORRECTION", changes).await;

    assert_eq!(
        refused(response).await,
        errors(&[("/changes/0/old", "does not match existing value")])
    );
}

/// Ported from `TestFieldOptional`, `TestFieldValidate` and `TestFieldOldChannel`.
#[tokio::test]
async fn optional_fields_are_read_when_present() {
    let app = spawn_app().await;
    let uid = app.given_lpa().await;
    let changes = json!([
        signed_at(),
        {"key": "/certificateProvider/email", "old": "", "new": "val@example.com"},
        {"key": "/certificateProvider/channel", "old": "paper", "new": "online"}
    ]);

    let lpa = accepted(certificate_provider_sign(&app, &uid, changes).await).await;

    assert_eq!(lpa["certificateProvider"]["email"], "val@example.com");
    assert_eq!(lpa["certificateProvider"]["channel"], "online");
}

/// Ported from `TestFieldOptionalWhenMissing` and `TestOptionalPrefixWhenMissing`.
#[tokio::test]
async fn optional_fields_and_prefixes_may_be_left_out() {
    let app = spawn_app().await;
    let uid = app.given_lpa().await;

    let lpa = accepted(certificate_provider_sign(&app, &uid, json!([signed_at()])).await).await;

    assert_eq!(lpa["certificateProvider"]["channel"], "paper");
    assert_eq!(lpa["certificateProvider"]["address"]["town"], "Milton");
}

/// Ported from `TestFieldValidateWhenInvalid`.
#[tokio::test]
async fn a_validator_refuses_the_new_value_at_new() {
    let app = spawn_app().await;
    let uid = given(&app, |lpa| {
        lpa["certificateProvider"]["channel"] = json!("online");
        lpa["certificateProvider"]["email"] = json!("provider@example.com");
    })
    .await;
    let changes = json!([
        signed_at(),
        {"key": "/certificateProvider/email", "old": "provider@example.com", "new": ""}
    ]);

    let response = certificate_provider_sign(&app, &uid, changes).await;

    assert_eq!(
        refused(response).await,
        errors(&[("/changes/1/new", "field is required")])
    );
}

/// Ported from `TestFieldOldString`.
#[tokio::test]
async fn a_string_field_changes_when_old_matches() {
    let app = spawn_app().await;
    let uid = app.given_lpa().await;
    let changes = json!([{"key": "/donor/firstNames", "old": "Homer", "new": "Bart"}]);

    let lpa = accepted(app.update(&uid, "CORRECTION", changes).await).await;

    assert_eq!(lpa["donor"]["firstNames"], "Bart");
}

/// Ported from `TestFieldOldTime`: a time in `old` matches the same instant.
#[tokio::test]
async fn a_time_field_changes_when_old_is_the_same_instant() {
    let app = spawn_app().await;
    let uid = given_paper(&app, |_| {}).await;
    let changes = json!([
        {"key": "/signedAt", "old": "2000-01-02T12:13:14.000Z", "new": "2000-01-03T12:13:14Z"}
    ]);

    let lpa = accepted(app.update(&uid, "CORRECTION", changes).await).await;

    assert_eq!(lpa["signedAt"], "2000-01-03T12:13:14Z");
}

/// Ported from `TestFieldOldTimeIsEmpty`: `""` in `old` matches a time never set.
#[tokio::test]
async fn an_empty_old_matches_a_time_never_set() {
    let app = spawn_app().await;
    let uid = app.given_lpa().await;
    let changes = json!([
        {"key": "/certificateProvider/signedAt", "old": "", "new": "2024-03-01T13:14:15Z"}
    ]);

    let lpa = accepted(certificate_provider_sign(&app, &uid, changes).await).await;

    assert_eq!(
        lpa["certificateProvider"]["signedAt"],
        "2024-03-01T13:14:15Z"
    );
}

/// Ported from `TestFieldOldLang`.
#[tokio::test]
async fn a_language_field_changes_when_old_matches() {
    let app = spawn_app().await;
    let uid = given(&app, |lpa| {
        lpa["certificateProvider"]["contactLanguagePreference"] = json!("en");
    })
    .await;
    let changes = json!([
        signed_at(),
        {"key": "/certificateProvider/contactLanguagePreference", "old": "en", "new": "cy"}
    ]);

    let lpa = accepted(certificate_provider_sign(&app, &uid, changes).await).await;

    assert_eq!(
        lpa["certificateProvider"]["contactLanguagePreference"],
        "cy"
    );
}

/// Ported from `TestFieldOldDate`.
#[tokio::test]
async fn a_date_field_changes_when_old_matches() {
    let app = spawn_app().await;
    let uid = app.given_lpa().await;
    let changes = json!([
        {"key": "/donor/dateOfBirth", "old": "1960-04-06", "new": "1990-01-02"}
    ]);

    let lpa = accepted(app.update(&uid, "CORRECTION", changes).await).await;

    assert_eq!(lpa["donor"]["dateOfBirth"], "1990-01-02");
}

/// Ported from `TestFieldWhenOldDoesNotMatchExisting`, cases "string" and "null".
#[tokio::test]
async fn old_that_differs_from_a_set_value_does_not_match() {
    let app = spawn_app().await;
    let uid = app.given_lpa().await;
    for old in [json!("not same as existing"), json!(null)] {
        let changes = json!([{"key": "/donor/firstNames", "old": old, "new": "val"}]);

        let response = app.update(&uid, "CORRECTION", changes).await;

        assert_eq!(
            refused(response).await,
            errors(&[("/changes/0/old", "does not match existing value")]),
            "old {old}"
        );
    }
}

/// Ported from `TestConsumedWhenNot`.
#[tokio::test]
async fn a_change_no_field_reads_is_unexpected() {
    let app = spawn_app().await;
    let uid = app.given_lpa().await;
    let changes = json!([signed_at(), {"key": "/thing", "old": null, "new": "val"}]);

    let response = certificate_provider_sign(&app, &uid, changes).await;

    assert_eq!(
        refused(response).await,
        errors(&[("/changes/1", "unexpected change provided")])
    );
}

fn trust_corporation_signature(signatories: Vec<Value>) -> Value {
    let mut changes = json!([
        {"key": "/trustCorporations/0/mobile", "old": null, "new": "07777111111"},
        {"key": "/trustCorporations/0/contactLanguagePreference", "old": null, "new": "en"},
        {"key": "/trustCorporations/0/companyNumber", "old": "666123321", "new": "666123322"}
    ]);
    let list = changes.as_array_mut().expect("an array");
    list.extend(signatories);
    changes
}

fn signatory(index: &str, name: &str) -> Vec<Value> {
    let key = |field: &str| format!("/trustCorporations/0/signatories/{index}/{field}");
    vec![
        json!({"key": key("firstNames"), "old": null, "new": name}),
        json!({"key": key("lastName"), "old": null, "new": "Natory"}),
        json!({"key": key("professionalTitle"), "old": null, "new": "Director"}),
        json!({"key": key("signedAt"), "old": null, "new": SIGNED}),
    ]
}

/// Ported from `TestEach`.
#[tokio::test]
async fn each_index_is_read_on_its_own() {
    let app = spawn_app().await;
    let uid = app.given_lpa().await;
    let mut signatories = signatory("0", "First");
    signatories.extend(signatory("1", "Second"));

    let response = app
        .update(
            &uid,
            "TRUST_CORPORATION_SIGN",
            trust_corporation_signature(signatories),
        )
        .await;

    let lpa = accepted(response).await;
    let read = &lpa["trustCorporations"][0]["signatories"];
    assert_eq!(read[0]["firstNames"], "First");
    assert_eq!(read[1]["firstNames"], "Second");
}

/// Ported from `TestEachWhenNonIndexedKey`.
#[tokio::test]
async fn keys_without_an_index_are_refused_where_an_index_is_required() {
    let app = spawn_app().await;
    let uid = app.given_lpa().await;
    let mut signatories = signatory("0", "First");
    signatories
        .push(json!({"key": "/trustCorporations/0/signatories/thing", "old": null, "new": "val"}));
    signatories.push(
        json!({"key": "/trustCorporations/0/signatories/-/other", "old": null, "new": "other"}),
    );

    let response = app
        .update(
            &uid,
            "TRUST_CORPORATION_SIGN",
            trust_corporation_signature(signatories),
        )
        .await;

    assert_eq!(
        refused(response).await,
        errors(&[
            ("/changes/7/key", "require index"),
            ("/changes/8/key", "require index"),
        ])
    );
}

/// Ported from `TestEachWhenRequired`: the first signatory is required, so its keys are
/// missing when only the second is given.
#[tokio::test]
async fn a_required_index_reports_its_missing_keys() {
    let app = spawn_app().await;
    let uid = app.given_lpa().await;

    let response = app
        .update(
            &uid,
            "TRUST_CORPORATION_SIGN",
            trust_corporation_signature(signatory("1", "Second")),
        )
        .await;

    assert_eq!(
        refused(response).await,
        errors(&[
            (
                "/changes",
                "missing /trustCorporations/0/signatories/0/firstNames"
            ),
            (
                "/changes",
                "missing /trustCorporations/0/signatories/0/lastName"
            ),
            (
                "/changes",
                "missing /trustCorporations/0/signatories/0/professionalTitle"
            ),
            (
                "/changes",
                "missing /trustCorporations/0/signatories/0/signedAt"
            ),
        ])
    );
}

/// Ported from `TestEachWhenOutOfRange` and `TestEachWhenNotConsumed`.
#[tokio::test]
async fn an_index_past_the_end_is_out_of_range_and_unread_keys_are_unexpected() {
    let app = spawn_app().await;
    let uid = app.given_lpa().await;
    let mut signatories = signatory("0", "First");
    signatories.push(
        json!({"key": "/trustCorporations/0/signatories/2/firstNames", "old": null, "new": "val"}),
    );
    signatories.push(
        json!({"key": "/trustCorporations/0/signatories/0/thing", "old": null, "new": "val"}),
    );

    let response = app
        .update(
            &uid,
            "TRUST_CORPORATION_SIGN",
            trust_corporation_signature(signatories),
        )
        .await;

    assert_eq!(
        sorted(refused(response).await),
        sorted(errors(&[
            ("/changes/7/key", "index out of range"),
            ("/changes/8", "unexpected change provided"),
        ]))
    );
}

/// Ported from `TestEachKey`: an attorney is found by index or by UID.
#[tokio::test]
async fn actors_are_found_by_index_or_by_uid() {
    let app = spawn_app().await;
    for (key, index) in [
        ("0", 0),
        ("1", 1),
        (ATTORNEY_UID, 0),
        (REPLACEMENT_ATTORNEY_UID, 1),
    ] {
        let uid = app.given_lpa().await;
        let changes =
            json!([{"key": format!("/attorneys/{key}/signedAt"), "old": null, "new": SIGNED}]);

        let lpa = accepted(app.update(&uid, "ATTORNEY_SIGN", changes).await).await;

        assert_eq!(lpa["attorneys"][index]["signedAt"], SIGNED, "key {key}");
    }
}

/// Ported from `TestEachKeyWhenNonIndexedOrUIDKey`, its first two cases.
#[tokio::test]
async fn keys_without_an_index_or_uid_are_refused() {
    let app = spawn_app().await;
    let uid = app.given_lpa().await;
    let changes = json!([
        {"key": "/attorneys//signedAt", "old": null, "new": SIGNED},
        {"key": "/attorneys/signedAt", "old": null, "new": SIGNED}
    ]);

    let response = app.update(&uid, "ATTORNEY_SIGN", changes).await;

    assert_eq!(
        refused(response).await,
        errors(&[
            ("/changes/0/key", "require index or actor UID"),
            ("/changes/1/key", "require index or actor UID"),
        ])
    );
}

/// Ported from `TestEachKeyWhenOutOfRange` and `TestEachKeyWhenNotConsumed`: an index past the
/// end, or a UID of no attorney, is out of range.
#[tokio::test]
async fn an_unknown_index_or_uid_is_out_of_range() {
    let app = spawn_app().await;
    let uid = app.given_lpa().await;
    let changes = json!([
        {"key": "/attorneys/0/signedAt", "old": null, "new": SIGNED},
        {"key": "/attorneys/2/signedAt", "old": null, "new": SIGNED},
        {"key": "/attorneys/9ac5cb7c-fc75-40c7-8e53-059f36dbbe3e/signedAt", "old": null, "new": SIGNED},
        {"key": "/attorneys/0/thing", "old": null, "new": "val"}
    ]);

    let response = app.update(&uid, "ATTORNEY_SIGN", changes).await;

    assert_eq!(
        sorted(refused(response).await),
        sorted(errors(&[
            ("/changes/1/key", "index out of range"),
            ("/changes/2/key", "index out of range"),
            ("/changes/3", "unexpected change provided"),
        ]))
    );
}

/// Ported from `TestPrefix` and `TestPrefixOptional`.
#[tokio::test]
async fn keys_under_a_prefix_are_read_relative_to_it() {
    let app = spawn_app().await;
    let uid = app.given_lpa().await;
    let address = |field: &str, new: &str| json!({"key": format!("/certificateProvider/address/{field}"), "old": null, "new": new});
    let changes = json!([
        signed_at(),
        {"key": "/certificateProvider/address/line1", "old": "71 South Western Terrace", "new": "1 Road"},
        {"key": "/certificateProvider/address/town", "old": "Milton", "new": "Town"},
        {"key": "/certificateProvider/address/country", "old": "AU", "new": "GB"},
        address("postcode", "B14 7ED")
    ]);

    let lpa = accepted(certificate_provider_sign(&app, &uid, changes).await).await;

    let read = &lpa["certificateProvider"]["address"];
    assert_eq!(read["line1"], "1 Road");
    assert_eq!(read["postcode"], "B14 7ED");
    assert_eq!(read["country"], "GB");
}

/// Ported from `TestPrefixWhenNotConsumed`.
#[tokio::test]
async fn unread_keys_under_and_outside_a_prefix_are_unexpected() {
    let app = spawn_app().await;
    let uid = app.given_lpa().await;
    let changes = json!([
        {"key": "/certificateProvider/address/line1", "old": "71 South Western Terrace", "new": "1 Road"},
        {"key": "/certificateProvider/address/what", "old": null, "new": "val"},
        {"key": "/root", "old": null, "new": "val"},
        signed_at(),
        {"key": "/certificateProvider/address/town", "old": "Milton", "new": "Town"},
        {"key": "/certificateProvider/address/country", "old": "AU", "new": "GB"}
    ]);

    let response = certificate_provider_sign(&app, &uid, changes).await;

    assert_eq!(
        sorted(refused(response).await),
        sorted(errors(&[
            ("/changes/1", "unexpected change provided"),
            ("/changes/2", "unexpected change provided"),
        ]))
    );
}

/// Ported from `TestPrefixWhenMissing`.
#[tokio::test]
async fn a_missing_required_prefix_is_named_at_changes() {
    let app = spawn_app().await;
    let uid = app.given_lpa().await;

    let response = app.update(&uid, "ATTORNEY_SIGN", json!([])).await;

    assert_eq!(
        refused(response).await,
        errors(&[("/changes", "missing /attorneys/...")])
    );
}

/// Not a case of `changes_test.go` but the rule of `EachKey` in `changes.go`: groups are read
/// in the order their keys first appear, so the first attorney named is the one signing and a
/// second is out of range, whatever their positions.
#[tokio::test]
async fn the_first_actor_named_is_the_one_read() {
    let app = spawn_app().await;
    let uid = app.given_lpa().await;
    let changes = json!([
        {"key": format!("/attorneys/{REPLACEMENT_ATTORNEY_UID}/signedAt"), "old": null, "new": SIGNED},
        {"key": "/attorneys/0/signedAt", "old": null, "new": SIGNED}
    ]);

    let response = app.update(&uid, "ATTORNEY_SIGN", changes).await;

    assert_eq!(
        refused(response).await,
        errors(&[("/changes/1/key", "index out of range")])
    );
    let uid = app.given_lpa().await;
    let changes = json!([
        {"key": "/attorneys/1/signedAt", "old": null, "new": SIGNED},
        {"key": "/attorneys/0/signedAt", "old": null, "new": SIGNED}
    ]);

    let response = app.update(&uid, "ATTORNEY_SIGN", changes).await;

    assert_eq!(
        refused(response).await,
        errors(&[("/changes/1/key", "index out of range")])
    );
}

/// Not a case of `changes_test.go` but the rule of `Field` in `changes.go`: a change without
/// `old` is refused (`old` cannot be read), then compared as `null`.
#[tokio::test]
async fn a_change_without_old_is_refused() {
    let app = spawn_app().await;
    let uid = app.given_lpa().await;
    let changes = json!([{"key": "/certificateProvider/signedAt", "new": SIGNED}]);

    let response = certificate_provider_sign(&app, &uid, changes).await;

    assert_eq!(
        refused(response).await,
        errors(&[("/changes/0/old", "error marshalling old value")])
    );
}

/// Not a case of `changes_test.go` but the rule of `Field` in `changes.go`: a change without
/// `new` has nothing of the field's type to read.
#[tokio::test]
async fn a_change_without_new_is_of_the_wrong_type() {
    let app = spawn_app().await;
    let uid = app.given_lpa().await;
    let changes = json!([{"key": "/donor/firstNames", "old": "Homer"}]);

    let response = app.update(&uid, "CORRECTION", changes).await;

    assert_eq!(
        refused(response).await,
        errors(&[("/changes/0/new", "unexpected type")])
    );
}

/// Not a case of the real tests but the rule of `redundant.go` with Go's decoding of a
/// change: a change with nothing in it has the key `""` and is redundant.
#[tokio::test]
async fn an_empty_change_is_redundant() {
    let app = spawn_app().await;
    let uid = app.given_lpa().await;

    let response = app.update(&uid, "REGISTER", json!([{}])).await;

    assert_eq!(
        refused(response).await,
        errors(&[("/changes/0", "redundant change for ")])
    );
}
