//! Provider verification end to end: the committed pacts against the simulator, in process and
//! over loopback, on both stores, and the command's reports and errors.

mod broker;
mod cli;
mod in_process;

use std::path::PathBuf;

/// `contracts/pacts`, where the consumer tests write the committed pacts.
fn committed_pacts() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../pacts")
}

/// How many interactions the committed pacts hold, by consumer.
fn committed_interactions() -> Vec<(String, usize)> {
    let mut counts = Vec::new();
    for entry in std::fs::read_dir(committed_pacts()).expect("contracts/pacts exists") {
        let path = entry.expect("a readable entry").path();
        let pact: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).expect("readable"))
                .expect("a committed pact is JSON");
        counts.push((
            pact["consumer"]["name"]
                .as_str()
                .expect("a consumer")
                .to_owned(),
            pact["interactions"].as_array().expect("interactions").len(),
        ));
    }
    counts.sort();
    counts
}
