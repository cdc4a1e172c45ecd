//! OPG's own consumer contract, not one this repository's consumer tests write: Make and
//! register an LPA's (`modernising-lpa`) pact, translated from its pact-go v2 test
//! (`contracts/opg/README.md`), verified against the simulator on both stores.

use std::path::PathBuf;
use std::time::Duration;

use pact_models::PactSpecification;
use simulator::auth::DEFAULT_SECRET;
use testkit::postgres::TestDatabase;
use verifier::Verification;
use verifier::provider::{Provider, SimulatorStore};
use verifier::report::Report;
use verifier::sources::PactInputs;

/// The interactions of `TestClientServiceContract`, in the order the test adds them.
const INTERACTIONS: [&str; 9] = [
    "A request to create a new case",
    "A request to create a case with existing UID",
    "A request to send the attorney data",
    "A request to send the trust corporation data",
    "A request to send the certificate provider data",
    "A request to send the certificate provider data for a professional",
    "A request to update the lpa",
    "A request to get the lpa",
    "A request to get multiple lpas",
];

/// `contracts/opg/modernising-lpa`, the folder `lpa-contracts verify --pacts` is given.
fn opg_pacts() -> PathBuf {
    super::package_dir().join("../opg/modernising-lpa")
}

fn opg_pact_file() -> PathBuf {
    opg_pacts().join("modernising-lpa-data-lpa-store.json")
}

async fn verify(store: SimulatorStore) -> Report {
    let provider = Provider::simulator(store, DEFAULT_SECRET, Duration::from_secs(1))
        .await
        .expect("the simulator starts");
    let inputs = PactInputs {
        paths: vec![opg_pacts()],
        ..PactInputs::default()
    };
    let report = Verification::new(inputs).run(&provider).await;
    provider.stop().await;
    report.expect("the verification runs")
}

fn assert_every_interaction_passed(report: &Report) {
    assert!(report.passed(), "{}", report.summary());
    let mut verified: Vec<&str> = report
        .interactions
        .iter()
        .map(|i| {
            assert_eq!(i.consumer, "modernising-lpa");
            i.description.as_str()
        })
        .collect();
    verified.sort_unstable();
    let mut expected = INTERACTIONS.to_vec();
    expected.sort_unstable();
    assert_eq!(verified, expected, "every interaction, once");
}

#[test]
fn the_translated_pact_is_a_v2_pact_of_modernising_lpa_with_data_lpa_store() {
    // Arrange
    let path = opg_pact_file();
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("the pact is committed"))
            .expect("the pact is JSON");

    // Act
    let pact = pact_models::pact::read_pact(&path).expect("pact_models reads the pact");

    // Assert
    assert_eq!(json["metadata"]["pactSpecification"]["version"], "2.0.0");
    assert_eq!(pact.specification_version(), PactSpecification::V2);
    assert_eq!(pact.consumer().name, "modernising-lpa");
    assert_eq!(pact.provider().name, "data-lpa-store");
    let descriptions: Vec<String> = pact
        .interactions()
        .iter()
        .map(|i| i.description())
        .collect();
    assert_eq!(descriptions, INTERACTIONS);
    for interaction in json["interactions"].as_array().expect("interactions") {
        // V2 names its one provider state `providerState`; V3's `providerStates` would be
        // read too, and hide a translation into the wrong version.
        assert!(interaction["providerState"].is_string(), "{interaction}");
        assert!(interaction.get("providerStates").is_none(), "{interaction}");
        for part in ["request", "response"] {
            let rules = &interaction[part]["matchingRules"];
            for (path, rule) in rules.as_object().into_iter().flatten() {
                // V2's flat form: one rule per `$.body...` path, no `matchers` lists.
                assert!(path.starts_with("$.body"), "{path}");
                assert!(rule["match"].is_string(), "{path}: {rule}");
            }
        }
    }
}

#[tokio::test]
async fn the_pact_of_make_and_register_an_lpa_verifies_against_the_simulator_on_the_memory_store() {
    let report = verify(SimulatorStore::Memory).await;
    assert_every_interaction_passed(&report);
}

#[tokio::test]
async fn the_pact_of_make_and_register_an_lpa_verifies_against_the_simulator_on_postgres() {
    let database = TestDatabase::start()
        .await
        .expect("a Postgres container starts");
    let report = verify(SimulatorStore::Postgres(database.url.clone())).await;
    assert_every_interaction_passed(&report);
}
