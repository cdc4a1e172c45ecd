//! Where the pacts come from: files, folders, URLs or a Pact Broker, read into groups that
//! each belong to one consumer, so each consumer's requests can be signed as that consumer.
//!
//! Files and folders are read and checked here rather than handed to pact_verifier as they
//! are, because its folder source passes with nothing verified when the provider's name is
//! misspelt, and reports a stray file only as one failed "pact". Here a missing path, a broken
//! pact or a folder with no pact for the provider is an error that names the file.

use std::path::{Path, PathBuf};
use std::time::Duration;

use pact_models::http_utils::HttpAuth;
use pact_verifier::ConsumerVersionSelector;
use pact_verifier::PactSource;
use serde_json::Value;

use crate::VerifyError;
use crate::tokens::Issuers;

/// The pacts to verify, as the command line gives them.
#[derive(Clone, Debug, Default)]
pub struct PactInputs {
    /// Pact files and folders of pact files.
    pub paths: Vec<PathBuf>,
    /// URLs of single pacts.
    pub urls: Vec<String>,
    /// A Pact Broker to ask for the pacts to verify.
    pub broker: Option<Broker>,
}

/// The Pact Broker options (the pacts-for-verification API).
#[derive(Clone, Debug)]
pub struct Broker {
    /// Base URL.
    pub url: String,
    /// Token or user and password.
    pub auth: Option<HttpAuth>,
    /// Consumer version selectors, as JSON objects (`{"mainBranch": true}`).
    pub selectors: Vec<Value>,
    /// Verify pending pacts without failing on them.
    pub enable_pending: bool,
    /// Include work-in-progress pacts published since this date.
    pub include_wip_pacts_since: Option<String>,
    /// The provider's tags, for pending status.
    pub provider_tags: Vec<String>,
    /// The provider's branch, for pending status and results.
    pub provider_branch: Option<String>,
}

/// Pacts of one consumer, verified in one run of the verifier.
#[derive(Debug)]
pub struct Group {
    /// What to show for it: a file, a URL or the broker.
    pub label: String,
    /// The consumer.
    pub consumer: String,
    /// The pacts.
    pub source: PactSource,
    /// Whether the source also holds other consumers' pacts (a broker), so the verifier must
    /// be told to keep only this group's consumer.
    pub shared_source: bool,
}

/// Selector keys the Pact Broker understands.
const SELECTOR_KEYS: &[&str] = &[
    "consumer",
    "tag",
    "fallbackTag",
    "latest",
    "deployedOrReleased",
    "deployed",
    "released",
    "environment",
    "mainBranch",
    "branch",
    "matchingBranch",
    "fallbackBranch",
];

/// A pact read and checked.
#[derive(Debug)]
struct Checked {
    consumer: String,
    provider: String,
}

fn check_pact(label: &str, text: &str) -> Result<Checked, VerifyError> {
    let broken = |reason: String| VerifyError::BrokenPact {
        pact: label.to_owned(),
        reason,
    };
    let json: Value = serde_json::from_str(text).map_err(|e| broken(format!("not JSON: {e}")))?;
    let name = |role: &str| {
        json.get(role)
            .and_then(|p| p.get("name"))
            .and_then(Value::as_str)
            .filter(|n| !n.is_empty())
            .map(str::to_owned)
            .ok_or_else(|| broken(format!("no {role} name")))
    };
    let consumer = name("consumer")?;
    let provider = name("provider")?;
    let has_interactions = ["interactions", "messages"]
        .iter()
        .any(|key| json.get(key).is_some_and(Value::is_array));
    if !has_interactions {
        return Err(broken("no interactions".to_owned()));
    }
    let pact =
        pact_models::pact::load_pact_from_json(label, &json).map_err(|e| broken(e.to_string()))?;
    if pact.interactions().is_empty() {
        return Err(broken("no interactions".to_owned()));
    }
    Ok(Checked { consumer, provider })
}

/// A pact named on its own that is for another provider: an error, not a silent skip.
fn another_provider(pact: String, checked: &Checked, provider: &str) -> VerifyError {
    VerifyError::BrokenPact {
        pact,
        reason: format!(
            "it is a pact with provider {:?}, not {provider:?}",
            checked.provider
        ),
    }
}

fn pact_files(dir: &Path) -> Result<Vec<PathBuf>, VerifyError> {
    let entries = std::fs::read_dir(dir).map_err(|e| VerifyError::MissingPacts {
        path: dir.display().to_string(),
        reason: e.to_string(),
    })?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.is_file() && path.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    Ok(files)
}

