//! A bounded soak of `lpa-sim serve` on Postgres in queue mode, proving nothing accepted is
//! lost: 32 writers and readers across the three consumers while the database flaps, and the
//! store killed with SIGKILL and restarted twice on the same outbox.
//!
//! Every request sent and every answer is kept in a ledger. Afterwards, with the database back
//! and the outbox drained, the ledger is checked against the store: each write answered
//! 201/202 was applied exactly once or recorded as failed, each refused write was not applied,
//! and no answer fell outside the documented set. Run with `ci/soak.sh [SECONDS]`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use serde_json::{Value, json};
use simulator::auth::TokenRequest;
use testkit::postgres::TestDatabase;
use testkit::process::SimProcess;
use testkit::{Consumer, fixture, token};

const WORKERS: usize = 32;
/// Answers the store documents for these calls; anything else is counted as outside.
const DOCUMENTED: &[u16] = &[200, 201, 202, 400, 404, 503];

/// What one write asked for, and what it was told.
#[derive(Clone, Debug)]
struct Write {
    uid: String,
    /// For an update, the last name it sets; `None` for a create.
    new_last_name: Option<String>,
    /// The status answered; `None` when no answer came (the store was killed meanwhile).
    status: Option<u16>,
    operation_id: Option<String>,
}

#[derive(Debug, Default)]
struct Ledger {
    writes: Vec<Write>,
    statuses: HashMap<String, usize>,
    latencies_ms: Vec<u64>,
    outside: Vec<String>,
}

impl Ledger {
    fn answer(&mut self, kind: &str, status: Option<u16>, took: Duration) {
        let key = status.map_or_else(|| format!("{kind} no answer"), |s| format!("{kind} {s}"));
        *self.statuses.entry(key).or_default() += 1;
        if let Some(status) = status {
            self.latencies_ms
                .push(u64::try_from(took.as_millis()).unwrap_or(u64::MAX));
            if !DOCUMENTED.contains(&status) {
                self.outside.push(format!("{kind} answered {status}"));
            }
        }
    }
}

/// What became of the writes, by what they were answered and how often they were applied.
#[derive(Debug, Default)]
struct Verdict {
    accepted: usize,
    applied: usize,
    failed: usize,
    lost: usize,
    twice: usize,
    refused_applied: usize,
    unknown: usize,
    problems: Vec<String>,
}

impl Verdict {
    /// Counts one write; `failed` holds the ids of the outbox's failed operations.
    fn count(
        &mut self,
        write: &Write,
        times_applied: usize,
        failed: &std::collections::HashSet<String>,
    ) {
        let recorded_failed = write
            .operation_id
            .as_ref()
            .is_some_and(|id| failed.contains(id));
        match (write.status, times_applied) {
            (Some(201 | 202), 1) => {
                self.accepted += 1;
                self.applied += 1;
            }
            (Some(201 | 202), 0) if recorded_failed => {
                self.accepted += 1;
                self.failed += 1;
            }
            (Some(201 | 202), 0) => {
                self.accepted += 1;
                self.lost += 1;
                self.problems.push(format!("lost: {write:?}"));
            }
            (status, n) if n > 1 => {
                self.accepted += usize::from(matches!(status, Some(201 | 202)));
                self.unknown += usize::from(status.is_none());
                self.twice += 1;
                self.problems.push(format!("applied {n} times: {write:?}"));
            }
            (None, _) => self.unknown += 1,
            (Some(_), 0) => {}
            (Some(_), _) => {
                self.refused_applied += 1;
                self.problems
                    .push(format!("refused but applied: {write:?}"));
            }
        }
    }
}

/// Where the store is now: it moves when the store is restarted.
type Address = Arc<RwLock<String>>;

fn bearer(consumer: Consumer) -> String {
    format!(
        "Bearer {}",
        token(&TokenRequest {
            issuer: consumer.issuer().to_owned(),
            subject: consumer.subject("soak"),
            expires_in: Some(3600),
            issued_offset: 0,
        })
    )
}

async fn send(
    client: &reqwest::Client,
    address: &Address,
    method: reqwest::Method,
    path: &str,
    consumer: Consumer,
    body: Option<&Value>,
) -> Option<(u16, Value)> {
    let url = format!("{}{path}", address.read().unwrap());
    let mut request = client
        .request(method, url)
        .header("X-Jwt-Authorization", bearer(consumer));
    if let Some(body) = body {
        request = request.json(body);
    }
    let Ok(response) = request.send().await else {
        // The store is down (killed, or starting again): do not spin on a refused connection.
        tokio::time::sleep(Duration::from_millis(50)).await;
        return None;
    };
    let status = response.status().as_u16();
    let body = response.json().await.unwrap_or(Value::Null);
    Some((status, body))
}

