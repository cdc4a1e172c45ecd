//! Step definitions, one module per domain thing. Steps are sentences a QA engineer reuses
//! from the `.feature` files; the README lists them.
//!
//! - [`outage`]: starting the store, and taking its database away (pause, stop, network);
//! - [`consumer`]: the three consumers, played by the typed client, and their retries;
//! - [`lifecycle`]: submitting, signing, registering, correcting and reading an LPA;
//! - [`answers`]: what the consumers were answered, and how long they waited;
//! - [`recovery`]: writes accepted during an outage, completed after it, nothing lost;
//! - [`faults`]: HTTP faults on the store's API;
//! - [`access`]: callers without a valid token;
//! - [`scopes`]: each consumer held to its pact, and what it was sent;
//! - [`under_test`]: a team's own service as the consumer under test, judged from the journal.

pub(crate) mod access;
pub(crate) mod answers;
pub(crate) mod consumer;
pub(crate) mod faults;
pub(crate) mod lifecycle;
pub(crate) mod outage;
pub(crate) mod recovery;
pub(crate) mod scopes;
pub(crate) mod under_test;
