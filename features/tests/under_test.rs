//! A consumer under test: a team's own service (any language), configured by a TOML file, started
//! for a scenario against the store under test and driven through its own interface, so that
//! the scenarios judge what it did to the store from the store's side (the request journal).
//!
//! The file (`LPA_CONSUMER_UNDER_TEST`, by default `examples/consumer/well-behaved.toml`):
//!
//! ```toml
//! [consumer]
//! name = "example"                  # for reports
//! issuer = "opg.poas.makeregister"  # the JWT issuer its calls carry: how they are told apart
//!
//! [store]                           # leave out `url` to have each scenario start one
//! contracts = "../../contracts/pacts"
//!
//! [service]                         # leave out for a service that is already running
//! command = "python3 service.py --port {port} --store {store_url}"
//! ready_url = "http://127.0.0.1:{port}/health"
//!
//! [actions."submit an LPA"]
//! http = { method = "POST", url = "http://127.0.0.1:{port}/submit" }
//! within_ms = 20000
//! ```
//!
//! Paths are read from the file's folder, and commands run there (with `sh -c`). Placeholders
//! in commands, URLs, bodies and the environment: `{store_url}`, `{port}` (a free port picked
//! for the service each scenario), `{uid}` (the last LPA UID the service accepted from its
//! user).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use serde::Deserialize;
use serde_json::Value;

/// The environment variable naming the file.
pub(crate) const CONFIG_ENV: &str = "LPA_CONSUMER_UNDER_TEST";

/// The longest a service may take to answer its ready URL, unless the file says otherwise.
const DEFAULT_READY_WITHIN_MS: u64 = 15_000;
/// The longest an action may take, unless the file says otherwise.
const DEFAULT_ACTION_WITHIN_MS: u64 = 30_000;

/// The file, as read.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Config {
    pub(crate) consumer: ConsumerSection,
    #[serde(default)]
    pub(crate) store: StoreSection,
    pub(crate) service: Option<ServiceSection>,
    pub(crate) actions: BTreeMap<String, Action>,
    /// The file's folder: where relative paths start and commands run.
    #[serde(skip)]
    pub(crate) dir: PathBuf,
    /// The file itself, for messages.
    #[serde(skip)]
    pub(crate) path: PathBuf,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ConsumerSection {
    /// A name for reports.
    pub(crate) name: String,
    /// The JWT issuer its calls to the store carry.
    pub(crate) issuer: String,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct StoreSection {
    /// A store that is already running; without it, each scenario starts one of its own.
    pub(crate) url: Option<String>,
    /// The admin token of a running store (`Authorization: Bearer`).
    pub(crate) admin_token: Option<String>,
    /// The consumers' pacts: a started store reports calls outside each one's pact.
    pub(crate) contracts: Option<PathBuf>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ServiceSection {
    /// Starts the service, with `sh -c`, in the file's folder.
    pub(crate) command: String,
    /// Answers 2xx once the service is up.
    pub(crate) ready_url: String,
    #[serde(default = "default_ready_within_ms")]
    pub(crate) ready_within_ms: u64,
    /// More environment for the service.
    #[serde(default)]
    pub(crate) env: BTreeMap<String, String>,
}

fn default_ready_within_ms() -> u64 {
    DEFAULT_READY_WITHIN_MS
}

/// Something a user does with the service: a command, or a request to its own API.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Action {
    /// Run with `sh -c` in the file's folder; exit status 0 is success.
    pub(crate) command: Option<String>,
    /// A request to the service's API; a 2xx answer is success.
    pub(crate) http: Option<HttpAction>,
    /// The longest the action may take; past it, it is stopped and the step fails.
    #[serde(default = "default_action_within_ms")]
    pub(crate) within_ms: u64,
}

fn default_action_within_ms() -> u64 {
    DEFAULT_ACTION_WITHIN_MS
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct HttpAction {
    #[serde(default = "default_method")]
    pub(crate) method: String,
    pub(crate) url: String,
    /// A JSON body, if any.
    pub(crate) body: Option<Value>,
}

fn default_method() -> String {
    "GET".to_owned()
}

impl Config {
    /// The file `LPA_CONSUMER_UNDER_TEST` names (a relative path from the repository's
    /// root, where `cargo test` is run), or the well-behaved example.
    pub(crate) fn from_env() -> anyhow::Result<Self> {
        let root = testkit::repository_root();
        let path = std::env::var_os(CONFIG_ENV).map_or_else(
            || root.join("examples/consumer/well-behaved.toml"),
            |given| root.join(given),
        );
        Self::read(&path)
    }

    /// Reads and checks the file at `path`.
    pub(crate) fn read(path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            anyhow::anyhow!(
                "Failed to read the consumer-under-test file {} ({CONFIG_ENV}): {e}",
                path.display()
            )
        })?;
        let mut config: Self = toml::from_str(&text).map_err(|e| {
            anyhow::anyhow!("{} is not a consumer-under-test file: {e}", path.display())
        })?;
        config.path = path.to_path_buf();
        config.dir = path
            .canonicalize()
            .ok()
            .and_then(|p| p.parent().map(Path::to_path_buf))
            .unwrap_or_else(|| PathBuf::from("."));
        for (name, action) in &config.actions {
            anyhow::ensure!(
                action.command.is_some() != action.http.is_some(),
                "{}: action {name:?} needs exactly one of `command` and `http`",
                path.display()
            );
        }
        anyhow::ensure!(
            config.store.url.is_some() || config.store.admin_token.is_none(),
            "{}: [store] admin_token is for a running store given by url",
            path.display()
        );
        Ok(config)
    }

    /// The folder of pacts, from the file's folder.
    pub(crate) fn contracts(&self) -> Option<PathBuf> {
        self.store.contracts.as_ref().map(|p| self.dir.join(p))
    }

    /// The action called `name`, or an error listing the known ones.
    pub(crate) fn action(&self, name: &str) -> anyhow::Result<&Action> {
        self.actions.get(name).with_context(|| {
            format!(
                "{} has no action {name:?}; it has {:?}",
                self.path.display(),
                self.actions.keys().collect::<Vec<_>>()
            )
        })
    }
}

