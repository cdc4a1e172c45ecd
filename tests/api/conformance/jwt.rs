//! Ported from internal/shared/jwt_test.go (and the rules of internal/shared/jwt.go it tests,
//! golang-jwt v5 with its defaults then the store's `Validate`). The Go tests call
//! `verifyToken` or `VerifyHeader`; over HTTP a refused token is the 401 every handler answers
//! when `VerifyHeader` fails, and an accepted one lets `GET /lpas/{uid}` answer 200.

use std::time::{SystemTime, UNIX_EPOCH};

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use reqwest::Method;
use serde_json::{Value, json};
use testkit::{TestApp, expect_json, spawn_app};

use super::{send_bytes, unauthorised};

const SECRET: &str = "mysupersecrettestkeythatis128bits";
const MAKE_REGISTER_SUB: &str =
    "urn:opg:poas:makeregister:users:e6707412-c9cd-4547-b428-7039a87e985e";

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("the clock is after 1970")
        .as_secs() as i64
}

/// `createToken` of jwt_test.go: the claims as given, HS256 with the test secret.
fn create_token(claims: &Value) -> String {
    sign(Algorithm::HS256, claims)
}

fn sign(algorithm: Algorithm, claims: &Value) -> String {
    jsonwebtoken::encode(
        &Header::new(algorithm),
        claims,
        &EncodingKey::from_secret(SECRET.as_bytes()),
    )
    .expect("signing with a secret cannot fail")
}

const DAY: i64 = 24 * 60 * 60;

/// The claims the Go tests start from: valid for a day either side.
fn valid_claims(iss: &str, sub: &str) -> Value {
    json!({"exp": now() + DAY, "iat": now() - DAY, "iss": iss, "sub": sub})
}

/// `GET /lpas/{uid}` of an existing LPA with this `X-Jwt-Authorization` header.
async fn get_with(app: &TestApp, header: Option<&str>) -> reqwest::Response {
    let uid = app.given_lpa().await;
    send_bytes(app, Method::GET, &format!("/lpas/{uid}"), header, None).await
}

async fn assert_refused(app: &TestApp, header: Option<&str>, case: &str) {
    let response = get_with(app, header).await;
    let status = response.status();
    let body: Value = response.json().await.expect("a JSON body");
    assert_eq!(status, 401, "{case}: {body}");
    assert_eq!(body, unauthorised(), "{case}");
}

async fn assert_accepted(app: &TestApp, header: &str, case: &str) {
    let response = get_with(app, Some(header)).await;
    let status = response.status();
    let text = response.text().await.expect("a body");
    assert_eq!(status, 200, "{case}: {text}");
}

/// Ported from internal/shared/jwt_test.go, TestVerifyEmptyJwt.
#[tokio::test]
async fn an_empty_token_is_refused() {
    let app = spawn_app().await;
    assert_refused(&app, Some(""), "empty header value").await;
    assert_refused(&app, Some("Bearer"), "Bearer and nothing else").await;
}

/// Ported from internal/shared/jwt_test.go, TestVerifyExpInPast.
#[tokio::test]
async fn a_token_that_expired_is_refused() {
    let app = spawn_app().await;
    let token = create_token(&json!({
        "exp": now() - DAY, "iat": now() - DAY,
        "iss": "opg.poas.makeregister", "sub": MAKE_REGISTER_SUB,
    }));
    assert_refused(&app, Some(&format!("Bearer {token}")), "exp in the past").await;
}

/// Ported from internal/shared/jwt_test.go, TestVerifyIatInFuture.
#[tokio::test]
async fn a_token_issued_in_the_future_is_refused() {
    let app = spawn_app().await;
    let token = create_token(&json!({
        "exp": now() + DAY, "iat": now() + DAY,
        "iss": "opg.poas.sirius", "sub": "urn:opg:sirius:users:34",
    }));
    assert_refused(&app, Some(&format!("Bearer {token}")), "iat in the future").await;
}

