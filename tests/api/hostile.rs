//! Hostile and careless input, by category: whatever a client sends, the simulator answers a
//! 4xx in the store's error body, never a 5xx, never a hang, and keeps serving.

use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};
use simulator::Simulator;
use simulator::auth::TokenRequest;
use testkit::{Consumer, TestApp, fixture, spawn, token};

/// The body limit of the simulator under attack, small so oversized bodies are cheap.
const LIMIT: usize = 64 * 1024;

/// One input of a category: a method, a path, headers and a body.
struct Input {
    method: Method,
    path: String,
    jwt: Option<String>,
    body: Vec<u8>,
}

/// How one category went.
#[derive(Debug, Default)]
struct Tally {
    inputs: usize,
    server_errors: Vec<String>,
    not_in_the_error_body: Vec<String>,
    hangs: Vec<String>,
}

async fn attack(app: &TestApp, category: &str, inputs: Vec<Input>) -> Tally {
    let mut tally = Tally::default();
    for (n, input) in inputs.into_iter().enumerate() {
        tally.inputs += 1;
        let label = format!("{category} #{n}: {} {}", input.method, input.path);
        let mut request = app
            .client
            .request(input.method, app.url(&input.path))
            .header("Content-Type", "application/json")
            .body(input.body);
        if let Some(jwt) = input.jwt {
            request = request.header("X-Jwt-Authorization", jwt);
        }
        let response = match tokio::time::timeout(Duration::from_secs(5), request.send()).await {
            Err(_) => {
                tally.hangs.push(label);
                continue;
            }
            Ok(Err(e)) => {
                tally.hangs.push(format!("{label}: no answer ({e})"));
                continue;
            }
            Ok(Ok(response)) => response,
        };
        let status = response.status();
        let body: Option<Value> = response.json().await.ok();
        if status.is_server_error() {
            tally
                .server_errors
                .push(format!("{label}: {status} {body:?}"));
        } else if !status.is_client_error()
            || !body
                .as_ref()
                .is_some_and(|b| b["code"].is_string() && b["detail"].is_string())
        {
            tally
                .not_in_the_error_body
                .push(format!("{label}: {status} {body:?}"));
        }
        let alive = app.client.get(app.url("/health-check")).send().await;
        assert!(
            alive.is_ok_and(|r| r.status() == 200),
            "the simulator stopped serving after {label}"
        );
    }
    println!(
        "hostile {category}: {} inputs, 5xx {}, outside the error body {}, hangs {}",
        tally.inputs,
        tally.server_errors.len(),
        tally.not_in_the_error_body.len(),
        tally.hangs.len()
    );
    tally
}

fn assert_held(tally: &Tally) {
    assert!(tally.inputs > 0);
    assert!(
        tally.server_errors.is_empty(),
        "5xx: {:#?}",
        tally.server_errors
    );
    assert!(
        tally.not_in_the_error_body.is_empty(),
        "not a 4xx in the store's error body: {:#?}",
        tally.not_in_the_error_body
    );
    assert!(tally.hangs.is_empty(), "hangs: {:#?}", tally.hangs);
}

async fn app() -> TestApp {
    spawn(Simulator::in_memory().with_body_limit(LIMIT)).await
}

fn bearer(app: &TestApp) -> Option<String> {
    Some(format!("Bearer {}", app.token(Consumer::Sirius)))
}

/// Each body sent to each of the routes that read one.
fn to_every_body_route(app: &TestApp, uid: &str, bodies: &[Vec<u8>]) -> Vec<Input> {
    let routes = [
        (Method::PUT, format!("/lpas/{}", fixture::new_uid())),
        (Method::POST, format!("/lpas/{uid}/updates")),
        (Method::POST, "/lpas".to_owned()),
    ];
    bodies
        .iter()
        .flat_map(|body| {
            routes.iter().map(|(method, path)| Input {
                method: method.clone(),
                path: path.clone(),
                jwt: bearer(app),
                body: body.clone(),
            })
        })
        .collect()
}

