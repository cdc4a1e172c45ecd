//! Black-box tests of the simulator over real loopback HTTP, a file per resource or concern.

mod auth;
mod bad_input;
mod conformance_updates;
mod create;
mod events;
mod health;
mod history;
mod lifecycle;
mod provider_states;
mod read;
mod updates;
