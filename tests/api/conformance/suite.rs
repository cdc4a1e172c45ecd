//! Ported from api_test.go, the real store's end-to-end HTTP suite, sending the `docs/*.json`
//! bodies it sends (in `examples/`) byte for byte, with its token: issuer Sirius, subject
//! `urn:opg:poas:sirius:users:<author>`, valid a day either side.

use std::time::{SystemTime, UNIX_EPOCH};

use jsonwebtoken::{EncodingKey, Header};
use reqwest::{Method, Response};
use serde_json::{Value, json};
use testkit::{TestApp, expect_json, fixture, spawn_app};

use super::send_bytes;

const AUTHOR_UID: &str = "34";

macro_rules! example {
    ($name:literal) => {
        include_bytes!(concat!("examples/", $name, ".json")).as_slice()
    };
}

const EXAMPLE: &[u8] = example!("example-lpa");
const EXAMPLE_PAPER: &[u8] = example!("example-lpa-all-paper");

/// `makeJwt` of api_test.go.
fn make_jwt(secret: &str, author: &str) -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("the clock is after 1970")
        .as_secs() as i64;
    let claims = json!({
        "exp": now + 24 * 3600,
        "iat": now - 24 * 3600,
        "iss": "opg.poas.sirius",
        "sub": format!("urn:opg:poas:sirius:users:{author}"),
    });
    jsonwebtoken::encode(
        &Header::default(),
        &claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .expect("signing with a secret cannot fail")
}

/// A request with `withAuth(req, jwtSecretKey, author)`.
async fn send_as(
    app: &TestApp,
    author: &str,
    method: Method,
    path: &str,
    body: Option<&[u8]>,
) -> Response {
    let header = format!(
        "Bearer {}",
        make_jwt("mysupersecrettestkeythatis128bits", author)
    );
    send_bytes(app, method, path, Some(&header), body).await
}

/// `doCreateExample`: creates the example under a fresh UID, which it returns.
async fn create_example(app: &TestApp, example: &[u8]) -> String {
    let uid = fixture::new_uid();
    let response = send_as(
        app,
        AUTHOR_UID,
        Method::PUT,
        &format!("/lpas/{uid}"),
        Some(example),
    )
    .await;
    expect_json(response, 201).await;
    uid
}

fn parse(bytes: &[u8]) -> Value {
    serde_json::from_slice(bytes).expect("the examples are JSON")
}

