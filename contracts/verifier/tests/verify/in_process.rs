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
    let pacts = super::package_dir().join("tests/pacts-v2");

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

/// The upgrade keeps bodies as opaque bytes (`*/*`, base64); Pact libraries writing V4 write
/// JSON bodies as JSON with their content type, as here.
fn as_json_body(body: &mut serde_json::Value) {
    use base64::Engine as _;
    let Some(encoded) = body["content"]
        .as_str()
        .filter(|_| body["encoded"] == "base64")
    else {
        return;
    };
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .expect("base64 content");
    let content: serde_json::Value = serde_json::from_slice(&bytes).expect("a JSON body");
    *body = serde_json::json!({"content": content, "contentType": "application/json", "encoded": false});
}

#[tokio::test]
async fn the_committed_pacts_rewritten_as_v4_verify_too() {
    // Arrange: the V4 format other Pact libraries write now (typed interactions, bodies with a
    // content type), made from the committed V3 pacts with pact_models.
    use pact_models::PactSpecification;
    let dir = std::env::temp_dir().join(format!("lpa-pacts-v4-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    for entry in std::fs::read_dir(committed_pacts()).unwrap() {
        let path = entry.unwrap().path();
        let pact = pact_models::pact::read_pact(&path).expect("a committed pact reads");
        let v4 = pact.as_v4_pact().expect("a pact upgrades to V4");
        let mut json = pact_models::pact::Pact::to_json(&v4, PactSpecification::V4).unwrap();
        assert_eq!(json["metadata"]["pactSpecification"]["version"], "4.0");
        for interaction in json["interactions"].as_array_mut().unwrap() {
            assert_eq!(interaction["type"], "Synchronous/HTTP");
            for part in ["request", "response"] {
                as_json_body(&mut interaction[part]["body"]);
            }
        }
        std::fs::write(dir.join(path.file_name().unwrap()), json.to_string()).unwrap();
    }

    // Act
    let report = verify(SimulatorStore::Memory, dir.clone()).await;
    std::fs::remove_dir_all(&dir).ok();

    // Assert
    assert_every_committed_interaction_passed(&report);
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
