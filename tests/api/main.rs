//! Black-box tests of the simulator over real loopback HTTP, a file per resource or concern.

mod admin_access;
mod auth;
mod bad_input;
mod client_limits;
mod conformance;
mod conformance_updates;
mod create;
mod events;
mod health;
mod history;
mod hostile;
mod lifecycle;
mod provider_states;
mod read;
mod rehearsal;
mod scopes;
mod updates;