/// Ported from internal/shared/jwt_test.go, TestVerifyIssuer.
#[tokio::test]
async fn a_token_from_an_unknown_issuer_is_refused() {
    let app = spawn_app().await;
    let token = create_token(&valid_claims("daadsdaadsadsads", MAKE_REGISTER_SUB));
    assert_refused(&app, Some(&format!("Bearer {token}")), "unknown issuer").await;
}

/// Ported from internal/shared/jwt_test.go, TestVerifySub: every case of its table.
#[tokio::test]
async fn the_subject_must_be_a_urn_whatever_the_issuer() {
    let app = spawn_app().await;
    let cases = [
        ("sirius empty", "opg.poas.sirius", "", false),
        ("makeregister empty", "opg.poas.makeregister", "", false),
        ("use empty", "opg.poas.use", "", false),
        (
            "valid sirius",
            "opg.poas.sirius",
            "urn:opg:sirius:users:34",
            true,
        ),
        (
            "valid makeregister",
            "opg.poas.makeregister",
            MAKE_REGISTER_SUB,
            true,
        ),
        (
            "valid use",
            "opg.poas.use",
            "urn:opg:poas:use:users:ccba2c6c-33c6-497c-8248-25241ebf7edd",
            true,
        ),
    ];
    for (case, iss, sub, accepted) in cases {
        let header = format!("Bearer {}", create_token(&valid_claims(iss, sub)));
        if accepted {
            assert_accepted(&app, &header, case).await;
        } else {
            assert_refused(&app, Some(&header), case).await;
        }
    }
}

/// Ported from internal/shared/jwt_test.go, TestVerifyHeaderNoJWTHeader.
#[tokio::test]
async fn a_request_without_the_jwt_header_is_refused() {
    let app = spawn_app().await;
    assert_refused(&app, None, "no header").await;
}

/// Ported from internal/shared/jwt_test.go, TestVerifyHeader.
#[tokio::test]
async fn a_valid_bearer_token_is_accepted() {
    let app = spawn_app().await;
    let token = create_token(&valid_claims("opg.poas.sirius", "urn:opg:sirius:users:34"));
    assert_accepted(&app, &format!("Bearer {token}"), "valid header").await;
}

// What follows is not a case of jwt_test.go but the behaviour of the code it tests
// (jwt.go: golang-jwt v5 `ParseWithClaims` with no options, then `LpaStoreClaims.Validate`).

/// jwt.go: `GetIssuer` of a token without `iss` is "", which is not a valid issuer.
#[tokio::test]
async fn a_token_without_an_issuer_is_refused() {
    let app = spawn_app().await;
    let token = create_token(&json!({"iat": now() - 60, "sub": "urn:opg:sirius:users:34"}));
    assert_refused(&app, Some(&format!("Bearer {token}")), "no iss").await;
    let token =
        create_token(&json!({"iat": now() - 60, "iss": null, "sub": "urn:opg:sirius:users:34"}));
    assert_refused(&app, Some(&format!("Bearer {token}")), "iss null").await;
}

/// golang-jwt reads `exp: -1` as one second before 1970: long expired.
#[tokio::test]
async fn a_token_with_a_negative_expiry_is_refused() {
    let app = spawn_app().await;
    let mut claims = valid_claims("opg.poas.sirius", "urn:opg:sirius:users:34");
    claims["exp"] = json!(-1);
    assert_refused(
        &app,
        Some(&format!("Bearer {}", create_token(&claims))),
        "exp -1",
    )
    .await;
}