/// The values the placeholders stand for in one scenario.
#[derive(Clone, Debug, Default)]
pub(crate) struct Placeholders {
    pub(crate) store_url: String,
    pub(crate) port: u16,
    pub(crate) uid: Option<String>,
}

impl Placeholders {
    pub(crate) fn fill(&self, text: &str) -> String {
        let mut filled = text
            .replace("{store_url}", &self.store_url)
            .replace("{port}", &self.port.to_string());
        if let Some(uid) = &self.uid {
            filled = filled.replace("{uid}", uid);
        }
        filled
    }

    fn fill_json(&self, value: &Value) -> Value {
        match value {
            Value::String(text) => Value::String(self.fill(text)),
            Value::Array(items) => Value::Array(items.iter().map(|v| self.fill_json(v)).collect()),
            Value::Object(map) => Value::Object(
                map.iter()
                    .map(|(k, v)| (k.clone(), self.fill_json(v)))
                    .collect(),
            ),
            other => other.clone(),
        }
    }
}

/// A free loopback port for the service.
pub(crate) fn free_port() -> anyhow::Result<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").context("no free port")?;
    Ok(listener.local_addr()?.port())
}

/// The service's process, in a process group of its own so that the whole group is killed
/// when the scenario ends, whatever `sh -c` started.
#[derive(Debug)]
pub(crate) struct Service {
    child: Child,
    log: PathBuf,
}

