//! Assembling the router and running it: one way to start the simulator, whether from the
//! binary, a test or a feature (a bound listener and a shutdown future, as in mini-redis).

use std::future::Future;
use std::io;
use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, FromRef, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use tokio::net::TcpListener;

use crate::access::{self, AdminAccess};
use crate::auth::{DEFAULT_SECRET, JWT_HEADER, Verifier};
use crate::fault::{self, AppliedFault, Faults};
use crate::gateway::Gateway;
use crate::journal::{Journal, RecordedRequest};
use crate::model::Timestamp;
use crate::outage::DatabaseFaults;
use crate::outbox::{Outbox, replay};
use crate::problem::ApiError;
use crate::provider_states::StateOutage;
use crate::routes::{admin, faults, health, lpas, pact, updates};
use crate::serve::{self, Abort, ClientLimits};
use crate::store::{MemoryStore, Store};

/// The default request body limit: far above any real LPA (a paper LPA with scans is the
/// largest), low enough that a runaway client cannot exhaust memory.
pub const DEFAULT_BODY_LIMIT: usize = 10 * 1024 * 1024;

/// What every handler shares.
#[derive(Clone, Debug)]
pub(crate) struct AppState {
    pub(crate) gateway: Gateway,
    pub(crate) verifier: Verifier,
    pub(crate) body_limit: usize,
    pub(crate) journal: Journal,
    pub(crate) database: Option<DatabaseFaults>,
    pub(crate) faults: Faults,
    pub(crate) state_outage: StateOutage,
    pub(crate) admin: AdminAccess,
    pub(crate) limits: ClientLimits,
    /// Where callers reach this simulator, for the URLs it hands out (presigned images),
    /// without a trailing `/`.
    pub(crate) public_url: Arc<str>,
}

