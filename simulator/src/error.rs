//! The one error type every HTTP answer goes through, rendered as the store's error body
//! ([`crate::model::Problem`]).

use std::sync::Arc;

use axum::Json;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::gateway::GatewayError;
use crate::model::{FieldError, Problem};
use crate::store::StoreError;

/// Every failure a route of the store API can answer with. The status catalogue lives here.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400 `INVALID_REQUEST` with field errors.
    #[error("invalid request")]
    Invalid(Vec<FieldError>),
    /// 400 `INVALID_REQUEST` with a detail of its own: an admin or provider-state request the
    /// simulator cannot act on, with what to do instead.
    #[error("{detail}")]
    Explained {
        /// What is wrong and what to do.
        detail: String,
        /// Field errors, when there are any.
        errors: Vec<FieldError>,
    },
    /// 400 `INVALID_REQUEST` for a PUT of a UID that is already stored.
    #[error("LPA with UID already exists")]
    AlreadyExists,
    /// 400 `INVALID_REQUEST` for a body that is not the JSON the route takes. The real store
    /// answers 500 here; the simulator answers 400 so callers learn what they sent wrong.
    #[error("request body is not valid: {0}")]
    MalformedBody(String),
    /// 401 `UNAUTHORISED`: the JWT is missing or fails a check.
    #[error("invalid JWT: {0}")]
    Unauthorised(String),
    /// 404 `NOT_FOUND`.
    #[error("record not found")]
    NotFound,
    /// 413 `PAYLOAD_TOO_LARGE`: the body is over the configured limit.
    #[error("request body is larger than {limit} bytes")]
    PayloadTooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// 503 `SERVICE_UNAVAILABLE`: the store's backing storage cannot answer now.
    #[error("storage unavailable: {reason}")]
    Unavailable {
        /// Why, for the log.
        reason: String,
        /// Seconds a client should wait before trying again.
        retry_after_secs: u64,
    },
    /// 500 `INTERNAL_SERVER_ERROR`; the cause is logged, never sent.
    #[error("internal error: {0}")]
    Internal(#[from] anyhow::Error),
    /// A refusal the store's API has no words of its own for (an admin route without its
    /// token, a wrong method, a body that never arrives...): the status, a code named after
    /// it (`METHOD_NOT_ALLOWED`), and a detail that says what to do.
    #[error("{detail}")]
    Refused {
        /// The status.
        status: StatusCode,
        /// What went wrong and what to do.
        detail: String,
    },
}

impl ApiError {
    /// The status and the body sent for this error.
    pub fn to_problem(&self) -> (StatusCode, Problem) {
        let problem = |code: &str, detail: &str, errors: Vec<FieldError>| Problem {
            code: code.to_owned(),
            detail: detail.to_owned(),
            errors,
        };
        match self {
            Self::Invalid(errors) => (
                StatusCode::BAD_REQUEST,
                problem("INVALID_REQUEST", "Invalid request", errors.clone()),
            ),
            Self::Explained { detail, errors } => (
                StatusCode::BAD_REQUEST,
                problem("INVALID_REQUEST", detail, errors.clone()),
            ),
            Self::AlreadyExists => (
                StatusCode::BAD_REQUEST,
                problem("INVALID_REQUEST", "LPA with UID already exists", Vec::new()),
            ),
            Self::MalformedBody(reason) => (
                StatusCode::BAD_REQUEST,
                problem(
                    "INVALID_REQUEST",
                    "Invalid request",
                    vec![FieldError::new("/", reason.clone())],
                ),
            ),
            Self::Unauthorised(_) => (
                StatusCode::UNAUTHORIZED,
                problem("UNAUTHORISED", "Invalid JWT", Vec::new()),
            ),
            Self::NotFound => (
                StatusCode::NOT_FOUND,
                problem("NOT_FOUND", "Record not found", Vec::new()),
            ),
            Self::PayloadTooLarge { limit } => (
                StatusCode::PAYLOAD_TOO_LARGE,
                problem(
                    "PAYLOAD_TOO_LARGE",
                    &format!("Request body is larger than {limit} bytes"),
                    Vec::new(),
                ),
            ),
            Self::Unavailable { .. } => (
                StatusCode::SERVICE_UNAVAILABLE,
                problem("SERVICE_UNAVAILABLE", "Service unavailable", Vec::new()),
            ),
            Self::Internal(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                problem("INTERNAL_SERVER_ERROR", "Internal server error", Vec::new()),
            ),
            Self::Refused { status, detail } => {
                (*status, problem(&status_code(*status), detail, Vec::new()))
            }
        }
    }
}

