//! Conformance: the real store's own tests (ministryofjustice/opg-data-lpa-store), ported to
//! HTTP. Each test names the Go test, and the case, it comes from; each asserts what that test
//! expects that a caller can see: the status, the error body word for word, the stored fields.
//! Expectations only a mock can see (a DynamoDB error that becomes a 500, a log line) are not
//! ported; where a Go test was skipped for that reason, a comment says so.
//!
//! Layout: `jwt` (internal/shared/jwt_test.go), `suite` (api_test.go, with the `docs/*.json`
//! bodies it sends in `examples/`), `create` (lambda/create/main_test.go), `validate`
//! (lambda/create/validate_test.go and internal/validate), `defaults`
//! (lambda/create/set_defaults_test.go), `read` (lambda/get, getlist, getstatic, getupdates),
//! `updates_handler` (lambda/update/main_test.go).

mod create;
mod defaults;
mod jwt;
mod read;
mod suite;
mod updates_handler;
mod validate;

use reqwest::{Method, Response};
use serde_json::{Value, json};
use testkit::TestApp;

/// The body of every 401: the store's `ProblemUnauthorisedRequest`.
fn unauthorised() -> Value {
    json!({"code": "UNAUTHORISED", "detail": "Invalid JWT"})
}

/// The body of every 404: the store's `ProblemNotFoundRequest`.
fn not_found() -> Value {
    json!({"code": "NOT_FOUND", "detail": "Record not found"})
}

/// A 400 with field errors, as `[(source, detail)]`.
fn invalid(errors: &[(&str, &str)]) -> Value {
    let errors: Vec<Value> = errors
        .iter()
        .map(|(source, detail)| json!({"source": source, "detail": detail}))
        .collect();
    json!({"code": "INVALID_REQUEST", "detail": "Invalid request", "errors": errors})
}

/// Sends `body` byte for byte (not re-serialised, so key spelling and `null`s reach the store)
/// with the `X-Jwt-Authorization` header given, if any.
async fn send_bytes(
    app: &TestApp,
    method: Method,
    path: &str,
    jwt_header: Option<&str>,
    body: Option<&[u8]>,
) -> Response {
    let mut request = app.client.request(method, app.url(path));
    if let Some(header) = jwt_header {
        request = request.header("X-Jwt-Authorization", header);
    }
    if let Some(body) = body {
        request = request
            .header("Content-Type", "application/json")
            .body(body.to_vec());
    }
    request.send().await.expect("the simulator should answer")
}
