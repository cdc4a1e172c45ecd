//! `lpa-contracts verify` as provider CI runs it, against `lpa-sim serve` over loopback.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;
use testkit::process::SimProcess;

use super::{committed_interactions, committed_pacts};

const BIN: &str = env!("CARGO_BIN_EXE_lpa-contracts");

fn temp(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("lpa-contracts-{}-{name}", uuid::Uuid::new_v4()))
}

fn lpa_contracts(args: &[&str]) -> Output {
    Command::new(BIN)
        .arg("verify")
        .args(args)
        .env("PACT_DO_NOT_TRACK", "true")
        .env_remove("PACT_BROKER_BASE_URL")
        .output()
        .expect("lpa-contracts runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The command's own summary, after pact_verifier's progress lines.
fn summary(output: &Output) -> String {
    let stdout = text(&output.stdout);
    let start = stdout
        .find("Verifying data-lpa-store against")
        .unwrap_or_else(|| {
            panic!(
                "no summary in:\n{stdout}\nstderr:\n{}",
                text(&output.stderr)
            )
        });
    stdout[start..].to_owned()
}

fn against(sim: &SimProcess) -> Vec<String> {
    vec![
        "--provider-url".to_owned(),
        sim.address.clone(),
        "--state-change-url".to_owned(),
        format!("{}/__pact/provider-states", sim.address),
    ]
}

fn pacts_arg(path: &Path) -> Vec<String> {
    vec!["--pacts".to_owned(), path.display().to_string()]
}

fn run(args: &[String]) -> Output {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    lpa_contracts(&args)
}

#[test]
fn a_running_simulator_passes_every_committed_pact_twice_in_a_row_with_reports() {
    // Arrange
    let outbox = temp("outbox");
    let sim = SimProcess::start(&["--outbox", outbox.to_str().unwrap()]).expect("lpa-sim starts");
    let (junit, json) = (temp("junit.xml"), temp("report.json"));
    let mut args = against(&sim);
    args.extend(pacts_arg(&committed_pacts()));
    args.extend([
        "--junit".to_owned(),
        junit.display().to_string(),
        "--json".to_owned(),
        json.display().to_string(),
    ]);

    // Act
    let first = run(&args);
    let second = run(&args);

    // Assert
    for output in [&first, &second] {
        assert_eq!(output.status.code(), Some(0), "{}", summary(output));
    }
    let expected: usize = committed_interactions().iter().map(|(_, n)| n).sum();
    assert!(summary(&second).contains(&format!("PASSED: {expected} passed, 0 failed")));
    let report: Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    assert_eq!(report["passed"], true);
    assert_eq!(report["interactions"].as_array().unwrap().len(), expected);
    assert!(
        std::fs::read_to_string(&junit)
            .unwrap()
            .contains("<testsuites")
    );
    std::fs::remove_dir_all(&outbox).ok();
}

#[test]
fn a_simulator_holding_every_consumer_to_its_contract_passes_every_committed_pact() {
    // Arrange: each consumer refused anything its pact does not call, and sent only the
    // fields its pact relies on.
    let pacts = committed_pacts();
    let sim = SimProcess::start(&[
        "--contracts",
        pacts.to_str().unwrap(),
        "--scopes",
        "enforce",
    ])
    .expect("lpa-sim starts");
    let mut args = against(&sim);
    args.extend(pacts_arg(&pacts));

    // Act
    let output = run(&args);

    // Assert
    assert_eq!(output.status.code(), Some(0), "{}", summary(&output));
    let expected: usize = committed_interactions().iter().map(|(_, n)| n).sum();
    assert!(summary(&output).contains(&format!("PASSED: {expected} passed, 0 failed")));
}

#[test]
fn opgs_own_modernising_lpa_contract_passes_against_a_simulator_holding_it_to_that_contract() {
    let pacts = super::package_dir().join("../opg/modernising-lpa");
    let sim = SimProcess::start(&[
        "--contracts",
        pacts.to_str().unwrap(),
        "--scopes",
        "enforce",
    ])
    .expect("lpa-sim starts");
    let mut args = against(&sim);
    args.extend(pacts_arg(&pacts));

    let output = run(&args);

    assert_eq!(output.status.code(), Some(0), "{}", summary(&output));
    assert!(summary(&output).contains("PASSED: 9 passed, 0 failed"));
}

#[test]
fn verify_simulator_passes_every_committed_pact_and_writes_junit_a_ci_system_parses() {
    // Arrange
    let junit = temp("junit.xml");

    // Act
    let output = lpa_contracts(&[
        "--simulator",
        "--pacts",
        committed_pacts().to_str().unwrap(),
        "--junit",
        junit.to_str().unwrap(),
    ]);

    // Assert
    assert_eq!(output.status.code(), Some(0), "{}", summary(&output));
    let counts = super::junit_counts(&std::fs::read(&junit).expect("the report is written"));
    let expected: usize = committed_interactions().iter().map(|(_, n)| n).sum();
    assert_eq!(counts.cases, expected);
    assert_eq!(counts.suites, committed_interactions().len());
    assert_eq!(counts.failures, 0);
    std::fs::remove_file(&junit).ok();
}

#[test]
fn a_broken_provider_fails_with_a_readable_mismatch_and_exit_code_1() {
    // Arrange: the simulator answers 500 where Use an LPA expects its 404.
    let faults = temp("faults.json");
    std::fs::write(
        &faults,
        r#"[{"name": "broken-not-found", "kind": "status", "status": 500,
             "selector": {"path": "/lpas/M-0000-4444-3333"}}]"#,
    )
    .unwrap();
    let sim = SimProcess::start(&["--faults", faults.to_str().unwrap()]).expect("lpa-sim starts");
    let mut args = against(&sim);
    args.extend(pacts_arg(&committed_pacts()));
    args.extend(["--consumer".to_owned(), "use-an-lpa".to_owned()]);

    // Act
    let output = run(&args);

    // Assert
    assert_eq!(output.status.code(), Some(1), "{}", summary(&output));
    insta::assert_snapshot!("broken_provider_summary", summary(&output));
    std::fs::remove_file(&faults).ok();
}

