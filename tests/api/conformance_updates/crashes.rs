//! Where the real store's update code panics (its Lambda answers `500`), the simulator answers
//! `400` in the store's words, as README's departures table says. These pin those answers.

use serde_json::json;
use testkit::spawn_app;

use super::{change, errors, given_paper, refused};

/// `parse.Field` asserts that a non-null `old` has the field's Go type, and panics when not.
#[tokio::test]
async fn an_old_of_another_json_type_does_not_match() {
    let app = spawn_app().await;
    let uid = app.given_lpa().await;

    let response = app
        .update(
            &uid,
            "CORRECTION",
            json!([change("/donor/firstNames", json!(5), json!("Jane"))]),
        )
        .await;

    assert_eq!(
        refused(response).await,
        errors(&[("/changes/0/old", "does not match existing value")])
    );
}

/// `FindAttorneyIndex` takes `-1` for an index and the update then indexes out of bounds.
#[tokio::test]
async fn a_negative_attorney_index_is_out_of_range() {
    let app = spawn_app().await;
    let uid = app.given_lpa().await;

    let response = app
        .update(
            &uid,
            "ATTORNEY_SIGN",
            json!([change(
                "/attorneys/-1/signedAt",
                json!(null),
                json!("2024-01-11T09:00:00Z")
            )]),
        )
        .await;

    assert_eq!(
        refused(response).await,
        errors(&[("/changes/0/key", "index out of range")])
    );
}

/// A correction reads a signatory into the trust corporation's own list, out of bounds when
/// it has fewer.
#[tokio::test]
async fn a_correction_of_a_signatory_the_trust_corporation_lacks_is_out_of_range() {
    let app = spawn_app().await;
    let uid = given_paper(&app, |lpa| {
        lpa["trustCorporations"][0]["signatories"] =
            json!([{"firstNames": "Sig", "lastName": "Natory", "signedAt": "2024-01-12T09:00:00Z"}]);
    })
    .await;

    let response = app
        .update(
            &uid,
            "CORRECTION",
            json!([change(
                "/trustCorporations/0/signatories/1/firstNames",
                json!(null),
                json!("Jane")
            )]),
        )
        .await;

    assert_eq!(
        refused(response).await,
        errors(&[("/changes/0/key", "index out of range")])
    );
}

/// `ATTORNEY_DECISIONS` counts an unknown attorney as read and then indexes past what it
/// read for the next one.
#[tokio::test]
async fn attorney_decisions_for_an_unknown_attorney_first_are_out_of_range() {
    let app = spawn_app().await;
    let uid = given_paper(&app, |lpa| {
        lpa["howAttorneysMakeDecisions"] = json!("jointly-for-some-severally-for-others");
    })
    .await;

    let response = app
        .update(
            &uid,
            "ATTORNEY_DECISIONS",
            json!([
                change(
                    "/attorneys/7/cannotMakeJointDecisions",
                    json!(false),
                    json!(true)
                ),
                change(
                    "/attorneys/0/cannotMakeJointDecisions",
                    json!(false),
                    json!(true)
                ),
            ]),
        )
        .await;

    assert_eq!(
        refused(response).await,
        errors(&[("/changes/0/key", "index out of range")])
    );
}
