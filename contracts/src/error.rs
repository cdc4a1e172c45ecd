//! What can go wrong when calling the LPA store, as a caller needs to branch on it.
//!
//! The store answers failures with one body, `{code, detail, errors[{source, detail}]}`
//! (`lpa-store-domain.md` §3). The variants below are the answers a consumer acts on
//! differently: a missing LPA is shown as "not submitted yet", an invalid request points at
//! fields, an outage waits `Retry-After`, and a queued write is followed by its operation id.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// One validation failure reported by the store: where (a JSON pointer) and what.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// JSON pointer into the request (or, for some rules, into the LPA), e.g. `/changes/0/old`.
    pub source: String,
    /// What is wrong, in the store's words, e.g. `does not match existing value`.
    pub detail: String,
}

/// The store's error body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Problem {
    pub(crate) code: String,
    pub(crate) detail: String,
    #[serde(default)]
    pub(crate) errors: Vec<FieldError>,
}

/// Every failure of a call to the LPA store.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// 404 `NOT_FOUND`: no LPA with that UID (or, for the change history, no change yet).
    #[error("the LPA store has no such record")]
    NotFound,
    /// 400 `INVALID_REQUEST` for a create of a UID that is already stored. Consumers treat it
    /// as success, which makes resubmitting an LPA safe.
    #[error("an LPA with this UID already exists")]
    AlreadyExists,
    /// 400 `INVALID_REQUEST`: the request was refused, with the fields at fault.
    #[error("the LPA store refused the request: {detail} ({} field errors)", errors.len())]
    InvalidRequest {
        /// The store's detail, usually `Invalid request`.
        detail: String,
        /// The fields at fault; may be empty.
        errors: Vec<FieldError>,
    },
    /// 401 `UNAUTHORISED`: the store did not accept the JWT.
    #[error("the LPA store did not accept the JWT: {detail}")]
    Unauthorised {
        /// The store's detail, usually `Invalid JWT`.
        detail: String,
    },
    /// 503: the store cannot reach its database now; try again after `retry_after`.
    #[error("the LPA store is unavailable (retry after {retry_after:?})")]
    Unavailable {
        /// The `Retry-After` the store sent, if any.
        retry_after: Option<Duration>,
    },
    /// 202: the store kept the write and will apply it later (queue mode during a database
    /// outage). The write is not done yet, so a caller must not act as if it were; it can
    /// follow the operation instead.
    #[error("the LPA store accepted the write for later as operation {operation_id}")]
    Accepted {
        /// The id of the queued operation.
        operation_id: Uuid,
        /// Where the operation's progress can be read (the `Location` header).
        status_url: String,
    },
    /// Any other status, with the body as sent.
    #[error("the LPA store answered {status}: {body}")]
    UnexpectedStatus {
        /// The HTTP status.
        status: u16,
        /// The body, as text.
        body: String,
    },
    /// No answer within the client's timeout.
    #[error("the LPA store did not answer in time")]
    Timeout(#[source] reqwest::Error),
    /// The request could not be sent or the answer not read.
    #[error("could not talk to the LPA store")]
    Transport(#[source] reqwest::Error),
    /// A success answer whose body is not what the API documents.
    #[error("the LPA store's answer to {operation} could not be read")]
    Decode {
        /// The operation whose answer was unreadable.
        operation: &'static str,
        /// Why.
        #[source]
        source: serde_json::Error,
    },
    /// The JWT could not be signed.
    #[error("could not sign the JWT")]
    Token(#[from] jsonwebtoken::errors::Error),
    /// The base URL cannot carry the API's paths.
    #[error("the LPA store base URL is not valid: {0}")]
    BaseUrl(String),
}

impl From<reqwest::Error> for Error {
    fn from(error: reqwest::Error) -> Self {
        if error.is_timeout() {
            Self::Timeout(error)
        } else {
            Self::Transport(error)
        }
    }
}

/// A `Result` whose error is the client's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
