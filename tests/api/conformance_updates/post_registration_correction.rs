//! Ported from `lambda/update/post_registration_correction_test.go`.
//!
//! Not ported: `TestPostRegistrationCorrectionApply` "decisions correction", for the reason
//! given in `correction.rs`, and the "valid ..." cases of
//! `TestValidatePostRegistrationCorrection` for the donor, attorneys and certificate
//! provider, which only check the parsed changes (their effects are checked by the apply
//! cases here).

use serde_json::{Value, json};
use testkit::fixture::ATTORNEY_UID;
use testkit::{TestApp, expect_json, spawn_app};

use super::{change, errors, given_paper, given_status, refused};

const TYPE: &str = "POST_REGISTRATION_CORRECTION";

/// How a case changes the fixture LPA before it is stored.
type Edit = Box<dyn Fn(&mut Value)>;

async fn correct(app: &TestApp, uid: &str, changes: Vec<Value>) -> reqwest::Response {
    app.update(uid, TYPE, json!(changes)).await
}

/// Ported from `TestValidatePostRegistrationCorrection` "no changes provided".
#[tokio::test]
async fn a_post_registration_correction_needs_a_change() {
    let app = spawn_app().await;
    let uid = given_status(&app, "registered").await;

    let response = app.update(&uid, TYPE, json!([])).await;

    assert_eq!(
        refused(response).await,
        errors(&[("/changes", "no changes provided")])
    );
}

/// Ported from `TestPostRegistrationCorrectionApply` "donor correction": the date of birth
/// is kept.
#[tokio::test]
async fn the_donor_is_corrected_after_registration() {
    let app = spawn_app().await;
    let uid = given_status(&app, "registered").await;

    let response = correct(
        &app,
        &uid,
        vec![
            change("/donor/firstNames", json!("Homer"), json!("Jane")),
            change("/donor/lastName", json!("Zoller"), json!("Smith")),
            change("/donor/otherNamesKnownBy", json!(null), json!("Janey")),
            change(
                "/donor/address/line1",
                json!("79 Bury Rd"),
                json!("456 Another St"),
            ),
            change(
                "/donor/address/town",
                json!("Hampton Lovett"),
                json!("Othertown"),
            ),
            change(
                "/donor/address/postcode",
                json!("WR9 2PF"),
                json!("B22 A11"),
            ),
            change("/donor/address/country", json!("GB"), json!("IE")),
            change(
                "/donor/email",
                json!("homer@example.com"),
                json!("jane.smith@example.com"),
            ),
        ],
    )
    .await;

    let lpa = expect_json(response, 201).await;
    let donor = &lpa["donor"];
    assert_eq!(donor["firstNames"], "Jane");
    assert_eq!(donor["lastName"], "Smith");
    assert_eq!(donor["otherNamesKnownBy"], "Janey");
    assert_eq!(donor["dateOfBirth"], "1960-04-06");
    assert_eq!(
        donor["address"],
        json!({"line1": "456 Another St", "town": "Othertown", "postcode": "B22 A11", "country": "IE"})
    );
    assert_eq!(donor["email"], "jane.smith@example.com");
    assert_eq!(lpa["status"], "registered");
}

/// Ported from `TestPostRegistrationCorrectionApply` "certificate provider correction".
#[tokio::test]
async fn the_certificate_provider_is_corrected_after_registration() {
    let app = spawn_app().await;
    let uid = given_status(&app, "registered").await;

    let response = correct(
        &app,
        &uid,
        vec![
            change(
                "/certificateProvider/firstNames",
                json!("Some"),
                json!("Lynn"),
            ),
            change(
                "/certificateProvider/lastName",
                json!("Provider"),
                json!("Christiansen"),
            ),
            change(
                "/certificateProvider/address/line1",
                json!("71 South Western Terrace"),
                json!("653 Prosacco Avenue"),
            ),
            change(
                "/certificateProvider/phone",
                json!("070009000"),
                json!("01003 19993"),
            ),
        ],
    )
    .await;

    let lpa = expect_json(response, 201).await;
    let provider = &lpa["certificateProvider"];
    assert_eq!(provider["firstNames"], "Lynn");
    assert_eq!(provider["lastName"], "Christiansen");
    assert_eq!(provider["address"]["line1"], "653 Prosacco Avenue");
    assert_eq!(provider["phone"], "01003 19993");
}

