//! Holding consumers to their scopes while the simulator serves: which calls are in scope,
//! what of an answer a consumer is sent, and the tally `GET /__admin/scopes` reports.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use serde::Serialize;
use serde_json::Value;

use super::{Contracts, FieldTree, Operation, ScopeMode, Unscoped};

/// The contracts in force and what each consumer did outside them; cheap to clone.
#[derive(Clone, Debug)]
pub(crate) struct Watch {
    contracts: Arc<Contracts>,
    mode: ScopeMode,
    tally: Arc<Mutex<BTreeMap<String, Tally>>>,
}

/// What one issuer's calls did outside its scope since the start or the last reset.
#[derive(Debug, Default)]
struct Tally {
    calls: u64,
    outside_calls: BTreeMap<String, u64>,
    /// By answer (`GET /lpas/{uid}`), then field.
    outside_fields: BTreeMap<(String, String), u64>,
}

/// An empty tree: what a consumer without a scope relies on.
static NOTHING: std::sync::LazyLock<FieldTree> = std::sync::LazyLock::new(FieldTree::default);

impl Watch {
    pub(crate) fn new(contracts: Contracts, mode: ScopeMode) -> Self {
        Self {
            contracts: Arc::new(contracts),
            mode,
            tally: Arc::default(),
        }
    }

    fn count(&self, issuer: &str, update: impl FnOnce(&mut Tally)) {
        let mut tally = self.tally.lock().unwrap_or_else(|p| p.into_inner());
        update(tally.entry(issuer.to_owned()).or_default());
    }

    /// Whether a caller signing as `issuer` may make `operation`: `Err` with the reason when
    /// enforcing and it may not. Reporting, every call goes ahead and the ones outside the
    /// caller's scope are counted.
    pub(crate) fn admit(&self, issuer: &str, operation: &Operation) -> Result<(), String> {
        let verdict = match self.contracts.for_issuer(issuer) {
            Ok(scope) if scope.allows(operation) => Ok(()),
            Ok(scope) => Err(format!(
                "{} (issuer {issuer}) may not call {operation}: its pact in {} has no such \
                 interaction, and this simulator holds each consumer to its contract \
                 (--scopes enforce)",
                scope.consumer(),
                self.contracts.dir().display()
            )),
            Err(unscoped @ Unscoped::NoPact { .. }) => Err(format!(
                "{unscoped}, so this simulator, holding each consumer to its contract \
                 (--scopes enforce), gives it nothing"
            )),
            Err(unscoped @ Unscoped::UnknownIssuer { .. }) => Err(format!(
                "{unscoped}; this simulator holds each consumer to its contract (--scopes \
                 enforce) and gives nothing to a caller it cannot place"
            )),
        };
        self.count(issuer, |tally| {
            tally.calls += 1;
            if verdict.is_err() {
                *tally
                    .outside_calls
                    .entry(operation.to_string())
                    .or_default() += 1;
            }
        });
        match self.mode {
            ScopeMode::Report => Ok(()),
            ScopeMode::Enforce => verdict,
        }
    }

    /// Counts the fields of `answer` (the successful answer to `answer_key`, such as
    /// `GET /lpas/{uid}`) that the caller's scope does not rely on and, when enforcing,
    /// removes them.
    pub(crate) fn answer(&self, issuer: &str, answer_key: &str, answer: &mut Value) {
        let fields = match self.contracts.for_issuer(issuer) {
            Ok(scope) => scope.fields_of(answer_key).unwrap_or(&NOTHING),
            Err(_) => &NOTHING,
        };
        let outside = fields.outside(answer);
        if !outside.is_empty() {
            self.count(issuer, |tally| {
                for field in outside {
                    *tally
                        .outside_fields
                        .entry((answer_key.to_owned(), field))
                        .or_default() += 1;
                }
            });
        }
        if self.mode == ScopeMode::Enforce {
            fields.trim(answer);
        }
    }

    /// Forgets what was counted.
    pub(crate) fn reset(&self) {
        self.tally.lock().unwrap_or_else(|p| p.into_inner()).clear();
    }

    /// What each consumer did outside its scope, for `GET /__admin/scopes`.
    pub(crate) fn report(&self) -> ScopeReport {
        let tally = self.tally.lock().unwrap_or_else(|p| p.into_inner());
        let issuers = self.contracts.issuers();
        let mut consumers: Vec<ConsumerReport> = Vec::new();
        let mut seen = Vec::new();
        for scope in self.contracts.scopes() {
            let issuer = issuers.of(scope.consumer()).map(str::to_owned);
            let counted = issuer.as_deref().and_then(|i| tally.get(i));
            if let Some(i) = &issuer {
                seen.push(i.clone());
            }
            consumers.push(ConsumerReport::new(
                Some(scope.consumer().to_owned()),
                issuer,
                true,
                counted,
            ));
        }
        for (issuer, counted) in tally.iter().filter(|(i, _)| !seen.contains(i)) {
            consumers.push(ConsumerReport::new(
                issuers.consumer_of(issuer).map(str::to_owned),
                Some(issuer.clone()),
                false,
                Some(counted),
            ));
        }
        ScopeReport {
            mode: self.mode,
            contracts: self.contracts.dir().display().to_string(),
            consumers,
        }
    }
}

/// `GET /__admin/scopes`: per consumer, its calls outside its scope and the fields it was sent
/// (reporting) or had withheld (enforcing) that its contract never relies on.
#[derive(Debug, Serialize)]
pub(crate) struct ScopeReport {
    mode: ScopeMode,
    /// The folder the pacts were read from.
    contracts: String,
    consumers: Vec<ConsumerReport>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ConsumerReport {
    /// The consumer, when its issuer is known.
    #[serde(skip_serializing_if = "Option::is_none")]
    consumer: Option<String>,
    /// The issuer it signs as, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    issuer: Option<String>,
    /// Whether it has a pact in the folder.
    has_pact: bool,
    /// Its calls since the start or the last reset.
    calls: u64,
    calls_outside_contract: Vec<CallCount>,
    fields_outside_contract: Vec<FieldCount>,
}

#[derive(Debug, Serialize)]
struct CallCount {
    operation: String,
    count: u64,
}

#[derive(Debug, Serialize)]
struct FieldCount {
    /// The answer the field was in, by method and route.
    answer: String,
    /// The field, as a path in that answer.
    field: String,
    /// In how many answers.
    count: u64,
}

impl ConsumerReport {
    fn new(
        consumer: Option<String>,
        issuer: Option<String>,
        has_pact: bool,
        tally: Option<&Tally>,
    ) -> Self {
        let (calls, calls_outside_contract, fields_outside_contract) =
            tally.map_or((0, Vec::new(), Vec::new()), |tally| {
                (
                    tally.calls,
                    tally
                        .outside_calls
                        .iter()
                        .map(|(operation, count)| CallCount {
                            operation: operation.clone(),
                            count: *count,
                        })
                        .collect(),
                    tally
                        .outside_fields
                        .iter()
                        .map(|((answer, field), count)| FieldCount {
                            answer: answer.clone(),
                            field: field.clone(),
                            count: *count,
                        })
                        .collect(),
                )
            });
        Self {
            consumer,
            issuer,
            has_pact,
            calls,
            calls_outside_contract,
            fields_outside_contract,
        }
    }
}
