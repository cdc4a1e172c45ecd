//! `GET /__admin/report`: the recovery report of a rehearsal. For each database outage since
//! the start or the last reset: when it began and ended, what each consumer was answered during
//! it, how long after the database came back the first request succeeded, how long the outbox
//! took to drain, and what became of the writes accepted during it (accepted, applied, failed,
//! still pending, lost). `?format=markdown` renders it for people.
//!
//! It is put together from the owners of each part: the outage history (`outage`), the request
//! journal (`journal`, its most recent requests) and the outbox's operations.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

use super::AppState;
use crate::journal::RecordedRequest;
use crate::model::Timestamp;
use crate::outage::Period;
use crate::outbox::{Operation, OperationState};

/// `GET /__admin/report`.
pub(crate) fn router() -> Router<AppState> {
    Router::new().route("/__admin/report", get(report))
}

#[derive(Debug, Deserialize)]
struct Format {
    #[serde(default)]
    format: Option<String>,
}

/// The report.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Report {
    outages: Vec<OutageReport>,
    /// Every outage ended, every write accepted during one applied or failed, none lost.
    recovered: bool,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct OutageReport {
    condition: String,
    /// `set` (made by the simulator) or `seen` (found by the store's calls).
    source: &'static str,
    /// The one consumer it applied to, when it applied to one only.
    #[serde(skip_serializing_if = "Option::is_none")]
    consumer: Option<String>,
    started_at: Timestamp,
    #[serde(skip_serializing_if = "Option::is_none")]
    ended_at: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    lasted_ms: Option<i64>,
    /// By consumer (JWT issuer, or `anonymous`), then status: the answers during the outage.
    answers: BTreeMap<String, BTreeMap<String, u64>>,
    /// From the database's return to the first successful answer of an LPA route.
    #[serde(skip_serializing_if = "Option::is_none")]
    first_success_after_ms: Option<i64>,
    /// From the database's return to the last write accepted during the outage being applied
    /// or failed; absent while some are pending, or when none was accepted.
    #[serde(skip_serializing_if = "Option::is_none")]
    drained_after_ms: Option<i64>,
    writes: Writes,
}

#[derive(Debug, Default, Serialize)]
struct Writes {
    /// Answered `202`: accepted for later.
    accepted: u64,
    applied: u64,
    failed: u64,
    pending: u64,
    /// Accepted (`202`) with no operation in the outbox to show for it.
    lost: u64,
}

async fn report(State(state): State<AppState>, Query(format): Query<Format>) -> Response {
    let report = build(
        &state.gateway.outage().history(),
        &state.journal.since(0),
        &state
            .gateway
            .outbox()
            .map(crate::outbox::Outbox::operations)
            .unwrap_or_default(),
    );
    if format.format.as_deref() == Some("markdown") {
        return (
            [(header::CONTENT_TYPE, "text/markdown; charset=utf-8")],
            report.markdown(),
        )
            .into_response();
    }
    Json(report).into_response()
}

fn is_lpa_route(path: &str) -> bool {
    path == "/lpas" || path.starts_with("/lpas/")
}

