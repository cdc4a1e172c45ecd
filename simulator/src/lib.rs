//! A faithful simulator of the Office of the Public Guardian's LPA store API, for consumer and
//! provider contract testing and for downtime rehearsals.
//!
//! Layout:
//! - [`model`]: the LPA document, an update's changes and the store's error body, serialised
//!   as the real store does;
//! - [`create`]: defaults and validation of new LPAs;
//! - [`update`]: the update engine, one module per kind of update;
//! - `access`: who may use the admin and provider-state routes;
//! - [`auth`]: the JWT checks of the `X-Jwt-Authorization` header, and token issuing;
//! - [`store`]: the storage interface, with in-memory and Postgres implementations;
//! - `gateway`: between the API and the store, where the behaviour during a database outage
//!   lives (fail fast, or queue writes and serve stale reads);
//! - [`fault`]: HTTP faults on the API (latency, errors, resets, hangs...), seeded and set
//!   live over the admin API;
//! - [`outage`]: real database outages (a TCP proxy before Postgres; the same conditions on
//!   the in-memory store's calls), set live over the admin API;
//! - [`outbox`]: queue mode's durable outbox of accepted writes, and their replay;
//! - [`fixture`]: the one fixture LPA, the real provider's, and the updates that take it to
//!   later states;
//! - `provider_states`: Pact provider states, so the simulator can be verified against
//!   consumers' pacts (`/__pact/provider-states`);
//! - `journal`: the recent requests, for the admin API;
//! - `metrics`: Prometheus metrics of the API, the database and the outbox;
//! - [`scope`]: each consumer's scope, read from its pacts (the operations it calls, the
//!   fields it relies on), and holding callers to it;
//! - [`error`]: the one error type every HTTP answer goes through, in the store's error body;
//! - `routes`: the HTTP handlers, a file per resource, each with its `router()`, the shared
//!   state and the layers around them;
//! - [`app`]: the configuration, the composition of the routes, and the one entry point,
//!   [`Simulator::run`];
//! - `serve`: the accept loop, which can end a connection without answering (for faults).
//!
//! ```no_run
//! # async fn start() -> std::io::Result<()> {
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
//! println!("listening on http://{}", listener.local_addr()?);
//! simulator::Simulator::in_memory()
//!     .run(listener, async { tokio::signal::ctrl_c().await.ok(); })
//!     .await
//! # }
//! ```

mod access;
pub mod app;
pub mod auth;
pub mod create;
pub mod error;
pub mod fault;
pub mod fixture;
mod gateway;
mod journal;
mod metrics;
pub mod model;
pub mod outage;
pub mod outbox;
mod provider_states;
mod routes;
pub mod scope;
mod serve;
pub mod store;
pub mod update;

pub use app::Simulator;
pub use outage::OnDbOffline;
pub use serve::ClientLimits;