/// The store's style of code for a status: its reason phrase in capitals, words joined by
/// `_` (`405 Method Not Allowed` is `METHOD_NOT_ALLOWED`).
pub(crate) fn status_code(status: StatusCode) -> String {
    status
        .canonical_reason()
        .unwrap_or("ERROR")
        .to_ascii_uppercase()
        .replace([' ', '-'], "_")
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound(_) => Self::NotFound,
            StoreError::AlreadyExists(_) => Self::AlreadyExists,
            StoreError::Rejected(errors) => Self::Invalid(errors),
            StoreError::Unavailable(reason) => Self::Unavailable {
                reason,
                retry_after_secs: 5,
            },
            StoreError::Other(e) => Self::Internal(e),
        }
    }
}

impl From<GatewayError> for ApiError {
    fn from(error: GatewayError) -> Self {
        match error {
            GatewayError::Invalid(errors) => Self::Invalid(errors),
            GatewayError::Store(error) => error.into(),
            GatewayError::Outbox(error) => Self::Internal(
                anyhow::Error::new(error).context("Failed to keep the write in the outbox"),
            ),
        }
    }
}

/// The status and body a store error is answered with; a queued write that later fails is
/// recorded with them, as the API would have answered it.
pub(crate) fn answer_for(error: StoreError) -> (u16, Problem) {
    let (status, problem) = ApiError::from(error).to_problem();
    (status.as_u16(), problem)
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, body) = self.to_problem();
        let mut response = (status, Json(body)).into_response();
        if let Self::Unavailable {
            retry_after_secs, ..
        } = &self
        {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(*retry_after_secs));
        }
        // Logged by [`log`], which knows the request, rather than here.
        response.extensions_mut().insert(Arc::new(self));
        response
    }
}

/// Logs each error answer once, with the request it answered (axum's error-handling example):
/// the causes of 500s, which are never sent, and the reasons of refusals worth a look.
pub(crate) async fn log(request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let response = next.run(request).await;
    if let Some(error) = response.extensions().get::<Arc<ApiError>>() {
        match error.as_ref() {
            ApiError::Internal(cause) => {
                tracing::error!(%method, %path, error = ?cause, "request failed");
            }
            ApiError::Refused { status, detail } if status.is_server_error() => {
                tracing::error!(%method, %path, %detail, "request failed");
            }
            ApiError::Unauthorised(reason) => {
                tracing::info!(%method, %path, %reason, "JWT refused")
            }
            ApiError::Unavailable { reason, .. } => {
                tracing::warn!(%method, %path, %reason, "storage unavailable");
            }
            ApiError::Explained { detail, .. } => {
                tracing::warn!(%method, %path, %detail, "request refused");
            }
            _ => {}
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_is_coded_after_its_status() {
        let (status, body) = ApiError::Refused {
            status: StatusCode::METHOD_NOT_ALLOWED,
            detail: "DELETE is not allowed here".to_owned(),
        }
        .to_problem();
        assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(body.code, "METHOD_NOT_ALLOWED");
        assert_eq!(status_code(StatusCode::URI_TOO_LONG), "URI_TOO_LONG");
    }

    #[test]
    fn problem_leaves_out_empty_errors() {
        let (_, body) = ApiError::NotFound.to_problem();
        assert_eq!(
            serde_json::to_string(&body).unwrap(),
            r#"{"code":"NOT_FOUND","detail":"Record not found"}"#
        );
    }
}