/// golang-jwt reads a date into a `json.Number`: a string that is no number spoils the token,
/// a string holding a number is that number.
#[tokio::test]
async fn a_date_claim_is_a_number_or_a_numeric_string() {
    let app = spawn_app().await;
    let base = valid_claims("opg.poas.sirius", "urn:opg:sirius:users:34");
    let with = |name: &str, value: Value| {
        let mut claims = base.clone();
        claims[name] = value;
        format!("Bearer {}", create_token(&claims))
    };
    assert_refused(
        &app,
        Some(&with("nbf", json!("yesterday"))),
        "nbf not a number",
    )
    .await;
    assert_refused(&app, Some(&with("exp", json!(true))), "exp a boolean").await;
    assert_refused(
        &app,
        Some(&with("nbf", json!((now() + DAY).to_string()))),
        "nbf tomorrow as a string",
    )
    .await;
    assert_refused(&app, Some(&with("nbf", json!(now() + DAY))), "nbf tomorrow").await;
    assert_accepted(
        &app,
        &with("nbf", json!((now() - DAY).to_string())),
        "nbf yesterday as a string",
    )
    .await;
    assert_accepted(
        &app,
        &with("iat", json!(format!("{}", now() - 60))),
        "iat as a string",
    )
    .await;
    assert_accepted(&app, &with("exp", json!(null)), "exp null is no exp").await;
}

/// `ParseWithClaims` is given no list of methods, so every HMAC method signed with the secret
/// passes; only `Bearer ` (capital B, then spaces) is stripped from the header.
#[tokio::test]
async fn any_hmac_method_passes_and_only_bearer_with_a_space_is_stripped() {
    let app = spawn_app().await;
    let claims = valid_claims("opg.poas.sirius", "urn:opg:sirius:users:34");
    for algorithm in [Algorithm::HS384, Algorithm::HS512] {
        let header = format!("Bearer {}", sign(algorithm, &claims));
        assert_accepted(&app, &header, &format!("{algorithm:?}")).await;
    }
    let token = create_token(&claims);
    assert_accepted(&app, &token, "no Bearer prefix").await;
    assert_accepted(&app, &format!("Bearer   {token}"), "several spaces").await;
    assert_refused(&app, Some(&format!("bearer {token}")), "lower-case bearer").await;
    assert_refused(&app, Some(&format!("Bearer{token}")), "no space").await;
}

/// Go's JSON decoder matches claim names ignoring case, and go-urn wants an RFC 2141 URN.
#[tokio::test]
async fn claims_are_read_as_go_reads_them() {
    let app = spawn_app().await;
    let token = create_token(&json!({
        "EXP": now() + DAY, "Iat": now() - DAY,
        "ISS": "opg.poas.use", "Sub": "urn:opg:poas:use:users:1",
    }));
    assert_accepted(
        &app,
        &format!("Bearer {token}"),
        "claim names in other cases",
    )
    .await;
    let token = create_token(&json!({"EXP": now() - DAY, "iat": now() - DAY,
        "iss": "opg.poas.use", "sub": "urn:opg:poas:use:users:1"}));
    assert_refused(&app, Some(&format!("Bearer {token}")), "EXP in the past").await;
    for sub in [
        "urn:opg:a/b",
        "urn:urn:users:1",
        "urn:-o:users:1",
        "urn:opg:users:%2",
        "urn:opg: 1",
    ] {
        let token = create_token(&valid_claims("opg.poas.use", sub));
        assert_refused(&app, Some(&format!("Bearer {token}")), sub).await;
    }
    let token = create_token(&valid_claims("opg.poas.use", "URN:opg:users:%2F"));
    assert_accepted(
        &app,
        &format!("Bearer {token}"),
        "upper-case prefix, escape",
    )
    .await;
    let mut claims = valid_claims("opg.poas.use", "urn:opg:poas:use:users:1");
    claims["aud"] = json!(7);
    assert_refused(
        &app,
        Some(&format!("Bearer {}", create_token(&claims))),
        "aud a number",
    )
    .await;
    claims["aud"] = json!(["a", "b"]);
    assert_accepted(
        &app,
        &format!("Bearer {}", create_token(&claims)),
        "aud a list",
    )
    .await;
}

/// The 401 body is the store's, whatever the reason.
#[tokio::test]
async fn the_refusal_is_the_stores_unauthorised_problem() {
    let app = spawn_app().await;
    let response = get_with(&app, Some("Bearer not.a.jwt")).await;
    assert_eq!(expect_json(response, 401).await, unauthorised());
}
