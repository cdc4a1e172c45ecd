//! Provider verification end to end: the committed pacts against the simulator, in process and
//! over loopback, on both stores, the command's reports and errors, and a pact written in Python
//! by pact-python.

mod broker;
mod cli;
mod in_process;
mod opg;
mod publish;
mod python;
mod scopes;

use std::path::PathBuf;

/// The package's folder, read when the tests run (cargo and nextest set it), not when they were
/// built: a binary built in another checkout that shares the target directory must still read
/// this checkout's files.
fn package_dir() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map_or_else(|| env!("CARGO_MANIFEST_DIR").into(), PathBuf::from)
}

/// `contracts/pacts`, where the consumer tests write the committed pacts.
fn committed_pacts() -> PathBuf {
    package_dir().join("../pacts")
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

/// What a JUnit report holds, read with an XML parser as a CI system would.
#[derive(Debug, Default)]
struct JunitCounts {
    suites: usize,
    cases: usize,
    failures: usize,
}

fn junit_counts(xml: &[u8]) -> JunitCounts {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut counts = JunitCounts::default();
    let mut buffer = Vec::new();
    loop {
        match reader
            .read_event_into(&mut buffer)
            .expect("well-formed XML")
        {
            Event::Eof => break,
            Event::Start(element) | Event::Empty(element) => match element.name().as_ref() {
                b"testcase" => counts.cases += 1,
                b"testsuite" => counts.suites += 1,
                b"failure" | b"error" => counts.failures += 1,
                _ => {}
            },
            _ => {}
        }
        buffer.clear();
    }
    counts
}
