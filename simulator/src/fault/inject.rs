//! The middleware that applies the faults to the API routes.

use std::time::Duration;

use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures_util::stream;

use super::{FaultKind, Faults, Phase, RequestFacts};
use crate::model::Problem;
use crate::serve::Abort;

/// Names the fault that changed a response, for clients and for the journal.
pub const FAULT_HEADER: HeaderName = HeaderName::from_static("x-lpa-sim-fault");

/// The issuer and subject of the request's valid JWT, as the request journal found them.
#[derive(Clone, Debug, Default)]
pub(crate) struct CallerIdentity {
    pub(crate) issuer: Option<String>,
    pub(crate) subject: Option<String>,
}

/// The `type` of the update a `POST /lpas/{uid}/updates` sends, read from its body by the
/// layer before the faults when a fault or the scopes need it.
#[derive(Clone, Debug)]
pub(crate) struct RequestedUpdate(pub(crate) String);

/// The name of the fault that decided a response, kept on the response for the journal.
#[derive(Clone, Debug)]
pub(crate) struct AppliedFault(pub(crate) String);

/// A body read back to be cut or dribbled is at most this big; the store's answers are far
/// smaller, and a larger one is passed through untouched rather than held in memory.
const MAX_REWRITTEN_BODY: usize = 64 * 1024 * 1024;

/// Applies the faults in force to one request of the API.
pub(crate) async fn inject(State(faults): State<Faults>, request: Request, next: Next) -> Response {
    if faults.is_empty() {
        return next.run(request).await;
    }
    // The request journal, the outer layer of every route, has checked the JWT already.
    let caller = request
        .extensions()
        .get::<CallerIdentity>()
        .cloned()
        .unwrap_or_default();
    let update_type = request
        .extensions()
        .get::<RequestedUpdate>()
        .map(|update| update.0.clone());
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_owned())
        .unwrap_or_default();
    let decision = faults.decide(&RequestFacts {
        method: request.method().as_str(),
        path: request.uri().path(),
        route: &route,
        issuer: caller.issuer.as_deref(),
        subject: caller.subject.as_deref(),
        update_type: update_type.as_deref(),
    });
    if decision.is_clean() {
        return next.run(request).await;
    }
    tracing::debug!(fired = ?decision.fired, delay = ?decision.delay, "faults fired");
    if !decision.delay.is_zero() {
        tokio::time::sleep(decision.delay).await;
    }
    let fired = decision.fired.join(",");
    let Some((name, kind)) = decision.answer else {
        return named(next.run(request).await, &fired);
    };
    let response = match kind {
        FaultKind::Latency { .. } => next.run(request).await,
        FaultKind::Status {
            status,
            retry_after_secs,
            code,
            detail,
        } => status_answer(status, retry_after_secs, code, detail),
        FaultKind::Reset { phase } => without_answer(request, next, phase, Abort::Reset).await,
        FaultKind::Empty { phase } => without_answer(request, next, phase, Abort::Close).await,
        FaultKind::Malformed => rewrite_body(next.run(request).await, cut_in_half).await,
        FaultKind::Hang { max_ms } => {
            // Read the request first: closing a socket with unread bytes sends a reset, and a
            // hang must end as a close.
            drain(request).await;
            tokio::time::sleep(Duration::from_millis(max_ms)).await;
            aborted(Abort::Close)
        }
        FaultKind::SlowBody { bytes_per_sec } => {
            rewrite_body(next.run(request).await, |bytes| {
                dribble(bytes, bytes_per_sec)
            })
            .await
        }
    };
    let mut response = named(response, &fired);
    response.extensions_mut().insert(AppliedFault(name));
    response
}

fn named(mut response: Response, fired: &str) -> Response {
    if let Ok(value) = HeaderValue::from_str(fired) {
        response.headers_mut().insert(FAULT_HEADER, value);
    }
    response
}

fn aborted(abort: Abort) -> Response {
    let mut response = StatusCode::INTERNAL_SERVER_ERROR.into_response();
    response.extensions_mut().insert(abort);
    response
}

async fn drain(request: Request) {
    axum::body::to_bytes(request.into_body(), MAX_REWRITTEN_BODY)
        .await
        .ok();
}

