//! Running the official `pact verifier` and reading its JSON report.

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use serde_json::Value;

/// The longest one verification may take; past it the verifier is killed and the test fails.
const BOUND: Duration = Duration::from_secs(300);

/// The project's own consumer pacts.
pub(crate) fn committed_pacts() -> PathBuf {
    testkit::repository_root().join("contracts/pacts")
}

/// OPG's own consumer contracts, translated from their source.
pub(crate) fn opg_pacts() -> PathBuf {
    testkit::repository_root().join("contracts/opg/modernising-lpa")
}

/// A token as OPG's provider verification makes it (`scripts/make_jwt.go`): Sirius, staff
/// user 34, valid for a day.
pub(crate) fn sirius_token() -> String {
    token("opg.poas.sirius", "urn:opg:sirius:users:34")
}

/// A token from `lpa-sim token`, valid for a day.
pub(crate) fn token(issuer: &str, subject: &str) -> String {
    let binary = testkit::process::binary().expect("lpa-sim is built");
    let output = Command::new(binary)
        .args(["token", "--issuer", issuer, "--subject", subject])
        .args(["--expires-in", "86400"])
        .output()
        .expect("lpa-sim token runs");
    assert!(output.status.success(), "lpa-sim token failed: {output:?}");
    String::from_utf8(output.stdout)
        .expect("a UTF-8 token")
        .trim()
        .to_owned()
}

/// One run of `pact verifier` against a provider at `http://127.0.0.1:PORT`.
#[derive(Debug)]
pub(crate) struct Verification {
    address: String,
    pacts: Vec<PathBuf>,
    teardown: bool,
    state_change_url: bool,
    headers: Vec<String>,
    only: Option<String>,
}

impl Verification {
    /// `address` is the simulator's `http://HOST:PORT`.
    pub(crate) fn new(address: &str) -> Self {
        Self {
            address: address.to_owned(),
            pacts: Vec::new(),
            teardown: false,
            state_change_url: true,
            headers: Vec::new(),
            only: None,
        }
    }

    /// Verifies the pacts in this folder.
    pub(crate) fn pacts(mut self, dir: PathBuf) -> Self {
        self.pacts.push(dir);
        self
    }

    /// Asks for a teardown after each interaction (`--state-change-teardown`).
    pub(crate) fn teardown(mut self) -> Self {
        self.teardown = true;
        self
    }

    /// Sends this header with every request instead of the pact's (`--header`).
    pub(crate) fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push(format!("{name}={value}"));
        self
    }

    /// Verifies only the interactions with exactly this description.
    pub(crate) fn only(mut self, description: &str) -> Self {
        self.only = Some(description.to_owned());
        self
    }

    /// Leaves out the state-change URL, as a misconfigured provider CI would.
    pub(crate) fn without_state_change_url(mut self) -> Self {
        self.state_change_url = false;
        self
    }

    /// Runs the verifier to the end (bounded) and reads its report.
    pub(crate) fn run(self) -> Outcome {
        let (host, port) = self
            .address
            .trim_start_matches("http://")
            .rsplit_once(':')
            .expect("an address http://HOST:PORT");
        let report_dir = tempfile::tempdir().expect("a temporary folder");
        let report = report_dir.path().join("report.json");
        let mut command = testkit::pact_cli::command();
        command
            .args([
                "verifier",
                "--no-colour",
                "--hostname",
                host,
                "--port",
                port,
            ])
            .args(["--provider-name", "data-lpa-store"])
            .arg("--json")
            .arg(&report);
        if self.state_change_url {
            command
                .arg("--state-change-url")
                .arg(format!("{}/__pact/provider-states", self.address));
        }
        if self.teardown {
            command.arg("--state-change-teardown");
        }
        for header in &self.headers {
            command.arg("--header").arg(header);
        }
        if let Some(description) = &self.only {
            command
                .arg("--filter-description")
                .arg(format!("^{}$", regex_escape(description)));
        }
        for dir in &self.pacts {
            command.arg("--dir").arg(dir);
        }
        let finished = testkit::pact_cli::run_bounded(command, BOUND)
            .unwrap_or_else(|error| panic!("pact verifier: {error:#}"));
        let (succeeded, output) = (finished.status.success(), finished.output);
        let report: Value = std::fs::read(&report)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_else(|| panic!("the verifier wrote no JSON report\n{output}"));
        Outcome {
            succeeded,
            output,
            report,
        }
    }
}

/// What one verification said.
#[derive(Debug)]
pub(crate) struct Outcome {
    /// The verifier's exit status was 0.
    pub(crate) succeeded: bool,
    /// What it printed, for failure messages.
    pub(crate) output: String,
    report: Value,
}

impl Outcome {
    fn interactions(&self) -> impl Iterator<Item = &Value> {
        self.report["interactionResults"]
            .as_array()
            .into_iter()
            .flatten()
    }

    /// How many interactions were verified.
    pub(crate) fn total(&self) -> usize {
        self.interactions().count()
    }

    /// The descriptions of the interactions that failed.
    pub(crate) fn failed(&self) -> Vec<&str> {
        self.interactions()
            .filter(|interaction| interaction["result"].as_str() != Some("OK"))
            .filter_map(|interaction| interaction["description"].as_str())
            .collect()
    }

    /// Fails the test, with the verifier's output, unless every interaction passed.
    pub(crate) fn assert_all_passed(&self) {
        assert!(
            self.succeeded && self.failed().is_empty() && self.total() > 0,
            "the official verifier failed {:?} of {} interactions\n{}",
            self.failed(),
            self.total(),
            self.output
        );
    }
}

fn regex_escape(text: &str) -> String {
    text.chars()
        .flat_map(|c| {
            let special = "\\.+*?()|[]{}^$".contains(c);
            special.then_some('\\').into_iter().chain([c])
        })
        .collect()
}