/// Ported from api_test.go, TestJWTRequired (cases "Put", "Post", "Get"): a token signed with
/// the secret "bad" is refused on every route.
#[tokio::test]
async fn every_route_refuses_a_token_signed_with_another_secret() {
    let app = spawn_app().await;
    let header = format!("Bearer {}", make_jwt("bad", AUTHOR_UID));
    let uid = fixture::new_uid();
    let cases: [(&str, Method, String, Option<&[u8]>); 3] = [
        (
            "Put",
            Method::PUT,
            format!("/lpas/{uid}"),
            Some(br#"{"version":"1"}"#),
        ),
        (
            "Post",
            Method::POST,
            format!("/lpas/{uid}/updates"),
            Some(br#"{"type":"BUMP_VERSION","changes":[{"key":"/version","old":"1","new":"2"}]}"#),
        ),
        ("Get", Method::GET, format!("/lpas/{uid}"), None),
    ];
    for (case, method, path, body) in cases {
        let response = send_bytes(&app, method, &path, Some(&header), body).await;
        assert_eq!(
            expect_json(response, 401).await,
            super::unauthorised(),
            "{case}"
        );
    }
}

/// Ported from api_test.go, TestCreate (cases "full" and "defaults"): the LPA read back, less
/// `status`, `uid` and `updatedAt`, is the expected document exactly. The defaults request
/// spells `"companyNUmber"`, which Go's decoder reads as `companyNumber`.
#[tokio::test]
async fn created_examples_read_back_as_the_store_returns_them() {
    let app = spawn_app().await;
    let cases = [
        ("full", example!("example-lpa"), example!("example-lpa")),
        (
            "defaults",
            example!("example-lpa-default-request"),
            example!("example-lpa-default-response"),
        ),
    ];
    for (case, request, expected) in cases {
        let uid = create_example(&app, request).await;
        let response = send_as(&app, AUTHOR_UID, Method::GET, &format!("/lpas/{uid}"), None).await;
        let mut got = expect_json(response, 200).await;
        let object = got.as_object_mut().expect("an LPA is an object");
        for own in ["status", "uid", "updatedAt"] {
            object.remove(own);
        }
        assert_eq!(got, parse(expected), "{case}");
    }
}

/// Ported from api_test.go, TestCreatePaperWithImages (cases "Plain" and "Presigned"): the
/// paper example reads back as sent but for its images, stored at `<uid>/scans/<prefix>_0_<name>`
/// (the presigned URLs are the simulator's own, a departure listed in the README).
#[tokio::test]
async fn a_paper_example_keeps_its_images_under_the_lpa() {
    let app = spawn_app().await;
    let uid = create_example(&app, EXAMPLE_PAPER).await;
    let mut expected = parse(EXAMPLE_PAPER);
    let expected = expected.as_object_mut().expect("an object");
    expected.remove("restrictionsAndConditionsImages");
    expected.remove("howAttorneysMakeDecisionsDetailsImages");

    for (case, query) in [("Plain", ""), ("Presigned", "?presign-images")] {
        let response = send_as(
            &app,
            AUTHOR_UID,
            Method::GET,
            &format!("/lpas/{uid}{query}"),
            None,
        )
        .await;
        let mut got = expect_json(response, 200).await;
        let object = got.as_object_mut().expect("an object");
        let rc = object
            .remove("restrictionsAndConditionsImages")
            .expect("rc images");
        let amd = object
            .remove("howAttorneysMakeDecisionsDetailsImages")
            .expect("amd images");
        for own in ["status", "uid", "updatedAt"] {
            object.remove(own);
        }
        assert_eq!(object, expected, "{case}");
        let rc_path = rc[0]["path"].as_str().expect("a path");
        let amd_path = amd[0]["path"].as_str().expect("a path");
        if query.is_empty() {
            assert_eq!(rc_path, format!("{uid}/scans/rc_0_my-restrictions.png"));
            assert_eq!(amd_path, format!("{uid}/scans/amd_0_my-decisions.png"));
        } else {
            assert!(
                rc_path.ends_with(&format!("/{uid}/scans/rc_0_my-restrictions.png")),
                "{rc_path}"
            );
            assert!(
                amd_path.ends_with(&format!("/{uid}/scans/amd_0_my-decisions.png")),
                "{amd_path}"
            );
        }
    }
}

/// Ported from api_test.go, TestCreateWithMissingFields: `{"version":"2"}` is a 400. The Go
/// test checks only the status; the body is the store's validation of an empty `LpaInit`.
#[tokio::test]
async fn a_create_with_none_of_the_fields_is_an_invalid_request() {
    let app = spawn_app().await;
    let uid = fixture::new_uid();
    let response = send_as(
        &app,
        AUTHOR_UID,
        Method::PUT,
        &format!("/lpas/{uid}"),
        Some(br#"{"version":"2"}"#),
    )
    .await;
    let body = expect_json(response, 400).await;
    assert_eq!(body["code"], "INVALID_REQUEST");
    assert_eq!(
        body["errors"][0],
        json!({"source": "/lpaType", "detail": "field is required"})
    );
}

/// Ported from api_test.go, TestGetList: three created examples come back by UID.
#[tokio::test]
async fn get_list_returns_each_created_example() {
    let app = spawn_app().await;
    let mut uids = Vec::new();
    for _ in 0..3 {
        uids.push(create_example(&app, EXAMPLE).await);
    }
    let body = serde_json::to_vec(&json!({"uids": uids})).expect("JSON");
    let response = send_as(&app, AUTHOR_UID, Method::POST, "/lpas", Some(&body)).await;
    let got = expect_json(response, 200).await;
    let lpas = got["lpas"].as_array().expect("lpas");
    assert_eq!(lpas.len(), 3);
    for lpa in lpas {
        assert!(uids.iter().any(|uid| lpa["uid"] == *uid), "{}", lpa["uid"]);
    }
}

/// Ported from api_test.go, TestGetListWithImages (cases "Plain" and "Presigned").
#[tokio::test]
async fn get_list_returns_the_images_of_paper_examples() {
    let app = spawn_app().await;
    let mut uids = Vec::new();
    for _ in 0..3 {
        uids.push(create_example(&app, EXAMPLE_PAPER).await);
    }
    let body = serde_json::to_vec(&json!({"uids": uids})).expect("JSON");
    for (case, path) in [("Plain", "/lpas"), ("Presigned", "/lpas?presign-images")] {
        let response = send_as(&app, AUTHOR_UID, Method::POST, path, Some(&body)).await;
        let got = expect_json(response, 200).await;
        let lpas = got["lpas"].as_array().expect("lpas");
        assert_eq!(lpas.len(), 3, "{case}");
        for lpa in lpas {
            let uid = lpa["uid"].as_str().expect("a uid");
            assert!(uids.iter().any(|u| u == uid), "{case}: {uid}");
            let rc = lpa["restrictionsAndConditionsImages"][0]["path"]
                .as_str()
                .expect("rc");
            let amd = lpa["howAttorneysMakeDecisionsDetailsImages"][0]["path"]
                .as_str()
                .expect("amd");
            assert!(
                rc.ends_with(&format!("{uid}/scans/rc_0_my-restrictions.png")),
                "{case}: {rc}"
            );
            assert!(
                amd.ends_with(&format!("{uid}/scans/amd_0_my-decisions.png")),
                "{case}: {amd}"
            );
        }
    }
}

/// Sends each update example in turn to one LPA as `author`; each must be a 201.
async fn apply_in_turn(app: &TestApp, uid: &str, author: &str, steps: &[(&str, &[u8])]) {
    for (step, body) in steps {
        let response = send_as(
            app,
            author,
            Method::POST,
            &format!("/lpas/{uid}/updates"),
            Some(body),
        )
        .await;
        let status = response.status();
        let text = response.text().await.expect("a body");
        assert_eq!(status, 201, "{step}: {text}");
    }
}

/// Ported from api_test.go, TestUpdate: every step on one online example is a 201.
#[tokio::test]
async fn the_update_examples_apply_in_turn_to_the_online_example() {
    let app = spawn_app().await;
    let uid = create_example(&app, EXAMPLE).await;
    apply_in_turn(
        &app,
        &uid,
        AUTHOR_UID,
        &[
            (
                "CertificateProviderSign",
                example!("certificate-provider-sign"),
            ),
            ("AttorneySign", example!("attorney-sign")),
            ("TrustCorporationSign", example!("trust-corporation-sign")),
            ("DonorConfirmIdentity", example!("donor-confirm-identity")),
            (
                "CertificateProviderConfirmIdentity",
                example!("certificate-provider-confirm-identity"),
            ),
            (
                "StatutoryWaitingPeriod",
                example!("statutory-waiting-period"),
            ),
            (
                "SeverRestrictionsAndConditions",
                example!("sever-restrictions-and-conditions"),
            ),
        ],
    )
    .await;
}

/// Ported from api_test.go, TestUpdatePaper: both steps on the paper example are 201s.
#[tokio::test]
async fn the_paper_access_examples_apply_to_the_paper_example() {
    let app = spawn_app().await;
    let uid = create_example(&app, EXAMPLE_PAPER).await;
    apply_in_turn(
        &app,
        &uid,
        AUTHOR_UID,
        &[
            (
                "PaperCertificateProviderAccessOnline",
                example!("paper-certificate-provider-access-online"),
            ),
            (
                "PaperAttorneyAccessOnline",
                example!("paper-attorney-access-online"),
            ),
        ],
    )
    .await;
}

/// Ported from api_test.go, TestUpdateUIDReferences: actors addressed by UID in keys.
#[tokio::test]
async fn update_examples_may_address_actors_by_uid() {
    let app = spawn_app().await;
    let uid = create_example(&app, EXAMPLE).await;
    apply_in_turn(
        &app,
        &uid,
        AUTHOR_UID,
        &[
            ("AttorneySign", example!("attorney-sign-uid")),
            (
                "TrustCorporationSign",
                example!("trust-corporation-sign-uid"),
            ),
        ],
    )
    .await;
}

/// Ported from api_test.go, TestUpdatesEnd (cases "CertificateProviderOptOut",
/// "AttorneyOptOut" as the attorney's own UID, "DonorWithdrawLpa"), each on a fresh example.
#[tokio::test]
async fn the_ending_updates_apply_to_a_fresh_example() {
    let app = spawn_app().await;
    let cases: [(&str, &[u8], &str); 3] = [
        (
            "CertificateProviderOptOut",
            example!("certificate-provider-opt-out"),
            AUTHOR_UID,
        ),
        (
            "AttorneyOptOut",
            example!("attorney-opt-out"),
            "9ac5cb7c-fc75-40c7-8e53-059f36dbbe3d",
        ),
        (
            "DonorWithdrawLpa",
            example!("donor-withdraw-lpa"),
            AUTHOR_UID,
        ),
    ];
    for (case, body, author) in cases {
        let uid = create_example(&app, EXAMPLE).await;
        apply_in_turn(&app, &uid, author, &[(case, body)]).await;
    }
}