async fn without_answer(request: Request, next: Next, phase: Phase, abort: Abort) -> Response {
    match phase {
        Phase::Request => {
            if abort == Abort::Close {
                drain(request).await;
            }
        }
        Phase::Response => {
            let response = next.run(request).await;
            // The store did its work; only the answer is lost.
            drop(response);
        }
    }
    aborted(abort)
}

fn status_answer(
    status: u16,
    retry_after_secs: Option<u64>,
    code: Option<String>,
    detail: Option<String>,
) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let reason = status.canonical_reason().unwrap_or("Error");
    let problem = Problem {
        code: code.unwrap_or_else(|| default_code(status, reason)),
        detail: detail.unwrap_or_else(|| reason.to_owned()),
        errors: Vec::new(),
    };
    let mut response = (status, Json(problem)).into_response();
    let retry_after = retry_after_secs.or(matches!(
        status,
        StatusCode::SERVICE_UNAVAILABLE | StatusCode::TOO_MANY_REQUESTS
    )
    .then_some(1));
    if let Some(seconds) = retry_after {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    response
}

/// The store's spelling where it has one (`UNAUTHORISED`, `INVALID_REQUEST`), otherwise the
/// reason phrase in capitals.
fn default_code(status: StatusCode, reason: &str) -> String {
    match status {
        StatusCode::BAD_REQUEST => "INVALID_REQUEST".to_owned(),
        StatusCode::UNAUTHORIZED => "UNAUTHORISED".to_owned(),
        _ => reason
            .chars()
            .map(|c| match c {
                ' ' | '-' => '_',
                c => c.to_ascii_uppercase(),
            })
            .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect(),
    }
}

/// Replaces the body with `rewrite` of it; the closure also gives the new length, which is
/// sent as `Content-Length` so a client knows how much to wait for.
async fn rewrite_body(response: Response, rewrite: impl FnOnce(Bytes) -> (Body, u64)) -> Response {
    let (mut parts, body) = response.into_parts();
    let bytes = match axum::body::to_bytes(body, MAX_REWRITTEN_BODY).await {
        Ok(bytes) => bytes,
        Err(e) => {
            tracing::warn!(error = %e, "could not read a response to rewrite; dropping it");
            return aborted(Abort::Close);
        }
    };
    let (body, length) = rewrite(bytes);
    parts
        .headers
        .insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    Response::from_parts(parts, body)
}

/// The first half of the body: still looks like the start of JSON, never parses.
fn cut_in_half(bytes: Bytes) -> (Body, u64) {
    let mut half = bytes;
    if half.len() < 2 {
        half = Bytes::from_static(b"{");
    } else {
        half.truncate(half.len() / 2);
    }
    let length = half.len() as u64;
    (Body::from(half), length)
}

/// The body in small chunks, paced to `bytes_per_sec` (twenty chunks a second at most).
fn dribble(bytes: Bytes, bytes_per_sec: u64) -> (Body, u64) {
    let length = bytes.len() as u64;
    let chunk = usize::try_from((bytes_per_sec / 20).max(1)).unwrap_or(usize::MAX);
    let pause = Duration::from_secs_f64(chunk as f64 / bytes_per_sec as f64);
    let chunks = stream::unfold(bytes, move |mut rest| async move {
        if rest.is_empty() {
            return None;
        }
        tokio::time::sleep(pause).await;
        let next = rest.split_to(chunk.min(rest.len()));
        Some((Ok::<_, std::convert::Infallible>(next), rest))
    });
    (Body::from_stream(chunks), length)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_status_fault_speaks_the_stores_codes() {
        assert_eq!(
            default_code(StatusCode::SERVICE_UNAVAILABLE, "Service Unavailable"),
            "SERVICE_UNAVAILABLE"
        );
        assert_eq!(
            default_code(StatusCode::UNAUTHORIZED, "Unauthorized"),
            "UNAUTHORISED"
        );
        assert_eq!(
            default_code(StatusCode::IM_A_TEAPOT, "I'm a teapot"),
            "IM_A_TEAPOT"
        );
    }

    #[test]
    fn a_503_gets_a_retry_after_even_when_none_was_given() {
        let response = status_answer(503, None, None, None);
        assert_eq!(response.headers()[header::RETRY_AFTER], "1");
        let response = status_answer(500, None, None, None);
        assert!(response.headers().get(header::RETRY_AFTER).is_none());
        let response = status_answer(500, Some(9), None, None);
        assert_eq!(response.headers()[header::RETRY_AFTER], "9");
    }
}
