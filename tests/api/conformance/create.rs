//! Ported from lambda/create/main_test.go: what the create handler answers and stores.
//!
//! Not ported, as nothing a caller sees comes of them without a mock: TestLambdaHandleEvent-
//! WhenUploadFileErrors (an S3 failure, a 500) and TestLambdaHandleEventWhenSendLpaUpdatedErrors
//! (an EventBridge failure, still a 201, which every create here already shows).

use reqwest::Method;
use serde_json::{Value, json};
use testkit::{Consumer, TestApp, expect_json, fixture, spawn_app};

use super::{send_bytes, unauthorised};

const AT: &str = "2024-01-02T12:13:14.000000015Z";

/// `validLpaInit` of main_test.go, as Go's `json.Marshal` writes it.
fn valid_lpa_init() -> Value {
    let address = |line1: &str| json!({"line1": line1, "country": "GB"});
    json!({
        "lpaType": "property-and-affairs",
        "channel": "online",
        "language": "en",
        "donor": {
            "uid": "a06daa09-750d-4e02-9877-0ea782491014",
            "firstNames": "donor-firstname",
            "lastName": "donor-lastname",
            "address": address("donor-line1"),
            "dateOfBirth": "2020-01-02",
            "email": "donor-email",
            "contactLanguagePreference": "en"
        },
        "attorneys": [{
            "uid": "c442a9a2-9d14-48ca-9cfa-d30d591b0d68",
            "firstNames": "attorney-firstname",
            "lastName": "attorney-lastname",
            "address": address("attorney-line1"),
            "dateOfBirth": "2020-02-03",
            "status": "active",
            "appointmentType": "original",
            "contactLanguagePreference": "en",
            "channel": "paper"
        }],
        "certificateProvider": {
            "uid": "e9751c0a-0504-4ec6-942e-b85fddbbd178",
            "firstNames": "certificate-provider-firstname",
            "lastName": "certificate-provider-lastname",
            "address": address("certificate-provider-line1"),
            "email": "certificate-provider-email",
            "phone": "0777777777",
            "channel": "online",
            "contactLanguagePreference": "en"
        },
        "whenTheLpaCanBeUsed": "when-has-capacity",
        "signedAt": AT,
        "witnessedByCertificateProviderAt": AT
    })
}

/// The stored LPA less what the store sets (`uid`, `status`, `updatedAt`), which are checked.
async fn stored(app: &TestApp, uid: &str) -> Value {
    let mut lpa = expect_json(app.get_lpa(uid).await, 200).await;
    assert_eq!(lpa["uid"], uid);
    assert_eq!(lpa["status"], "in-progress");
    let object = lpa.as_object_mut().expect("an object");
    for own in ["uid", "status", "updatedAt"] {
        object.remove(own);
    }
    lpa
}

/// Ported from lambda/create/main_test.go, TestLambdaHandleEvent, every case: "online",
/// "online with default", "paper", "paper with default".
#[tokio::test]
async fn a_valid_lpa_is_stored_as_sent_with_the_default_when_it_can_be_used() {
    let app = spawn_app().await;
    for (case, channel, unset) in [
        ("online", "online", false),
        ("online with default", "online", true),
        ("paper", "paper", false),
        ("paper with default", "paper", true),
    ] {
        let mut input = valid_lpa_init();
        input["channel"] = json!(channel);
        if unset {
            input
                .as_object_mut()
                .expect("an object")
                .remove("whenTheLpaCanBeUsed");
        }
        let uid = fixture::new_uid();
        let response = app.put_lpa(&uid, &input).await;
        assert_eq!(expect_json(response, 201).await, json!({}), "{case}");

        let mut expected = input;
        expected["whenTheLpaCanBeUsed"] = json!("when-has-capacity");
        if unset {
            expected["whenTheLpaCanBeUsedIsDefault"] = json!(true);
        }
        assert_eq!(stored(&app, &uid).await, expected, "{case}");
    }
}