/// Ported from `TestPostRegistrationCorrectionApply` "attorney correction".
#[tokio::test]
async fn an_attorney_is_corrected_after_registration() {
    let app = spawn_app().await;
    let uid = given_status(&app, "registered").await;

    let response = correct(
        &app,
        &uid,
        vec![
            change("/attorneys/1/firstNames", json!("Marge"), json!("Jane")),
            change("/attorneys/1/lastName", json!("Zoller"), json!("Smith")),
            change(
                "/attorneys/1/dateOfBirth",
                json!("1962-03-19"),
                json!("2000-11-11"),
            ),
            change(
                "/attorneys/1/email",
                json!("marge@example.com"),
                json!("jane.smith@example.com"),
            ),
            change("/attorneys/1/mobile", json!(null), json!("987654321")),
            change(
                "/attorneys/1/address/line1",
                json!("79 Bury Rd"),
                json!("456 Another St"),
            ),
        ],
    )
    .await;

    let lpa = expect_json(response, 201).await;
    let attorney = &lpa["attorneys"][1];
    assert_eq!(attorney["firstNames"], "Jane");
    assert_eq!(attorney["lastName"], "Smith");
    assert_eq!(attorney["dateOfBirth"], "2000-11-11");
    assert_eq!(attorney["email"], "jane.smith@example.com");
    assert_eq!(attorney["mobile"], "987654321");
    assert_eq!(attorney["address"]["line1"], "456 Another St");
    assert_eq!(lpa["attorneys"][0]["firstNames"], "Jake");
}

/// Ported from `TestPostRegistrationCorrectionApply` "restrictions and conditions
/// correction". The store reads the restrictions against an empty value, so `old` is `null`
/// whatever the LPA says.
#[tokio::test]
async fn the_restrictions_are_corrected_after_registration() {
    let app = spawn_app().await;
    let uid = given_paper(&app, |lpa| {
        lpa["restrictionsAndConditions"] = json!("I always live in Edinburgh");
    })
    .await;

    let response = correct(
        &app,
        &uid,
        vec![change(
            "/restrictionsAndConditions",
            json!(null),
            json!("I live in Edinburgh"),
        )],
    )
    .await;

    let lpa = expect_json(response, 201).await;
    assert_eq!(lpa["restrictionsAndConditions"], "I live in Edinburgh");
}

/// Not a case of the real tests but the rule of `post_registration_correction.go`: the
/// donor's date of birth is read against an empty value and a different one is refused.
#[tokio::test]
async fn the_donors_date_of_birth_cannot_change_after_registration() {
    let app = spawn_app().await;
    let uid = given_status(&app, "registered").await;

    let response = correct(
        &app,
        &uid,
        vec![change(
            "/donor/dateOfBirth",
            json!(null),
            json!("2000-11-11"),
        )],
    )
    .await;

    assert_eq!(
        refused(response).await,
        errors(&[(
            "/donor/dateOfBirth",
            "The donor's date of birth cannot be changed once the LPA is registered"
        )])
    );
}

/// Not a case of the real tests but the rule of `post_registration_correction.go`: the
/// restrictions are always written, so a correction that leaves them out empties them.
#[tokio::test]
async fn a_post_registration_correction_without_restrictions_empties_them() {
    let app = spawn_app().await;
    let uid = given_paper(&app, |lpa| {
        lpa["restrictionsAndConditions"] = json!("I always live in Edinburgh");
    })
    .await;

    let response = correct(
        &app,
        &uid,
        vec![change("/donor/firstNames", json!("Homer"), json!("Jane"))],
    )
    .await;

    let lpa = expect_json(response, 201).await;
    assert!(
        lpa.get("restrictionsAndConditions").is_none(),
        "restrictions emptied: {}",
        lpa["restrictionsAndConditions"]
    );
}