/// Reads the inputs into groups, keeping the pacts of `provider` and, when `consumers` is not
/// empty, of those consumers only.
pub async fn groups(
    inputs: &PactInputs,
    provider: &str,
    consumers: &[String],
    issuers: &Issuers,
) -> Result<Vec<Group>, VerifyError> {
    let wanted = |consumer: &str| consumers.is_empty() || consumers.iter().any(|c| c == consumer);
    let mut groups = Vec::new();
    for path in &inputs.paths {
        let named_file = path.is_file();
        let files = if named_file {
            vec![path.clone()]
        } else if path.is_dir() {
            pact_files(path)?
        } else {
            return Err(VerifyError::MissingPacts {
                path: path.display().to_string(),
                reason: "no such file or folder".to_owned(),
            });
        };
        let mut found = 0;
        for file in files {
            let label = file.display().to_string();
            let text = std::fs::read_to_string(&file).map_err(|e| VerifyError::BrokenPact {
                pact: label.clone(),
                reason: e.to_string(),
            })?;
            let checked = check_pact(&label, &text)?;
            if checked.provider != provider {
                if named_file {
                    return Err(another_provider(label, &checked, provider));
                }
                tracing::info!(pact = %label, provider = %checked.provider, "not for this provider: skipped");
                continue;
            }
            found += 1;
            if wanted(&checked.consumer) {
                groups.push(Group {
                    label,
                    consumer: checked.consumer,
                    source: PactSource::File(file.display().to_string()),
                    shared_source: false,
                });
            }
        }
        if found == 0 {
            return Err(VerifyError::MissingPacts {
                path: path.display().to_string(),
                reason: format!("no pact with provider {provider:?} in it"),
            });
        }
    }
    for url in &inputs.urls {
        let text = fetch(url).await?;
        let checked = check_pact(url, &text)?;
        if checked.provider != provider {
            return Err(another_provider(url.clone(), &checked, provider));
        }
        if wanted(&checked.consumer) {
            groups.push(Group {
                label: url.clone(),
                consumer: checked.consumer,
                source: PactSource::URL(url.clone(), None),
                shared_source: false,
            });
        }
    }
    if let Some(broker) = &inputs.broker {
        let selectors = selectors(&broker.selectors)?;
        // One run per consumer, so each consumer's requests are signed as that consumer: the
        // broker is asked which consumers have pacts to verify.
        let names: Vec<String> = broker_consumers(broker, provider)
            .await?
            .into_iter()
            .filter(|c| wanted(c))
            .collect();
        for consumer in names {
            if issuers.of(&consumer).is_none() {
                tracing::warn!(
                    %consumer,
                    "no issuer known for this consumer: requests without a recorded token are signed as {}; add --issuer {consumer}=ISSUER",
                    crate::tokens::FALLBACK_ISSUER
                );
            }
            groups.push(Group {
                label: format!("{} (consumer {consumer})", broker.url),
                consumer: consumer.clone(),
                source: PactSource::BrokerWithDynamicConfiguration {
                    provider_name: provider.to_owned(),
                    broker_url: broker.url.clone(),
                    enable_pending: broker.enable_pending,
                    include_wip_pacts_since: broker.include_wip_pacts_since.clone(),
                    provider_tags: broker.provider_tags.clone(),
                    provider_branch: broker.provider_branch.clone(),
                    selectors: selectors.clone(),
                    auth: broker.auth.clone(),
                    links: Vec::new(),
                },
                shared_source: true,
            });
        }
    }
    if groups.is_empty() {
        return Err(VerifyError::MissingPacts {
            path: "the pacts given".to_owned(),
            reason: if consumers.is_empty() {
                "nothing to verify".to_owned()
            } else {
                format!("no pact of consumer {}", consumers.join(", "))
            },
        });
    }
    Ok(groups)
}