/// Ported from lambda/create/main_test.go, TestLambdaHandleEventWhenPaperSubmissionContains-
/// Images: the image is stored under `<uid>/scans/rc_0_<filename>` with its hash. (The Go test
/// sends `some-base64` to a mocked upload; real bytes are sent here.)
#[tokio::test]
async fn a_paper_lpa_stores_its_images() {
    let app = spawn_app().await;
    let mut input = valid_lpa_init();
    input["channel"] = json!("paper");
    input["restrictionsAndConditionsImages"] =
        json!([{"filename": "restriction.jpg", "data": "aGVsbG8K"}]);
    let uid = fixture::new_uid();
    assert_eq!(
        expect_json(app.put_lpa(&uid, &input).await, 201).await,
        json!({})
    );

    let lpa = stored(&app, &uid).await;
    let image = &lpa["restrictionsAndConditionsImages"][0];
    assert_eq!(image["path"], format!("{uid}/scans/rc_0_restriction.jpg"));
    assert!(
        image["hash"].as_str().is_some_and(|h| h.len() == 64),
        "{image}"
    );
}

/// Ported from lambda/create/main_test.go, TestLambdaHandleEventWhenPaperSubmissionHasValidation-
/// Errors: a paper LPA missing most fields is still stored, with a 201.
#[tokio::test]
async fn a_paper_lpa_with_validation_errors_is_stored_anyway() {
    let app = spawn_app().await;
    let uid = fixture::new_uid();
    let response = app.put_lpa(&uid, &json!({"channel": "paper"})).await;
    assert_eq!(expect_json(response, 201).await, json!({}));
    assert_eq!(stored(&app, &uid).await["channel"], "paper");
}

/// Ported from lambda/create/main_test.go, TestLambdaHandleEventWhenUnauthorised.
#[tokio::test]
async fn a_create_without_a_valid_token_is_unauthorised() {
    let app = spawn_app().await;
    let uid = fixture::new_uid();
    let response = send_bytes(
        &app,
        Method::PUT,
        &format!("/lpas/{uid}"),
        None,
        Some(b"{}"),
    )
    .await;
    assert_eq!(expect_json(response, 401).await, unauthorised());
}

/// Ported from lambda/create/main_test.go, TestLambdaHandleEventWhenLpaAlreadyExists: checked
/// before the body is read, so `{}` gets this answer too.
#[tokio::test]
async fn a_second_create_of_one_uid_is_refused_before_the_body_is_read() {
    let app = spawn_app().await;
    let uid = app.given_lpa().await;
    let response = app.put_lpa(&uid, &json!({})).await;
    assert_eq!(
        expect_json(response, 400).await,
        json!({"code": "INVALID_REQUEST", "detail": "LPA with UID already exists"})
    );
}

