//! The official Pact CLI (`pact`, from the PyPI package `pact-python-cli`): where it is, and
//! running it with a bound.
//!
//! The binary comes from `ci/pact-cli.sh`, which installs it when it is missing, so a test that
//! needs it never skips for want of it. Every run has a bound: a CLI that hangs (on a broker that
//! never answers, say) is killed and the test fails with what it printed.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

pub use crate::process::{Finished, run_bounded};

/// `ci/pact-cli.sh` of the checkout being tested.
fn script() -> PathBuf {
    crate::repository_root().join("ci/pact-cli.sh")
}

/// The `pact` binary, installed by `ci/pact-cli.sh` if it is not there yet (once per test
/// process; the script itself is safe to run from several processes at once).
///
/// # Panics
///
/// When the script cannot provide the CLI: the test cannot run, and the script's own message
/// (on the test's stderr) says why.
pub fn binary() -> &'static Path {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(|| {
        let output = Command::new("bash")
            .arg(script())
            .stderr(Stdio::inherit())
            .output()
            .expect("ci/pact-cli.sh runs");
        assert!(
            output.status.success(),
            "ci/pact-cli.sh could not provide the official Pact CLI"
        );
        let path = String::from_utf8(output.stdout).expect("a UTF-8 path");
        PathBuf::from(path.trim())
    })
}

/// `pact ARGS…` with `PACT_DO_NOT_TRACK=true` (the CLI reports usage otherwise).
pub fn command() -> Command {
    let mut command = Command::new(binary());
    command.env("PACT_DO_NOT_TRACK", "true");
    command
}