/// The report of `outages`, from the journal's `requests` and the outbox's `operations`.
pub(crate) fn build(
    outages: &[Period],
    requests: &[RecordedRequest],
    operations: &[Operation],
) -> Report {
    let mut reports = Vec::new();
    for outage in outages {
        let during = |at: &Timestamp| {
            !outage.started_at.is_after(at) && outage.ended_at.is_none_or(|end| !at.is_after(&end))
        };
        // A request belongs to the outage its answer was given in: a write that waited for
        // the database and was then queued was answered during the outage it met.
        let answered: Vec<&RecordedRequest> = requests
            .iter()
            .filter(|r| during(&r.at.plus_millis(r.duration_ms)))
            .collect();
        let mut answers: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
        let mut accepted = 0;
        for request in &answered {
            let consumer = request
                .issuer
                .clone()
                .unwrap_or_else(|| "anonymous".to_owned());
            *answers
                .entry(consumer)
                .or_default()
                .entry(request.status.to_string())
                .or_default() += 1;
            if request.status == 202 {
                accepted += 1;
            }
        }
        let first_success_after_ms = outage.ended_at.and_then(|end| {
            requests
                .iter()
                .find(|r| {
                    r.at.is_after(&end) && (200..300).contains(&r.status) && is_lpa_route(&r.path)
                })
                .map(|r| r.at.millis_since(&end))
        });
        // A queued write is stamped when its request began, which for an outage seen by the
        // store (not set) can be before the call that found the database away: it belongs to
        // the outage from the arrival of the first request answered during it.
        let from = answered
            .iter()
            .map(|r| r.at)
            .min()
            .map_or(outage.started_at, |first| first.min(outage.started_at));
        let queued: Vec<&Operation> = operations
            .iter()
            .filter(|o| {
                !from.is_after(&o.accepted_at)
                    && outage
                        .ended_at
                        .is_none_or(|end| !o.accepted_at.is_after(&end))
            })
            .collect();
        let count = |state: OperationState| {
            u64::try_from(queued.iter().filter(|o| o.state == state).count()).unwrap_or(u64::MAX)
        };
        let writes = Writes {
            accepted,
            applied: count(OperationState::Applied),
            failed: count(OperationState::Failed),
            pending: count(OperationState::Queued),
            lost: accepted.saturating_sub(u64::try_from(queued.len()).unwrap_or(u64::MAX)),
        };
        let drained_after_ms = match (outage.ended_at, writes.pending) {
            (Some(end), 0) if !queued.is_empty() => queued
                .iter()
                .filter_map(|o| o.completed_at)
                .max()
                .map(|last| last.millis_since(&end).max(0)),
            _ => None,
        };
        reports.push(OutageReport {
            condition: outage.condition.clone(),
            source: outage.source,
            consumer: outage.consumer.clone(),
            started_at: outage.started_at,
            ended_at: outage.ended_at,
            lasted_ms: outage
                .ended_at
                .map(|end| end.millis_since(&outage.started_at)),
            answers,
            first_success_after_ms,
            drained_after_ms,
            writes,
        });
    }
    let recovered = reports
        .iter()
        .all(|o| o.ended_at.is_some() && o.writes.pending == 0 && o.writes.lost == 0);
    Report {
        outages: reports,
        recovered,
    }
}

impl Report {
    /// The report for people: a table of outages, then each one's answers by consumer.
    pub(crate) fn markdown(&self) -> String {
        let mut out = String::from("# Recovery report\n\n");
        if self.outages.is_empty() {
            out.push_str("No database outage since the start or the last reset.\n");
            return out;
        }
        let _ = writeln!(
            out,
            "Recovered: {}.\n",
            if self.recovered { "yes" } else { "no" }
        );
        out.push_str(
            "| # | condition | started | lasted | first success after | outbox drained after | accepted | applied | failed | pending | lost |\n\
             | --: | --- | --- | --: | --: | --: | --: | --: | --: | --: | --: |\n",
        );
        let ms = |value: Option<i64>| value.map_or_else(|| "—".to_owned(), |v| format!("{v} ms"));
        for (index, outage) in self.outages.iter().enumerate() {
            let w = &outage.writes;
            let _ = writeln!(
                out,
                "| {} | {} ({}{}) | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                index + 1,
                outage.condition,
                outage.source,
                outage
                    .consumer
                    .as_deref()
                    .map_or_else(String::new, |c| format!(", {c} only")),
                outage.started_at,
                outage
                    .lasted_ms
                    .map_or_else(|| "still on".to_owned(), |v| format!("{v} ms")),
                ms(outage.first_success_after_ms),
                ms(outage.drained_after_ms),
                w.accepted,
                w.applied,
                w.failed,
                w.pending,
                w.lost
            );
        }
        for (index, outage) in self.outages.iter().enumerate() {
            let _ = write!(
                out,
                "\n## Outage {}: answers during it\n\n| consumer | answers |\n| --- | --- |\n",
                index + 1
            );
            if outage.answers.is_empty() {
                out.push_str("| (nobody called) | |\n");
            }
            for (consumer, statuses) in &outage.answers {
                let list: Vec<String> = statuses
                    .iter()
                    .map(|(status, count)| format!("{count} × {status}"))
                    .collect();
                let _ = writeln!(out, "| {consumer} | {} |", list.join(", "));
            }
        }
        out
    }
}
