//! Provider-state changes, posted to the provider's state-change URL.
//!
//! pact_verifier's own HTTP executor reports a refused state change only as "Invalid status
//! code: 400". This one keeps what the provider answered, so the report can say why a state
//! could not be set up (an unknown state name, a simulator without an outbox...).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use pact_models::provider_states::ProviderState;
use pact_verifier::callback_executors::ProviderStateExecutor;
use serde_json::{Value, json};

/// How many times a state change that failed on the provider's side is tried again.
const RETRIES: u32 = 2;
/// The pause before trying again.
const RETRY_PAUSE: Duration = Duration::from_millis(300);

/// Posts `{"state", "params", "action"}` to the state-change URL, setup and teardown.
#[derive(Debug)]
pub struct StateChanges {
    url: Option<String>,
    client: reqwest::Client,
    admin_token: Option<String>,
    failures: Mutex<Vec<(String, String)>>,
}

impl StateChanges {
    /// State changes posted to `url`, each bounded by `timeout`, with `admin_token` as the
    /// bearer token when given; with no URL, states are skipped.
    pub fn new(url: Option<String>, timeout: Duration, admin_token: Option<String>) -> Self {
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .build()
            .unwrap_or_default();
        Self {
            url,
            client,
            admin_token,
            failures: Mutex::new(Vec::new()),
        }
    }

    /// Takes the recorded reason a setup of one of `states` failed, oldest first.
    pub fn take_failure(&self, states: &[String]) -> Option<String> {
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let index = failures
            .iter()
            .position(|(state, _)| states.contains(state))?;
        Some(failures.remove(index).1)
    }

    fn record(&self, state: &str, reason: String) -> anyhow::Error {
        let error = anyhow::anyhow!("{reason}");
        self.failures
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push((state.to_owned(), reason));
        error
    }
}

#[async_trait]
impl ProviderStateExecutor for StateChanges {
    async fn call(
        self: Arc<Self>,
        _interaction_id: Option<String>,
        state: &ProviderState,
        setup: bool,
        _client: Option<&reqwest::Client>,
    ) -> anyhow::Result<HashMap<String, Value>> {
        let Some(url) = &self.url else {
            return Ok(HashMap::new());
        };
        let action = if setup { "setup" } else { "teardown" };
        let body = json!({"state": state.name, "params": state.params, "action": action});
        // A provider whose database is still warming up may fail a state once; a 5xx or no
        // answer is tried again, a 4xx (an unknown state) is not.
        let mut attempt = 0;
        let text = loop {
            attempt += 1;
            let mut request = self.client.post(url).json(&body);
            if let Some(token) = &self.admin_token {
                request = request.bearer_auth(token);
            }
            let failure = match request.send().await {
                Ok(response) => {
                    let status = response.status();
                    let text = response.text().await.unwrap_or_default();
                    if status.is_success() {
                        break text;
                    }
                    let failure = format!(
                        "state change {action} of {:?} was answered {status}: {}",
                        state.name,
                        text.trim()
                    );
                    if status.is_client_error() {
                        return Err(self.record(&state.name, failure));
                    }
                    failure
                }
                Err(e) => format!(
                    "state change {action} of {:?} got no answer from {url}: {e}",
                    state.name
                ),
            };
            if attempt > RETRIES {
                return Err(self.record(&state.name, failure));
            }
            tracing::warn!(%failure, attempt, "retrying the state change");
            tokio::time::sleep(RETRY_PAUSE).await;
        };
        Ok(match serde_json::from_str::<Value>(&text) {
            Ok(Value::Object(values)) => values.into_iter().collect(),
            _ => HashMap::new(),
        })
    }

    fn teardown(&self) -> bool {
        true
    }
}