/// The consumers whose pacts the broker gives for verification with these options: the
/// pacts-for-verification resource, then each pact's consumer name.
async fn broker_consumers(broker: &Broker, provider: &str) -> Result<Vec<String>, VerifyError> {
    let failed = |reason: String| VerifyError::MissingPacts {
        path: broker.url.clone(),
        reason,
    };
    let client = http_client().map_err(failed)?;
    let get = |url: String| {
        let request = authorised(client.get(url), broker.auth.as_ref());
        async move { read_json(request).await }
    };
    let root = get(broker.url.trim_end_matches('/').to_owned())
        .await
        .map_err(failed)?;
    let link = root["_links"]["pb:provider-pacts-for-verification"]["href"]
        .as_str()
        .ok_or_else(|| {
            failed(
                "it has no pb:provider-pacts-for-verification link; is it a Pact Broker?"
                    .to_owned(),
            )
        })?
        .replace("{provider}", provider);
    let body = serde_json::json!({
        "consumerVersionSelectors": broker.selectors,
        "includePendingStatus": broker.enable_pending,
        "includeWipPactsSince": broker.include_wip_pacts_since,
        "providerVersionBranch": broker.provider_branch,
        "providerVersionTags": broker.provider_tags,
    });
    let found = read_json(authorised(client.post(link), broker.auth.as_ref()).json(&body))
        .await
        .map_err(failed)?;
    let mut consumers = Vec::new();
    for pact in found["_embedded"]["pacts"].as_array().into_iter().flatten() {
        let Some(href) = pact["_links"]["self"]["href"].as_str() else {
            continue;
        };
        let pact = get(href.to_owned()).await.map_err(failed)?;
        if let Some(name) = pact["consumer"]["name"].as_str() {
            consumers.push(name.to_owned());
        }
    }
    consumers.sort();
    consumers.dedup();
    if consumers.is_empty() {
        return Err(failed(format!(
            "the broker has no pacts with provider {provider:?} for these selectors"
        )));
    }
    Ok(consumers)
}

fn http_client() -> Result<reqwest::Client, String> {
    crate::install_crypto();
    reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .map_err(|e| e.to_string())
}

fn authorised(
    request: reqwest::RequestBuilder,
    auth: Option<&HttpAuth>,
) -> reqwest::RequestBuilder {
    let request = request.header("Accept", "application/hal+json, application/json");
    match auth {
        Some(HttpAuth::Token(token)) => request.bearer_auth(token),
        Some(HttpAuth::User(user, password)) => request.basic_auth(user, password.as_ref()),
        Some(HttpAuth::None) | None => request,
    }
}

async fn read_json(request: reqwest::RequestBuilder) -> Result<Value, String> {
    let response = request.send().await.map_err(|e| e.to_string())?;
    let status = response.status();
    if !status.is_success() {
        return Err(format!("{} answered {status}", response.url()));
    }
    response.json().await.map_err(|e| e.to_string())
}

/// Reads `--consumer-version-selectors`, refusing what the broker would not understand
/// (pact_verifier drops such selectors without a word).
pub fn selectors(values: &[Value]) -> Result<Vec<ConsumerVersionSelector>, VerifyError> {
    values
        .iter()
        .map(|value| {
            let bad = |reason: String| VerifyError::BadSelector {
                selector: value.to_string(),
                reason,
            };
            let object = value
                .as_object()
                .ok_or_else(|| bad("a selector is a JSON object".to_owned()))?;
            if let Some(key) = object.keys().find(|k| !SELECTOR_KEYS.contains(&k.as_str())) {
                return Err(bad(format!(
                    "unknown key {key:?}; selectors take {}",
                    SELECTOR_KEYS.join(", ")
                )));
            }
            serde_json::from_value(value.clone()).map_err(|e| bad(e.to_string()))
        })
        .collect()
}

async fn fetch(url: &str) -> Result<String, VerifyError> {
    let unreachable = |reason: String| VerifyError::MissingPacts {
        path: url.to_owned(),
        reason,
    };
    let client = http_client().map_err(unreachable)?;
    let response = authorised(client.get(url), None)
        .send()
        .await
        .map_err(|e| unreachable(e.to_string()))?;
    if !response.status().is_success() {
        return Err(unreachable(format!("answered {}", response.status())));
    }
    response
        .text()
        .await
        .map_err(|e| unreachable(e.to_string()))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn selectors_with_unknown_keys_are_refused_not_dropped() {
        assert!(
            selectors(&[
                json!({"mainBranch": true}),
                json!({"deployedOrReleased": true})
            ])
            .is_ok()
        );
        let error = selectors(&[json!({"mainbranch": true})]).unwrap_err();
        assert!(error.to_string().contains("mainbranch"), "{error}");
        assert!(selectors(&[json!("mainBranch")]).is_err());
    }

    #[test]
    fn a_pact_without_interactions_or_names_is_broken() {
        let no_consumer = r#"{"provider": {"name": "data-lpa-store"}, "interactions": []}"#;
        assert!(
            check_pact("x", no_consumer)
                .unwrap_err()
                .to_string()
                .contains("consumer")
        );
        let empty = r#"{"consumer": {"name": "c"}, "provider": {"name": "p"}, "interactions": []}"#;
        assert!(
            check_pact("x", empty)
                .unwrap_err()
                .to_string()
                .contains("no interactions")
        );
        assert!(
            check_pact("x", "{")
                .unwrap_err()
                .to_string()
                .contains("not JSON")
        );
    }
}
