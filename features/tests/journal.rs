//! The store's request journal (`GET /__admin/requests`), read for one consumer, and the
//! judgements of its behaviour the consumer-under-test steps make from it. Each judgement
//! returns the lines that prove a misbehaviour, so a failing step shows what the service did.

use std::fmt;
use std::time::Duration;

use anyhow::Context as _;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::Value;

use crate::store::{StoreUnderTest, admin_get};

/// A little slack for the clocks: the journal stamps a request when it arrives, and its
/// answer's time is that plus the time to answer, rounded to milliseconds.
const SLACK: Duration = Duration::from_millis(50);

/// One request as the store saw and answered it.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Line {
    pub(crate) sequence: u64,
    pub(crate) at: DateTime<Utc>,
    pub(crate) method: String,
    pub(crate) path: String,
    #[serde(default)]
    pub(crate) issuer: Option<String>,
    pub(crate) status: u16,
    pub(crate) duration_ms: u64,
    #[serde(default)]
    pub(crate) retry_after: Option<u64>,
    #[serde(default)]
    pub(crate) fault: Option<String>,
}

impl Line {
    /// When the answer went out.
    pub(crate) fn answered_at(&self) -> DateTime<Utc> {
        self.at
            + chrono::Duration::milliseconds(i64::try_from(self.duration_ms).unwrap_or(i64::MAX))
    }

    /// An answer that tells a consumer to come back later, none at all (0), or one the
    /// consumer did not wait for (499).
    pub(crate) fn unavailable(&self) -> bool {
        matches!(self.status, 0 | 408 | 429 | 499) || self.status >= 500
    }

    fn same_call(&self, other: &Self) -> bool {
        self.method == other.method && self.path == other.path
    }
}

impl fmt::Display for Line {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let status = match self.status {
            0 => "no answer (dropped by a fault)".to_owned(),
            499 => "499, the consumer gave up waiting".to_owned(),
            other => other.to_string(),
        };
        write!(
            f,
            "#{} {} {} {} -> {status} in {} ms",
            self.sequence,
            self.at.format("%H:%M:%S%.3f"),
            self.method,
            self.path,
            self.duration_ms
        )?;
        if let Some(seconds) = self.retry_after {
            write!(f, ", Retry-After {seconds}")?;
        }
        if let Some(fault) = &self.fault {
            write!(f, ", fault {fault}")?;
        }
        Ok(())
    }
}

/// The journal lines, as evidence under a message.
pub(crate) fn evidence<'a>(lines: impl IntoIterator<Item = &'a Line>) -> String {
    let shown: Vec<String> = lines.into_iter().map(|l| format!("    {l}")).collect();
    if shown.is_empty() {
        "    (no request in the journal)".to_owned()
    } else if shown.len() > 40 {
        let more = shown.len() - 40;
        format!("{}\n    … and {more} more", shown[..40].join("\n"))
    } else {
        shown.join("\n")
    }
}

/// Every request from `issuer` after sequence number `after`, oldest first.
pub(crate) async fn lines_of(
    http: &reqwest::Client,
    store: &StoreUnderTest,
    issuer: &str,
    after: u64,
) -> anyhow::Result<Vec<Line>> {
    let journal = admin_get(http, store, &format!("/__admin/requests?after={after}")).await?;
    let lines: Vec<Line> = serde_json::from_value(journal["requests"].clone())
        .with_context(|| format!("the journal is not in the expected shape: {journal}"))?;
    Ok(lines
        .into_iter()
        .filter(|line| line.issuer.as_deref() == Some(issuer))
        .collect())
}

/// The newest sequence number in the journal, so a scenario reads only its own requests.
pub(crate) async fn newest(http: &reqwest::Client, store: &StoreUnderTest) -> anyhow::Result<u64> {
    let journal: Value = admin_get(http, store, "/__admin/requests").await?;
    Ok(journal["requests"]
        .as_array()
        .and_then(|all| all.last())
        .and_then(|line| line["sequence"].as_u64())
        .unwrap_or(0))
}

/// Each run of retries: a call, then the same call again after an answer that said to come
/// back later. Returned with the lines of each run.
pub(crate) fn retry_runs(lines: &[Line]) -> Vec<Vec<&Line>> {
    let mut runs: Vec<Vec<&Line>> = Vec::new();
    let mut open: Vec<Vec<&Line>> = Vec::new();
    for line in lines {
        match open
            .iter()
            .position(|run| run.last().is_some_and(|last| last.same_call(line)))
        {
            Some(index) if open[index].last().is_some_and(|last| last.unavailable()) => {
                open[index].push(line);
            }
            Some(index) => {
                runs.push(open.remove(index));
                open.push(vec![line]);
            }
            None => open.push(vec![line]),
        }
    }
    runs.extend(open);
    runs
}

/// At most `most` retries of any call.
pub(crate) fn retried_at_most(lines: &[Line], most: usize) -> Result<(), String> {
    let worst = retry_runs(lines)
        .into_iter()
        .max_by_key(Vec::len)
        .unwrap_or_default();
    let retries = worst.len().saturating_sub(1);
    if retries <= most {
        return Ok(());
    }
    Err(format!(
        "it retried {} {} {retries} times, more than {most}:\n{}",
        worst[0].method,
        worst[0].path,
        evidence(worst)
    ))
}

/// Every call asked again after an answer with `Retry-After` came at least that long after
/// the answer.
pub(crate) fn waited_as_told(lines: &[Line]) -> Result<(), String> {
    let mut early = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        let Some(seconds) = line.retry_after else {
            continue;
        };
        let Some(next) = lines[index + 1..].iter().find(|l| l.same_call(line)) else {
            continue;
        };
        let waited = (next.at - line.answered_at()).to_std().unwrap_or_default();
        if waited + SLACK < Duration::from_secs(seconds) {
            early.push(format!(
                "    asked {} {} again {} ms after an answer that said Retry-After {seconds}:\n    {line}\n    {next}",
                line.method,
                line.path,
                waited.as_millis()
            ));
        }
    }
    if early.is_empty() {
        return Ok(());
    }
    Err(format!(
        "it did not wait as long as Retry-After said, {} times:\n{}",
        early.len(),
        early.join("\n")
    ))
}

/// No second with more than `most` requests, within `[from, to]`.
pub(crate) fn at_most_per_second(
    lines: &[Line],
    most: usize,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<(), String> {
    let during: Vec<&Line> = lines
        .iter()
        .filter(|l| l.at >= from && l.at <= to)
        .collect();
    let mut worst: &[&Line] = &[];
    let mut start = 0;
    for end in 0..during.len() {
        while during[end].at - during[start].at >= chrono::Duration::seconds(1) {
            start += 1;
        }
        if end + 1 - start > worst.len() {
            worst = &during[start..=end];
        }
    }
    if worst.len() <= most {
        return Ok(());
    }
    Err(format!(
        "it sent {} requests within one second during the outage, more than {most}:\n{}",
        worst.len(),
        evidence(worst.iter().copied())
    ))
}
