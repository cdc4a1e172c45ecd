//! What a fault is, as the admin API and a `--faults` file spell it.
//!
//! A fault is a kind with its fields, a selector, a probability and an optional count, in one
//! flat JSON object (as a toxiproxy toxic is):
//!
//! ```json
//! {"name": "use-an-lpa-sees-errors", "kind": "status", "status": 503, "retry_after_secs": 5,
//!  "probability": 0.5, "count": 10,
//!  "selector": {"method": "GET", "route": "/lpas/{uid}", "issuer": "opg.poas.use"}}
//! ```
//!
//! Unknown fields are refused rather than ignored: a misspelt `latency_ms` that silently did
//! nothing would make a rehearsal prove the wrong thing.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::model::FieldError;

/// The longest any delay a fault adds may be: ten minutes. Every wait has a bound.
pub const MAX_DELAY_MS: u64 = 600_000;

/// One fault: what to do, to which requests, how often, how many times.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FaultSpec {
    /// Unique name; one is given (`fault-N`) when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// What happens to a request the fault applies to.
    #[serde(flatten)]
    pub kind: FaultKind,
    /// Which requests it may apply to; an empty selector matches every API request.
    #[serde(default)]
    pub selector: Selector,
    /// The chance, from 0 to 1, that a matching request gets the fault. Defaults to 1.
    #[serde(default = "always")]
    pub probability: f64,
    /// After this many applications the fault removes itself. Without it, it stays.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u64>,
}

fn always() -> f64 {
    1.0
}

/// When a fault that ends the connection strikes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Before the store sees the request: nothing is written.
    #[default]
    Request,
    /// After the store has handled it: a write is applied, but its answer is lost, as when a
    /// connection drops on the way back. This is the case that tests a client's retries.
    Response,
}

/// What a fault does.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FaultKind {
    /// Waits `latency_ms`, plus up to `jitter_ms` more, then answers normally.
    Latency {
        /// Fixed delay.
        latency_ms: u64,
        /// Extra delay, drawn uniformly from 0 to this.
        #[serde(default)]
        jitter_ms: u64,
    },
    /// Answers `status` with the store's problem body, without running the handler.
    Status {
        /// 400 to 599.
        status: u16,
        /// Sent as `Retry-After`; 503 and 429 get 1 second when it is left out.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        retry_after_secs: Option<u64>,
        /// The problem body's `code`; derived from the status when left out.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        code: Option<String>,
        /// The problem body's `detail`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        detail: Option<String>,
    },
    /// Closes the connection with a TCP reset, answering nothing.
    Reset {
        /// Before or after the store handles the request.
        #[serde(default)]
        phase: Phase,
    },
    /// Closes the connection in an orderly way, answering nothing (the client reads EOF).
    Empty {
        /// Before or after the store handles the request.
        #[serde(default)]
        phase: Phase,
    },
    /// Answers with the real status and headers but a body cut in half, so not valid JSON.
    Malformed,
    /// Holds the request, answering nothing, until the client gives up or `max_ms` passes;
    /// then closes the connection.
    Hang {
        /// The bound on the hang.
        max_ms: u64,
    },
    /// Answers normally, but dribbles the body at `bytes_per_sec`.
    SlowBody {
        /// The rate, at least 1.
        bytes_per_sec: u64,
    },
}

impl FaultKind {
    /// The kind's name as spelt in JSON.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Latency { .. } => "latency",
            Self::Status { .. } => "status",
            Self::Reset { .. } => "reset",
            Self::Empty { .. } => "empty",
            Self::Malformed => "malformed",
            Self::Hang { .. } => "hang",
            Self::SlowBody { .. } => "slow_body",
        }
    }

    fn fields(kind: &str) -> Option<&'static [&'static str]> {
        Some(match kind {
            "latency" => &["latency_ms", "jitter_ms"],
            "status" => &["status", "retry_after_secs", "code", "detail"],
            "reset" | "empty" => &["phase"],
            "malformed" => &[],
            "hang" => &["max_ms"],
            "slow_body" => &["bytes_per_sec"],
            _ => return None,
        })
    }
}

const KINDS: &str = "latency, status, reset, empty, malformed, hang, slow_body";
const COMMON_FIELDS: &[&str] = &["name", "kind", "selector", "probability", "count"];

/// Which requests a fault may apply to. Every field left out matches anything.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Selector {
    /// HTTP method, any case.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// The exact request path, e.g. `/lpas/M-0000-1111-2222`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// The route template, e.g. `/lpas/{uid}/updates`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub route: Option<String>,
    /// The consumer, by the issuer of its JWT, e.g. `opg.poas.sirius`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    /// One user of a consumer, by the subject of its JWT, e.g.
    /// `urn:opg:poas:makeregister:users:4f0…`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// One update type, e.g. `CORRECTION`: only `POST /lpas/{uid}/updates` of that `type`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update_type: Option<String>,
}

/// The routes of the store API a `route` selector may name.
pub const ROUTES: &[&str] = &[
    "/health-check",
    "/lpas",
    "/lpas/{uid}",
    "/lpas/{uid}/updates",
    "/lpas/{uid}/static",
];

