//! Ported from lambda/create/validate_test.go, and from internal/validate's validate_test.go and
//! validators_test.go where a create shows what they check.
//!
//! The Go tests call `Validate` (or one of its parts) directly; here the LPA goes through
//! `PUT /lpas/{uid}`, as a caller sends it. Two things lie between the two in the real handler
//! (lambda/create/main.go), and the expectations follow them:
//! - `SetDefaults` runs first. Where a Go case leaves blank a field that the store then fills
//!   in (two attorneys without `howAttorneysMakeDecisions`, a personal-welfare LPA without
//!   `lifeSustainingTreatmentOption`), the store does not report it: the LPA is stored with the
//!   default, or refused for its other findings only. Each such case says so.
//! - Only an online LPA is refused; a paper one is stored whatever its findings. The cases send
//!   online LPAs, as the Go fixture does.
//!
//! A Go test on one actor (`validateAttorney("/test", …)`) is sent as that actor inside an
//! otherwise valid LPA, so its sources start `/attorneys/0` rather than `/test`. Where the Go
//! test compares with `ElementsMatch`, the order asserted here is the one `Validate` produces.

use serde_json::{Value, json};
use testkit::{TestApp, expect_json, fixture, spawn_app};

use super::invalid;

const REQUIRED: &str = "field is required";
const NOT_PROVIDED: &str = "field must not be provided";
const INVALID_VALUE: &str = "invalid value";
const INVALID_FORMAT: &str = "invalid format";
const COUNTRY_CODE: &str = "must be a valid ISO-3166-1 country code";

/// The actor UID the Go fixtures give everyone but the trust corporation.
const ACTOR_UID: &str = "b99af83d-5b6c-44f7-8c03-14004699bdb9";
/// `time.Now()` in the Go fixture; any set time will do.
const NOW: &str = "2024-01-02T12:13:14Z";
/// Go's zero `time.Time`, as `json.Marshal` writes it.
const ZERO_TIME: &str = "0001-01-01T00:00:00Z";

/// `validAddress`.
fn valid_address() -> Value {
    json!({"line1": "123 Main St", "country": "GB"})
}

/// `makeAttorney()`: an active original attorney acting online.
fn attorney() -> Value {
    json!({
        "uid": ACTOR_UID,
        "firstNames": "Sharonda",
        "lastName": "Graciani",
        "address": valid_address(),
        "appointmentType": "original",
        "email": "some@example.com",
        "channel": "online",
        "dateOfBirth": "1977-10-30",
        "status": "active"
    })
}

/// `makeReplacementAttorney()`: as [`attorney`], but an inactive replacement.
fn replacement_attorney() -> Value {
    let mut attorney = attorney();
    attorney["appointmentType"] = json!("replacement");
    attorney["status"] = json!("inactive");
    attorney
}

/// `makeCertificateProvider()`.
fn certificate_provider() -> Value {
    json!({
        "uid": ACTOR_UID,
        "firstNames": "Some",
        "lastName": "Person",
        "address": valid_address(),
        "email": "some@example.com",
        "channel": "online",
        "phone": "077777"
    })
}

/// `makeTrustCorporation()`.
fn trust_corporation() -> Value {
    json!({
        "uid": "af2f7aa6-2f8e-4311-af2a-4855c4686d30",
        "name": "corp",
        "email": "corp@example.com",
        "address": valid_address(),
        "appointmentType": "original",
        "status": "active",
        "channel": "online"
    })
}

/// `makeLpaWithDonorAndActors()`: a valid online property-and-affairs LPA with one attorney.
fn lpa_with_donor_and_actors() -> Value {
    json!({
        "lpaType": "property-and-affairs",
        "channel": "online",
        "language": "en",
        "donor": {
            "uid": ACTOR_UID,
            "firstNames": "Otto",
            "lastName": "Boudreau",
            "address": valid_address(),
            "contactLanguagePreference": "en",
            "dateOfBirth": "1956-08-08"
        },
        "certificateProvider": certificate_provider(),
        "attorneys": [attorney()],
        "signedAt": NOW,
        "witnessedByCertificateProviderAt": NOW,
        "whenTheLpaCanBeUsed": "when-has-capacity"
    })
}

