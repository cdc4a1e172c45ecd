//! HTTP faults over real loopback HTTP: for each kind, what a client of the store sees.
//!
//! Faults do not depend on the store, so these run on the in-memory store only.

mod admin;
mod kinds;
mod selection;

use simulator::Simulator;
use simulator::fault::Faults;
use testkit::{TestApp, spawn};

/// A simulator on the in-memory store whose fault random source starts from `seed`.
async fn app_with_seed(seed: u64) -> TestApp {
    let (store, database) = simulator::outage::memory(std::time::Duration::from_secs(3));
    spawn(
        Simulator::new(store)
            .with_outage_switch(database)
            .with_faults(Faults::new(seed)),
    )
    .await
}

async fn app() -> TestApp {
    app_with_seed(1).await
}
