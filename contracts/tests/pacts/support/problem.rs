//! The store's error bodies, as consumers rely on them: the code exactly, the detail by type
//! unless the consumer branches on its text.

use pact_consumer::builders::InteractionBuilder;
use pact_consumer::prelude::*;

use super::contract::reply;

/// 404 `NOT_FOUND`.
pub(crate) fn not_found(i: &mut InteractionBuilder) {
    reply(
        i,
        404,
        json_pattern!({ "code": "NOT_FOUND", "detail": like!("Record not found") }),
    );
}

/// 400 for a create of a UID already stored. The detail is exact: consumers read it as
/// "already done".
pub(crate) fn already_exists(i: &mut InteractionBuilder) {
    reply(
        i,
        400,
        json_pattern!({ "code": "INVALID_REQUEST", "detail": "LPA with UID already exists" }),
    );
}

/// 400 `INVALID_REQUEST` with one field error at `source`.
pub(crate) fn invalid_at(i: &mut InteractionBuilder, source: &str, detail: &str) {
    reply(
        i,
        400,
        json_pattern!({
            "code": "INVALID_REQUEST",
            "detail": like!("Invalid request"),
            "errors": [{ "source": source, "detail": like!(detail) }],
        }),
    );
}
