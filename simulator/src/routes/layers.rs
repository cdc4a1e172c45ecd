//! The layers every answer passes through: the journal, the body limit read from the headers,
//! and the store's JSON error body for answers axum builds itself.

use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::AppState;
use super::extract::{CheckedJwt, read_body};
use crate::auth::JWT_HEADER;
use crate::error::ApiError;
use crate::fault::{AppliedFault, CallerIdentity, RequestedUpdate};
use crate::journal::{Journal, RecordedRequest};
use crate::metrics::{Metrics, Observed};
use crate::model::Timestamp;
use crate::model::UpdateRequest;
use crate::model::decode::GoDecode;
use crate::serve::Abort;

/// The status the journal gives a request whose caller went away before it was answered
/// (nginx's "client closed request"): the request is kept, since a consumer that gives up and
/// asks again is what the journal is there to show.
pub(crate) const CLIENT_CLOSED_REQUEST: u16 = 499;

/// A journal entry being made: recorded when the answer is ready, or, when the caller goes
/// away first and the request is dropped, recorded then with [`CLIENT_CLOSED_REQUEST`].
struct Entry {
    journal: Journal,
    metrics: Metrics,
    started: std::time::Instant,
    request: Option<RecordedRequest>,
}

impl Entry {
    fn finish(mut self, status: u16, retry_after: Option<u64>, fault: Option<String>) {
        if let Some(mut request) = self.request.take() {
            request.status = status;
            request.retry_after = retry_after;
            request.fault = fault;
            self.record(request);
        }
    }

    fn record(&self, mut request: RecordedRequest) {
        request.duration_ms = elapsed_ms(self.started);
        self.metrics.observe(&Observed {
            method: &request.method,
            path: &request.path,
            status: request.status,
            issuer: request.issuer.as_deref(),
            fault: request.fault.as_deref(),
            seconds: self.started.elapsed().as_secs_f64(),
        });
        self.journal.record(request);
    }
}

impl Drop for Entry {
    fn drop(&mut self) {
        if let Some(mut request) = self.request.take() {
            request.status = CLIENT_CLOSED_REQUEST;
            self.record(request);
        }
    }
}

fn elapsed_ms(started: std::time::Instant) -> u64 {
    u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX)
}

/// Logs every request and keeps non-admin ones in the journal, also those whose caller went
/// away before the answer.
pub(super) async fn record_request(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let at = Timestamp::now();
    let started = std::time::Instant::now();
    let method = request.method().to_string();
    let path = request.uri().path().to_owned();
    let query = request.uri().query().map(parameter_names);
    // The JWT is checked once, here: the fault selectors and the handlers' `Caller` read the
    // outcome instead of checking the token again.
    let checked = request
        .headers()
        .get(JWT_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(|token| {
            state
                .verifier
                .verify(Some(token))
                .map_err(|e| e.to_string())
        });
    let caller = checked.as_ref().and_then(|checked| checked.as_ref().ok());
    let issuer = caller.map(|caller| caller.issuer.clone());
    let identity = CallerIdentity {
        issuer: issuer.clone(),
        subject: caller.map(|caller| caller.subject.clone()),
    };
    let mut request = request;
    request.extensions_mut().insert(identity);
    if let Some(checked) = checked {
        request.extensions_mut().insert(CheckedJwt(checked));
    }
    let issuer_for_lanes = issuer.clone();
    let entry = (!path.starts_with("/__admin")).then(|| Entry {
        journal: state.journal.clone(),
        metrics: state.metrics.clone(),
        started,
        request: Some(RecordedRequest {
            sequence: 0,
            at,
            method: method.clone(),
            path: path.clone(),
            query,
            issuer,
            status: CLIENT_CLOSED_REQUEST,
            duration_ms: 0,
            retry_after: None,
            fault: None,
        }),
    });
    // The store's calls take the path of the consumer making them (see `outage::lanes`).
    let response = crate::outage::as_caller(issuer_for_lanes, next.run(request)).await;
    let status = if response.extensions().get::<Abort>().is_some() {
        0
    } else {
        response.status().as_u16()
    };
    let retry_after = response
        .headers()
        .get(header::RETRY_AFTER)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim().parse::<u64>().ok());
    let fault = response
        .extensions()
        .get::<AppliedFault>()
        .map(|applied| applied.0.clone());
    tracing::debug!(%method, %path, status, "request");
    if let Some(entry) = entry {
        entry.finish(status, retry_after, fault);
    }
    response
}

