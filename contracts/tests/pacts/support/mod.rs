//! What every consumer's contract is built from.

pub(crate) mod contract;
pub(crate) mod fixture;
pub(crate) mod outage;
pub(crate) mod problem;
pub(crate) mod provider_state;
pub(crate) mod shape;

use std::time::Duration;

use contracts::{Client, Credentials};
use pact_consumer::prelude::*;

use contract::STORE_TEST_SECRET;

/// A client of the mock server, as `issuer` acting as `subject`.
pub(crate) fn client_of(server: &dyn ValidatingMockServer, issuer: &str, subject: &str) -> Client {
    Client::builder(
        server.url().as_str(),
        Credentials::new(issuer, subject, STORE_TEST_SECRET),
    )
    .with_timeout(Duration::from_secs(5))
    .build()
    .expect("a client of the mock server can be built")
}
pub(crate) mod operation;

/// The package's folder, read when the tests run (cargo and nextest set it), not when they were
/// built: a binary built in another checkout that shares the target directory must still read
/// this checkout's files.
pub(crate) fn package_dir() -> std::path::PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR").map_or_else(
        || env!("CARGO_MANIFEST_DIR").into(),
        std::path::PathBuf::from,
    )
}
