//! The data-minimisation record: each consumer's scope as its pacts give it (the operations it
//! calls, the LPA fields it relies on, grouped by the parts of the LPA), and how many of a
//! registered LPA's fields it receives from `lpa-sim serve` with and without
//! `--scopes enforce`, measured by reading the simulator's registered fixture LPA over HTTP as
//! that consumer. The library behind `lpa-contracts scopes`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::time::Duration;

use serde::Serialize;
use serde_json::{Value, json};
use simulator::Simulator;
use simulator::auth::{DEFAULT_SECRET, TokenRequest};
use simulator::scope::{Contracts, Operation, Scope, ScopeMode, leaf_paths};

/// The UID the registered LPA is read under when measuring.
const MEASURED_UID: &str = "M-0000-1111-2222";

/// The parts of an LPA, in the order a reviewer reads them, with a name for each.
const PARTS: &[(&str, &str)] = &[
    ("", "the LPA itself"),
    ("donor", "donor"),
    ("attorneys", "attorneys (each)"),
    ("trustCorporations", "trust corporations (each)"),
    ("certificateProvider", "certificate provider"),
    ("peopleToNotify", "people to notify (each)"),
    ("independentWitness", "independent witness"),
    ("authorisedSignatory", "authorised signatory"),
    ("correspondent", "correspondent"),
    ("voucher", "voucher"),
    (
        "restrictionsAndConditionsImages",
        "scanned restrictions and conditions (each page)",
    ),
];

/// How many of a registered LPA's fields a consumer receives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Received {
    /// From a simulator that holds no one to a contract.
    pub without_enforcement: usize,
    /// From `lpa-sim serve --contracts DIR --scopes enforce`.
    pub with_enforcement: usize,
}

/// One consumer's entry in the record.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConsumerRecord {
    /// The consumer, as its pacts name it.
    pub consumer: String,
    /// The JWT issuer it signs as, when known.
    pub issuer: Option<String>,
    /// The pact files its scope was read from.
    pub pacts: Vec<String>,
    /// Every operation its pacts call.
    pub operations: Vec<Operation>,
    /// The LPA fields its pacts rely on, as paths from the LPA's top.
    pub lpa_fields: Vec<String>,
    /// The fields of each change in the change history it relies on, if it reads it.
    pub history_fields: Vec<String>,
    /// By answer (`GET /lpas/{uid}`), the fields its pacts rely on.
    pub answers: BTreeMap<String, Vec<String>>,
    /// A registered LPA's fields it receives with `GET /lpas/{uid}`, when it reads that way.
    pub received: Option<Received>,
}

/// The record of every consumer with a pact in a folder.
#[derive(Clone, Debug, Serialize)]
pub struct Record {
    /// The folder the pacts were read from.
    pub contracts: String,
    /// One entry per consumer, by name.
    pub consumers: Vec<ConsumerRecord>,
}

impl Record {
    /// The record of `contracts`, with what each consumer receives measured against a
    /// simulator started here (in memory, on loopback) without and with enforcement.
    pub async fn measure(contracts: &Contracts) -> anyhow::Result<Self> {
        let without = read_as_each(contracts, ScopeMode::Report).await?;
        let with = read_as_each(contracts, ScopeMode::Enforce).await?;
        let consumers = contracts
            .scopes()
            .map(|scope| {
                let received = match (without.get(scope.consumer()), with.get(scope.consumer())) {
                    (Some(&without_enforcement), Some(&with_enforcement)) => Some(Received {
                        without_enforcement,
                        with_enforcement,
                    }),
                    _ => None,
                };
                entry(contracts, scope, received)
            })
            .collect();
        Ok(Self {
            contracts: contracts.dir().display().to_string(),
            consumers,
        })
    }

    /// The record as Markdown: a summary table, the operations by consumer, and each
    /// consumer's fields by part of the LPA.
    pub fn markdown(&self) -> String {
        let mut out = String::new();
        out.push_str(
            "| consumer | issuer | operations | LPA fields it relies on | a registered LPA's \
             fields it receives | with `--scopes enforce` |\n| --- | --- | --: | --: | --: | --: |\n",
        );
        for consumer in &self.consumers {
            let (without, with) = consumer.received.map_or_else(
                || ("—".to_owned(), "—".to_owned()),
                |r| {
                    (
                        r.without_enforcement.to_string(),
                        r.with_enforcement.to_string(),
                    )
                },
            );
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {without} | {with} |",
                consumer.consumer,
                consumer
                    .issuer
                    .as_deref()
                    .map_or_else(|| "unknown".to_owned(), |i| format!("`{i}`")),
                consumer.operations.len(),
                consumer.lpa_fields.len(),
            );
        }
        out.push('\n');
        out.push_str(&self.operations_table());
        for consumer in &self.consumers {
            let _ = write!(
                out,
                "\n#### {}: the LPA fields it relies on\n\n| part | fields |\n| --- | --- |\n",
                consumer.consumer
            );
            for (part, fields) in by_part(&consumer.lpa_fields) {
                let _ = writeln!(out, "| {part} | {} |", code_list(&fields));
            }
            if !consumer.history_fields.is_empty() {
                let fields: Vec<String> = consumer
                    .history_fields
                    .iter()
                    .map(|path| path.trim_start_matches("$.").to_owned())
                    .collect();
                let _ = writeln!(
                    out,
                    "| change history (each change) | {} |",
                    code_list(&fields)
                );
            }
        }
        out
    }

    /// Operations by consumer, a ✓ where the consumer's pacts call it.
    fn operations_table(&self) -> String {
        let mut rows: BTreeMap<&Operation, Vec<bool>> = BTreeMap::new();
        for (column, consumer) in self.consumers.iter().enumerate() {
            for operation in &consumer.operations {
                rows.entry(operation)
                    .or_insert_with(|| vec![false; self.consumers.len()])[column] = true;
            }
        }
        let names: Vec<&str> = self.consumers.iter().map(|c| c.consumer.as_str()).collect();
        let mut table = format!(
            "| operation | {} |\n| --- |{}\n",
            names.join(" | "),
            " :-: |".repeat(names.len())
        );
        for (operation, used) in rows {
            let marks: Vec<&str> = used.iter().map(|&u| if u { "✓" } else { "" }).collect();
            let _ = writeln!(table, "| `{operation}` | {} |", marks.join(" | "));
        }
        table
    }
}