/// What the store answers a create with.
#[derive(Debug)]
enum Outcome {
    /// `201`, and the stored LPA has (at least) these fields.
    Stored(Value),
    /// `400 INVALID_REQUEST` with exactly these errors, in this order.
    Refused(&'static [(&'static str, &'static str)]),
}

/// Creates `lpa` under a fresh UID and asserts the outcome; `case` names the Go case.
async fn assert_create(app: &TestApp, case: &str, lpa: &Value, outcome: &Outcome) {
    let uid = fixture::new_uid();
    let response = app.put_lpa(&uid, lpa).await;
    match outcome {
        Outcome::Refused(errors) => {
            let status = response.status();
            let body = response.text().await.expect("a body should arrive");
            assert_eq!(status.as_u16(), 400, "{case}: body {body}");
            let body: Value = serde_json::from_str(&body).expect("a JSON body");
            assert_eq!(body, invalid(errors), "{case}");
        }
        Outcome::Stored(fields) => {
            let status = response.status();
            let body = response.text().await.expect("a body should arrive");
            assert_eq!(status.as_u16(), 201, "{case}: body {body}");
            let lpa = expect_json(app.get_lpa(&uid).await, 200).await;
            let expected = fields.as_object().expect("fields as an object");
            for (key, value) in expected {
                assert_eq!(lpa.get(key), Some(value), "{case}: {key} in {lpa}");
            }
        }
    }
}

/// An LPA stored with nothing to check beyond its acceptance.
fn stored() -> Outcome {
    Outcome::Stored(json!({}))
}

/// Ported from lambda/create/validate_test.go, TestValidateLpaValid: a trust corporation next
/// to the attorney, acting jointly.
#[tokio::test]
async fn a_valid_lpa_with_a_trust_corporation_is_stored() {
    let app = spawn_app().await;
    let mut lpa = lpa_with_donor_and_actors();
    lpa["trustCorporations"] = json!([trust_corporation()]);
    lpa["howAttorneysMakeDecisions"] = json!("jointly");

    assert_create(&app, "TestValidateLpaValid", &lpa, &stored()).await;
}

/// Ported from lambda/create/validate_test.go, TestValidateAttorneyValid: the fixture's one
/// attorney passes as it is.
#[tokio::test]
async fn a_valid_attorney_is_accepted() {
    let app = spawn_app().await;
    let lpa = lpa_with_donor_and_actors();

    assert_create(&app, "TestValidateAttorneyValid", &lpa, &stored()).await;
}

/// Ported from lambda/create/validate_test.go, TestValidateAttorneyEmpty. An empty attorney has
/// no channel, so its (empty) email is not asked for; with no status, it counts as neither
/// active nor replacement, so no decision field is asked for either.
#[tokio::test]
async fn an_empty_attorney_is_refused_with_each_missing_field() {
    let app = spawn_app().await;
    let mut lpa = lpa_with_donor_and_actors();
    lpa["attorneys"] = json!([{}]);

    let errors = &[
        ("/attorneys/0/uid", REQUIRED),
        ("/attorneys/0/firstNames", REQUIRED),
        ("/attorneys/0/lastName", REQUIRED),
        ("/attorneys/0/dateOfBirth", REQUIRED),
        ("/attorneys/0/address/line1", REQUIRED),
        ("/attorneys/0/address/country", REQUIRED),
        ("/attorneys/0/address/country", COUNTRY_CODE),
        ("/attorneys/0/status", REQUIRED),
        ("/attorneys/0/channel", REQUIRED),
        ("/attorneys/0/appointmentType", REQUIRED),
    ];
    assert_create(
        &app,
        "TestValidateAttorneyEmpty",
        &lpa,
        &Outcome::Refused(errors),
    )
    .await;
}

/// Ported from lambda/create/validate_test.go, TestValidateAttorneyMalformedDateOfBirth.
#[tokio::test]
async fn an_attorney_with_a_malformed_date_of_birth_is_refused() {
    let app = spawn_app().await;
    let mut lpa = lpa_with_donor_and_actors();
    lpa["attorneys"][0]["dateOfBirth"] = json!("30/10/1977");

    let errors = &[("/attorneys/0/dateOfBirth", INVALID_FORMAT)];
    assert_create(
        &app,
        "TestValidateAttorneyMalformedDateOfBirth",
        &lpa,
        &Outcome::Refused(errors),
    )
    .await;
}

/// Ported from lambda/create/validate_test.go, TestValidateAttorneyInvalidStatus.
#[tokio::test]
async fn an_attorney_with_an_unknown_status_is_refused() {
    let app = spawn_app().await;
    let mut lpa = lpa_with_donor_and_actors();
    lpa["attorneys"][0]["status"] = json!("bad status");

    let errors = &[("/attorneys/0/status", INVALID_VALUE)];
    assert_create(
        &app,
        "TestValidateAttorneyInvalidStatus",
        &lpa,
        &Outcome::Refused(errors),
    )
    .await;
}

/// Ported from lambda/create/validate_test.go, TestValidateTrustCorporationEmpty; as for the
/// empty attorney, neither an email nor a decision field is asked for.
#[tokio::test]
async fn an_empty_trust_corporation_is_refused_with_each_missing_field() {
    let app = spawn_app().await;
    let mut lpa = lpa_with_donor_and_actors();
    lpa["trustCorporations"] = json!([{}]);

    let errors = &[
        ("/trustCorporations/0/uid", REQUIRED),
        ("/trustCorporations/0/name", REQUIRED),
        ("/trustCorporations/0/address/line1", REQUIRED),
        ("/trustCorporations/0/address/country", REQUIRED),
        ("/trustCorporations/0/address/country", COUNTRY_CODE),
        ("/trustCorporations/0/status", REQUIRED),
        ("/trustCorporations/0/channel", REQUIRED),
        ("/trustCorporations/0/appointmentType", REQUIRED),
    ];
    assert_create(
        &app,
        "TestValidateTrustCorporationEmpty",
        &lpa,
        &Outcome::Refused(errors),
    )
    .await;
}

/// Ported from lambda/create/validate_test.go, TestValidateTrustCorporationValid. With the
/// attorney it makes two active attorneys, so the store fills in how they decide.
#[tokio::test]
async fn a_valid_trust_corporation_is_accepted() {
    let app = spawn_app().await;
    let mut lpa = lpa_with_donor_and_actors();
    lpa["trustCorporations"] = json!([trust_corporation()]);

    // `companyNumber` is not `omitempty` in internal/shared/person.go.
    let mut stored_corporation = trust_corporation();
    stored_corporation["companyNumber"] = json!("");
    let outcome = Outcome::Stored(json!({
        "trustCorporations": [stored_corporation],
        "howAttorneysMakeDecisions": "jointly",
        "howAttorneysMakeDecisionsIsDefault": true
    }));
    assert_create(&app, "TestValidateTrustCorporationValid", &lpa, &outcome).await;
}

/// Ported from lambda/create/validate_test.go, TestValidateTrustCorporationInvalidStatus. Not
/// active, the corporation is not counted, so the single attorney needs no decision mode.
#[tokio::test]
async fn a_trust_corporation_with_an_unknown_status_is_refused() {
    let app = spawn_app().await;
    let mut lpa = lpa_with_donor_and_actors();
    let mut corporation = trust_corporation();
    corporation["status"] = json!("bad status");
    lpa["trustCorporations"] = json!([corporation]);

    let errors = &[("/trustCorporations/0/status", INVALID_VALUE)];
    assert_create(
        &app,
        "TestValidateTrustCorporationInvalidStatus",
        &lpa,
        &Outcome::Refused(errors),
    )
    .await;
}

/// A case of TestValidateLpaInvalid: its name, how it changes the valid fixture, and what the
/// store answers.
type LpaCase = (&'static str, fn(&mut Value), Outcome);

/// Two attorneys, or more, of the given kinds: `true` for a replacement.
fn attorneys(replacements: &[bool]) -> Value {
    replacements
        .iter()
        .map(|&spare| {
            if spare {
                replacement_attorney()
            } else {
                attorney()
            }
        })
        .collect()
}

/// The cases of TestValidateLpaInvalid, in the Go file's order.
fn lpa_invalid_cases() -> Vec<LpaCase> {
    let mut cases: Vec<LpaCase> = Vec::new();
    cases.extend(actor_cases());
    cases.extend(decision_cases());
    cases.extend(replacement_cases());
    cases.extend(type_and_witness_cases());
    cases
}

/// The cases on the empty LPA and on the actors' emails.
fn actor_cases() -> Vec<LpaCase> {
    vec![
        (
            "empty",
            |lpa| *lpa = json!({}),
            Outcome::Refused(&[
                ("/lpaType", REQUIRED),
                ("/channel", REQUIRED),
                ("/language", REQUIRED),
                ("/donor/uid", REQUIRED),
                ("/donor/firstNames", REQUIRED),
                ("/donor/lastName", REQUIRED),
                ("/donor/dateOfBirth", REQUIRED),
                ("/donor/address/line1", REQUIRED),
                ("/donor/address/country", REQUIRED),
                ("/donor/address/country", COUNTRY_CODE),
                ("/donor/contactLanguagePreference", REQUIRED),
                ("/certificateProvider/uid", REQUIRED),
                ("/certificateProvider/firstNames", REQUIRED),
                ("/certificateProvider/lastName", REQUIRED),
                ("/certificateProvider/address/line1", REQUIRED),
                ("/certificateProvider/address/country", REQUIRED),
                ("/certificateProvider/address/country", COUNTRY_CODE),
                ("/certificateProvider/channel", REQUIRED),
                ("/certificateProvider/phone", REQUIRED),
                ("/attorneys", "at least one attorney is required"),
                ("/signedAt", REQUIRED),
                ("/witnessedByCertificateProviderAt", REQUIRED),
            ]),
        ),
        (
            "online certificate provider missing email",
            |lpa| lpa["certificateProvider"]["email"] = json!(""),
            Outcome::Refused(&[("/certificateProvider/email", REQUIRED)]),
        ),
        (
            "paper certificate provider with email",
            |lpa| lpa["certificateProvider"]["channel"] = json!("paper"),
            Outcome::Refused(&[("/certificateProvider/email", NOT_PROVIDED)]),
        ),
        (
            "online attorney missing email",
            |lpa| lpa["attorneys"][0]["email"] = json!(""),
            Outcome::Refused(&[("/attorneys/0/email", REQUIRED)]),
        ),
        (
            "paper attorney with email",
            |lpa| lpa["attorneys"][0]["channel"] = json!("paper"),
            Outcome::Refused(&[("/attorneys/0/email", NOT_PROVIDED)]),
        ),
        (
            "online trust corporation missing email",
            |lpa| {
                let mut corporation = trust_corporation();
                corporation["email"] = json!("");
                lpa["trustCorporations"] = json!([corporation]);
                lpa["howAttorneysMakeDecisions"] = json!("jointly");
            },
            Outcome::Refused(&[("/trustCorporations/0/email", REQUIRED)]),
        ),
        (
            "paper trust corporation with email",
            |lpa| {
                let mut corporation = trust_corporation();
                corporation["channel"] = json!("paper");
                lpa["trustCorporations"] = json!([corporation]);
                lpa["howAttorneysMakeDecisions"] = json!("jointly");
            },
            Outcome::Refused(&[("/trustCorporations/0/email", NOT_PROVIDED)]),
        ),
    ]
}

/// The cases on how the attorneys make decisions.
fn decision_cases() -> Vec<LpaCase> {
    vec![
        (
            "single attorney with decisions",
            |lpa| lpa["howAttorneysMakeDecisions"] = json!("jointly"),
            Outcome::Refused(&[("/howAttorneysMakeDecisions", NOT_PROVIDED)]),
        ),
        (
            // Validate alone reports the mode as required; the store first defaults it.
            "multiple attorneys without decisions",
            |lpa| lpa["attorneys"] = attorneys(&[false, false]),
            Outcome::Stored(json!({
                "howAttorneysMakeDecisions": "jointly",
                "howAttorneysMakeDecisionsIsDefault": true
            })),
        ),
        (
            "multiple attorneys mixed without details",
            |lpa| {
                lpa["attorneys"] = attorneys(&[false, false]);
                lpa["howAttorneysMakeDecisions"] = json!("jointly-for-some-severally-for-others");
            },
            Outcome::Refused(&[("/howAttorneysMakeDecisionsDetails", REQUIRED)]),
        ),
        (
            "multiple attorneys not mixed with details",
            |lpa| {
                lpa["attorneys"] = attorneys(&[false, false]);
                lpa["howAttorneysMakeDecisions"] = json!("jointly");
                lpa["howAttorneysMakeDecisionsDetails"] = json!("something");
            },
            Outcome::Refused(&[("/howAttorneysMakeDecisionsDetails", NOT_PROVIDED)]),
        ),
    ]
}

/// The cases on replacement attorneys: when they step in and how they decide.
fn replacement_cases() -> Vec<LpaCase> {
    vec![
        (
            "single replacement attorney with decisions",
            |lpa| {
                lpa["attorneys"] = attorneys(&[true]);
                lpa["howReplacementAttorneysMakeDecisions"] = json!("jointly");
            },
            Outcome::Refused(&[("/howReplacementAttorneysMakeDecisions", NOT_PROVIDED)]),
        ),
        (
            // Validate alone reports the mode as required; the store first defaults it.
            "multiple replacement attorneys without decisions",
            |lpa| lpa["attorneys"] = attorneys(&[true, true, false]),
            Outcome::Stored(json!({
                "howReplacementAttorneysMakeDecisions": "jointly",
                "howReplacementAttorneysMakeDecisionsIsDefault": true
            })),
        ),
        (
            "attorneys jointly and severally multiple replacement attorneys without step in",
            |lpa| {
                lpa["attorneys"] = attorneys(&[true, true, false, false]);
                lpa["howAttorneysMakeDecisions"] = json!("jointly-and-severally");
            },
            Outcome::Refused(&[("/howReplacementAttorneysStepIn", REQUIRED)]),
        ),
        (
            "attorneys jointly and severally multiple replacement attorneys with step in another way no details",
            |lpa| {
                lpa["attorneys"] = attorneys(&[true, true, false, false]);
                lpa["howAttorneysMakeDecisions"] = json!("jointly-and-severally");
                lpa["howReplacementAttorneysStepIn"] = json!("another-way");
            },
            Outcome::Refused(&[("/howReplacementAttorneysStepInDetails", REQUIRED)]),
        ),
        (
            // Validate alone reports the mode as required; the store first defaults it.
            "attorneys jointly and severally multiple replacement attorneys with step in all no decisions",
            |lpa| {
                lpa["attorneys"] = attorneys(&[true, true, false, false]);
                lpa["howAttorneysMakeDecisions"] = json!("jointly-and-severally");
                lpa["howReplacementAttorneysStepIn"] = json!("all-can-no-longer-act");
            },
            Outcome::Stored(json!({
                "howReplacementAttorneysMakeDecisions": "jointly",
                "howReplacementAttorneysMakeDecisionsIsDefault": true
            })),
        ),
        (
            "attorneys jointly and severally multiple replacement attorneys with step in one with decisions",
            |lpa| {
                lpa["attorneys"] = attorneys(&[true, true, false, false]);
                lpa["howAttorneysMakeDecisions"] = json!("jointly-and-severally");
                lpa["howReplacementAttorneysStepIn"] = json!("one-can-no-longer-act");
                lpa["howReplacementAttorneysMakeDecisions"] = json!("jointly");
            },
            Outcome::Refused(&[("/howReplacementAttorneysMakeDecisions", NOT_PROVIDED)]),
        ),
        (
            "multiple replacement attorneys mixed without details",
            |lpa| {
                lpa["attorneys"] = attorneys(&[true, true, false]);
                lpa["howReplacementAttorneysMakeDecisions"] =
                    json!("jointly-for-some-severally-for-others");
            },
            Outcome::Refused(&[("/howReplacementAttorneysMakeDecisionsDetails", REQUIRED)]),
        ),
        (
            "multiple replacement attorneys not mixed with details",
            |lpa| {
                lpa["attorneys"] = attorneys(&[true, true, false]);
                lpa["howReplacementAttorneysMakeDecisions"] = json!("jointly");
                lpa["howReplacementAttorneysMakeDecisionsDetails"] = json!("something");
            },
            Outcome::Refused(&[("/howReplacementAttorneysMakeDecisionsDetails", NOT_PROVIDED)]),
        ),
    ]
}

/// The cases on the LPA type's own fields, the identity check and the independent witness.
fn type_and_witness_cases() -> Vec<LpaCase> {
    vec![
        (
            // Validate alone also reports the missing option; the store first defaults it.
            "health welfare with when can be used",
            |lpa| {
                lpa["lpaType"] = json!("personal-welfare");
                lpa["whenTheLpaCanBeUsed"] = json!("when-has-capacity");
            },
            Outcome::Refused(&[("/whenTheLpaCanBeUsed", NOT_PROVIDED)]),
        ),
        (
            // Validate alone also reports the missing choice; the store first defaults it.
            "property finance with life sustaining treatment",
            |lpa| {
                lpa["whenTheLpaCanBeUsed"] = json!("");
                lpa["lifeSustainingTreatmentOption"] = json!("option-a");
            },
            Outcome::Refused(&[("/lifeSustainingTreatmentOption", NOT_PROVIDED)]),
        ),
        (
            "incorrect identity check",
            |lpa| lpa["donor"]["identityCheck"] = json!({"type": "what"}),
            Outcome::Refused(&[
                ("/donor/identityCheck/checkedAt", REQUIRED),
                ("/donor/identityCheck/type", INVALID_VALUE),
            ]),
        ),
        (
            "independent witness missing witnessed at",
            |lpa| {
                lpa["independentWitness"] = json!({
                    "uid": ACTOR_UID,
                    "firstNames": "Some",
                    "lastName": "Person",
                    "address": valid_address(),
                    "phone": "077777"
                });
            },
            Outcome::Refused(&[("/witnessedByIndependentWitnessAt", REQUIRED)]),
        ),
    ]
}

/// Ported from lambda/create/validate_test.go, TestValidateLpaInvalid, every case, each named
/// in its assertion message.
#[tokio::test]
async fn each_invalid_lpa_is_answered_as_the_store_answers_it() {
    let app = spawn_app().await;
    let cases = lpa_invalid_cases();
    assert_eq!(cases.len(), 23, "TestValidateLpaInvalid has 23 cases");
    for (case, change, outcome) in &cases {
        let mut lpa = lpa_with_donor_and_actors();
        change(&mut lpa);
        assert_create(&app, case, &lpa, outcome).await;
    }
}

/// A row of a validators_test.go port: the Go assertion it comes from, the change to the valid
/// fixture, and what the store answers.
type ValidatorRow = (&'static str, fn(&mut Value), Outcome);

/// Runs each row against a fresh LPA from [`lpa_with_donor_and_actors`].
async fn assert_rows(test: &str, rows: &[ValidatorRow]) {
    let app = spawn_app().await;
    for (row, change, outcome) in rows {
        let mut lpa = lpa_with_donor_and_actors();
        change(&mut lpa);
        assert_create(&app, &format!("{test} {row}"), &lpa, outcome).await;
    }
}

/// Ported from internal/validate/validators_test.go, TestNotEmpty, through the donor's first
/// names (a string) and `signedAt` (a time).
#[tokio::test]
async fn a_required_string_or_time_must_be_set() {
    assert_rows(
        "TestNotEmpty",
        &[
            (
                "\"a\"",
                |lpa| lpa["donor"]["firstNames"] = json!("a"),
                stored(),
            ),
            (
                "\"\"",
                |lpa| lpa["donor"]["firstNames"] = json!(""),
                Outcome::Refused(&[("/donor/firstNames", REQUIRED)]),
            ),
            ("time.Now()", |lpa| lpa["signedAt"] = json!(NOW), stored()),
            (
                "time.Time{}",
                |lpa| lpa["signedAt"] = json!(ZERO_TIME),
                Outcome::Refused(&[("/signedAt", REQUIRED)]),
            ),
        ],
    )
    .await;
}

/// Ported from internal/validate/validators_test.go, TestEmpty, through the email of a
/// certificate provider on paper. Its `time.Time` rows are not ported: no time field of a
/// create is checked with `Empty`.
#[tokio::test]
async fn a_string_that_must_be_left_out_must_be_empty() {
    assert_rows(
        "TestEmpty",
        &[
            (
                "\"\"",
                |lpa| {
                    lpa["certificateProvider"]["channel"] = json!("paper");
                    lpa["certificateProvider"]["email"] = json!("");
                },
                stored(),
            ),
            (
                "\"a\"",
                |lpa| {
                    lpa["certificateProvider"]["channel"] = json!("paper");
                    lpa["certificateProvider"]["email"] = json!("a");
                },
                Outcome::Refused(&[("/certificateProvider/email", NOT_PROVIDED)]),
            ),
        ],
    )
    .await;
}

/// Ported from internal/validate/validators_test.go, TestUUID, through the donor's UID.
#[tokio::test]
async fn an_actor_uid_must_be_a_uuid() {
    assert_rows(
        "TestUUID",
        &[
            (
                "valid",
                |lpa| lpa["donor"]["uid"] = json!("dc487ebb-b39d-45ed-bb6a-7f950fd355c9"),
                stored(),
            ),
            (
                "one digit short",
                |lpa| lpa["donor"]["uid"] = json!("dc487ebb-b39d-45ed-bb6a-7f950fd355c"),
                Outcome::Refused(&[("/donor/uid", INVALID_FORMAT)]),
            ),
            (
                "empty",
                |lpa| lpa["donor"]["uid"] = json!(""),
                Outcome::Refused(&[("/donor/uid", REQUIRED)]),
            ),
        ],
    )
    .await;
}

/// Follows internal/validate/validators.go, `UUID()`, which takes any spelling google/uuid's
/// `Validate` takes: plain hex, braces, and a `urn:uuid:` prefix in any case.
#[tokio::test]
async fn an_actor_uid_may_be_spelt_any_way_go_reads_a_uuid() {
    assert_rows(
        "UUID() spellings",
        &[
            (
                "plain hex",
                |lpa| lpa["donor"]["uid"] = json!("dc487ebbb39d45edbb6a7f950fd355c9"),
                stored(),
            ),
            (
                "braced",
                |lpa| lpa["donor"]["uid"] = json!("{dc487ebb-b39d-45ed-bb6a-7f950fd355c9}"),
                stored(),
            ),
            (
                "urn",
                |lpa| lpa["donor"]["uid"] = json!("urn:uuid:dc487ebb-b39d-45ed-bb6a-7f950fd355c9"),
                stored(),
            ),
            (
                "upper-case urn",
                |lpa| lpa["donor"]["uid"] = json!("URN:UUID:dc487ebb-b39d-45ed-bb6a-7f950fd355c9"),
                stored(),
            ),
            (
                "hyphens misplaced",
                |lpa| lpa["donor"]["uid"] = json!("dc487ebbb-39d-45ed-bb6a-7f950fd355c9"),
                Outcome::Refused(&[("/donor/uid", INVALID_FORMAT)]),
            ),
        ],
    )
    .await;
}

/// Ported from internal/validate/validators_test.go, TestDate, through the donor's date of
/// birth. A malformed date (`IsMalformed` in Go) is any value that is not a `YYYY-MM-DD`
/// string, `null` included: internal/shared/date.go's `UnmarshalJSON` sees the `null`.
#[tokio::test]
async fn a_date_must_be_set_and_well_formed() {
    assert_rows(
        "TestDate",
        &[
            (
                "2010-01-02",
                |lpa| lpa["donor"]["dateOfBirth"] = json!("2010-01-02"),
                stored(),
            ),
            (
                "malformed",
                |lpa| lpa["donor"]["dateOfBirth"] = json!("2010-1-2"),
                Outcome::Refused(&[("/donor/dateOfBirth", INVALID_FORMAT)]),
            ),
            (
                "malformed (null)",
                |lpa| lpa["donor"]["dateOfBirth"] = json!(null),
                Outcome::Refused(&[("/donor/dateOfBirth", INVALID_FORMAT)]),
            ),
            (
                "empty",
                |lpa| lpa["donor"]["dateOfBirth"] = json!(""),
                Outcome::Refused(&[("/donor/dateOfBirth", REQUIRED)]),
            ),
        ],
    )
    .await;
}

/// Ported from internal/validate/validators_test.go, TestOptionalTime, through
/// `certificateProviderNotRelatedConfirmedAt`; `null` is the nil pointer, as leaving it out.
#[tokio::test]
async fn an_optional_time_may_be_left_out_but_not_zero() {
    assert_rows(
        "TestOptionalTime",
        &[
            (
                "now",
                |lpa| lpa["certificateProviderNotRelatedConfirmedAt"] = json!(NOW),
                stored(),
            ),
            (
                "zero",
                |lpa| lpa["certificateProviderNotRelatedConfirmedAt"] = json!(ZERO_TIME),
                Outcome::Refused(&[(
                    "/certificateProviderNotRelatedConfirmedAt",
                    "must be a valid datetime",
                )]),
            ),
            (
                "nil",
                |lpa| lpa["certificateProviderNotRelatedConfirmedAt"] = json!(null),
                stored(),
            ),
        ],
    )
    .await;
}

/// Ported from internal/validate/validators_test.go, TestAddressInvalidCountry, through the
/// donor's address.
#[tokio::test]
async fn an_address_country_must_be_a_country_code() {
    assert_rows(
        "TestAddressInvalidCountry",
        &[
            (
                "GB",
                |lpa| lpa["donor"]["address"]["country"] = json!("GB"),
                stored(),
            ),
            (
                "United Kingdom",
                |lpa| lpa["donor"]["address"]["country"] = json!("United Kingdom"),
                Outcome::Refused(&[("/donor/address/country", COUNTRY_CODE)]),
            ),
        ],
    )
    .await;
}

/// Ported from internal/validate/validators_test.go, TestIsValid, through the LPA's language.
#[tokio::test]
async fn an_enumerated_value_must_be_set_and_known() {
    assert_rows(
        "TestIsValid",
        &[
            ("ok", |lpa| lpa["language"] = json!("cy"), stored()),
            (
                "empty",
                |lpa| lpa["language"] = json!(""),
                Outcome::Refused(&[("/language", REQUIRED)]),
            ),
            (
                "unknown",
                |lpa| lpa["language"] = json!("x"),
                Outcome::Refused(&[("/language", INVALID_VALUE)]),
            ),
        ],
    )
    .await;
}

/// Ported from internal/validate/validators_test.go, TestUnset, through how a single attorney
/// makes decisions.
#[tokio::test]
async fn a_choice_that_does_not_apply_must_be_unset() {
    assert_rows(
        "TestUnset",
        &[
            (
                "unset",
                |lpa| lpa["howAttorneysMakeDecisions"] = json!(""),
                stored(),
            ),
            (
                "set",
                |lpa| lpa["howAttorneysMakeDecisions"] = json!("jointly-and-severally"),
                Outcome::Refused(&[("/howAttorneysMakeDecisions", NOT_PROVIDED)]),
            ),
        ],
    )
    .await;
}

/// Ported from internal/validate/validate_test.go, TestAll: the findings of every check come
/// out one after the other, in the order `Validate` runs the checks, not sorted.
#[tokio::test]
async fn findings_come_out_in_the_order_the_store_checks() {
    assert_rows(
        "TestAll",
        &[(
            "findings of several checks",
            |lpa| {
                lpa["witnessedByCertificateProviderAt"] = json!(ZERO_TIME);
                lpa["attorneys"][0]["lastName"] = json!("");
                lpa["certificateProvider"]["phone"] = json!("");
                lpa["donor"]["address"]["country"] = json!("gb");
                lpa["channel"] = json!("fax");
                lpa["donor"]["firstNames"] = json!("");
            },
            Outcome::Refused(&[
                ("/channel", INVALID_VALUE),
                ("/donor/firstNames", REQUIRED),
                ("/donor/address/country", COUNTRY_CODE),
                ("/certificateProvider/phone", REQUIRED),
                ("/attorneys/0/lastName", REQUIRED),
                ("/witnessedByCertificateProviderAt", REQUIRED),
            ]),
        )],
    )
    .await;
}

/// Ported from internal/validate/validate_test.go, TestIf: a check under a condition reports
/// only when the condition holds, here `howReplacementAttorneysStepIn`, asked for only of
/// replacements of attorneys acting jointly and severally.
#[tokio::test]
async fn a_conditional_check_reports_only_when_its_condition_holds() {
    assert_rows(
        "TestIf",
        &[
            (
                "true",
                |lpa| {
                    lpa["attorneys"] = attorneys(&[false, false, true]);
                    lpa["howAttorneysMakeDecisions"] = json!("jointly-and-severally");
                },
                Outcome::Refused(&[("/howReplacementAttorneysStepIn", REQUIRED)]),
            ),
            (
                "false",
                |lpa| {
                    lpa["attorneys"] = attorneys(&[false, false, true]);
                    lpa["howAttorneysMakeDecisions"] = json!("jointly");
                },
                stored(),
            ),
        ],
    )
    .await;
}

/// Ported from internal/validate/validate_test.go, TestIfElse: a check with two branches takes
/// the one its condition selects, here the certificate provider's email, required online and
/// refused otherwise.
#[tokio::test]
async fn a_two_way_check_takes_the_branch_its_condition_selects() {
    assert_rows(
        "TestIfElse",
        &[
            (
                "true",
                |lpa| lpa["certificateProvider"]["email"] = json!(""),
                Outcome::Refused(&[("/certificateProvider/email", REQUIRED)]),
            ),
            (
                "false",
                |lpa| lpa["certificateProvider"]["channel"] = json!("paper"),
                Outcome::Refused(&[("/certificateProvider/email", NOT_PROVIDED)]),
            ),
        ],
    )
    .await;
}
