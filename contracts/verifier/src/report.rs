//! What a verification found, per interaction, and the three ways it is told: a summary for
//! people, JUnit XML for CI systems, JSON for tools.

use std::fmt::Write as _;

use pact_verifier::MismatchResult;
use pact_verifier::verification_result::VerificationInteractionResult;
use serde::Serialize;

/// How one interaction fared.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "result", rename_all = "lowercase")]
pub enum Outcome {
    /// The provider answered as the consumer expects.
    Passed,
    /// The provider answered, differently: the mismatches, as text.
    Failed {
        /// What differed, expected against actual.
        mismatch: String,
    },
    /// The interaction could not be verified (a state change failed, the provider did not
    /// answer).
    Error {
        /// Why.
        message: String,
    },
}

/// One interaction's verification.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InteractionReport {
    /// The consumer whose pact it is.
    pub consumer: String,
    /// The interaction's description.
    pub description: String,
    /// Its provider states, in order.
    pub provider_states: Vec<String>,
    /// Whether its pact is pending (a failure does not fail the run).
    pub pending: bool,
    /// Milliseconds it took.
    pub duration_ms: u64,
    /// How it fared.
    #[serde(flatten)]
    pub outcome: Outcome,
}

impl InteractionReport {
    /// Reads one of pact_verifier's results.
    pub fn from_result(result: &VerificationInteractionResult) -> Self {
        let outcome = match &result.result {
            Ok(()) => Outcome::Passed,
            Err(MismatchResult::Mismatches {
                mismatches,
                expected,
                actual,
                ..
            }) => {
                let mut lines = Vec::new();
                pact_verifier::interaction_mismatch_output(
                    &mut lines,
                    false,
                    0,
                    &result.interaction_description,
                    mismatches,
                    expected.as_ref(),
                    actual.as_ref(),
                );
                // The first line repeats the description; the rest is the diff.
                let mut text = lines
                    .iter()
                    .skip(1)
                    .map(|line| line.trim_end())
                    .collect::<Vec<_>>()
                    .join("\n");
                // A wrong status says little without the body that came with it.
                let status_differs = mismatches
                    .iter()
                    .any(|m| matches!(m, pact_matching::Mismatch::StatusMismatch { .. }));
                if status_differs
                    && let Some(body) = actual
                        .as_v4_http()
                        .and_then(|http| http.response.body.value_as_string())
                {
                    text.push_str(&format!("\nthe provider answered: {}", body.trim()));
                }
                Outcome::Failed { mismatch: text }
            }
            Err(MismatchResult::Error(message, _)) => Outcome::Error {
                message: message.clone(),
            },
        };
        Self {
            consumer: result.consumer.clone(),
            description: result.interaction_description.clone(),
            provider_states: result.provider_states.clone(),
            pending: result.pending,
            duration_ms: u64::try_from(result.duration.as_millis()).unwrap_or(u64::MAX),
            outcome,
        }
    }

    /// Whether it counts against the run: a failure or error outside a pending pact.
    pub fn fails_the_run(&self) -> bool {
        !self.pending && self.outcome != Outcome::Passed
    }

    fn label(&self) -> &'static str {
        match (&self.outcome, self.pending) {
            (Outcome::Passed, _) => "PASS",
            (_, true) => "PENDING",
            (Outcome::Failed { .. }, false) => "FAIL",
            (Outcome::Error { .. }, false) => "ERROR",
        }
    }
}

/// A whole verification.
#[derive(Clone, Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// The provider's name.
    pub provider: String,
    /// Every interaction, in the order verified.
    pub interactions: Vec<InteractionReport>,
    /// Notices from a Pact Broker (pending and WIP explanations).
    pub notices: Vec<String>,
}

impl Report {
    /// True when no interaction fails the run.
    pub fn passed(&self) -> bool {
        !self
            .interactions
            .iter()
            .any(InteractionReport::fails_the_run)
    }

    /// The consumers whose interactions were verified, sorted.
    fn consumers(&self) -> Vec<&str> {
        let mut consumers: Vec<&str> = self
            .interactions
            .iter()
            .map(|i| i.consumer.as_str())
            .collect();
        consumers.sort_unstable();
        consumers.dedup();
        consumers
    }

    fn count(&self, label: &str) -> usize {
        self.interactions
            .iter()
            .filter(|i| i.label() == label)
            .count()
    }

    /// The summary for people: one line per interaction, the diff under each failure, and a
    /// last line with the counts.
    pub fn summary(&self) -> String {
        let mut out = String::new();
        let consumers = self.consumers();
        let _ = writeln!(
            out,
            "Verifying {} against {} interaction(s) of {}",
            self.provider,
            self.interactions.len(),
            consumers.join(", ")
        );
        for interaction in &self.interactions {
            let states = if interaction.provider_states.is_empty() {
                String::new()
            } else {
                format!(" [given {}]", interaction.provider_states.join("; "))
            };
            let _ = writeln!(
                out,
                "  {:<7} {}: {}{states}",
                interaction.label(),
                interaction.consumer,
                interaction.description
            );
            let detail = match &interaction.outcome {
                Outcome::Passed => None,
                Outcome::Failed { mismatch } => Some(mismatch.as_str()),
                Outcome::Error { message } => Some(message.as_str()),
            };
            for line in detail.into_iter().flat_map(str::lines) {
                let _ = writeln!(out, "          {}", line.trim_start());
            }
        }
        for notice in &self.notices {
            let _ = writeln!(out, "  notice: {notice}");
        }
        let _ = writeln!(
            out,
            "{}: {} passed, {} failed, {} errors, {} pending failures",
            if self.passed() { "PASSED" } else { "FAILED" },
            self.count("PASS"),
            self.count("FAIL"),
            self.count("ERROR"),
            self.count("PENDING"),
        );
        out
    }

    /// JUnit XML: a test suite per consumer, a test case per interaction; pending failures are
    /// skipped, mismatches are failures, the rest errors.
    pub fn junit(&self) -> Result<Vec<u8>, junit_report::Error> {
        use junit_report::{Duration, ReportBuilder, TestCase, TestSuiteBuilder};
        let mut report = ReportBuilder::new();
        for consumer in self.consumers() {
            let mut suite = TestSuiteBuilder::new(&format!("{consumer} -> {}", self.provider));
            for interaction in self.interactions.iter().filter(|i| i.consumer == consumer) {
                let name = interaction.description.as_str();
                let time = Duration::milliseconds(
                    i64::try_from(interaction.duration_ms).unwrap_or(i64::MAX),
                );
                let mut case = match (&interaction.outcome, interaction.pending) {
                    (Outcome::Passed, _) => TestCase::success(name, time),
                    (_, true) => TestCase::skipped(name),
                    (Outcome::Failed { mismatch }, false) => {
                        TestCase::failure(name, time, "mismatch", mismatch)
                    }
                    (Outcome::Error { message }, false) => {
                        TestCase::error(name, time, "error", message)
                    }
                };
                case.set_classname(&format!("{consumer}.{}", self.provider));
                suite.add_testcase(case);
            }
            report.add_testsuite(suite.build());
        }
        let mut xml = Vec::new();
        report.build().write_xml(&mut xml)?;
        Ok(xml)
    }

    /// The JSON report.
    pub fn json(&self) -> serde_json::Value {
        let mut value = serde_json::to_value(self).unwrap_or_default();
        if let Some(object) = value.as_object_mut() {
            object.insert("passed".to_owned(), self.passed().into());
        }
        value
    }
}
