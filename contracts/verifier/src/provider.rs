//! The provider under verification: one at a URL (the real store, a running `lpa-sim`), or a
//! simulator started in this process for the run.

use std::sync::Arc;
use std::time::Duration;

use pact_verifier::{ProviderInfo, ProviderTransport};
use simulator::Simulator;
use simulator::outbox::Outbox;
use simulator::store::Store;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use url::Url;

use crate::VerifyError;

/// How long the provider has to accept a connection before the run gives up on it.
const REACH_BOUND: Duration = Duration::from_secs(5);

/// The store an in-process simulator keeps its data in.
#[derive(Clone, Debug)]
pub enum SimulatorStore {
    /// In memory.
    Memory,
    /// In the Postgres database at this URL.
    Postgres(String),
}

/// A provider to verify, reachable over HTTP.
#[derive(Debug)]
pub struct Provider {
    /// Its base URL.
    pub url: Url,
    /// The state-change URL that goes with it, when known.
    pub state_change_url: Option<String>,
    running: Option<Running>,
}

#[derive(Debug)]
struct Running {
    shutdown: oneshot::Sender<()>,
    server: JoinHandle<std::io::Result<()>>,
    outbox_dir: std::path::PathBuf,
}

impl Provider {
    /// The provider at `url`, checked to accept connections.
    pub async fn at(url: &str, state_change_url: Option<String>) -> Result<Self, VerifyError> {
        let parsed = Url::parse(url).map_err(|e| VerifyError::BadProviderUrl {
            url: url.to_owned(),
            reason: e.to_string(),
        })?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
            return Err(VerifyError::BadProviderUrl {
                url: url.to_owned(),
                reason: "an http or https URL with a host is needed".to_owned(),
            });
        }
        let provider = Self {
            url: parsed,
            state_change_url,
            running: None,
        };
        provider.check_reachable().await?;
        Ok(provider)
    }

    /// A simulator on `store`, on a free loopback port, signing-secret `secret`, with its own
    /// provider-state route as the state-change URL and an outbox kept ready for the
    /// queued-writes state.
    pub async fn simulator(
        store: SimulatorStore,
        secret: &str,
        db_timeout: Duration,
    ) -> Result<Self, VerifyError> {
        let failed = |reason: String| VerifyError::Simulator(reason);
        let (store, faults): (Arc<dyn Store>, _) = match store {
            SimulatorStore::Memory => simulator::outage::memory(db_timeout),
            SimulatorStore::Postgres(url) => {
                simulator::outage::postgres_via_proxy(&url, db_timeout)
                    .await
                    .map_err(|e| failed(format!("{e:#}")))?
            }
        };
        let outbox_dir =
            std::env::temp_dir().join(format!("lpa-contracts-outbox-{}", uuid::Uuid::new_v4()));
        let outbox = Outbox::open(&outbox_dir).map_err(|e| failed(e.to_string()))?;
        let simulator = Simulator::new(store)
            .with_outage_switch(faults)
            .with_outbox_on_standby(outbox)
            .with_jwt_secret(secret);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(|e| failed(e.to_string()))?;
        let address = listener.local_addr().map_err(|e| failed(e.to_string()))?;
        let (shutdown, stopped) = oneshot::channel::<()>();
        let server = tokio::spawn(simulator.run(listener, async {
            stopped.await.ok();
        }));
        let url = Url::parse(&format!("http://{address}")).map_err(|e| failed(e.to_string()))?;
        Ok(Self {
            state_change_url: Some(format!("http://{address}/__pact/provider-states")),
            url,
            running: Some(Running {
                shutdown,
                server,
                outbox_dir,
            }),
        })
    }

    async fn check_reachable(&self) -> Result<(), VerifyError> {
        let host = self.url.host_str().unwrap_or("localhost").to_owned();
        let port = self.url.port_or_known_default().unwrap_or(80);
        let unreachable = |reason: String| VerifyError::Unreachable {
            url: self.url.to_string(),
            reason,
        };
        match tokio::time::timeout(REACH_BOUND, tokio::net::TcpStream::connect((host, port))).await
        {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(e)) => Err(unreachable(e.to_string())),
            Err(_) => Err(unreachable(format!(
                "no connection within {}s",
                REACH_BOUND.as_secs()
            ))),
        }
    }

    /// How pact_verifier addresses it.
    #[allow(
        deprecated,
        reason = "ProviderInfo's port and path stay set for pacts naming no transport"
    )]
    pub fn info(&self, name: &str) -> ProviderInfo {
        let port = self.url.port_or_known_default();
        let path = self.url.path().trim_end_matches('/').to_owned();
        let path = if path.is_empty() { None } else { Some(path) };
        ProviderInfo {
            name: name.to_owned(),
            host: self.url.host_str().unwrap_or("localhost").to_owned(),
            port,
            path: path.clone().unwrap_or_else(|| "/".to_owned()),
            protocol: self.url.scheme().to_owned(),
            transports: vec![ProviderTransport {
                transport: "http".to_owned(),
                port,
                path,
                scheme: Some(self.url.scheme().to_owned()),
            }],
        }
    }

    /// Stops an in-process simulator, letting requests in flight finish.
    pub async fn stop(mut self) {
        if let Some(running) = self.running.take() {
            running.shutdown.send(()).ok();
            if tokio::time::timeout(Duration::from_secs(15), running.server)
                .await
                .is_err()
            {
                tracing::warn!("the simulator did not stop within 15 s");
            }
            std::fs::remove_dir_all(&running.outbox_dir).ok();
        }
    }
}