/// Ported from lambda/create/main_test.go, TestLambdaHandleEventAddsActorUids: a (paper) LPA
/// whose actors lack UIDs gets a UUID for each, and keeps those it was given.
#[tokio::test]
async fn actors_without_uids_get_one_and_given_uids_are_kept() {
    let app = spawn_app().await;
    let person = |first: &str, last: &str| json!({"firstNames": first, "lastName": last});
    let input = json!({
        "channel": "paper",
        "donor": person("donor-firstname", "donor-lastname"),
        "certificateProvider": person("certificate-provider-firstname", "certificate-provider-lastname"),
        "attorneys": [
            {"firstNames": "attorney-firstname", "lastName": "attorney-lastname", "appointmentType": "original"},
            {"firstNames": "attorney2-firstname", "lastName": "attorney2-lastname", "appointmentType": "replacement"}
        ],
        "trustCorporations": [{}, {"uid": "76fca433-639c-4119-8b3b-6f1e5d82de55"}],
        "peopleToNotify": [{"uid": "752f2031-66c6-412d-b8b8-3f9d56bb6e86"}, {}],
        "independentWitness": {},
        "authorisedSignatory": {}
    });
    let uid = fixture::new_uid();
    assert_eq!(
        expect_json(app.put_lpa(&uid, &input).await, 201).await,
        json!({})
    );

    let lpa = stored(&app, &uid).await;
    let is_uuid = |v: &Value| v.as_str().is_some_and(|s| uuid::Uuid::try_parse(s).is_ok());
    for pointer in [
        "/donor/uid",
        "/certificateProvider/uid",
        "/attorneys/0/uid",
        "/attorneys/1/uid",
        "/trustCorporations/0/uid",
        "/peopleToNotify/1/uid",
        "/independentWitness/uid",
        "/authorisedSignatory/uid",
    ] {
        assert!(
            is_uuid(&lpa.pointer(pointer).cloned().unwrap_or_default()),
            "{pointer}: {lpa}"
        );
    }
    assert_eq!(
        lpa["trustCorporations"][1]["uid"],
        "76fca433-639c-4119-8b3b-6f1e5d82de55"
    );
    assert_eq!(
        lpa["peopleToNotify"][0]["uid"],
        "752f2031-66c6-412d-b8b8-3f9d56bb6e86"
    );
}

// Known differences reported against the simulator, checked against create.go's behaviour.

/// lambda/create/main.go validates the `LpaInit` as sent, before it fills in actor UIDs, so an
/// online LPA without them is refused with each missing UID.
#[tokio::test]
async fn an_online_lpa_without_actor_uids_is_refused_with_each_missing_uid() {
    let app = spawn_app().await;
    let mut input = valid_lpa_init();
    for pointer in ["donor", "certificateProvider"] {
        input[pointer]
            .as_object_mut()
            .expect("an object")
            .remove("uid");
    }
    input["attorneys"][0]
        .as_object_mut()
        .expect("an object")
        .remove("uid");
    let response = app.put_lpa(&fixture::new_uid(), &input).await;
    assert_eq!(
        expect_json(response, 400).await,
        super::invalid(&[
            ("/donor/uid", "field is required"),
            ("/certificateProvider/uid", "field is required"),
            ("/attorneys/0/uid", "field is required"),
        ])
    );
}

/// internal/shared/person.go: donor and certificate provider `email` are `omitempty`.
#[tokio::test]
async fn empty_emails_are_left_out_of_the_lpa() {
    let app = spawn_app().await;
    let mut input = valid_lpa_init();
    input["channel"] = json!("paper");
    input["donor"]["email"] = json!("");
    input["certificateProvider"]["email"] = json!(null);
    let uid = fixture::new_uid();
    expect_json(app.put_lpa(&uid, &input).await, 201).await;
    let lpa = stored(&app, &uid).await;
    assert!(lpa["donor"].get("email").is_none(), "{lpa}");
    assert!(lpa["certificateProvider"].get("email").is_none(), "{lpa}");
}

/// Go's decoder: keys match ignoring case, and `null` leaves a string empty.
#[tokio::test]
async fn keys_in_any_case_and_null_strings_are_read_as_go_reads_them() {
    let app = spawn_app().await;
    let mut input = valid_lpa_init();
    let donor = input["donor"].take();
    input["DONOR"] = donor;
    input["donor"] = json!({"otherNamesKnownBy": null});
    input["restrictionsAndConditions"] = json!(null);
    let uid = fixture::new_uid();
    let body = serde_json::to_vec(&input).expect("JSON");
    let response = send_bytes(
        &app,
        Method::PUT,
        &format!("/lpas/{uid}"),
        Some(&format!("Bearer {}", app.token(Consumer::MakeRegister))),
        Some(&body),
    )
    .await;
    assert_eq!(expect_json(response, 201).await, json!({}));
    let lpa = stored(&app, &uid).await;
    assert_eq!(lpa["donor"], valid_lpa_init()["donor"]);
    assert!(lpa.get("restrictionsAndConditions").is_none(), "{lpa}");
}
