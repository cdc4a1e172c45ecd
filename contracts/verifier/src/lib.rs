//! Provider verification of the LPA store against its consumers' pacts, on pact_verifier, and
//! the consumers' data-minimisation record: the library behind `lpa-contracts`.
//!
//! - [`sources`]: pacts from files, folders, URLs or a Pact Broker, checked and grouped by
//!   consumer;
//! - [`states`]: provider-state changes, keeping the provider's reason when one fails;
//! - [`tokens`]: a fresh JWT on every replayed request, signed as the consumer;
//! - [`provider`]: the provider at a URL, or a simulator started for the run;
//! - [`report`]: the result per interaction, as a summary, JUnit XML or JSON;
//! - [`scopes`]: each consumer's scope from its pacts, the data-minimisation record behind
//!   `lpa-contracts scopes`.
//!
//! ```no_run
//! # async fn verify() -> Result<(), verifier::VerifyError> {
//! use verifier::{Verification, provider::{Provider, SimulatorStore}, sources::PactInputs};
//! let provider = Provider::simulator(
//!     SimulatorStore::Memory,
//!     simulator::auth::DEFAULT_SECRET,
//!     std::time::Duration::from_secs(3),
//! )
//! .await?;
//! let inputs = PactInputs { paths: vec!["contracts/pacts".into()], ..PactInputs::default() };
//! let report = Verification::new(inputs).run(&provider).await?;
//! println!("{}", report.summary());
//! provider.stop().await;
//! # Ok(())
//! # }
//! ```

pub mod provider;
pub mod report;
pub mod scopes;
pub mod sources;
pub mod states;
pub mod tokens;

use std::sync::Arc;

use pact_verifier::{FilterInfo, PublishOptions, VerificationOptions};

use crate::provider::Provider;
use crate::report::{InteractionReport, Report};
use crate::sources::PactInputs;
use crate::states::StateChanges;
use crate::tokens::{FreshTokens, Issuers};

/// Installs ring as the process's rustls provider, which reqwest 0.13 needs and pact's crates
/// do not always install; a provider already installed is kept.
pub fn install_crypto() {
    rustls::crypto::ring::default_provider()
        .install_default()
        .ok();
}

/// The provider's name in every OPG pact.
pub const PROVIDER_NAME: &str = "data-lpa-store";

/// Why a verification could not be run (as opposed to ran and failed).
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    /// A pact path or URL gives nothing to verify.
    #[error("no pacts at {path}: {reason}")]
    MissingPacts {
        /// The path or URL.
        path: String,
        /// Why.
        reason: String,
    },
    /// A pact file is not a pact.
    #[error("{pact} is not a valid pact: {reason}")]
    BrokenPact {
        /// The file or URL.
        pact: String,
        /// What is wrong.
        reason: String,
    },
    /// A consumer version selector the broker would not understand.
    #[error("consumer version selector {selector} is not valid: {reason}")]
    BadSelector {
        /// The selector as given.
        selector: String,
        /// What is wrong.
        reason: String,
    },
    /// The provider URL is not usable.
    #[error("provider URL {url} is not valid: {reason}")]
    BadProviderUrl {
        /// The URL as given.
        url: String,
        /// What is wrong.
        reason: String,
    },
    /// Nothing accepts connections at the provider URL.
    #[error("the provider at {url} cannot be reached: {reason}")]
    Unreachable {
        /// The URL.
        url: String,
        /// Why.
        reason: String,
    },
    /// The in-process simulator could not start.
    #[error("the simulator could not start: {0}")]
    Simulator(String),
    /// Publishing results needs a provider version.
    #[error("publishing verification results needs --provider-version")]
    PublishWithoutVersion,
    /// pact_verifier could not run (fetching from a broker failed, say).
    #[error("the verification could not run: {0}")]
    Verifier(String),
}

/// One verification run's settings.
#[derive(Clone, Debug)]
pub struct Verification {
    /// The pacts.
    pub inputs: PactInputs,
    /// The provider's name in the pacts.
    pub provider_name: String,
    /// Only these consumers' pacts (all when empty).
    pub consumers: Vec<String>,
    /// The secret the provider checks JWTs with.
    pub jwt_secret: String,
    /// Each consumer's issuer.
    pub issuers: Issuers,
    /// Publish results to the broker with these details.
    pub publish: Option<PublishOptions>,
    /// The bound on each request and state change, in milliseconds.
    pub request_timeout_ms: u64,
    /// The provider's admin token, sent with every state change as `Authorization: Bearer`
    /// (a simulator on a shared address requires it).
    pub admin_token: Option<String>,
}

impl Verification {
    /// Verifies `inputs` against provider `data-lpa-store`, signing with the store's local test
    /// secret, publishing nothing.
    pub fn new(inputs: PactInputs) -> Self {
        Self {
            inputs,
            provider_name: PROVIDER_NAME.to_owned(),
            consumers: Vec::new(),
            jwt_secret: simulator::auth::DEFAULT_SECRET.to_owned(),
            issuers: Issuers::default(),
            publish: None,
            request_timeout_ms: 10_000,
            admin_token: None,
        }
    }

    /// Runs every consumer's pacts against `provider`, one consumer after another.
    ///
    /// pact_verifier's future is not `Send`, so this runs on the caller's task.
    pub async fn run(&self, provider: &Provider) -> Result<Report, VerifyError> {
        install_crypto();
        if let Some(publish) = &self.publish
            && publish.provider_version.is_none()
        {
            return Err(VerifyError::PublishWithoutVersion);
        }
        let groups = sources::groups(
            &self.inputs,
            &self.provider_name,
            &self.consumers,
            &self.issuers,
        )
        .await?;
        if provider.state_change_url.is_none() {
            tracing::warn!(
                "no --state-change-url: interactions that need provider states will run without them"
            );
        }
        let states = Arc::new(StateChanges::new(
            provider.state_change_url.clone(),
            std::time::Duration::from_millis(self.request_timeout_ms),
            self.admin_token.clone(),
        ));
        let mut report = Report {
            provider: self.provider_name.clone(),
            ..Report::default()
        };
        for group in groups {
            eprintln!("== verifying {}", group.label);
            let issuer = self
                .issuers
                .of(&group.consumer)
                .unwrap_or(tokens::FALLBACK_ISSUER);
            let options = VerificationOptions {
                request_filter: Some(Arc::new(FreshTokens::new(self.jwt_secret.clone(), issuer))),
                request_timeout: self.request_timeout_ms,
                coloured_output: false,
                no_pacts_is_error: true,
                ..VerificationOptions::default()
            };
            let consumers = if group.shared_source {
                vec![group.consumer.clone()]
            } else {
                Vec::new()
            };
            let result = pact_verifier::verify_provider_async(
                provider.info(&self.provider_name),
                vec![group.source],
                FilterInfo::None,
                consumers,
                &options,
                self.publish.as_ref(),
                &states,
                None,
            )
            .await
            .map_err(|e| VerifyError::Verifier(format!("{}: {e:#}", group.label)))?;
            report
                .interactions
                .extend(result.interaction_results.iter().map(|interaction| {
                    let mut report = InteractionReport::from_result(interaction);
                    if let report::Outcome::Error { message } = &mut report.outcome
                        && let Some(reason) = states.take_failure(&report.provider_states)
                    {
                        *message = format!("{message}: {reason}");
                    }
                    report
                }));
            report.notices.extend(
                result
                    .notices
                    .iter()
                    .filter_map(|notice| notice.get("text").cloned()),
            );
        }
        Ok(report)
    }
}
