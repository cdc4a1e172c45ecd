//! Publishing the committed pacts with the official CLI (`pact broker publish`, from the PyPI
//! package `pact-python-cli`, as a consumer team's CI runs it) to the broker stand-in.
//!
//! What the CLI calls (pact-python-cli 0.10.9, pact-broker-cli 0.9.0): `GET /` for the HAL
//! index, then one `POST` to its `pb:publish-contracts` link per pact file, each with one
//! contract whose `content` is the pact in base64; without that link it gives up ("Could not
//! find relation 'pb:publish-contracts'", seen against a recording server) rather than use the
//! older per-pact `PUT`. A refusal makes it exit 1, printing the broker's `errors`, or its
//! status and body.

use std::path::{Path, PathBuf};
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde_json::Value;
use testkit::pact_cli::{self, Finished};

use super::broker::{Broker, start_broker_with_token};
use super::committed_pacts;

/// The longest one publish may take; past it the CLI is killed and the test fails.
const BOUND: Duration = Duration::from_secs(60);

const TOKEN: &str = "consumer-ci-token";
const SHA: &str = "4f2a9c1e7b3d5a6f8e0c2b4d6a8f0e1c3b5d7a9f";
const BRANCH: &str = "feature/attorney-sign";
const PROVIDER: &str = "data-lpa-store";
const CONSUMERS: [&str; 3] = ["modernising-lpa", "sirius", "use-an-lpa"];

