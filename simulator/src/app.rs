//! The simulator's one entry point: its configuration, the composition of the route groups
//! (`routes`), and running them with the outbox replayer, whether from the binary, a
//! test or a feature (a bound listener and a shutdown future, as in mini-redis).

use std::future::Future;
use std::io;
use std::sync::Arc;

use axum::Router;
use tokio::net::TcpListener;

use crate::access::AdminAccess;
use crate::auth::{DEFAULT_SECRET, Verifier};
use crate::fault::Faults;
use crate::gateway::{Gateway, replay};
use crate::journal::Journal;
use crate::outage::{OnDbOffline, Switch};
use crate::outbox::Outbox;
use crate::provider_states::ProviderStates;
use crate::routes::{self, AppState, Shared};
use crate::scope::{Contracts, ScopeMode, Watch};
use crate::serve::{self, ClientLimits};
use crate::store::{MemoryStore, Store};

/// The default request body limit: far above any real LPA (a paper LPA with scans is the
/// largest), low enough that a runaway client cannot exhaust memory.
pub const DEFAULT_BODY_LIMIT: usize = 10 * 1024 * 1024;

/// A configured simulator, ready to serve.
///
/// ```no_run
/// # async fn start() -> std::io::Result<()> {
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
/// let simulator = simulator::Simulator::in_memory();
/// simulator.run(listener, std::future::pending()).await
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct Simulator {
    state: AppState,
}

impl Simulator {
    /// A simulator over `store`, with the LPA store's local test secret.
    pub fn new(store: Arc<dyn Store>) -> Self {
        let gateway = Gateway::new(store, None, None);
        Self {
            state: AppState::new(Shared {
                provider_states: ProviderStates::new(gateway.clone()),
                gateway,
                verifier: Verifier::new(DEFAULT_SECRET),
                body_limit: DEFAULT_BODY_LIMIT,
                journal: Journal::default(),
                faults: Faults::default(),
                admin: AdminAccess::default(),
                limits: ClientLimits::default(),
                public_url: Arc::from(""),
                scopes: None,
                metrics: crate::metrics::Metrics::default(),
            }),
        }
    }

    /// A simulator over a fresh in-memory store.
    pub fn in_memory() -> Self {
        Self::new(Arc::new(MemoryStore::new()))
    }

    /// Checks JWTs against `secret` instead of the local test secret.
    pub fn with_jwt_secret(mut self, secret: &str) -> Self {
        self.state.edit().verifier = Verifier::new(secret);
        self
    }

    /// Refuses request bodies over `bytes` with 413.
    pub fn with_body_limit(mut self, bytes: usize) -> Self {
        self.state.edit().body_limit = bytes;
        self
    }

    /// Queue mode: while the database is away, writes are kept in `outbox` (202) and applied
    /// when it is back, and reads answer the last known state marked stale. Without it the
    /// simulator fails fast with 503.
    pub fn with_outbox(mut self, outbox: Outbox) -> Self {
        let gateway = &self.state.gateway;
        let switch = gateway.outage().switch().cloned();
        let gateway = Gateway::new(gateway.store().clone(), Some(outbox), switch);
        self.state = self.state.with_gateway(gateway);
        self
    }

    /// Keeps `outbox` ready without queueing: the simulator fails fast until a provider state
    /// (`the LPA database is offline and writes are queued`) switches queue mode on, so one
    /// simulator can verify both modes' interactions.
    pub fn with_outbox_on_standby(self, outbox: Outbox) -> Self {
        let simulator = self.with_outbox(outbox);
        simulator
            .state
            .gateway
            .set_mode(OnDbOffline::FailFast)
            .expect("fail-fast needs nothing");
        simulator
    }

    /// Lets the admin API and the provider states put the database offline, hung, slow or
    /// flapping through `switch`, made with the store by [`crate::outage::memory`] or
    /// [`crate::outage::postgres_via_proxy`].
    pub fn with_outage_switch(mut self, switch: Switch) -> Self {
        let gateway = &self.state.gateway;
        let mode = gateway.mode();
        let rebuilt = Gateway::new(
            gateway.store().clone(),
            gateway.outbox().cloned(),
            Some(switch),
        );
        rebuilt
            .set_mode(mode)
            .expect("the same outbox allows the same mode");
        self.state = self.state.with_gateway(rebuilt);
        self
    }

    /// Admin and provider-state calls need `Authorization: Bearer <token>`; without a token
    /// they are open on a loopback listener only (see the `access` module).
    pub fn with_admin_token(mut self, token: Option<String>) -> Self {
        self.state.edit().admin = AdminAccess::new(token);
        self
    }

    /// The base URL callers reach this simulator at (`https://lpa-store.test`), for the URLs
    /// it hands out; by default the listener's own address.
    pub fn with_public_url(mut self, url: &str) -> Self {
        self.state.edit().public_url = Arc::from(url.trim_end_matches('/'));
        self
    }

    /// Bounds on every client: header and body read timeouts, and the connection cap.
    pub fn with_client_limits(mut self, limits: ClientLimits) -> Self {
        self.state.edit().limits = limits;
        self
    }

    /// HTTP faults on the API: those in `faults` (with its seed) instead of none.
    pub fn with_faults(mut self, faults: Faults) -> Self {
        self.state.edit().faults = faults;
        self
    }