/// One worker: writes of its own LPAs (creates, and corrections of the donor's last name in a
/// chain), and reads of them, until `deadline`.
async fn work(
    worker: usize,
    client: reqwest::Client,
    address: Address,
    ledger: Arc<Mutex<Ledger>>,
    deadline: Instant,
) {
    let consumers = [Consumer::MakeRegister, Consumer::UseAnLpa, Consumer::Sirius];
    let reader = consumers[worker % 3];
    // Each owned LPA with the last name its accepted writes leave it with.
    let mut owned: Vec<(String, String)> = Vec::new();
    let mut step = 0usize;
    while Instant::now() < deadline {
        step += 1;
        if owned.is_empty() || step.is_multiple_of(4) {
            let uid = fixture::new_uid();
            let started = Instant::now();
            let answer = send(
                &client,
                &address,
                reqwest::Method::PUT,
                &format!("/lpas/{uid}"),
                Consumer::MakeRegister,
                Some(&fixture::online_lpa()),
            )
            .await;
            let status = answer.as_ref().map(|(s, _)| *s);
            let operation_id = answer
                .as_ref()
                .and_then(|(_, b)| b["operationId"].as_str().map(str::to_owned));
            if matches!(status, Some(201 | 202)) {
                owned.push((uid.clone(), "Zoller".to_owned()));
            }
            let mut ledger = ledger.lock().unwrap();
            ledger.answer("create", status, started.elapsed());
            ledger.writes.push(Write {
                uid,
                new_last_name: None,
                status,
                operation_id,
            });
        } else if step % 4 == 1 {
            let (uid, last_name) = owned[step % owned.len()].clone();
            let new = format!("W{worker}S{step}");
            let change = json!({"type": "CORRECTION", "changes": [
                {"key": "/donor/lastName", "old": last_name, "new": new}
            ]});
            let started = Instant::now();
            let answer = send(
                &client,
                &address,
                reqwest::Method::POST,
                &format!("/lpas/{uid}/updates"),
                Consumer::Sirius,
                Some(&change),
            )
            .await;
            let status = answer.as_ref().map(|(s, _)| *s);
            let operation_id = answer
                .as_ref()
                .and_then(|(_, b)| b["operationId"].as_str().map(str::to_owned));
            match status {
                Some(201 | 202) => {
                    let position = owned.iter().position(|(u, _)| *u == uid).unwrap();
                    owned[position].1.clone_from(&new);
                }
                // Not knowing whether it was applied, the worker leaves this LPA alone.
                None => owned.retain(|(u, _)| *u != uid),
                Some(_) => {}
            }
            let mut ledger = ledger.lock().unwrap();
            ledger.answer("update", status, started.elapsed());
            ledger.writes.push(Write {
                uid,
                new_last_name: Some(new),
                status,
                operation_id,
            });
        } else {
            let (uid, _) = owned[step % owned.len()].clone();
            let started = Instant::now();
            let answer = send(
                &client,
                &address,
                reqwest::Method::GET,
                &format!("/lpas/{uid}"),
                reader,
                None,
            )
            .await;
            ledger
                .lock()
                .unwrap()
                .answer("read", answer.map(|(s, _)| s), started.elapsed());
        }
    }
}