/// What a request looks like to a selector.
#[derive(Clone, Copy, Debug)]
pub struct RequestFacts<'a> {
    /// Its method.
    pub method: &'a str,
    /// Its path.
    pub path: &'a str,
    /// The route template it matched.
    pub route: &'a str,
    /// The issuer of its valid JWT, if it has one.
    pub issuer: Option<&'a str>,
    /// The subject of its valid JWT, if it has one.
    pub subject: Option<&'a str>,
    /// The `type` of the update it sends, for `POST /lpas/{uid}/updates`.
    pub update_type: Option<&'a str>,
}

impl Selector {
    /// Whether the request is one this selector names.
    pub fn matches(&self, request: &RequestFacts<'_>) -> bool {
        self.method
            .as_deref()
            .is_none_or(|m| m.eq_ignore_ascii_case(request.method))
            && self.path.as_deref().is_none_or(|p| p == request.path)
            && self.route.as_deref().is_none_or(|r| r == request.route)
            && self
                .issuer
                .as_deref()
                .is_none_or(|i| Some(i) == request.issuer)
            && self
                .subject
                .as_deref()
                .is_none_or(|s| Some(s) == request.subject)
            && self
                .update_type
                .as_deref()
                .is_none_or(|t| Some(t) == request.update_type)
    }

    /// Whether the selector needs the update's `type`, which is in the request's body.
    pub fn names_an_update_type(&self) -> bool {
        self.update_type.is_some()
    }
}

impl FaultSpec {
    /// Reads one fault from JSON, refusing unknown fields and values out of range, with a
    /// JSON pointer (relative to `at`) for each problem.
    pub fn from_json(value: &Value, at: &str) -> Result<Self, Vec<FieldError>> {
        let Some(object) = value.as_object() else {
            return Err(vec![FieldError::new(
                at_or_root(at),
                "a fault must be an object",
            )]);
        };
        let kind = match object.get("kind") {
            Some(Value::String(kind)) => kind.as_str(),
            Some(_) => {
                return Err(vec![FieldError::new(
                    format!("{at}/kind"),
                    "must be a string",
                )]);
            }
            None => {
                return Err(vec![FieldError::new(
                    format!("{at}/kind"),
                    format!("field required: one of {KINDS}"),
                )]);
            }
        };
        let Some(fields) = FaultKind::fields(kind) else {
            return Err(vec![FieldError::new(
                format!("{at}/kind"),
                format!("unknown kind {kind:?}: one of {KINDS}"),
            )]);
        };
        let allowed: BTreeSet<&str> = COMMON_FIELDS.iter().chain(fields).copied().collect();
        let unknown: Vec<FieldError> = object
            .keys()
            .filter(|key| !allowed.contains(key.as_str()))
            .map(|key| {
                FieldError::new(
                    format!("{at}/{key}"),
                    format!(
                        "unknown field for kind {kind}; it takes {}",
                        allowed.iter().copied().collect::<Vec<_>>().join(", ")
                    ),
                )
            })
            .collect();
        if !unknown.is_empty() {
            return Err(unknown);
        }
        if let Some(selector) = object.get("selector") {
            Selector::deserialize(selector)
                .map_err(|e| vec![FieldError::new(format!("{at}/selector"), e.to_string())])?;
        }
        let spec: Self = serde_json::from_value(value.clone())
            .map_err(|e| vec![FieldError::new(at_or_root(at), e.to_string())])?;
        let problems = spec.problems(at);
        if problems.is_empty() {
            Ok(spec)
        } else {
            Err(problems)
        }
    }

    fn problems(&self, at: &str) -> Vec<FieldError> {
        let mut problems = Vec::new();
        let mut problem = |field: &str, detail: String| {
            problems.push(FieldError::new(format!("{at}/{field}"), detail));
        };
        if let Some(name) = &self.name {
            let valid = !name.is_empty()
                && name.len() <= 100
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
            if !valid {
                problem(
                    "name",
                    "must be 1 to 100 letters, digits, '-', '_' or '.'".to_owned(),
                );
            }
        }
        if !(0.0..=1.0).contains(&self.probability) {
            problem("probability", "must be from 0 to 1".to_owned());
        }
        if self.count == Some(0) {
            problem("count", "must be at least 1 when given".to_owned());
        }
        if let Some(route) = &self.selector.route
            && !ROUTES.contains(&route.as_str())
        {
            problem(
                "selector/route",
                format!("unknown route {route:?}: one of {}", ROUTES.join(", ")),
            );
        }
        if let Some(path) = &self.selector.path
            && !path.starts_with('/')
        {
            problem("selector/path", "must start with '/'".to_owned());
        }
        let bounded = |value: u64| value <= MAX_DELAY_MS;
        match &self.kind {
            FaultKind::Latency {
                latency_ms,
                jitter_ms,
            } => {
                if !bounded(latency_ms.saturating_add(*jitter_ms)) {
                    problem(
                        "latency_ms",
                        format!("latency_ms + jitter_ms must be at most {MAX_DELAY_MS}"),
                    );
                }
            }
            FaultKind::Status { status, .. } => {
                if !(400..=599).contains(status) {
                    problem("status", "must be an error status, 400 to 599".to_owned());
                }
            }
            FaultKind::Hang { max_ms } => {
                if *max_ms == 0 || !bounded(*max_ms) {
                    problem("max_ms", format!("must be from 1 to {MAX_DELAY_MS}"));
                }
            }
            FaultKind::SlowBody { bytes_per_sec } => {
                if *bytes_per_sec == 0 {
                    problem("bytes_per_sec", "must be at least 1".to_owned());
                }
            }
            FaultKind::Reset { .. } | FaultKind::Empty { .. } | FaultKind::Malformed => {}
        }
        problems
    }
}

