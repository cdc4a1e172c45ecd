//! Assembling the router and running it: one way to start the simulator, whether from the
//! binary, a test or a feature (a bound listener and a shutdown future, as in mini-redis).

use std::future::Future;
use std::io;
use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, FromRef, Request};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post};
use tokio::net::TcpListener;

use crate::auth::{DEFAULT_SECRET, Verifier};
use crate::problem::ApiError;
use crate::routes::{admin, health, lpas, updates};
use crate::store::{MemoryStore, Store};

/// The default request body limit: far above any real LPA (a paper LPA with scans is the
/// largest), low enough that a runaway client cannot exhaust memory.
pub const DEFAULT_BODY_LIMIT: usize = 10 * 1024 * 1024;

/// What every handler shares.
#[derive(Clone, Debug)]
pub(crate) struct AppState {
    pub(crate) store: Arc<dyn Store>,
    pub(crate) verifier: Verifier,
    pub(crate) body_limit: usize,
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
                store,
                verifier: Verifier::new(DEFAULT_SECRET),
                body_limit: DEFAULT_BODY_LIMIT,
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

    /// The router, for serving or for `oneshot` tests.
    pub fn router(&self) -> Router {
        Router::new()
            .route("/health-check", get(health::health_check))
            .route("/lpas", post(lpas::get_many))
            .route("/lpas/{uid}", get(lpas::get_lpa).put(lpas::put_lpa))
            .route(
                "/lpas/{uid}/updates",
                get(updates::get_updates).post(updates::create_update),
            )
            .route("/lpas/{uid}/static", get(lpas::get_static))
            .route("/__admin/events", get(admin::events))
            .route("/__admin/images/{*path}", get(admin::image))
            .fallback(|| async { ApiError::NotFound })
            .layer(DefaultBodyLimit::max(self.state.body_limit))
            .layer(middleware::from_fn(log_request))
            .with_state(self.state.clone())
    }

    /// Serves on `listener` until `shutdown` completes, then finishes the requests in flight.
    pub async fn run(
        self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> io::Result<()> {
        axum::serve(listener, self.router())
            .with_graceful_shutdown(shutdown)
            .await
    }
}

async fn log_request(request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let response = next.run(request).await;
    tracing::debug!(%method, %path, status = response.status().as_u16(), "request");
    response
}
