//! The consumer under test: a team's own service, started from its TOML file (`under_test`),
//! driven through its own interface, and judged from the store's side: the request journal
//! sees every call it made, when, and what it was answered.

use std::time::Duration;

use anyhow::Context as _;
use cucumber::{given, then, when};
use serde_json::{Value, json};
use simulator::auth::{DEFAULT_SECRET, TokenRequest};
use simulator::scope::ScopeMode;

use crate::journal::{self, Line, evidence};
use crate::steps::faults::add_fault_for;
use crate::steps::outage::ensure_no_store;
use crate::store::{Mode, StoreUnderTest, admin_get, admin_send};
use crate::under_test::{ActionRun, Config, Placeholders, Service, free_port, run_action};
use crate::world::LpaStore;

/// One scenario's consumer under test.
#[derive(Debug)]
pub(crate) struct UnderTest {
    config: Config,
    values: Placeholders,
    /// Killed, with its process group, when the scenario ends.
    service: Option<Service>,
    /// The journal's newest sequence number before the scenario began.
    journal_after: u64,
    actions: Vec<ActionRun>,
}

impl UnderTest {
    fn issuer(&self) -> &str {
        &self.config.consumer.issuer
    }

    /// A failure message: what is wrong, about which service, with the service's output.
    fn failure(&self, what: &str) -> anyhow::Error {
        let tail = self
            .service
            .as_ref()
            .map(Service::log_tail)
            .unwrap_or_default();
        anyhow::anyhow!(
            "{} ({}): {what}\n{tail}",
            self.config.consumer.name,
            self.config.path.display()
        )
    }
}

fn under_test(world: &LpaStore) -> anyhow::Result<&UnderTest> {
    world.under_test.as_ref().context(
        "no consumer under test: start with \"Given the consumer under test runs against the LPA store\"",
    )
}

async fn journal_lines(world: &LpaStore) -> anyhow::Result<Vec<Line>> {
    let under_test = under_test(world)?;
    journal::lines_of(
        &world.admin,
        world.store()?,
        under_test.issuer(),
        under_test.journal_after,
    )
    .await
}

#[given("the consumer under test runs against the LPA store")]
async fn runs_against_the_store(world: &mut LpaStore) -> anyhow::Result<()> {
    ensure_no_store(world)?;
    let config = Config::from_env()?;
    let store = match (&config.store.url, config.contracts()) {
        (Some(url), _) => {
            if let Some(token) = &config.store.admin_token {
                let mut headers = reqwest::header::HeaderMap::new();
                headers.insert(
                    reqwest::header::AUTHORIZATION,
                    format!("Bearer {token}").parse()?,
                );
                world.admin = reqwest::Client::builder()
                    .timeout(Duration::from_secs(10))
                    .default_headers(headers)
                    .build()?;
            }
            StoreUnderTest::External(url.trim_end_matches('/').to_owned())
        }
        (None, Some(contracts)) => {
            StoreUnderTest::start_with_contracts(&contracts, ScopeMode::Report).await?
        }
        (None, None) => StoreUnderTest::start(Mode::FailFast).await,
    };
    world.store = Some(store);
    let store = world.store()?;
    let journal_after = match store {
        StoreUnderTest::External(_) => {
            // A running store is shared by the scenarios: each starts it afresh (database
            // online, no faults, journal and scope tally cleared), and they must run one at a
            // time (`--concurrency 1`).
            admin_send(
                &world.admin,
                store,
                reqwest::Method::POST,
                "/__admin/reset",
                &json!({}),
                204,
            )
            .await?;
            journal::newest(&world.admin, store).await?
        }
        _ => 0,
    };
    let values = Placeholders {
        store_url: store.address()?.to_owned(),
        port: free_port()?,
        uid: None,
    };
    let service = match &config.service {
        Some(section) => Some(Service::start(&config, section, &values).await?),
        None => None,
    };
    world.under_test = Some(UnderTest {
        config,
        values,
        service,
        journal_after,
        actions: Vec::new(),
    });
    Ok(())
}