    /// Holds each consumer calling the API to the scope its pacts in `contracts` give it:
    /// reporting what is outside it (`GET /__admin/scopes`), or refusing it and trimming
    /// answers to the fields it relies on.
    pub fn with_scopes(mut self, contracts: Contracts, mode: ScopeMode) -> Self {
        self.state.edit().scopes = Some(Watch::new(contracts, mode));
        self
    }

    /// The router of the store's API and the admin routes, for serving on one listener or for
    /// `oneshot` tests.
    pub fn router(&self) -> Router {
        let state = &self.state;
        routes::finish(routes::api(state).merge(routes::control(state)), state)
    }

    /// Serves on `listener` until `shutdown` completes, then finishes the requests in flight.
    /// In queue mode the outbox is replayed meanwhile; an operation being applied when
    /// `shutdown` comes is finished first, and the rest stay on disk for the next start.
    ///
    /// A simulator given no outbox keeps one on standby in a private temporary folder (mode
    /// 0700), removed when `run` returns, so that the provider state that queues writes works
    /// on a plain `lpa-sim serve`; in fail-fast mode nothing is written to it.
    ///
    /// The admin and provider-state routes are open to anonymous callers only when `listener`
    /// is on a loopback address or an admin token is set (the `access` module).
    pub async fn run(
        mut self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> io::Result<()> {
        let address = listener.local_addr()?;
        self.state.edit().admin = self.state.admin.clone().for_listener(address);
        self.default_public_url(address);
        let (simulator, _standby_dir) = self.with_an_outbox()?;
        let router = simulator.router();
        simulator.serve(vec![(listener, router)], shutdown).await
    }

    /// As [`Simulator::run`], with the admin and provider-state routes (and the scanned
    /// images) on `admin_listener` only, and the store's API alone on `api_listener`.
    pub async fn run_with_admin_listener(
        mut self,
        api_listener: TcpListener,
        admin_listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> io::Result<()> {
        let admin_address = admin_listener.local_addr()?;
        self.state.edit().admin = self.state.admin.clone().for_listener(admin_address);
        self.default_public_url(admin_address);
        let (simulator, _standby_dir) = self.with_an_outbox()?;
        let state = &simulator.state;
        let api = routes::finish(routes::api(state), state);
        let admin = routes::finish(routes::control(state), state);
        simulator
            .serve(vec![(api_listener, api), (admin_listener, admin)], shutdown)
            .await
    }

    /// Without a configured public URL, image URLs point at the listener that serves them.
    fn default_public_url(&mut self, address: std::net::SocketAddr) {
        if self.state.public_url.is_empty() {
            self.state.edit().public_url = Arc::from(format!("http://{address}"));
        }
    }

    /// This simulator, with a standby outbox in a fresh temporary folder when it has none.
    fn with_an_outbox(self) -> io::Result<(Self, Option<tempfile::TempDir>)> {
        if self.state.gateway.outbox().is_some() {
            return Ok((self, None));
        }
        let dir = tempfile::Builder::new()
            .prefix("lpa-sim-outbox-")
            .permissions(std::os::unix::fs::PermissionsExt::from_mode(0o700))
            .tempdir()?;
        let outbox = Outbox::open(dir.path()).map_err(io::Error::other)?;
        Ok((self.with_outbox_on_standby(outbox), Some(dir)))
    }

    /// Serves each router on its listener until `shutdown`, replaying the outbox meanwhile.
    async fn serve(
        self,
        listeners: Vec<(TcpListener, Router)>,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> io::Result<()> {
        let (stop_replay, replay_stopped) = tokio::sync::oneshot::channel::<()>();
        let replayer = tokio::spawn(replay::run(
            self.state.gateway.clone(),
            crate::error::answer_for,
            async {
                replay_stopped.await.ok();
            },
        ));
        // One shutdown, seen by every listener.
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let signal = tokio::spawn(async move {
            shutdown.await;
            stop.send(true).ok();
        });
        let served =
            futures_util::future::join_all(listeners.into_iter().map(|(listener, router)| {
                let mut stopped = stopped.clone();
                serve::serve(listener, router, self.state.limits, async move {
                    stopped.wait_for(|stop| *stop).await.ok();
                })
            }))
            .await;
        signal.abort();
        stop_replay.send(()).ok();
        replayer.await.ok();
        served.into_iter().collect()
    }
}

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use axum::http::{Method, Request, StatusCode};
    use serde_json::json;
    use tower::ServiceExt;

    use super::*;

    #[tokio::test]
    async fn every_route_a_fault_selector_accepts_is_served_by_the_api_under_that_name() {
        for route in crate::fault::ROUTES {
            let faults = Faults::default();
            faults
                .add_json(
                    &json!({"kind": "status", "status": 418, "selector": {"route": route}}),
                    "",
                )
                .expect("the fault selector accepts the route");
            let router = Simulator::in_memory().with_faults(faults).router();
            let path = route.replace("{uid}", "M-0000-1111-2222");
            let mut statuses = Vec::new();
            for method in [Method::GET, Method::POST] {
                let request = Request::builder()
                    .method(method)
                    .uri(&path)
                    .body(Body::empty())
                    .unwrap();
                statuses.push(router.clone().oneshot(request).await.unwrap().status());
            }
            assert!(
                statuses.contains(&StatusCode::IM_A_TEAPOT),
                "{route}: the router does not serve it as that route ({statuses:?})"
            );
        }
    }
}
