//! What a consumer got back from the store, kept so that a `Then` step can check it and, when
//! the check fails, print what was expected next to what the store really answered.
//!
//! Consumers are played by the typed client, which turns answers into values and errors
//! (`contracts::Error`); an [`Answer`] flattens either back into what QA reasons about: the
//! status, `Retry-After`, the operation id of a queued write, the stale-read marker, the body,
//! and how long the consumer waited.

use std::fmt;
use std::time::Duration;

use contracts::Error;
use serde_json::Value;
use uuid::Uuid;

/// One answer, as one consumer saw it.
#[derive(Clone, Debug)]
pub(crate) struct Answer {
    /// Who asked and what for, e.g. `Use an LPA reads the LPA`.
    pub(crate) request: String,
    /// The HTTP status, or `None` when no answer came (timeout, reset, refused connection).
    pub(crate) status: Option<u16>,
    /// The body as JSON when it was JSON, else as a string; for no answer, why.
    pub(crate) body: Value,
    /// `Retry-After`, when the store sent one.
    pub(crate) retry_after: Option<Duration>,
    /// The operation id of a write the store accepted for later (`202`).
    pub(crate) operation_id: Option<Uuid>,
    /// Whether the answer was marked stale (`x-lpa-store-stale: true`); `None` when the
    /// consumer's client cannot see headers (the typed client keeps only the body).
    pub(crate) stale: Option<bool>,
    /// From the first byte sent to the last byte read, over every attempt.
    pub(crate) took: Duration,
    /// How many requests the consumer made to get it (more than one when it retried).
    pub(crate) attempts: u32,
}

impl Answer {
    /// Nothing heard yet: no status, no body, one attempt.
    fn unanswered(request: String, took: Duration) -> Self {
        Self {
            request,
            status: None,
            body: Value::Null,
            retry_after: None,
            operation_id: None,
            stale: None,
            took,
            attempts: 1,
        }
    }

    /// An answer the typed client turned into `result`; `success` is the status of an `Ok`.
    pub(crate) fn from_client<T: serde::Serialize>(
        request: String,
        result: &contracts::Result<T>,
        success: u16,
        took: Duration,
    ) -> Self {
        let mut answer = Self::unanswered(request, took);
        match result {
            Ok(value) => {
                answer.status = Some(success);
                answer.body = serde_json::to_value(value).unwrap_or(Value::Null);
            }
            Err(error) => answer.read_error(error),
        }
        answer
    }

    fn read_error(&mut self, error: &Error) {
        self.body = Value::String(describe(error));
        self.status = match error {
            Error::NotFound => Some(404),
            Error::AlreadyExists | Error::InvalidRequest { .. } => Some(400),
            Error::Unauthorised { .. } => Some(401),
            Error::Unavailable { retry_after } => {
                self.retry_after = *retry_after;
                Some(503)
            }
            Error::Accepted { operation_id, .. } => {
                self.operation_id = Some(*operation_id);
                Some(202)
            }
            Error::UnexpectedStatus { status, body } => {
                self.body = serde_json::from_str(body).unwrap_or_else(|_| body.clone().into());
                Some(*status)
            }
            Error::Timeout(_)
            | Error::Transport(_)
            | Error::Decode { .. }
            | Error::Token(_)
            | Error::BaseUrl(_) => None,
        };
    }

    /// An answer read straight off the wire, for what the typed client does not show
    /// (headers such as the stale marker) or cannot send (no token, a forged token).
    pub(crate) async fn from_response(
        request: String,
        response: reqwest::Result<reqwest::Response>,
        took_from: std::time::Instant,
    ) -> Self {
        let mut answer = Self::unanswered(request, Duration::ZERO);
        match response {
            Ok(response) => {
                answer.status = Some(response.status().as_u16());
                let header = |name: &str| {
                    response
                        .headers()
                        .get(name)
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_owned)
                };
                answer.retry_after = header("retry-after")
                    .and_then(|v| v.parse::<u64>().ok())
                    .map(Duration::from_secs);
                answer.stale = Some(header("x-lpa-store-stale").as_deref() == Some("true"));
                let text = response.text().await.unwrap_or_default();
                answer.body = serde_json::from_str(&text).unwrap_or(Value::String(text));
                answer.operation_id = answer.body["operationId"]
                    .as_str()
                    .and_then(|id| id.parse().ok());
            }
            Err(error) => answer.body = Value::String(chain(&error)),
        }
        answer.took = took_from.elapsed();
        answer
    }

    /// The status as words for reports: `503`, or `no answer`.
    fn status_text(&self) -> String {
        self.status
            .map_or_else(|| "no answer".to_owned(), |s| s.to_string())
    }
}

impl fmt::Display for Answer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} after {} ms",
            self.request,
            self.status_text(),
            self.took.as_millis()
        )?;
        if self.attempts > 1 {
            write!(f, " and {} attempts", self.attempts)?;
        }
        if let Some(wait) = self.retry_after {
            write!(f, ", Retry-After {}s", wait.as_secs())?;
        }
        if let Some(id) = self.operation_id {
            write!(f, ", operation {id}")?;
        }
        if let Some(stale) = self.stale {
            write!(f, ", stale: {stale}")?;
        }
        let body = self.body.to_string();
        let shown: String = body.chars().take(600).collect();
        let more = if shown.len() < body.len() { "…" } else { "" };
        write!(f, "\n    body: {shown}{more}")
    }
}

/// The client's error with its causes, so that "could not talk to the store" says why.
pub(crate) fn describe(error: &Error) -> String {
    match error {
        Error::Timeout(_) => format!("timed out: {}", chain(error)),
        _ => chain(error),
    }
}

fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// Fails the step with what was expected and every answer in question.
pub(crate) fn unexpected(expected: &str, answers: &[&Answer]) -> anyhow::Error {
    let mut report = format!("expected: {expected}\n  the store answered:");
    if answers.is_empty() {
        report.push_str(" nothing (no request was made)");
    }
    for answer in answers {
        report.push_str(&format!("\n  - {answer}"));
    }
    anyhow::anyhow!(report)
}

/// `Ok` when `holds`, else the report of [`unexpected`].
pub(crate) fn ensure(holds: bool, expected: &str, answer: &Answer) -> anyhow::Result<()> {
    if holds {
        Ok(())
    } else {
        Err(unexpected(expected, &[answer]))
    }
}