fn at_or_root(at: &str) -> String {
    if at.is_empty() {
        "/".to_owned()
    } else {
        at.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn sources(value: &Value) -> Vec<String> {
        FaultSpec::from_json(value, "")
            .expect_err("the fault is refused")
            .into_iter()
            .map(|e| e.source)
            .collect()
    }

    #[test]
    fn a_full_fault_reads_with_its_defaults() {
        let spec = FaultSpec::from_json(
            &json!({"kind": "latency", "latency_ms": 200, "selector": {"method": "get"}}),
            "",
        )
        .expect("valid");
        assert_eq!(
            spec.kind,
            FaultKind::Latency {
                latency_ms: 200,
                jitter_ms: 0
            }
        );
        assert!((spec.probability - 1.0).abs() < f64::EPSILON);
        assert_eq!(spec.count, None);
    }

    #[test]
    fn a_misspelt_field_is_refused_not_ignored() {
        assert_eq!(
            sources(&json!({"kind": "latency", "latency": 200})),
            ["/latency"]
        );
    }

    #[test]
    fn a_field_of_another_kind_is_refused() {
        assert_eq!(
            sources(&json!({"kind": "reset", "status": 500})),
            ["/status"]
        );
    }

    #[test]
    fn unknown_kinds_and_selector_fields_are_refused() {
        assert_eq!(sources(&json!({"kind": "explode"})), ["/kind"]);
        assert_eq!(sources(&json!({"latency_ms": 1})), ["/kind"]);
        assert_eq!(
            sources(&json!({"kind": "malformed", "selector": {"verb": "GET"}})),
            ["/selector"]
        );
    }

    #[test]
    fn values_out_of_range_are_refused_with_their_pointer() {
        assert_eq!(
            sources(&json!({"kind": "status", "status": 200, "probability": 1.5, "count": 0})),
            ["/probability", "/count", "/status"]
        );
        assert_eq!(sources(&json!({"kind": "hang", "max_ms": 0})), ["/max_ms"]);
        assert_eq!(
            sources(&json!({"kind": "latency", "latency_ms": 600_000, "jitter_ms": 1})),
            ["/latency_ms"]
        );
        assert_eq!(
            sources(&json!({"kind": "malformed", "selector": {"route": "/lpa/{uid}"}})),
            ["/selector/route"]
        );
    }

    /// A correction sent by Sirius for one of its users.
    fn sirius_correction() -> RequestFacts<'static> {
        RequestFacts {
            method: "POST",
            path: "/lpas/M-1/updates",
            route: "/lpas/{uid}/updates",
            issuer: Some("opg.poas.sirius"),
            subject: Some("urn:opg:sirius:users:34"),
            update_type: Some("CORRECTION"),
        }
    }

    #[test]
    fn a_selector_matches_only_what_it_names() {
        let selector = Selector {
            method: Some("post".to_owned()),
            route: Some("/lpas/{uid}/updates".to_owned()),
            issuer: Some("opg.poas.sirius".to_owned()),
            path: None,
            subject: None,
            update_type: None,
        };
        let request = sirius_correction();
        assert!(selector.matches(&request));
        assert!(!selector.matches(&RequestFacts {
            issuer: Some("opg.poas.use"),
            ..request
        }));
        assert!(!selector.matches(&RequestFacts {
            issuer: None,
            ..request
        }));
        assert!(!selector.matches(&RequestFacts {
            method: "GET",
            ..request
        }));
        assert!(Selector::default().matches(&request));
    }

    #[test]
    fn a_selector_can_name_one_user_and_one_update_type() {
        let selector = Selector {
            subject: Some("urn:opg:sirius:users:34".to_owned()),
            update_type: Some("CORRECTION".to_owned()),
            ..Selector::default()
        };
        let request = sirius_correction();

        assert!(selector.matches(&request));
        assert!(!selector.matches(&RequestFacts {
            subject: Some("urn:opg:sirius:users:35"),
            ..request
        }));
        assert!(!selector.matches(&RequestFacts {
            update_type: Some("REGISTER"),
            ..request
        }));
        assert!(!selector.matches(&RequestFacts {
            update_type: None,
            route: "/lpas/{uid}",
            method: "GET",
            ..request
        }));
        assert!(selector.names_an_update_type());
    }
}