impl Service {
    /// Starts the service and waits (bounded) until its ready URL answers 2xx.
    pub(crate) async fn start(
        config: &Config,
        section: &ServiceSection,
        values: &Placeholders,
    ) -> anyhow::Result<Self> {
        use std::os::unix::process::CommandExt as _;
        let log =
            std::env::temp_dir().join(format!("consumer-under-test-{}.log", uuid::Uuid::new_v4()));
        let file = std::fs::File::create(&log).context("Failed to create the service's log")?;
        let command = values.fill(&section.command);
        let child = Command::new("sh")
            .arg("-c")
            .arg(&command)
            .current_dir(&config.dir)
            .envs(section.env.iter().map(|(k, v)| (k, values.fill(v))))
            .env("LPA_STORE_URL", &values.store_url)
            .stdin(Stdio::null())
            .stdout(file.try_clone()?)
            .stderr(file)
            .process_group(0)
            .spawn()
            .with_context(|| format!("Failed to start the service: {command}"))?;
        let mut service = Self { child, log };
        let ready = values.fill(&section.ready_url);
        let bound = Duration::from_millis(section.ready_within_ms);
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(2))
            .build()?;
        let started = Instant::now();
        loop {
            if let Some(status) = service.child.try_wait()? {
                anyhow::bail!(
                    "the service exited ({status}) before it was ready: {command}\n{}",
                    service.log_tail()
                );
            }
            if client
                .get(&ready)
                .send()
                .await
                .is_ok_and(|r| r.status().is_success())
            {
                return Ok(service);
            }
            anyhow::ensure!(
                started.elapsed() < bound,
                "the service did not answer {ready} within {} ms: {command}\n{}",
                bound.as_millis(),
                service.log_tail()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The end of the service's output, for messages.
    pub(crate) fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        let tail = lines[lines.len().saturating_sub(15)..].join("\n    ");
        format!("  the service's last output:\n    {tail}")
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        let group = format!("-{}", self.child.id());
        Command::new("kill")
            .args(["-KILL", "--", &group])
            .stderr(Stdio::null())
            .status()
            .ok();
        self.child.kill().ok();
        self.child.wait().ok();
        std::fs::remove_file(&self.log).ok();
    }
}

/// What became of one action.
#[derive(Clone, Debug)]
pub(crate) struct ActionRun {
    pub(crate) name: String,
    pub(crate) started: chrono::DateTime<chrono::Utc>,
    pub(crate) took: Duration,
    pub(crate) succeeded: bool,
    /// `HTTP 202` or `exit 0`.
    pub(crate) outcome: String,
    /// What the user saw: the body or the command's output.
    pub(crate) output: String,
}

impl ActionRun {
    /// The LPA UIDs (`M-XXXX-XXXX-XXXX`) in what the user saw.
    pub(crate) fn uids(&self) -> Vec<String> {
        let bytes = self.output.as_bytes();
        let mut found = Vec::new();
        for start in 0..bytes.len() {
            let Some(candidate) = self.output.get(start..start + 16) else {
                continue;
            };
            let shape = candidate.char_indices().all(|(i, c)| match i {
                0 => c == 'M',
                1 | 6 | 11 => c == '-',
                _ => c.is_ascii_uppercase() || c.is_ascii_digit(),
            });
            if shape && !found.iter().any(|f| f == candidate) {
                found.push(candidate.to_owned());
            }
        }
        found
    }
}

/// Runs `action` within its bound.
pub(crate) async fn run_action(
    config: &Config,
    name: &str,
    action: &Action,
    values: &Placeholders,
) -> anyhow::Result<ActionRun> {
    let bound = Duration::from_millis(action.within_ms);
    let started_at = chrono::Utc::now();
    let started = Instant::now();
    let (succeeded, outcome, output) = if let Some(http) = &action.http {
        let client = reqwest::Client::builder().timeout(bound).build()?;
        let method: reqwest::Method = http
            .method
            .parse()
            .with_context(|| format!("action {name:?}: no HTTP method {:?}", http.method))?;
        let url = values.fill(&http.url);
        let mut request = client.request(method, &url);
        if let Some(body) = &http.body {
            request = request.json(&values.fill_json(body));
        }
        match request.send().await {
            Ok(response) => {
                let status = response.status();
                let text = response.text().await.unwrap_or_default();
                (
                    status.is_success(),
                    format!("HTTP {}", status.as_u16()),
                    text,
                )
            }
            Err(error) if error.is_timeout() => anyhow::bail!(
                "the service kept its user waiting: {name:?} ({url}) had no answer within {} ms",
                bound.as_millis()
            ),
            Err(error) => (false, "no answer".to_owned(), error.to_string()),
        }
    } else {
        let command = values.fill(action.command.as_deref().unwrap_or_default());
        let mut child = tokio::process::Command::new("sh");
        child
            .arg("-c")
            .arg(&command)
            .current_dir(&config.dir)
            .env("LPA_STORE_URL", &values.store_url)
            .kill_on_drop(true);
        match tokio::time::timeout(bound, child.output()).await {
            Ok(result) => {
                let output = result.with_context(|| format!("Failed to run {command}"))?;
                let text = format!(
                    "{}{}",
                    String::from_utf8_lossy(&output.stdout),
                    String::from_utf8_lossy(&output.stderr)
                );
                (
                    output.status.success(),
                    format!("exit {}", output.status.code().unwrap_or(-1)),
                    text,
                )
            }
            Err(_) => anyhow::bail!(
                "the service kept its user waiting: {name:?} ({command}) did not finish within {} ms",
                bound.as_millis()
            ),
        }
    };
    Ok(ActionRun {
        name: name.to_owned(),
        started: started_at,
        took: started.elapsed(),
        succeeded,
        outcome,
        output,
    })
}
