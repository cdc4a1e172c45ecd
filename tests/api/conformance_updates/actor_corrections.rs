//! The "valid ... update" cases for actors of `correction_test.go` (`TestValidateCorrection`)
//! and `post_registration_correction_test.go` (`TestValidatePostRegistrationCorrection`). The
//! real cases start from an actor with nothing set and name every value's `old` as `null`;
//! here that actor is blanked on a paper LPA (the store keeps a paper LPA whatever its
//! validation finds). The real tests check only what was read; over HTTP the answer is what
//! the store then does with it.

use serde_json::{Value, json};
use testkit::fixture::{ATTORNEY_UID, CERTIFICATE_PROVIDER_UID, DONOR_UID};
use testkit::{TestApp, expect_json, spawn_app};

use super::{change, errors, given_paper, refused};

const NOW: &str = "2024-05-01T10:11:12.123Z";

fn set(key: &str, new: &str) -> Value {
    change(key, json!(null), json!(new))
}

/// A paper LPA with a donor who has nothing set and no signing date.
async fn blank_donor(app: &TestApp) -> String {
    given_paper(app, |lpa| {
        lpa["donor"] = json!({"uid": DONOR_UID, "address": {}});
        lpa.as_object_mut().expect("an object").remove("signedAt");
    })
    .await
}

fn donor_changes() -> Vec<Value> {
    vec![
        set("/donor/firstNames", "Jane"),
        set("/donor/lastName", "Doe"),
        set("/donor/otherNamesKnownBy", "Janey"),
        set("/donor/email", "jane.doe@example.com"),
        set("/donor/dateOfBirth", "2000-01-01"),
    ]
}

/// A paper LPA whose attorney at `index` (UID [`ATTORNEY_UID`]) has nothing set; the other
/// attorney is an active original when `index` is 1.
async fn blank_attorney(app: &TestApp, index: usize) -> String {
    given_paper(app, |lpa| {
        if index == 1 {
            lpa["attorneys"][0]["uid"] = json!("0a9f1bb4-41c4-4a6e-9d1c-8b7c0a6f2a09");
        }
        let (status, appointment) = if index == 0 {
            ("active", "original")
        } else {
            ("inactive", "replacement")
        };
        lpa["attorneys"][index] = json!({
            "uid": ATTORNEY_UID, "address": {}, "status": status, "appointmentType": appointment
        });
    })
    .await
}

fn attorney_changes(key: &str) -> Vec<Value> {
    let field = |name: &str, new: &str| set(&format!("/attorneys/{key}/{name}"), new);
    vec![
        field("firstNames", "Shanelle"),
        field("lastName", "Kerluke"),
        field("dateOfBirth", "1949-10-20"),
        field("email", "test@test.com"),
        field("mobile", "123456789"),
        field("address/line1", "13 Park Avenue"),
        field("address/town", "Clwyd"),
        field("address/postcode", "OH03 2LM"),
        field("address/country", "GB"),
    ]
}

fn replacement_changes(key: &str) -> Vec<Value> {
    let field = |name: &str, new: &str| set(&format!("/attorneys/{key}/{name}"), new);
    vec![
        field("firstNames", "Anthony"),
        field("lastName", "Leannon"),
        field("dateOfBirth", "1963-11-08"),
        field("address/town", "Cheshire"),
        field("address/country", "GB"),
    ]
}

async fn blank_certificate_provider(app: &TestApp) -> String {
    given_paper(app, |lpa| {
        lpa["certificateProvider"] = json!({"uid": CERTIFICATE_PROVIDER_UID, "address": {}});
    })
    .await
}

fn certificate_provider_changes() -> Vec<Value> {
    vec![
        set("/certificateProvider/firstNames", "Trinity"),
        set("/certificateProvider/lastName", "Monahan"),
        set("/certificateProvider/email", "Trinity.Monahan@example.com"),
        set("/certificateProvider/phone", "01697 233 415"),
    ]
}

async fn accepted(app: &TestApp, uid: &str, update_type: &str, changes: Vec<Value>) -> Value {
    expect_json(app.update(uid, update_type, json!(changes)).await, 201).await
}

/// Ported from `TestValidateCorrection` "valid donor update".
#[tokio::test]
async fn a_blank_donor_is_filled_in_by_a_correction() {
    let app = spawn_app().await;
    let uid = blank_donor(&app).await;
    let mut changes = donor_changes();
    changes.push(set("/signedAt", NOW));

    let lpa = accepted(&app, &uid, "CORRECTION", changes).await;

    let donor = &lpa["donor"];
    assert_eq!(donor["firstNames"], "Jane");
    assert_eq!(donor["lastName"], "Doe");
    assert_eq!(donor["otherNamesKnownBy"], "Janey");
    assert_eq!(donor["email"], "jane.doe@example.com");
    assert_eq!(donor["dateOfBirth"], "2000-01-01");
    assert_eq!(lpa["signedAt"], NOW);
}

