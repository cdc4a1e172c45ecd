//! `lpa-contracts scopes`: the data-minimisation record the README keeps, generated from the
//! committed pacts, and the command's answers to bad input.

use std::process::Command;

use simulator::scope::Contracts;
use verifier::scopes::Record;

use super::{committed_pacts, package_dir};

const BIN: &str = env!("CARGO_BIN_EXE_lpa-contracts");
const START: &str = "<!-- scopes:start -->\n";
const END: &str = "<!-- scopes:end -->";
const UPDATE_ENV: &str = "LPA_UPDATE_README";

async fn committed_record() -> Record {
    let contracts = Contracts::read(&committed_pacts()).expect("the committed pacts are read");
    Record::measure(&contracts)
        .await
        .expect("the record is measured")
}

#[tokio::test]
async fn the_readme_scope_record_is_the_one_generated_from_the_committed_pacts() {
    let path = package_dir().join("../../README.md");
    let readme = std::fs::read_to_string(&path).expect("the README can be read");
    let start = readme
        .find(START)
        .expect("the README marks the record's start")
        + START.len();
    let end = readme[start..]
        .find(END)
        .expect("the README marks the record's end")
        + start;

    let expected = committed_record().await.markdown();

    if std::env::var(UPDATE_ENV).as_deref() == Ok("1") {
        let updated = format!("{}{expected}{}", &readme[..start], &readme[end..]);
        std::fs::write(&path, updated).expect("the README can be written");
        return;
    }
    assert!(
        readme[start..end] == expected,
        "the README's scope record disagrees with the pact files; regenerate it with \
         {UPDATE_ENV}=1 cargo test -p verifier --test verify scopes\n\nexpected:\n{expected}"
    );
}

#[tokio::test]
async fn every_consumer_receives_fewer_of_a_registered_lpas_fields_with_enforcement() {
    let record = committed_record().await;

    let names: Vec<&str> = record
        .consumers
        .iter()
        .map(|c| c.consumer.as_str())
        .collect();
    assert_eq!(names, ["modernising-lpa", "sirius", "use-an-lpa"]);
    for consumer in &record.consumers {
        let received = consumer
            .received
            .unwrap_or_else(|| panic!("{} reads LPAs, so it was measured", consumer.consumer));
        assert!(
            received.with_enforcement < received.without_enforcement,
            "{}: {received:?}",
            consumer.consumer
        );
        assert!(
            received.with_enforcement <= consumer.lpa_fields.len(),
            "{}: more received than relied on: {received:?}",
            consumer.consumer
        );
    }
}

#[test]
fn the_json_record_lists_each_consumers_operations_and_fields() {
    let output = Command::new(BIN)
        .args(["scopes", "--format", "json", "--pacts"])
        .arg(committed_pacts())
        .output()
        .expect("lpa-contracts runs");

    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let record: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let use_an_lpa = record["consumers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["consumer"] == "use-an-lpa")
        .unwrap();
    assert_eq!(use_an_lpa["issuer"], "opg.poas.use");
    assert!(
        use_an_lpa["operations"]
            .as_array()
            .unwrap()
            .contains(&"GET /lpas/{uid}?presign-images".into())
    );
    assert!(
        use_an_lpa["lpaFields"]
            .as_array()
            .unwrap()
            .contains(&"$.donor.firstNames".into())
    );
}

#[test]
fn a_folder_without_pacts_is_an_error_with_exit_code_2() {
    let empty = tempfile::tempdir().unwrap();
    for folder in [empty.path().to_path_buf(), empty.path().join("missing")] {
        let output = Command::new(BIN)
            .args(["scopes", "--pacts"])
            .arg(&folder)
            .output()
            .expect("lpa-contracts runs");

        assert_eq!(output.status.code(), Some(2), "{output:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains(&folder.display().to_string()),
            "the error names the folder: {stderr}"
        );
    }
}
