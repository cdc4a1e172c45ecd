//! The store's error body, `{code, detail, errors[{source, detail}]}` (`lpa-store-domain.md` §3),
//! and the one error type every handler answers with.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

/// One validation failure: where (a JSON pointer) and what.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// JSON pointer into the request (or, for some rules, into the LPA).
    pub source: String,
    /// What is wrong, in the store's words.
    pub detail: String,
}

impl FieldError {
    /// A field error at `source`.
    pub fn new(source: impl Into<String>, detail: impl Into<String>) -> Self {
        Self {
            source: source.into(),
            detail: detail.into(),
        }
    }
}

/// The error body the real store answers with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// Machine-readable code, e.g. `INVALID_REQUEST`.
    pub code: String,
    /// Human-readable detail.
    pub detail: String,
    /// Field errors; left out when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

/// Every failure a route of the store API can answer with. The status catalogue lives here.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400 `INVALID_REQUEST` with field errors.
    #[error("invalid request")]
    Invalid(Vec<FieldError>),
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

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match &self {
            Self::Internal(cause) => tracing::error!(error = ?cause, "request failed"),
            Self::Unauthorised(reason) => tracing::info!(%reason, "JWT refused"),
            Self::Unavailable { reason, .. } => tracing::warn!(%reason, "storage unavailable"),
            _ => {}
        }
        let (status, body) = self.to_problem();
        let mut response = (status, Json(body)).into_response();
        if let Self::Unavailable {
            retry_after_secs, ..
        } = self
        {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
        }
        response
    }
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
