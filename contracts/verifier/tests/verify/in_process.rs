//! The library against a simulator started in the test's process.

use std::path::PathBuf;
use std::time::Duration;

use simulator::auth::DEFAULT_SECRET;
use testkit::postgres::TestDatabase;
use verifier::Verification;
use verifier::provider::{Provider, SimulatorStore};
use verifier::report::Report;
use verifier::sources::PactInputs;

use super::{committed_interactions, committed_pacts};

async fn verify(store: SimulatorStore, pacts: PathBuf) -> Report {
    let provider = Provider::simulator(store, DEFAULT_SECRET, Duration::from_secs(1))
        .await
        .expect("the simulator starts");
    let inputs = PactInputs {
        paths: vec![pacts],
        ..PactInputs::default()
    };
    let report = Verification::new(inputs).run(&provider).await;
    provider.stop().await;
    report.expect("the verification runs")
}

fn assert_every_committed_interaction_passed(report: &Report) {
    assert!(report.passed(), "{}", report.summary());
    let mut verified: Vec<(String, usize)> = Vec::new();
    for interaction in &report.interactions {
        match verified
            .iter_mut()
            .find(|(c, _)| *c == interaction.consumer)
        {
            Some((_, n)) => *n += 1,
            None => verified.push((interaction.consumer.clone(), 1)),
        }
    }
    verified.sort();
    assert_eq!(
        verified,
        committed_interactions(),
        "every interaction, once"
    );
}

#[tokio::test]
async fn every_committed_pact_verifies_against_the_simulator_on_the_memory_store() {
    let report = verify(SimulatorStore::Memory, committed_pacts()).await;
    assert_every_committed_interaction_passed(&report);
}

#[tokio::test]
async fn every_committed_pact_verifies_against_the_simulator_on_postgres() {
    let database = TestDatabase::start()
        .await
        .expect("a Postgres container starts");
    let report = verify(
        SimulatorStore::Postgres(database.url.clone()),
        committed_pacts(),
    )
    .await;
    assert_every_committed_interaction_passed(&report);
}

#[tokio::test]
async fn a_v2_pact_in_the_style_of_pact_go_without_headers_verifies() {
    // Arrange: written by hand as pact-go v2 writes them (`providerState`, flat matching rules,
    // no JWT header), like Make and register an LPA's real pact.
    let pacts = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/pacts-v2");

    // Act
    let report = verify(SimulatorStore::Memory, pacts).await;

    // Assert
    assert!(report.passed(), "{}", report.summary());
    assert_eq!(report.interactions.len(), 6);
    assert!(
        report
            .interactions
            .iter()
            .all(|i| i.consumer == "modernising-lpa")
    );
}

#[tokio::test]
async fn the_junit_report_is_xml_with_a_case_per_interaction() {
    // Arrange
    let report = verify(SimulatorStore::Memory, committed_pacts()).await;

    // Act
    let xml = report.junit().expect("the report renders");

    // Assert
    let counts = super::junit_counts(&xml);
    let expected: usize = committed_interactions().iter().map(|(_, n)| n).sum();
    assert_eq!(counts.cases, expected);
    assert_eq!(counts.suites, committed_interactions().len());
    assert_eq!(counts.failures, 0);
}