/// Ported from `TestValidatePostRegistrationCorrection` "missing required fields" and
/// "missing required fields with UID reference". The real cases blank names that were never
/// set, which over HTTP the redundant-change rule catches first; here set names are blanked.
/// The store reads the donor, then the certificate provider, then the attorneys.
#[tokio::test]
async fn names_cannot_be_blanked_after_registration() {
    let app = spawn_app().await;
    for attorney in ["0", ATTORNEY_UID] {
        let uid = given_status(&app, "registered").await;
        let blank = |key: String, old: &str| change(key, json!(old), json!(""));
        let changes = vec![
            blank("/donor/firstNames".into(), "Homer"),
            blank("/donor/lastName".into(), "Zoller"),
            blank(format!("/attorneys/{attorney}/firstNames"), "Jake"),
            blank(format!("/attorneys/{attorney}/lastName"), "Vallar"),
            blank("/certificateProvider/firstNames".into(), "Some"),
            blank("/certificateProvider/lastName".into(), "Provider"),
        ];

        let response = correct(&app, &uid, changes).await;

        let required = |i: usize| (format!("/changes/{i}/new"), "field is required".to_owned());
        let expected: Vec<(String, String)> =
            [0, 1, 4, 5, 2, 3].into_iter().map(required).collect();
        assert_eq!(refused(response).await, expected, "{attorney}");
    }
}

/// Ported from `TestValidatePostRegistrationCorrection` "invalid country" and "invalid
/// country with UID reference".
#[tokio::test]
async fn a_country_must_be_an_iso_code_after_registration() {
    let app = spawn_app().await;
    for attorney in ["0", ATTORNEY_UID] {
        let uid = given_status(&app, "registered").await;
        let country = |key: String, old: &str| change(key, json!(old), json!("United Kingdom"));
        let changes = vec![
            country("/donor/address/country".into(), "GB"),
            country(format!("/attorneys/{attorney}/address/country"), "AU"),
            country("/certificateProvider/address/country".into(), "AU"),
        ];

        let response = correct(&app, &uid, changes).await;

        let invalid = |i: usize| {
            (
                format!("/changes/{i}/new"),
                "must be a valid ISO-3166-1 country code".to_owned(),
            )
        };
        let expected: Vec<(String, String)> = [0, 2, 1].into_iter().map(invalid).collect();
        assert_eq!(refused(response).await, expected, "{attorney}");
    }
}

/// Ported from `TestValidatePostRegistrationCorrection` "cannot change attorney decisions",
/// "cannot change replacement attorney decisions", "cannot change life sustaining treatment"
/// and "cannot change when can use".
#[tokio::test]
async fn choices_that_do_not_apply_cannot_be_corrected_after_registration() {
    let app = spawn_app().await;
    let one_attorney = |lpa: &mut Value| {
        let first = lpa["attorneys"][0].clone();
        lpa["attorneys"] = json!([first]);
        let fields = lpa.as_object_mut().expect("an object");
        fields.remove("howAttorneysMakeDecisions");
        fields.remove("trustCorporations");
    };
    let cases: Vec<(&str, Edit, Vec<Value>)> = vec![
        (
            "attorney decisions",
            Box::new(one_attorney),
            vec![change(
                "/howAttorneysMakeDecisions",
                json!(null),
                json!("jointly"),
            )],
        ),
        (
            "replacement attorney decisions",
            Box::new(one_attorney),
            vec![
                change(
                    "/howReplacementAttorneysStepIn",
                    json!(null),
                    json!("one-can-no-longer-act"),
                ),
                change(
                    "/howReplacementAttorneysMakeDecisions",
                    json!(null),
                    json!("jointly"),
                ),
            ],
        ),
        (
            "life sustaining treatment",
            Box::new(|lpa: &mut Value| {
                lpa["lpaType"] = json!("property-and-affairs");
                lpa["whenTheLpaCanBeUsed"] = json!("when-has-capacity");
            }),
            vec![change(
                "/lifeSustainingTreatmentOption",
                json!("option-a"),
                json!("option-b"),
            )],
        ),
        (
            "when can use",
            Box::new(|lpa: &mut Value| {
                lpa["whenTheLpaCanBeUsed"] = json!("when-has-capacity");
            }),
            vec![change(
                "/whenTheLpaCanBeUsed",
                json!("when-has-capacity"),
                json!("when-capacity-lost"),
            )],
        ),
    ];
    for (name, edit, changes) in cases {
        let uid = given_paper(&app, |lpa| edit(lpa)).await;
        let count = changes.len();

        let response = correct(&app, &uid, changes).await;

        let expected: Vec<(String, String)> = (0..count)
            .map(|i| {
                (
                    format!("/changes/{i}"),
                    "unexpected change provided".to_owned(),
                )
            })
            .collect();
        assert_eq!(refused(response).await, expected, "{name}");
    }
}