#[tokio::test]
async fn malformed_json_bodies_are_refused_in_the_stores_error_body() {
    let app = app().await;
    let uid = app.given_lpa().await;
    let bodies: Vec<Vec<u8>> = [
        "",
        " ",
        "{",
        "}",
        "[",
        "]",
        "[]",
        "null",
        "true",
        "0",
        "-0",
        "\"lpa\"",
        "{}}",
        "{\"lpaType\":}",
        "{\"lpaType\" \"x\"}",
        "{,}",
        "{\"a\":1,}",
        "[1,]",
        "{'a':1}",
        "{\"a\":NaN}",
        "{\"a\":Infinity}",
        "{\"a\":1e999999}",
        "{\"a\":-}",
        "{\"a\":01}",
        "{\"a\":\"\\x41\"}",
        "{\"a\":\"\\u12\"}",
        "{\"a\":\"\\ud800\"}",
        "/* c */ {}",
        "{\"a\":1}{\"b\":2}",
        "\u{feff}{}",
        "{\"type\": 7}",
        "{\"changes\": {}}",
        "{\"changes\": [1, 2]}",
        "{\"changes\": [{\"key\": 5}]}",
        "{\"uids\": \"M-1\"}",
        "{\"uids\": [1, 2]}",
        "{\"donor\": []}",
        "{\"attorneys\": {}}",
        "{\"channel\": 1}",
        "{\"signedAt\": \"yesterday\"}",
        "{\"donor\": {\"dateOfBirth\": 19600406}}",
    ]
    .iter()
    .map(|b| b.as_bytes().to_vec())
    .collect();
    let inputs = to_every_body_route(&app, &uid, &bodies);
    assert_held(&attack(&app, "malformed", inputs).await);
}

#[tokio::test]
async fn truncated_bodies_are_refused_in_the_stores_error_body() {
    let app = app().await;
    let uid = app.given_lpa().await;
    let whole = fixture::online_lpa().to_string().into_bytes();
    let bodies: Vec<Vec<u8>> = (1..whole.len())
        .step_by(41)
        .map(|cut| whole[..cut].to_vec())
        .collect();
    let inputs = to_every_body_route(&app, &uid, &bodies);
    assert_held(&attack(&app, "truncated", inputs).await);
}

#[tokio::test]
async fn deeply_nested_bodies_are_refused_without_exhausting_the_stack() {
    let app = app().await;
    let uid = app.given_lpa().await;
    let mut bodies = Vec::new();
    for depth in [129, 1_000, 10_000, 30_000] {
        bodies.push(format!("{}{}", "[".repeat(depth), "]".repeat(depth)).into_bytes());
        bodies.push(format!("{}1{}", "{\"donor\":".repeat(depth), "}".repeat(depth)).into_bytes());
        bodies.push("[".repeat(depth).into_bytes());
    }
    let inputs = to_every_body_route(&app, &uid, &bodies);
    assert_held(&attack(&app, "deeply nested", inputs).await);
}

#[tokio::test]
async fn bodies_that_are_not_utf8_are_refused_in_the_stores_error_body() {
    let app = app().await;
    let uid = app.given_lpa().await;
    let bodies: Vec<Vec<u8>> = vec![
        vec![0xff, 0xfe, 0xfd],
        b"{\"lpaType\": \"\xff\"}".to_vec(),
        b"{\"\xc3\x28\": 1}".to_vec(),
        b"{\"donor\": {\"firstNames\": \"\xed\xa0\x80\"}}".to_vec(),
        b"\x00\x00\x00{".to_vec(),
        [b"{\"a\": \"".as_slice(), &[0x80; 100], b"\"}"].concat(),
    ];
    let inputs = to_every_body_route(&app, &uid, &bodies);
    assert_held(&attack(&app, "not UTF-8", inputs).await);
}

#[tokio::test]
async fn oversized_bodies_are_refused_with_413_in_the_stores_error_body() {
    let app = app().await;
    let uid = app.given_lpa().await;
    let bodies: Vec<Vec<u8>> = [LIMIT + 1, 2 * LIMIT, 1024 * 1024]
        .iter()
        .map(|size| {
            let mut lpa = fixture::online_lpa();
            lpa["restrictionsAndConditions"] = json!("x".repeat(*size));
            lpa.to_string().into_bytes()
        })
        .collect();
    let inputs = to_every_body_route(&app, &uid, &bodies);
    let tally = attack(&app, "oversized", inputs).await;
    assert_held(&tally);
}

#[tokio::test]
async fn odd_json_pointers_in_changes_are_refused_in_the_stores_error_body() {
    let app = app().await;
    let uid = app.given_lpa().await;
    let long = format!("/donor/{}", "a".repeat(10_000));
    let keys = [
        "",
        "/",
        "//",
        "~",
        "/~",
        "/~2",
        "/donor/~2x",
        "/donor/",
        "/donor//firstNames",
        "donor/firstNames",
        "/donor/firstNames/",
        "/donor/firstNames/0",
        "/attorneys/-1/email",
        "/attorneys/-/email",
        "/attorneys/99999999999999999999/email",
        "/attorneys/1.5/email",
        "/attorneys/0x1/email",
        "/attorneys/ 0/email",
        "/trustCorporations/0/signatories/9/firstNames",
        "/donor/\u{0000}",
        "/donor/firstNames\n",
        "/DONOR/FIRSTNAMES",
        "/uid",
        "/status",
        "/registrationDate",
        "/\u{1F600}",
        long.as_str(),
    ];
    let types = [
        "CORRECTION",
        "CERTIFICATE_PROVIDER_SIGN",
        "ATTORNEY_SIGN",
        "DONOR_CONFIRM_IDENTITY",
    ];
    let bodies: Vec<Vec<u8>> = keys
        .iter()
        .flat_map(|key| {
            types.iter().map(move |kind| {
                json!({"type": kind, "changes": [{"key": key, "old": null, "new": "x"}]})
                    .to_string()
                    .into_bytes()
            })
        })
        .collect();
    let inputs = bodies
        .into_iter()
        .map(|body| Input {
            method: Method::POST,
            path: format!("/lpas/{uid}/updates"),
            jwt: bearer(&app),
            body,
        })
        .collect();
    assert_held(&attack(&app, "odd pointers", inputs).await);
}

