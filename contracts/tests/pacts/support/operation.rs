//! The operations a pact file covers, read back from the file with pact_models, for the tests
//! of what each consumer's pact holds.

use std::collections::BTreeSet;

use pact_models::pact::{Pact, read_pact};

use super::contract::committed_pact;

/// The consumers, in the README's column order.
pub(crate) const CONSUMERS: [&str; 3] = ["modernising-lpa", "use-an-lpa", "sirius"];

/// A committed pact file, parsed by pact_models.
pub(crate) fn load(consumer: &str) -> Box<dyn Pact + Send + Sync + std::panic::RefUnwindSafe> {
    let path = committed_pact(consumer);
    read_pact(&path).unwrap_or_else(|e| panic!("{} is not a valid pact: {e}", path.display()))
}

/// The operations of a consumer's committed pact: method, path with `{uid}`, the
/// `presign-images` flag, and the update type for updates.
pub(crate) fn operations(consumer: &str) -> BTreeSet<String> {
    load(consumer)
        .interactions()
        .iter()
        .map(|interaction| {
            let http = interaction
                .as_request_response()
                .expect("every interaction is HTTP");
            let request = http.request;
            let path = template(&request.path);
            let mut operation = format!("{} {path}", request.method);
            if request
                .query
                .is_some_and(|q| q.contains_key("presign-images"))
            {
                operation.push_str("?presign-images");
            }
            if request.method == "POST" && path.ends_with("/updates") {
                let body: serde_json::Value = request
                    .body
                    .value()
                    .and_then(|bytes| serde_json::from_slice(&bytes).ok())
                    .unwrap_or_default();
                let kind = body["type"].as_str().unwrap_or("?");
                operation.push_str(&format!(" {kind}"));
            }
            operation
        })
        .collect()
}

fn template(path: &str) -> String {
    path.split('/')
        .map(|segment| {
            if segment.starts_with("M-") {
                "{uid}"
            } else {
                segment
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}