#[test]
fn a_missing_pact_path_is_an_error_with_exit_code_2() {
    let output = lpa_contracts(&["--simulator", "--pacts", "/nowhere/pacts"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("no pacts at /nowhere/pacts"), "{stderr}");
}

#[test]
fn a_broken_pact_file_is_named_in_the_error() {
    let broken = temp("broken.json");
    std::fs::write(
        &broken,
        r#"{"consumer": {"name": "sirius"}, "provider": {"name": "data-lpa-store"}}"#,
    )
    .unwrap();
    let output = lpa_contracts(&["--simulator", "--pacts", broken.to_str().unwrap()]);
    std::fs::remove_file(&broken).ok();
    assert_eq!(output.status.code(), Some(2));
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("is not a valid pact: no interactions"),
        "{stderr}"
    );
    assert!(stderr.contains(broken.to_str().unwrap()), "{stderr}");
}

#[test]
fn an_unreachable_provider_is_an_error_not_a_hang() {
    // A port that was free a moment ago: nothing listens on it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let started = std::time::Instant::now();
    let output = lpa_contracts(&[
        "--provider-url",
        &format!("http://127.0.0.1:{port}"),
        "--pacts",
        committed_pacts().to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("cannot be reached"), "{stderr}");
}

#[test]
fn a_consumer_version_selector_the_broker_would_not_understand_is_refused() {
    let output = lpa_contracts(&[
        "--simulator",
        "--broker-url",
        "http://127.0.0.1:9",
        "--consumer-version-selectors",
        r#"{"mainbranch": true}"#,
    ]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("unknown key \"mainbranch\""), "{stderr}");
}

#[test]
fn publishing_without_a_provider_version_is_refused_before_anything_runs() {
    let output = lpa_contracts(&[
        "--simulator",
        "--broker-url",
        "http://127.0.0.1:9",
        "--publish",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("--provider-version"));
}