#[tokio::test]
async fn every_jwt_defect_is_401_in_the_stores_error_body() {
    let app = app().await;
    let uid = app.given_lpa().await;
    let signed = |issuer: &str, subject: &str, expires_in: Option<i64>, issued_offset: i64| {
        format!(
            "Bearer {}",
            token(&TokenRequest {
                issuer: issuer.to_owned(),
                subject: subject.to_owned(),
                expires_in,
                issued_offset,
            })
        )
    };
    let valid = app.token(Consumer::Sirius);
    let (head, rest) = valid.split_once('.').unwrap();
    let (claims, signature) = rest.split_once('.').unwrap();
    let unsigned_none = format!(
        "Bearer {}.{claims}.",
        base64_url(br#"{"alg":"none","typ":"JWT"}"#)
    );
    let rs256 = format!(
        "Bearer {}.{claims}.{signature}",
        base64_url(br#"{"alg":"RS256","typ":"JWT"}"#)
    );
    let tampered = format!(
        "Bearer {head}.{}.{signature}",
        base64_url(br#"{"iss":"opg.poas.sirius","sub":"urn:opg:sirius:users:1","iat":1}"#)
    );
    let headers = vec![
        String::new(),
        "Bearer".to_owned(),
        "Bearer ".to_owned(),
        // A bare token is not a defect: the store strips `Bearer` only when present.
        "bearer ".to_owned() + &valid,
        format!("Basic {valid}"),
        "Bearer a.b".to_owned(),
        "Bearer a.b.c.d".to_owned(),
        "Bearer ...".to_owned(),
        "Bearer !!!.???.***".to_owned(),
        format!("Bearer {}", "A".repeat(4000)),
        unsigned_none,
        rs256,
        tampered,
        signed("opg.poas.sirius", "urn:opg:sirius:users:1", Some(-60), -120),
        signed("opg.poas.sirius", "urn:opg:sirius:users:1", Some(60), 600),
        signed("opg.poas.elsewhere", "urn:opg:sirius:users:1", Some(60), 0),
        signed("", "urn:opg:sirius:users:1", Some(60), 0),
        signed("opg.poas.sirius", "", Some(60), 0),
        signed("opg.poas.sirius", "not a urn", Some(60), 0),
    ];
    let inputs = headers
        .into_iter()
        .flat_map(|jwt| {
            [
                (Method::GET, format!("/lpas/{uid}")),
                (Method::GET, format!("/lpas/{uid}/updates")),
                (Method::POST, format!("/lpas/{uid}/updates")),
            ]
            .into_iter()
            .map(move |(method, path)| Input {
                method,
                path,
                jwt: Some(jwt.clone()),
                body: br#"{"type": "CORRECTION", "changes": []}"#.to_vec(),
            })
        })
        .collect();
    assert_held(&attack(&app, "JWT defects", inputs).await);
}

#[tokio::test]
async fn odd_paths_are_answered_in_the_stores_error_body() {
    let app = app().await;
    let long = format!("/lpas/M-{}", "1".repeat(4_000));
    let paths = [
        "/lpas/",
        "/lpas//updates",
        "/lpas/%2e%2e",
        "/lpas/..",
        "/lpas/M-%ff",
        "/lpas/M-%",
        "/lpas/M-%zz",
        "/lpas/x/y/z",
        "//lpas",
        "/LPAS/M-0000-1111-2222",
        "/lpas/%00",
        "/lpas/M-0000-1111-2222/updates/extra",
        "/lpas/M-0000-1111-2222/static/x",
        "/__admin",
        "/__admin/images/",
        "/__admin/images/../../etc/passwd",
        "/%",
        long.as_str(),
    ];
    let inputs = paths
        .iter()
        .flat_map(|path| {
            [
                Method::GET,
                Method::POST,
                Method::PUT,
                Method::DELETE,
                Method::PATCH,
            ]
            .into_iter()
            .map(|method| Input {
                method,
                path: (*path).to_owned(),
                jwt: bearer(&app),
                body: b"{}".to_vec(),
            })
        })
        .collect();
    assert_held(&attack(&app, "odd paths", inputs).await);
}

fn base64_url(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}
