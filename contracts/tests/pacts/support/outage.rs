//! The two answers of a store whose database is offline: fail fast with 503 and `Retry-After`,
//! or, in queue mode, accept a write with 202 and the id of the queued operation.

use pact_consumer::builders::InteractionBuilder;
use pact_consumer::prelude::*;

use super::contract::reply;
use super::shape::{UUID, regex, regex_string};

/// The example id of a queued operation.
pub(crate) const EXAMPLE_OPERATION_ID: &str = "5b0f6d3e-2c4a-4e8f-9d1b-7a6c5e4f3a2b";

/// The seconds a client is told to wait, in the example.
pub(crate) const EXAMPLE_RETRY_AFTER_SECS: u64 = 5;

/// 503 with the store's problem body and a `Retry-After` in seconds.
pub(crate) fn unavailable(i: &mut InteractionBuilder) {
    i.response.header(
        "Retry-After",
        regex_string("^[0-9]+$", &EXAMPLE_RETRY_AFTER_SECS.to_string()),
    );
    reply(
        i,
        503,
        json_pattern!({
            "code": "SERVICE_UNAVAILABLE",
            "detail": like!("Service unavailable"),
        }),
    );
}

/// 202 with the queued operation's id, its status and where to follow it.
pub(crate) fn queued(i: &mut InteractionBuilder) {
    let status_url = format!("/__admin/operations/{EXAMPLE_OPERATION_ID}");
    let status_url_pattern = format!("^/__admin/operations/{}$", &UUID[1..UUID.len() - 1]);
    i.response
        .header("Location", regex_string(&status_url_pattern, &status_url));
    reply(
        i,
        202,
        json_pattern!({
            "operationId": regex(UUID, EXAMPLE_OPERATION_ID),
            "status": "queued",
            "statusUrl": regex(&status_url_pattern, &status_url),
        }),
    );
}