/// Ported from `TestValidatePostRegistrationCorrection` "valid donor update": the changes
/// are read, and the date of birth then refused.
#[tokio::test]
async fn a_blank_donors_date_of_birth_cannot_be_set_after_registration() {
    let app = spawn_app().await;
    let uid = blank_donor(&app).await;

    let response = app
        .update(&uid, "POST_REGISTRATION_CORRECTION", json!(donor_changes()))
        .await;

    assert_eq!(
        refused(response).await,
        errors(&[(
            "/donor/dateOfBirth",
            "The donor's date of birth cannot be changed once the LPA is registered"
        )])
    );
}

/// Ported from the "valid attorney update" and "valid attorney update with UID reference"
/// cases of both real tests (before registration with a signing date).
#[tokio::test]
async fn a_blank_attorney_is_filled_in_by_a_correction() {
    let app = spawn_app().await;
    for update_type in ["CORRECTION", "POST_REGISTRATION_CORRECTION"] {
        for key in ["0", ATTORNEY_UID] {
            let uid = blank_attorney(&app, 0).await;
            let mut changes = attorney_changes(key);
            if update_type == "CORRECTION" {
                changes.push(set(&format!("/attorneys/{key}/signedAt"), NOW));
            }

            let lpa = accepted(&app, &uid, update_type, changes).await;

            let attorney = &lpa["attorneys"][0];
            let case = format!("{update_type} {key}");
            assert_eq!(attorney["firstNames"], "Shanelle", "{case}");
            assert_eq!(attorney["lastName"], "Kerluke", "{case}");
            assert_eq!(attorney["dateOfBirth"], "1949-10-20", "{case}");
            assert_eq!(attorney["email"], "test@test.com", "{case}");
            assert_eq!(attorney["mobile"], "123456789", "{case}");
            assert_eq!(
                attorney["address"],
                json!({"line1": "13 Park Avenue", "town": "Clwyd", "postcode": "OH03 2LM", "country": "GB"}),
                "{case}"
            );
            if update_type == "CORRECTION" {
                assert_eq!(attorney["signedAt"], NOW, "{case}");
            }
        }
    }
}

/// Ported from the "valid replacement attorney update" and "valid replacement attorney
/// update with UID reference" cases of both real tests.
#[tokio::test]
async fn a_blank_replacement_attorney_is_filled_in_by_a_correction() {
    let app = spawn_app().await;
    for update_type in ["CORRECTION", "POST_REGISTRATION_CORRECTION"] {
        for key in ["1", ATTORNEY_UID] {
            let uid = blank_attorney(&app, 1).await;

            let lpa = accepted(&app, &uid, update_type, replacement_changes(key)).await;

            let replacement = &lpa["attorneys"][1];
            let case = format!("{update_type} {key}");
            assert_eq!(replacement["firstNames"], "Anthony", "{case}");
            assert_eq!(replacement["lastName"], "Leannon", "{case}");
            assert_eq!(replacement["dateOfBirth"], "1963-11-08", "{case}");
            assert_eq!(
                replacement["address"],
                // The store always writes `line1` and `country`.
                json!({"line1": "", "town": "Cheshire", "country": "GB"}),
                "{case}"
            );
            assert_eq!(replacement["status"], "inactive", "{case}");
        }
    }
}

/// Ported from the "valid certificate provider update" cases of both real tests (before
/// registration with a signing date).
#[tokio::test]
async fn a_blank_certificate_provider_is_filled_in_by_a_correction() {
    let app = spawn_app().await;
    for update_type in ["CORRECTION", "POST_REGISTRATION_CORRECTION"] {
        let uid = blank_certificate_provider(&app).await;
        let mut changes = certificate_provider_changes();
        if update_type == "CORRECTION" {
            changes.push(set("/certificateProvider/signedAt", NOW));
        }

        let lpa = accepted(&app, &uid, update_type, changes).await;

        let provider = &lpa["certificateProvider"];
        assert_eq!(provider["firstNames"], "Trinity", "{update_type}");
        assert_eq!(provider["lastName"], "Monahan", "{update_type}");
        assert_eq!(
            provider["email"], "Trinity.Monahan@example.com",
            "{update_type}"
        );
        assert_eq!(provider["phone"], "01697 233 415", "{update_type}");
        if update_type == "CORRECTION" {
            assert_eq!(provider["signedAt"], NOW);
        }
    }
}

