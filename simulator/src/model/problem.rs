//! The store's error body, `{code, detail, errors[{source, detail}]}` (`lpa-store-domain.md` §3),
//! and the validation finding it carries. Create validation, the update engine and the store
//! all report in these terms; the HTTP layer only decides the status.

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
