//! One consumer's contract: its interactions, its mock server, and its committed pact file.
//!
//! Design constraints:
//! - one builder per consumer, all its interactions declared in one test in a fixed order, so
//!   the pact file is written once, by one writer, whether tests run as threads (`cargo test`)
//!   or as processes (nextest);
//! - the file is written to a fresh directory under the target dir (pact_consumer merges into
//!   an existing file, keeping interactions a test no longer declares), then compared byte for
//!   byte with the committed `contracts/pacts/` file, so contract drift shows in review.

use std::fs;
use std::path::{Path, PathBuf};

use contracts::Credentials;
use pact_consumer::builders::InteractionBuilder;
use pact_consumer::prelude::*;
use serde_json::Value;

use super::provider_state::ProviderState;
use super::shape::{Side, regex_string, shape};

/// The provider's name in Pact.
pub(crate) const PROVIDER: &str = "data-lpa-store";

/// Set to `1` to write the pact files the tests produce into `contracts/pacts/`.
pub(crate) const UPDATE_ENV: &str = "LPA_UPDATE_PACTS";

/// The store's public local test secret (the simulator's default, `simulator::auth`).
pub(crate) const STORE_TEST_SECRET: &str = "mysupersecrettestkeythatis128bits";

/// When the example tokens in pact files were issued (2026-01-01T00:00:00Z). Fixed, so the
/// files do not change from run to run; in the past and without `exp`, so a store with the
/// test secret accepts them as they are.
const EXAMPLE_ISSUED_AT: u64 = 1_767_225_600;

/// A signed JWT header value in the shape of the store's (`Bearer` and three base64url parts).
const BEARER_JWT: &str = r"^Bearer [A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$";

/// The committed pact file of `consumer`.
pub(crate) fn committed_pact(consumer: &str) -> PathBuf {
    super::package_dir()
        .join("pacts")
        .join(format!("{consumer}-{PROVIDER}.json"))
}

/// A consumer's contract under construction.
pub(crate) struct Contract {
    consumer: &'static str,
    builder: PactBuilder,
    output_dir: PathBuf,
}

impl Contract {
    /// An empty contract of `consumer` with the store, writing to a fresh directory.
    pub(crate) fn new(consumer: &'static str) -> Self {
        let output_dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join("pacts")
            .join(consumer);
        if output_dir.exists() {
            fs::remove_dir_all(&output_dir).expect("the old pact output can be removed");
        }
        fs::create_dir_all(&output_dir).expect("the pact output directory can be made");
        let mut builder = PactBuilder::new(consumer, PROVIDER);
        builder.with_output_dir(&output_dir);
        Self {
            consumer,
            builder,
            output_dir,
        }
    }

    /// Adds an interaction given `states`, in order.
    pub(crate) fn interaction(
        &mut self,
        description: &str,
        states: &[ProviderState],
        build: impl FnOnce(&mut InteractionBuilder),
    ) {
        self.builder.interaction(description, "", |mut i| {
            for state in states {
                i.given_with_params(&state.name, &state.params);
            }
            build(&mut i);
            i
        });
    }

    /// Starts the mock server. The pact file is written when it is dropped, if every
    /// interaction was exercised and nothing else was asked.
    pub(crate) fn start(&self) -> Box<dyn ValidatingMockServer> {
        self.builder.start_mock_server(None, None)
    }

    /// Checks the written pact file against the committed one, or replaces the committed one
    /// when [`UPDATE_ENV`] is `1`.
    pub(crate) fn assert_committed(&self) {
        let name = format!("{}-{PROVIDER}.json", self.consumer);
        let written = fs::read_to_string(self.output_dir.join(&name))
            .expect("the mock server wrote the pact file when it was dropped");
        let committed_path = committed_pact(self.consumer);
        if std::env::var(UPDATE_ENV).as_deref() == Ok("1") {
            fs::write(&committed_path, &written).expect("the committed pact can be replaced");
            return;
        }
        let committed = fs::read_to_string(&committed_path).unwrap_or_default();
        assert!(
            committed == written,
            "the pact of {consumer} no longer matches {committed}: the tests now describe a \
             different contract.\nReview the change, then regenerate the committed pacts with\n\n    \
             {UPDATE_ENV}=1 cargo test -p contracts\n\nand commit them. First difference:\n{diff}",
            consumer = self.consumer,
            committed = committed_path.display(),
            diff = first_difference(&committed, &written),
        );
    }
}

fn first_difference(committed: &str, written: &str) -> String {
    let mut committed_lines = committed.lines();
    for (number, line) in written.lines().enumerate() {
        match committed_lines.next() {
            Some(old) if old == line => continue,
            old => {
                return format!(
                    "line {}:\n  committed: {}\n  written:   {line}",
                    number + 1,
                    old.unwrap_or("<end of file>")
                );
            }
        }
    }
    match committed_lines.next() {
        Some(extra) => format!("committed file goes on: {extra}"),
        None => "none (files differ only in line endings)".to_owned(),
    }
}

/// The example `X-Jwt-Authorization` value written into pact files: a token of `issuer` for
/// `subject`, signed with the store's test secret at a fixed time.
pub(crate) fn example_token(issuer: &str, subject: &str) -> String {
    let token = Credentials::new(issuer, subject, STORE_TEST_SECRET)
        .token_issued_at(EXAMPLE_ISSUED_AT)
        .expect("an HS256 token can be signed");
    format!("Bearer {token}")
}

/// A request to `path` carrying the JWT header as `issuer` and `subject` sign it.
pub(crate) fn signed(
    i: &mut InteractionBuilder,
    method: &str,
    path: &str,
    issuer: &str,
    subject: &str,
) {
    i.request.method(method).path(path).header(
        contracts::client::JWT_HEADER,
        regex_string(BEARER_JWT, &example_token(issuer, subject)),
    );
}

/// A request body of JSON, shaped by the request rules.
pub(crate) fn request_json(i: &mut InteractionBuilder, body: &Value) {
    i.request
        .content_type("application/json")
        .json_body(shape(body, Side::Request));
}

/// A reply with `status` and a JSON body pattern.
pub(crate) fn reply(i: &mut InteractionBuilder, status: u16, body: impl Into<JsonPattern>) {
    i.response
        .status(status)
        .content_type("application/json")
        .json_body(body);
}

/// A reply with `status` and a JSON body shaped by the reply rules.
pub(crate) fn reply_json(i: &mut InteractionBuilder, status: u16, body: &Value) {
    reply(i, status, shape(body, Side::Reply));
}