/// How the CLI is given the broker's token.
#[derive(Clone, Copy)]
enum Token<'a> {
    /// `--broker-token TOKEN`.
    Flag(&'a str),
    /// `PACT_BROKER_TOKEN=TOKEN`, kept out of the process list.
    Env(&'a str),
}

/// `pact broker publish PACTS --consumer-app-version SHA --branch BRANCH --tag ci,dev
/// --broker-base-url BROKER` with the token, bounded.
async fn publish(broker: &Broker, pacts: &Path, token: Token<'_>) -> Finished {
    let mut command = pact_cli::command();
    command
        .args(["broker", "publish"])
        .arg(pacts)
        .args(["--consumer-app-version", SHA, "--branch", BRANCH])
        .args(["--tag", "ci,dev"])
        .args(["--broker-base-url", &broker.base])
        .env_remove("PACT_BROKER_TOKEN");
    match token {
        Token::Flag(token) => command.args(["--broker-token", token]),
        Token::Env(token) => command.env("PACT_BROKER_TOKEN", token),
    };
    tokio::task::spawn_blocking(move || pact_cli::run_bounded(command, BOUND))
        .await
        .unwrap()
        .unwrap_or_else(|error| panic!("pact broker publish: {error:#}"))
}

fn committed_pact(consumer: &str) -> PathBuf {
    committed_pacts().join(format!("{consumer}-{PROVIDER}.json"))
}

/// The committed pact as the CLI sends it: it loads the file with pact_models and writes it
/// out again, compact, stamping `metadata.pactRust.models` with its own pact_models version;
/// nothing else changes, so this is the committed file, compacted, with that stamp.
fn as_sent(consumer: &str, stamp: &Value) -> String {
    let text = std::fs::read_to_string(committed_pact(consumer)).expect("the committed pact");
    let mut pact: Value = serde_json::from_str(&text).expect("a committed pact is JSON");
    pact["metadata"]["pactRust"]["models"] = stamp.clone();
    serde_json::to_string(&pact).expect("JSON")
}

fn assert_exit(finished: &Finished, code: i32) {
    assert_eq!(
        finished.status.code(),
        Some(code),
        "pact broker publish\n{}",
        finished.output
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_official_cli_publishes_every_committed_pact_with_version_branch_tags_and_token() {
    // Arrange
    let broker = start_broker_with_token(TOKEN).await;

    // Act
    let finished = publish(&broker, &committed_pacts(), Token::Flag(TOKEN)).await;

    // Assert: one index read, then one publication per pact file, all with the token.
    assert_exit(&finished, 0);
    let index = broker.received("index");
    assert_eq!(index.len(), 1, "{index:?}");
    assert_eq!(index[0]["auth"], format!("Bearer {TOKEN}"));
    let requests = broker.received("publish");
    let mut consumers: Vec<&str> = Vec::new();
    for request in &requests {
        assert_eq!(request["auth"], format!("Bearer {TOKEN}"));
        let body = &request["body"];
        let consumer = body["pacticipantName"].as_str().expect("a consumer");
        assert_eq!(body["pacticipantVersionNumber"], SHA, "{consumer}");
        assert_eq!(body["branch"], BRANCH, "{consumer}");
        assert_eq!(body["tags"], serde_json::json!(["ci", "dev"]), "{consumer}");
        let contracts = body["contracts"].as_array().expect("contracts");
        assert_eq!(contracts.len(), 1, "one pact per request");
        let contract = &contracts[0];
        assert_eq!(contract["consumerName"], consumer);
        assert_eq!(contract["providerName"], PROVIDER);
        assert_eq!(contract["specification"], "pact");
        assert_eq!(contract["contentType"], "application/json");
        let content = BASE64
            .decode(contract["content"].as_str().expect("content"))
            .expect("base64 content");
        let content = String::from_utf8(content).expect("UTF-8 content");
        let sent: Value = serde_json::from_str(&content).expect("JSON content");
        let stamp = &sent["metadata"]["pactRust"]["models"];
        assert!(stamp.is_string(), "{consumer}: the CLI stamps its version");
        assert!(
            content == as_sent(consumer, stamp),
            "{consumer}: the content sent is not the committed pact"
        );
        assert!(
            finished.output.contains(&format!(
                "Pact published for {consumer} version {SHA} and provider {PROVIDER}"
            )),
            "the broker's notice is shown\n{}",
            finished.output
        );
        consumers.push(consumer);
    }
    consumers.sort_unstable();
    assert_eq!(consumers, CONSUMERS, "each committed pact once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn publishing_the_same_commit_again_is_accepted() {
    // Re-running a consumer's publish job, the token now from the environment: the CLI writes
    // the same bytes again, so the broker sees no change of content under the version.
    let broker = start_broker_with_token(TOKEN).await;
    let first = publish(&broker, &committed_pacts(), Token::Flag(TOKEN)).await;
    let second = publish(&broker, &committed_pacts(), Token::Env(TOKEN)).await;

    assert_exit(&first, 0);
    assert_exit(&second, 0);
    let requests = broker.received("publish");
    assert_eq!(requests.len(), 6);
    for request in &requests {
        assert_eq!(
            request["auth"],
            format!("Bearer {TOKEN}"),
            "flag and variable alike"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_token_fails_the_publish_with_the_brokers_401() {
    // Arrange
    let broker = start_broker_with_token(TOKEN).await;

    // Act
    let finished = publish(&broker, &committed_pacts(), Token::Flag("an-expired-token")).await;

    // Assert: refused at the index; nothing published, and the CLI says why.
    assert_exit(&finished, 1);
    assert!(
        finished.output.contains("401 Unauthorized")
            && finished
                .output
                .contains("The bearer token is not valid for this broker"),
        "the broker's refusal is shown\n{}",
        finished.output
    );
    assert!(broker.received("publish").is_empty());
    let refused = broker.received("refused");
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert_eq!(refused[0]["auth"], "Bearer an-expired-token");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_changed_pact_under_a_published_version_is_refused_and_the_cli_says_why() {
    // Arrange: the committed pacts published, then Sirius's with one interaction fewer.
    let broker = start_broker_with_token(TOKEN).await;
    assert_exit(
        &publish(&broker, &committed_pacts(), Token::Flag(TOKEN)).await,
        0,
    );
    let held = broker.pact("sirius", PROVIDER, SHA).expect("Sirius's pact");
    let changed = tempfile::tempdir().expect("a temporary folder");
    let mut pact: Value =
        serde_json::from_str(&std::fs::read_to_string(committed_pact("sirius")).unwrap()).unwrap();
    pact["interactions"].as_array_mut().unwrap().pop();
    std::fs::write(
        changed.path().join("sirius-data-lpa-store.json"),
        serde_json::to_string_pretty(&pact).unwrap(),
    )
    .unwrap();

    // Act: the same version again.
    let finished = publish(&broker, changed.path(), Token::Flag(TOKEN)).await;

    // Assert
    assert_exit(&finished, 1);
    assert!(
        finished.output.contains(&format!(
            "Cannot change the content of the pact for sirius version {SHA}"
        )),
        "the broker's conflict is shown\n{}",
        finished.output
    );
    assert_eq!(broker.pact("sirius", PROVIDER, SHA), Some(held));
}
