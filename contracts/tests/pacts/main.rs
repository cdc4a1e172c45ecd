//! Consumer contracts of the LPA store, one per consumer, driven through the typed client.
//!
//! Each consumer test declares every interaction of its consumer on one pact builder, makes
//! each call with [`contracts::Client`] against the mock server, checks what the client made of
//! the answer, and then checks the pact file written against the committed one.

mod modernising_lpa;
mod pact_files;
mod sirius;
mod support;
mod use_an_lpa;