fn entry(contracts: &Contracts, scope: &Scope, received: Option<Received>) -> ConsumerRecord {
    let answers = scope
        .answers()
        .map(|(key, tree)| (key.to_owned(), tree.paths()))
        .collect();
    ConsumerRecord {
        consumer: scope.consumer().to_owned(),
        issuer: contracts.issuers().of(scope.consumer()).map(str::to_owned),
        pacts: scope
            .pacts()
            .iter()
            .map(|p| p.display().to_string())
            .collect(),
        operations: scope.operations().iter().cloned().collect(),
        lpa_fields: scope.lpa_fields().paths(),
        history_fields: scope
            .history_fields()
            .map(|t| t.paths())
            .unwrap_or_default(),
        answers,
        received,
    }
}

/// `$.attorneys[*].address.line1` as part `attorneys (each)`, field `address.line1`; the
/// LPA's own fields (`$.status`) under `the LPA itself`. Parts in [`PARTS`] order, then any
/// others by name.
fn by_part(paths: &[String]) -> Vec<(String, Vec<String>)> {
    let mut parts: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for path in paths {
        let rest = path.strip_prefix("$.").unwrap_or(path);
        let end = rest.find(['.', '[']).unwrap_or(rest.len());
        let (key, field) = rest.split_at(end);
        let field = field.trim_start_matches("[*]").trim_start_matches('.');
        let (part, field) = if field.is_empty() {
            (String::new(), key.to_owned())
        } else {
            (key.to_owned(), field.to_owned())
        };
        parts.entry(part).or_default().insert(field);
    }
    let mut ordered = Vec::new();
    for (key, name) in PARTS {
        if let Some(fields) = parts.remove(*key) {
            ordered.push(((*name).to_owned(), fields.into_iter().collect()));
        }
    }
    ordered.extend(
        parts
            .into_iter()
            .map(|(key, fields)| (key, fields.into_iter().collect())),
    );
    ordered
}

fn code_list(fields: &[String]) -> String {
    fields
        .iter()
        .map(|f| format!("`{f}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// How many distinct fields each consumer whose pacts read `GET /lpas/{uid}` receives, reading
/// the registered fixture LPA from a simulator with `mode`.
async fn read_as_each(
    contracts: &Contracts,
    mode: ScopeMode,
) -> anyhow::Result<BTreeMap<String, usize>> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(
        Simulator::in_memory()
            .with_scopes(contracts.clone(), mode)
            .run(listener, async {
                stopped.await.ok();
            }),
    );
    let measured = read_each(contracts, &base).await;
    stop.send(()).ok();
    tokio::time::timeout(Duration::from_secs(10), server)
        .await
        .ok();
    measured
}

async fn read_each(contracts: &Contracts, base: &str) -> anyhow::Result<BTreeMap<String, usize>> {
    crate::install_crypto();
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()?;
    let state = client
        .post(format!("{base}/__pact/provider-states"))
        .json(&json!({
            "state": "A registered LPA with UID {uid} exists",
            "params": {"uid": MEASURED_UID}
        }))
        .send()
        .await?;
    anyhow::ensure!(
        state.status().is_success(),
        "the simulator did not set up the registered LPA: {}",
        state.status()
    );
    let mut received = BTreeMap::new();
    for scope in contracts.scopes() {
        let Some(issuer) = contracts.issuers().of(scope.consumer()) else {
            continue;
        };
        let reads = scope
            .operations()
            .iter()
            .any(|o| o.answer_key() == "GET /lpas/{uid}");
        if !reads {
            continue;
        }
        let token = simulator::auth::issue(
            DEFAULT_SECRET,
            &TokenRequest {
                issuer: issuer.to_owned(),
                subject: "urn:opg:poas:scopes:users:record".to_owned(),
                expires_in: Some(60),
                issued_offset: 0,
            },
        )?;
        let answer = client
            .get(format!("{base}/lpas/{MEASURED_UID}"))
            .header("X-Jwt-Authorization", format!("Bearer {token}"))
            .send()
            .await?;
        anyhow::ensure!(
            answer.status().is_success(),
            "{} could not read the registered LPA: {}",
            scope.consumer(),
            answer.status()
        );
        let lpa: Value = answer.json().await?;
        received.insert(scope.consumer().to_owned(), leaf_paths(&lpa).len());
    }
    Ok(received)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_grouped_by_the_part_of_the_lpa_they_belong_to() {
        let paths: Vec<String> = [
            "$.attorneys[*].address.line1",
            "$.attorneys[*].firstNames",
            "$.donor.lastName",
            "$.status",
            "$.uid",
            "$.zebra.stripes",
        ]
        .map(str::to_owned)
        .to_vec();

        assert_eq!(
            by_part(&paths),
            vec![
                (
                    "the LPA itself".to_owned(),
                    vec!["status".to_owned(), "uid".to_owned()]
                ),
                ("donor".to_owned(), vec!["lastName".to_owned()]),
                (
                    "attorneys (each)".to_owned(),
                    vec!["address.line1".to_owned(), "firstNames".to_owned()]
                ),
                ("zebra".to_owned(), vec!["stripes".to_owned()]),
            ]
        );
    }
}