/// Ported from `TestValidatePostRegistrationCorrection` "cannot change replacement attorneys
/// step in": the only replacement has been removed.
#[tokio::test]
async fn how_replacements_step_in_cannot_be_corrected_without_replacements_after_registration() {
    let app = spawn_app().await;
    let uid = given_paper(&app, |lpa| {
        let mut replacement = lpa["attorneys"][1].clone();
        replacement["status"] = json!("removed");
        lpa["attorneys"] = json!([replacement]);
        lpa["howAttorneysMakeDecisions"] = json!("jointly-and-severally");
        lpa["howReplacementAttorneysStepIn"] = json!("all-can-no-longer-act");
    })
    .await;

    let response = correct(
        &app,
        &uid,
        vec![change(
            "/howReplacementAttorneysStepIn",
            json!("all-can-no-longer-act"),
            json!("one-can-no-longer-act"),
        )],
    )
    .await;

    assert_eq!(
        refused(response).await,
        errors(&[("/changes/0", "unexpected change provided")])
    );
}

/// Not a case of the real tests but the rule of `post_registration_correction.go`: an
/// attorney's `cannotMakeJointDecisions` is read against `false` and always written back,
/// and the signature dates of the certificate provider and the attorney are read (against an
/// empty time and the attorney's own) and dropped.
#[tokio::test]
async fn an_attorney_correction_resets_joint_decisions_and_keeps_signature_dates() {
    let app = spawn_app().await;
    let uid = given_paper(&app, |lpa| {
        lpa["attorneys"][0]["cannotMakeJointDecisions"] = json!(true);
        lpa["attorneys"][0]["signedAt"] = json!("2024-01-11T09:00:00Z");
        lpa["certificateProvider"]["signedAt"] = json!("2024-01-10T09:00:00Z");
    })
    .await;

    let response = correct(
        &app,
        &uid,
        vec![
            change(
                "/certificateProvider/signedAt",
                json!(null),
                json!("2024-02-01T09:00:00Z"),
            ),
            change("/attorneys/0/firstNames", json!("Jake"), json!("Jacob")),
            change(
                "/attorneys/0/signedAt",
                json!("2024-01-11T09:00:00Z"),
                json!("2024-02-02T09:00:00Z"),
            ),
        ],
    )
    .await;

    let lpa = expect_json(response, 201).await;
    let attorney = &lpa["attorneys"][0];
    assert_eq!(attorney["firstNames"], "Jacob");
    assert!(
        attorney.get("cannotMakeJointDecisions").is_none(),
        "{attorney}"
    );
    assert_eq!(attorney["signedAt"], "2024-01-11T09:00:00Z");
    assert_eq!(
        lpa["certificateProvider"]["signedAt"],
        "2024-01-10T09:00:00Z"
    );
}

/// Ported from `TestValidatePostRegistrationCorrection` "valid attorney decisions update",
/// "valid replacement attorneys step in update", "valid replacement attorney decisions
/// update", "valid replacement attorney decisions with details update", "valid life
/// sustaining treatment update" and "valid when can use update".
#[tokio::test]
async fn how_attorneys_act_is_corrected_after_registration_where_it_applies() {
    let app = spawn_app().await;
    super::appointment::corrections_of_how_attorneys_act(&app, TYPE).await;
}