#[when(expr = "the consumer under test does {string}")]
async fn does(world: &mut LpaStore, name: String) -> anyhow::Result<()> {
    let under_test = world
        .under_test
        .as_mut()
        .context("no consumer under test: start with \"Given the consumer under test runs against the LPA store\"")?;
    let action = under_test.config.action(&name)?.clone();
    let run = match run_action(&under_test.config, &name, &action, &under_test.values).await {
        Ok(run) => run,
        Err(error) => return Err(under_test.failure(&format!("{error:#}"))),
    };
    if run.succeeded
        && let Some(uid) = run.uids().last()
    {
        under_test.values.uid = Some(uid.clone());
    }
    under_test.actions.push(run);
    Ok(())
}

#[when(expr = "{int} ms pass")]
async fn time_passes(_world: &mut LpaStore, ms: u64) {
    tokio::time::sleep(Duration::from_millis(ms)).await;
}

async fn add_fault(world: &LpaStore, fault: Value) -> anyhow::Result<()> {
    add_fault_for(world, under_test(world)?.issuer(), fault).await
}

#[given(
    expr = "the store's API answers {int} with Retry-After {int} to the next {int} requests from the consumer under test"
)]
async fn answers_status_to_under_test(
    world: &mut LpaStore,
    status: u16,
    retry_after: u64,
    count: u32,
) -> anyhow::Result<()> {
    let fault = json!({"kind": "status", "status": status, "retry_after_secs": retry_after, "count": count});
    add_fault(world, fault).await?;
    // To its consumers, a store that refuses every call is down: the outage starts here.
    world.outage_began.get_or_insert_with(chrono::Utc::now);
    Ok(())
}

#[given(expr = "the store's API answers the consumer under test {int} ms late")]
async fn answers_under_test_late(world: &mut LpaStore, latency_ms: u64) -> anyhow::Result<()> {
    add_fault(world, json!({"kind": "latency", "latency_ms": latency_ms})).await
}

#[then(expr = "the consumer under test retried a call at most {int} time(s)")]
async fn retried_at_most(world: &mut LpaStore, most: usize) -> anyhow::Result<()> {
    let lines = journal_lines(world).await?;
    journal::retried_at_most(&lines, most).map_err(|why| under_test_failure(world, &why))
}

#[then("the consumer under test waited as long as Retry-After said before asking again")]
async fn waited_as_told(world: &mut LpaStore) -> anyhow::Result<()> {
    let lines = journal_lines(world).await?;
    journal::waited_as_told(&lines).map_err(|why| under_test_failure(world, &why))
}

#[then(
    expr = "the consumer under test never sent more than {int} requests a second during the outage"
)]
async fn at_most_per_second(world: &mut LpaStore, most: usize) -> anyhow::Result<()> {
    let from = world
        .outage_began
        .context("no outage began in this scenario")?;
    let to = world.outage_ended.unwrap_or_else(chrono::Utc::now);
    let lines = journal_lines(world).await?;
    journal::at_most_per_second(&lines, most, from, to)
        .map_err(|why| under_test_failure(world, &why))
}

#[then(expr = "the consumer under test gave its user an answer within {int} ms")]
async fn answered_within(world: &mut LpaStore, within_ms: u64) -> anyhow::Result<()> {
    let under_test = under_test(world)?;
    let run = under_test
        .actions
        .last()
        .context("the consumer under test has done nothing yet")?;
    if run.took <= Duration::from_millis(within_ms) {
        return Ok(());
    }
    let lines = journal_lines(world).await?;
    let end = run.started + chrono::Duration::from_std(run.took)?;
    let during: Vec<&Line> = lines
        .iter()
        .filter(|l| l.at >= run.started && l.at <= end)
        .collect();
    Err(under_test.failure(&format!(
        "its user waited {} ms for an answer to {:?} ({}), more than {within_ms}; meanwhile it \
         asked the store {} times:\n{}",
        run.took.as_millis(),
        run.name,
        run.outcome,
        during.len(),
        evidence(during)
    )))
}