/// Ported from `TestValidateCorrection` "valid trust corporation update". The real case
/// "changes" the country from `GB` to `GB`, which over HTTP the redundant-change rule refuses
/// before anything is read.
#[tokio::test]
async fn a_trust_corporation_correction_with_an_unchanged_country_is_redundant() {
    let app = spawn_app().await;
    let uid = given_paper(&app, |lpa| {
        let tc = &mut lpa["trustCorporations"][0];
        tc["name"] = json!("Cecil Harper Limited");
        tc["companyNumber"] = json!("634843055");
        tc["address"] = json!({
            "line1": "37 Niko Wynd", "line2": "Upper Vonford", "line3": "Upton Stanton",
            "town": "Conroy", "postcode": "SE64 1ZD", "country": "GB"
        });
        tc["signatories"] = json!([
            {"firstNames": "Virginie", "lastName": "Reichert"},
            {"firstNames": "Modesto", "lastName": "Adams"}
        ]);
    })
    .await;
    let tc = |field: &str, old: &str, new: &str| {
        change(
            format!("/trustCorporations/0/{field}"),
            json!(old),
            json!(new),
        )
    };
    let changes = vec![
        tc("name", "Cecil Harper Limited", "Burley Gottlieb Limited"),
        tc("companyNumber", "634843055", "710228347"),
        tc("address/line1", "37 Niko Wynd", "7 Paxton Drove"),
        tc("address/line2", "Upper Vonford", "Kessler"),
        tc("address/line3", "Upton Stanton", "Nienowbury"),
        tc("address/town", "Conroy", "Cormier"),
        tc("address/postcode", "SE64 1ZD", "DB2 2RT"),
        tc("address/country", "GB", "GB"),
        tc("signatories/0/firstNames", "Virginie", "Charlie"),
        tc("signatories/0/lastName", "Reichert", "Pollich"),
        tc("signatories/1/firstNames", "Modesto", "Norene"),
        tc("signatories/1/lastName", "Adams", "Marks"),
    ];

    let response = app.update(&uid, "CORRECTION", json!(changes)).await;

    assert_eq!(
        refused(response).await,
        errors(&[(
            "/changes/7",
            "redundant change for /trustCorporations/0/address/country"
        )])
    );
}

/// Ported from `TestValidateCorrection` "valid authorised signatory update": an LPA without
/// one gets one.
#[tokio::test]
async fn an_authorised_signatory_is_added_by_a_correction() {
    let app = spawn_app().await;
    let uid = given_paper(&app, |_| {}).await;

    let lpa = accepted(
        &app,
        &uid,
        "CORRECTION",
        vec![
            set("/authorisedSignatory/firstNames", "Orlando"),
            set("/authorisedSignatory/lastName", "Breitenberg"),
        ],
    )
    .await;

    assert_eq!(lpa["authorisedSignatory"]["firstNames"], "Orlando");
    assert_eq!(lpa["authorisedSignatory"]["lastName"], "Breitenberg");
}

/// Ported from `TestValidateCorrection` "valid independent witness update": an LPA without
/// one gets one.
#[tokio::test]
async fn an_independent_witness_is_added_by_a_correction() {
    let app = spawn_app().await;
    let uid = given_paper(&app, |_| {}).await;
    let witness = |field: &str, new: &str| set(&format!("/independentWitness/{field}"), new);

    let lpa = accepted(
        &app,
        &uid,
        "CORRECTION",
        vec![
            witness("firstNames", "Cleora"),
            witness("lastName", "Koss"),
            witness("phone", "016977 8334"),
            witness("address/line1", "48 Upton Mead"),
            witness("address/line2", "Willms"),
            witness("address/line3", "Kertzmannstone"),
            witness("address/town", "Devon"),
            witness("address/postcode", "BA7 5IB"),
            witness("address/country", "GB"),
        ],
    )
    .await;

    let added = &lpa["independentWitness"];
    assert_eq!(added["firstNames"], "Cleora");
    assert_eq!(added["lastName"], "Koss");
    assert_eq!(added["phone"], "016977 8334");
    assert_eq!(
        added["address"],
        json!({
            "line1": "48 Upton Mead", "line2": "Willms", "line3": "Kertzmannstone",
            "town": "Devon", "postcode": "BA7 5IB", "country": "GB"
        })
    );
}