/// Reads the `type` of an update (`POST /lpas/{uid}/updates`) from its body, within the API's
/// body bounds, for the layers that need it before the handler (a fault aimed at an update
/// type, the consumers' scopes); the body is put back for the handler. A body that is not an
/// update is left for the handler to refuse.
pub(super) async fn read_update_type(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let is_update = request.method() == axum::http::Method::POST
        && request
            .extensions()
            .get::<axum::extract::MatchedPath>()
            .is_some_and(|m| m.as_str() == "/lpas/{uid}/updates");
    if !is_update || (state.scopes.is_none() && !state.faults.name_an_update_type()) {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let bytes = match read_body(Request::from_parts(parts.clone(), body), &state).await {
        Ok(bytes) => bytes,
        Err(error) => return error.into_response(),
    };
    let mut request = Request::from_parts(parts, axum::body::Body::from(bytes.clone()));
    if let Ok(update) = UpdateRequest::from_go_json(&bytes) {
        request
            .extensions_mut()
            .insert(RequestedUpdate(update.update_type));
    }
    next.run(request).await
}

/// 405 for a known path with another method, in the store's error body.
pub(super) async fn method_not_allowed(request: Request) -> ApiError {
    ApiError::Refused {
        status: StatusCode::METHOD_NOT_ALLOWED,
        detail: format!(
            "{} is not allowed on {}",
            request.method(),
            request.uri().path()
        ),
    }
}

/// A body declared larger than the limit is refused from its `Content-Length`, before any of
/// it is read: a client that sent `Expect: 100-continue` gets the 413 instead of a `100
/// Continue` (hyper sends that only when the body is first read).
pub(super) async fn refuse_oversized_from_headers(
    State(limit): State<usize>,
    request: Request,
    next: Next,
) -> Response {
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    match declared {
        Some(length) if length > limit as u64 => {
            ApiError::PayloadTooLarge { limit }.into_response()
        }
        _ => next.run(request).await,
    }
}

/// Any error answer not already in the store's JSON error body (axum's own rejections, such
/// as an undecodable path) is put in it: the code named after the status, its text as the
/// detail.
pub(super) async fn in_the_stores_error_body(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("application/json"));
    if response.status().as_u16() < 400 || is_json || response.extensions().get::<Abort>().is_some()
    {
        return response;
    }
    let (parts, body) = response.into_parts();
    let text = axum::body::to_bytes(body, 64 * 1024)
        .await
        .map(|bytes| String::from_utf8_lossy(&bytes).trim().to_owned())
        .unwrap_or_default();
    let detail = if text.is_empty() {
        parts
            .status
            .canonical_reason()
            .unwrap_or("Error")
            .to_owned()
    } else {
        text
    };
    let mut rebuilt = ApiError::Refused {
        status: parts.status,
        detail,
    }
    .into_response();
    for (name, value) in &parts.headers {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            rebuilt.headers_mut().insert(name.clone(), value.clone());
        }
    }
    rebuilt
}

/// The names of a query's parameters, without their values, which may hold secrets:
/// `after=3&presign-images` is kept as `after&presign-images`.
fn parameter_names(query: &str) -> String {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| pair.split_once('=').map_or(pair, |(name, _)| name))
        .collect::<Vec<_>>()
        .join("&")
}

/// One bound on database waits for the whole request, however many store calls its handler
/// makes (`--db-timeout-ms` is "the most a request waits on the database"): see
/// `store::deadline`. Innermost, so an injected latency before the handler is not counted.
pub(crate) async fn one_database_bound(request: Request, next: Next) -> Response {
    crate::store::deadline::one_request(next.run(request)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_journal_keeps_parameter_names_but_not_their_values() {
        assert_eq!(
            parameter_names("token=s3cret&presign-images&after=3"),
            "token&presign-images&after"
        );
        assert_eq!(parameter_names(""), "");
    }
}