#[then(
    expr = "every write the consumer under test accepted from its user reached the store within {int} s"
)]
async fn every_write_reached_the_store(world: &mut LpaStore, within_s: u64) -> anyhow::Result<()> {
    let under_test = under_test(world)?;
    let accepted: Vec<(String, String)> = under_test
        .actions
        .iter()
        .filter(|run| run.succeeded)
        .flat_map(|run| {
            run.uids()
                .into_iter()
                .map(move |uid| (uid, format!("{:?}: {}", run.name, run.outcome)))
        })
        .collect();
    anyhow::ensure!(
        !accepted.is_empty(),
        "the consumer under test accepted no write from its user (no LPA UID in what its \
         actions answered): nothing to look for"
    );
    let address = world.store()?.address()?.to_owned();
    let token = simulator::auth::issue(
        DEFAULT_SECRET,
        &TokenRequest {
            issuer: "opg.poas.sirius".to_owned(),
            subject: "urn:opg:sirius:users:consumer-under-test".to_owned(),
            expires_in: Some(600),
            issued_offset: 0,
        },
    )?;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(within_s);
    let mut missing = accepted.clone();
    loop {
        let mut still = Vec::new();
        for (uid, how) in missing {
            let found = world
                .admin
                .get(format!("{address}/lpas/{uid}"))
                .header("X-Jwt-Authorization", format!("Bearer {token}"))
                .send()
                .await
                .is_ok_and(|r| r.status().is_success());
            if !found {
                still.push((uid, how));
            }
        }
        missing = still;
        if missing.is_empty() || tokio::time::Instant::now() >= deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    if missing.is_empty() {
        return Ok(());
    }
    let lines = journal_lines(world).await?;
    let mut report = Vec::new();
    for (uid, how) in &missing {
        let calls: Vec<&Line> = lines
            .iter()
            .filter(|l| l.path.contains(uid.as_str()))
            .collect();
        report.push(format!(
            "  {uid}, accepted from its user ({how}), never reached the store in {within_s} s; \
             its calls for it:\n{}",
            evidence(calls)
        ));
    }
    Err(under_test.failure(&format!(
        "it lost {} of the {} writes it accepted:\n{}",
        missing.len(),
        accepted.len(),
        report.join("\n")
    )))
}

#[then("the consumer under test made no call outside its pact")]
async fn no_call_outside_its_pact(world: &mut LpaStore) -> anyhow::Result<()> {
    let under_test = under_test(world)?;
    let report = admin_get(&world.admin, world.store()?, "/__admin/scopes").await?;
    anyhow::ensure!(
        report["mode"] != "off",
        "the store holds no pacts: name them in {} with [store] contracts = \"DIR\" (a started \
         store), or start the running store with --contracts DIR",
        under_test.config.path.display()
    );
    let issuer = under_test.issuer();
    let entry = report["consumers"]
        .as_array()
        .and_then(|all| all.iter().find(|c| c["issuer"] == issuer))
        .with_context(|| format!("no consumer signs as {issuer} in the scope report: {report}"))?;
    let outside = entry["callsOutsideContract"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    if outside.is_empty() {
        return Ok(());
    }
    let lines = journal_lines(world).await?;
    let named: Vec<String> = outside
        .iter()
        .map(|c| {
            format!(
                "{} ({} times)",
                c["operation"].as_str().unwrap_or("?"),
                c["count"]
            )
        })
        .collect();
    let routes: Vec<String> = outside
        .iter()
        .filter_map(|c| c["operation"].as_str())
        .map(|op| op.split(' ').take(2).collect::<Vec<_>>().join(" "))
        .collect();
    let calls: Vec<&Line> = lines
        .iter()
        .filter(|l| {
            let route = simulator::scope::route_of(&l.path);
            routes.contains(&format!("{} {route}", l.method))
        })
        .collect();
    Err(under_test.failure(&format!(
        "it made calls its pact ({}) does not include: {}\n{}",
        entry["consumer"].as_str().unwrap_or("?"),
        named.join(", "),
        evidence(calls)
    )))
}

fn under_test_failure(world: &LpaStore, why: &str) -> anyhow::Error {
    match &world.under_test {
        Some(under_test) => under_test.failure(why),
        None => anyhow::anyhow!("{why}"),
    }
}