async fn admin(
    client: &reqwest::Client,
    address: &Address,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> anyhow::Result<Value> {
    let url = format!("{}{path}", address.read().unwrap());
    let mut request = client.request(method, url);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.context("the admin API answers")?;
    Ok(response.json().await.unwrap_or(Value::Null))
}

fn peak_rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|line| line.strip_prefix("VmHWM:"))
                .and_then(|value| value.trim().trim_end_matches(" kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    testkit::install_crypto();
    let seconds: u64 = std::env::args()
        .nth(1)
        .map(|s| s.parse())
        .transpose()
        .context("the soak's length is a whole number of seconds")?
        .unwrap_or(60);
    let length = Duration::from_secs(seconds);
    let database = TestDatabase::start().await?;
    let outbox = tempfile::tempdir()?;
    let outbox_dir = outbox.path().to_string_lossy().into_owned();
    let args = [
        "--store",
        "postgres",
        "--database-url",
        &database.url,
        "--on-db-offline",
        "queue",
        "--outbox",
        &outbox_dir,
        "--db-timeout-ms",
        "500",
    ];
    let start = || SimProcess::start(&args);
    let mut sim = start()?;
    let address: Address = Arc::new(RwLock::new(sim.address.clone()));
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()?;
    let flap = || json!({"state": "flapping", "period_ms": 400});
    admin(
        &client,
        &address,
        reqwest::Method::PUT,
        "/__admin/database",
        Some(flap()),
    )
    .await?;

    println!("soak: {WORKERS} workers for {seconds}s, the database flapping, two SIGKILLs");
    let ledger = Arc::new(Mutex::new(Ledger::default()));
    let started = Instant::now();
    let deadline = started + length;
    let workers: Vec<_> = (0..WORKERS)
        .map(|worker| {
            tokio::spawn(work(
                worker,
                client.clone(),
                address.clone(),
                ledger.clone(),
                deadline,
            ))
        })
        .collect();

    let mut peak_rss = 0;
    for kill in 1..=2u32 {
        tokio::time::sleep_until((started + length * kill / 3).into()).await;
        peak_rss = peak_rss.max(peak_rss_kib(sim.pid()));
        sim.kill_hard()?;
        println!("soak: store killed with SIGKILL ({kill} of 2), starting it again");
        sim = start()?;
        *address.write().unwrap() = sim.address.clone();
        admin(
            &client,
            &address,
            reqwest::Method::PUT,
            "/__admin/database",
            Some(flap()),
        )
        .await?;
    }
    for worker in workers {
        worker.await?;
    }
    peak_rss = peak_rss.max(peak_rss_kib(sim.pid()));

    println!("soak: database back; waiting for the outbox to drain");
    admin(
        &client,
        &address,
        reqwest::Method::PUT,
        "/__admin/database",
        Some(json!({"state": "online"})),
    )
    .await?;
    let drained_by = Instant::now() + Duration::from_secs(120);
    loop {
        let outbox = admin(
            &client,
            &address,
            reqwest::Method::GET,
            "/__admin/outbox",
            None,
        )
        .await?;
        if outbox["pending"].as_array().is_some_and(Vec::is_empty) {
            break;
        }
        if Instant::now() > drained_by {
            bail!(
                "the outbox still held writes two minutes after the database came back: {outbox}"
            );
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let operations = admin(
        &client,
        &address,
        reqwest::Method::GET,
        "/__admin/operations",
        None,
    )
    .await?;
    let failed: std::collections::HashSet<String> = operations
        .as_array()
        .or_else(|| operations["operations"].as_array())
        .into_iter()
        .flatten()
        .filter(|o| o["state"] == "failed")
        .filter_map(|o| o["id"].as_str().map(str::to_owned))
        .collect();

    let ledger = std::mem::take(&mut *ledger.lock().unwrap());
    let mut verdict = Verdict::default();
    let mut histories: HashMap<String, Vec<Value>> = HashMap::new();
    for write in &ledger.writes {
        let times_applied = match &write.new_last_name {
            None => {
                let found = send(
                    &client,
                    &address,
                    reqwest::Method::GET,
                    &format!("/lpas/{}", write.uid),
                    Consumer::Sirius,
                    None,
                )
                .await;
                usize::from(found.is_some_and(|(status, _)| status == 200))
            }
            Some(name) => {
                if !histories.contains_key(&write.uid) {
                    let history = send(
                        &client,
                        &address,
                        reqwest::Method::GET,
                        &format!("/lpas/{}/updates", write.uid),
                        Consumer::Sirius,
                        None,
                    )
                    .await;
                    let entries = history
                        .and_then(|(_, body)| body.as_array().cloned())
                        .unwrap_or_default();
                    histories.insert(write.uid.clone(), entries);
                }
                histories[&write.uid]
                    .iter()
                    .filter(|entry| entry.to_string().contains(&format!("\"new\":\"{name}\"")))
                    .count()
            }
        };
        verdict.count(write, times_applied, &failed);
    }

    let mut latencies = ledger.latencies_ms.clone();
    latencies.sort_unstable();
    let p99 = latencies
        .get(latencies.len().saturating_sub(1) * 99 / 100)
        .copied()
        .unwrap_or(0);
    let requests: usize = ledger.statuses.values().sum();
    println!("soak: {requests} requests in {seconds}s; answers by kind and status:");
    let mut statuses: Vec<_> = ledger.statuses.iter().collect();
    statuses.sort();
    for (kind, count) in statuses {
        println!("  {kind}: {count}");
    }
    let Verdict {
        accepted,
        applied,
        failed,
        lost,
        twice,
        refused_applied,
        unknown,
        problems,
    } = verdict;
    println!(
        "soak: writes accepted {accepted}, applied {applied}, failed {failed}, lost {lost}, \
         applied twice {twice}, refused but applied {refused_applied}, outcome unknown (store killed) {unknown}"
    );
    println!(
        "soak: answers outside the documented set {}; p99 latency {p99} ms; peak RSS {} MiB",
        ledger.outside.len(),
        peak_rss / 1024
    );
    if !problems.is_empty() || !ledger.outside.is_empty() {
        for problem in problems.iter().chain(&ledger.outside).take(20) {
            eprintln!("soak: {problem}");
        }
        bail!(
            "the soak found writes lost, applied twice or wrongly applied, or undocumented answers"
        );
    }
    if accepted == 0 {
        bail!("no write was accepted: the soak proved nothing");
    }
    println!("soak: passed");
    drop(sim);
    Ok(())
}
