//! The HTTP surface: the LPA store API (a file per resource), the admin and provider-state
//! routes, and the layers around them. Each module owns its paths and exports its `router()`;
//! this module groups them by who may call them, and [`crate::app`] composes the groups.

mod admin;
mod console;
mod extract;
mod faults;
mod health;
mod images;
mod layers;
mod lpas;
mod pact;
mod report;
mod scopes;
mod updates;

use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, FromRef};
use axum::middleware;

use crate::access::{self, AdminAccess};
use crate::auth::Verifier;
use crate::error::{self, ApiError};
use crate::fault::{self, Faults};
use crate::gateway::Gateway;
use crate::journal::Journal;
use crate::metrics::Metrics;
use crate::provider_states::ProviderStates;
use crate::scope::Watch;
use crate::serve::ClientLimits;

/// What every handler shares; cheap to clone (one reference count), as the extractors and
/// layers clone it for every request.
#[derive(Clone, Debug)]
pub(crate) struct AppState(Arc<Shared>);

impl AppState {
    pub(crate) fn new(shared: Shared) -> Self {
        Self(Arc::new(shared))
    }

    /// The parts, to change while the simulator is being configured.
    pub(crate) fn edit(&mut self) -> &mut Shared {
        Arc::make_mut(&mut self.0)
    }
}

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// The parts of [`AppState`].
#[derive(Clone, Debug)]
pub(crate) struct Shared {
    pub(crate) gateway: Gateway,
    /// Made once from the gateway; see [`AppState::with_gateway`].
    pub(crate) provider_states: ProviderStates,
    pub(crate) verifier: Verifier,
    pub(crate) body_limit: usize,
    pub(crate) journal: Journal,
    pub(crate) faults: Faults,
    pub(crate) admin: AdminAccess,
    pub(crate) limits: ClientLimits,
    /// Where callers reach this simulator, for the URLs it hands out (presigned images),
    /// without a trailing `/`.
    pub(crate) public_url: Arc<str>,
    /// The consumers' contract scopes, when the simulator holds consumers to them.
    pub(crate) scopes: Option<Watch>,
    /// The Prometheus metrics (`GET /__admin/metrics`).
    pub(crate) metrics: Metrics,
}

impl AppState {
    /// The state with `gateway`, and the provider states over it.
    pub(crate) fn with_gateway(mut self, gateway: Gateway) -> Self {
        let shared = self.edit();
        shared.provider_states = ProviderStates::new(gateway.clone());
        shared.gateway = gateway;
        self
    }
}

impl FromRef<AppState> for Verifier {
    fn from_ref(state: &AppState) -> Self {
        state.verifier.clone()
    }
}

/// The store's API, with each consumer held to its contract when scopes are set, faulted
/// when faults are set (a fault acts on the answer as the consumer would get it).
pub(crate) fn api(state: &AppState) -> Router<AppState> {
    Router::new()
        .merge(health::router())
        .merge(lpas::router())
        .merge(updates::router())
        .route_layer(middleware::from_fn(layers::one_database_bound))
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            scopes::keep_to_scope,
        ))
        // Faults act on the API only: the admin routes stay reachable to end a rehearsal.
        .route_layer(middleware::from_fn_with_state(
            state.faults.clone(),
            fault::inject,
        ))
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            layers::read_update_type,
        ))
}

/// The admin and provider-state routes, behind the admin access rule, and the scanned
/// images, served to a store JWT or the admin token.
pub(crate) fn control(state: &AppState) -> Router<AppState> {
    let control = Router::new()
        .merge(admin::router())
        .merge(faults::router())
        .merge(pact::router())
        .merge(scopes::router())
        .merge(console::router())
        .merge(report::router())
        .route_layer(middleware::from_fn_with_state(
            state.admin.clone(),
            access::require_admin,
        ));
    let images = images::router().route_layer(middleware::from_fn_with_state(
        (state.admin.clone(), state.verifier.clone()),
        access::require_reader,
    ));
    control.merge(images).merge(console::login_router())
}

/// `routes` with the layers every answer passes through: unknown routes and methods, the body
/// limit checked from the headers, every error in the store's body and logged once, and the
/// journal.
pub(crate) fn finish(routes: Router<AppState>, state: &AppState) -> Router {
    routes
        .fallback(|| async { ApiError::NotFound })
        .method_not_allowed_fallback(layers::method_not_allowed)
        .layer(DefaultBodyLimit::max(state.body_limit))
        .layer(middleware::from_fn_with_state(
            state.body_limit,
            layers::refuse_oversized_from_headers,
        ))
        .layer(middleware::from_fn(layers::in_the_stores_error_body))
        .layer(middleware::from_fn(error::log))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            layers::record_request,
        ))
        .with_state(state.clone())
}