impl FromRef<AppState> for Verifier {
    fn from_ref(state: &AppState) -> Self {
        state.verifier.clone()
    }
}

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
        Self {
            state: AppState {
                gateway: Gateway::new(store, None),
                verifier: Verifier::new(DEFAULT_SECRET),
                body_limit: DEFAULT_BODY_LIMIT,
                journal: Journal::default(),
                database: None,
                faults: Faults::default(),
                state_outage: StateOutage::default(),
                admin: AdminAccess::default(),
                limits: ClientLimits::default(),
                public_url: Arc::from(""),
            },
        }
    }

    /// A simulator over a fresh in-memory store.
    pub fn in_memory() -> Self {
        Self::new(Arc::new(MemoryStore::new()))
    }

    /// Checks JWTs against `secret` instead of the local test secret.
    pub fn with_jwt_secret(mut self, secret: &str) -> Self {
        self.state.verifier = Verifier::new(secret);
        self
    }

    /// Refuses request bodies over `bytes` with 413.
    pub fn with_body_limit(mut self, bytes: usize) -> Self {
        self.state.body_limit = bytes;
        self
    }

    /// Queue mode: while the database is away, writes are kept in `outbox` (202) and applied
    /// when it is back, and reads answer the last known state marked stale. Without it the
    /// simulator fails fast with 503.
    pub fn with_outbox(mut self, outbox: Outbox) -> Self {
        let store = self.state.gateway.store().clone();
        self.state.gateway = Gateway::new(store, Some(outbox));
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
            .set_mode(crate::OnDbOffline::FailFast)
            .expect("fail-fast needs nothing");
        simulator
    }

    /// Lets the admin API put the database offline, hung, slow or flapping through `faults`.
    pub fn with_database_faults(mut self, faults: DatabaseFaults) -> Self {
        self.state.database = Some(faults);
        self
    }

    /// Admin and provider-state calls need `Authorization: Bearer <token>`; without a token
    /// they are open on a loopback listener only (see [`crate::access`]).
    pub fn with_admin_token(mut self, token: Option<String>) -> Self {
        self.state.admin = AdminAccess::new(token);
        self
    }

    /// The base URL callers reach this simulator at (`https://lpa-store.test`), for the URLs
    /// it hands out; by default the listener's own address.
    pub fn with_public_url(mut self, url: &str) -> Self {
        self.state.public_url = Arc::from(url.trim_end_matches('/'));
        self
    }

    /// Bounds on every client: header and body read timeouts, and the connection cap.
    pub fn with_client_limits(mut self, limits: ClientLimits) -> Self {
        self.state.limits = limits;
        self
    }

    /// HTTP faults on the API: those in `faults` (with its seed) instead of none.
    pub fn with_faults(mut self, faults: Faults) -> Self {
        self.state.faults = faults;
        self
    }

    /// The router of the store's API and the admin routes, for serving on one listener or for
    /// `oneshot` tests.
    pub fn router(&self) -> Router {
        self.finish(self.api_routes().merge(self.admin_routes()))
    }

    /// The store's API, faulted when faults are set.
    fn api_routes(&self) -> Router<AppState> {
        Router::new()
            .route("/health-check", get(health::health_check))
            .route("/lpas", post(lpas::get_many))
            .route("/lpas/{uid}", get(lpas::get_lpa).put(lpas::put_lpa))
            .route(
                "/lpas/{uid}/updates",
                get(updates::get_updates).post(updates::create_update),
            )
            .route("/lpas/{uid}/static", get(lpas::get_static))
            // Faults act on the API only: the admin routes stay reachable to end a rehearsal.
            .route_layer(middleware::from_fn_with_state(
                self.state.faults.clone(),
                fault::inject,
            ))
    }

    /// The admin and provider-state routes, behind the admin access rule, and the scanned
    /// images, served to a store JWT or the admin token.
    fn admin_routes(&self) -> Router<AppState> {
        let control = Router::new()
            .route("/__admin/events", get(admin::events))
            .route("/__admin/health", get(admin::health))
            .route(
                "/__admin/database",
                get(admin::database).put(admin::set_database),
            )
            .route("/__admin/reset", post(admin::reset))
            .route(
                "/__pact/provider-states",
                get(pact::known).post(pact::change),
            )
            .route("/_pact_state", post(pact::change))
            .route("/__admin/outbox", get(admin::outbox))
            .route("/__admin/operations", get(admin::operations))
            .route("/__admin/operations/{id}", get(admin::operation))
            .route(
                "/__admin/faults",
                get(faults::list).post(faults::add).delete(faults::clear),
            )
            .route(
                "/__admin/faults/{name}",
                get(faults::get).delete(faults::remove),
            )
            .route("/__admin/fault-seed", axum::routing::put(faults::reseed))
            .route(
                "/__admin/requests",
                get(admin::requests).delete(admin::clear_requests),
            )
            .route_layer(middleware::from_fn_with_state(
                self.state.admin.clone(),
                access::require_admin,
            ));
        let images = Router::new()
            .route("/__admin/images/{*path}", get(admin::image))
            .route_layer(middleware::from_fn_with_state(
                (self.state.admin.clone(), self.state.verifier.clone()),
                access::require_reader,
            ));
        control.merge(images)
    }

    /// The layers every answer passes through: unknown routes and methods, the body limit
    /// checked from the headers, every error in the store's body, and the journal.
    fn finish(&self, routes: Router<AppState>) -> Router {
        routes
            .fallback(|| async { ApiError::NotFound })
            .method_not_allowed_fallback(method_not_allowed)
            .layer(DefaultBodyLimit::max(self.state.body_limit))
            .layer(middleware::from_fn_with_state(
                self.state.body_limit,
                refuse_oversized_from_headers,
            ))
            .layer(middleware::from_fn(in_the_stores_error_body))
            .layer(middleware::from_fn_with_state(
                self.state.clone(),
                record_request,
            ))
            .with_state(self.state.clone())
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
    /// is on a loopback address or an admin token is set ([`crate::access`]).
    pub async fn run(
        mut self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> io::Result<()> {
        let address = listener.local_addr()?;
        self.state.admin = self.state.admin.for_listener(address);
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
        self.state.admin = self.state.admin.for_listener(admin_address);
        self.default_public_url(admin_address);
        let (simulator, _standby_dir) = self.with_an_outbox()?;
        let api = simulator.finish(simulator.api_routes());
        let admin = simulator.finish(simulator.admin_routes());
        simulator
            .serve(vec![(api_listener, api), (admin_listener, admin)], shutdown)
            .await
    }

    /// Without a configured public URL, image URLs point at the listener that serves them.
    fn default_public_url(&mut self, address: std::net::SocketAddr) {
        if self.state.public_url.is_empty() {
            self.state.public_url = Arc::from(format!("http://{address}"));
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
        let replayer = tokio::spawn(replay::run(self.state.gateway.clone(), async {
            replay_stopped.await.ok();
        }));
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

/// Logs every request and keeps non-admin ones in the journal.
async fn record_request(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let at = Timestamp::now();
    let started = std::time::Instant::now();
    let method = request.method().to_string();
    let path = request.uri().path().to_owned();
    let query = request.uri().query().map(parameter_names);
    let issuer = request
        .headers()
        .get(JWT_HEADER)
        .and_then(|v| v.to_str().ok())
        .and_then(|token| state.verifier.verify(Some(token)).ok())
        .map(|caller| caller.issuer);
    // Checked once here; the fault selectors read it instead of checking the token again.
    let mut request = request;
    request
        .extensions_mut()
        .insert(fault::CallerIssuer(issuer.clone()));
    let response = next.run(request).await;
    let status = if response.extensions().get::<Abort>().is_some() {
        0
    } else {
        response.status().as_u16()
    };
    let fault = response
        .extensions()
        .get::<AppliedFault>()
        .map(|applied| applied.0.clone());
    tracing::debug!(%method, %path, status, "request");
    if !path.starts_with("/__admin") {
        state.journal.record(RecordedRequest {
            sequence: 0,
            at,
            method,
            path,
            query,
            issuer,
            status,
            duration_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
            fault,
        });
    }
    response
}

/// 405 for a known path with another method, in the store's error body.
async fn method_not_allowed(request: Request) -> ApiError {
    ApiError::Refused {
        status: StatusCode::METHOD_NOT_ALLOWED,
        detail: format!(
            "{} is not allowed on {}",
            request.method(),
            request.uri().path()
        ),
    }
}

/// A body declared larger than the limit is refused from its `Content-Length`, before any of
/// it is read: a client that sent `Expect: 100-continue` gets the 413 instead of a `100
/// Continue` (hyper sends that only when the body is first read).
async fn refuse_oversized_from_headers(
    State(limit): State<usize>,
    request: Request,
    next: Next,
) -> Response {
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    match declared {
        Some(length) if length > limit as u64 => {
            ApiError::PayloadTooLarge { limit }.into_response()
        }
        _ => next.run(request).await,
    }
}

/// Any error answer not already in the store's JSON error body (axum's own rejections, such
/// as an undecodable path) is put in it: the code named after the status, its text as the
/// detail.
async fn in_the_stores_error_body(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("application/json"));
    if response.status().as_u16() < 400 || is_json || response.extensions().get::<Abort>().is_some()
    {
        return response;
    }
    let (parts, body) = response.into_parts();
    let text = axum::body::to_bytes(body, 64 * 1024)
        .await
        .map(|bytes| String::from_utf8_lossy(&bytes).trim().to_owned())
        .unwrap_or_default();
    let detail = if text.is_empty() {
        parts
            .status
            .canonical_reason()
            .unwrap_or("Error")
            .to_owned()
    } else {
        text
    };
    let mut rebuilt = ApiError::Refused {
        status: parts.status,
        detail,
    }
    .into_response();
    for (name, value) in &parts.headers {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            rebuilt.headers_mut().insert(name.clone(), value.clone());
        }
    }
    rebuilt
}

/// The names of a query's parameters, without their values, which may hold secrets:
/// `after=3&presign-images` is kept as `after&presign-images`.
fn parameter_names(query: &str) -> String {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| pair.split_once('=').map_or(pair, |(name, _)| name))
        .collect::<Vec<_>>()
        .join("&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_journal_keeps_parameter_names_but_not_their_values() {
        assert_eq!(
            parameter_names("token=s3cret&presign-images&after=3"),
            "token&presign-images&after"
        );
        assert_eq!(parameter_names(""), "");
    }
}
