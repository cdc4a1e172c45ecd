//! The official Pact CLI (`pact`, from the PyPI package `pact-python-cli`): where it is, and
//! running it with a bound.
//!
//! The binary comes from `ci/pact-cli.sh`, which installs it when it is missing, so a test that
//! needs it never skips for want of it. Every run has a bound: a CLI that hangs (on a broker that
//! never answers, say) is killed and the test fails with what it printed.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use anyhow::Context as _;

/// `ci/pact-cli.sh` of the checkout being tested: found from the running package's folder
/// (cargo and nextest set `CARGO_MANIFEST_DIR` when the test runs), so a test binary built in
/// another checkout that shares the target directory still uses this checkout's script.
fn script() -> PathBuf {
    let package = std::env::var_os("CARGO_MANIFEST_DIR")
        .map_or_else(|| env!("CARGO_MANIFEST_DIR").into(), PathBuf::from);
    package
        .ancestors()
        .map(|dir| dir.join("ci/pact-cli.sh"))
        .find(|script| script.exists())
        .unwrap_or_else(|| panic!("no ci/pact-cli.sh above {}", package.display()))
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

/// How a bounded run of the CLI ended.
#[derive(Debug)]
pub struct Finished {
    /// The CLI's exit status.
    pub status: ExitStatus,
    /// What it printed, stdout and stderr interleaved as written.
    pub output: String,
}

/// Runs `command` to the end, killing it after `bound`.
///
/// # Errors
///
/// When the command cannot start, or does not finish within `bound` (the error carries what it
/// printed until then).
pub fn run_bounded(mut command: Command, bound: Duration) -> anyhow::Result<Finished> {
    let log_dir = tempfile::tempdir().context("Failed to make a temporary folder")?;
    let log = log_dir.path().join("pact.log");
    let file = std::fs::File::create(&log).context("Failed to create the log file")?;
    let mut child = command
        .stdout(file.try_clone().context("Failed to share the log file")?)
        .stderr(file)
        .spawn()
        .with_context(|| format!("Failed to start {command:?}"))?;
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().context("Failed to wait for the CLI")? {
            break status;
        }
        if started.elapsed() > bound {
            child.kill().ok();
            child.wait().ok();
            let output = std::fs::read_to_string(&log).unwrap_or_default();
            anyhow::bail!("{command:?} did not finish within {bound:?}\n{output}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let output = std::fs::read_to_string(&log).context("Failed to read the CLI's output")?;
    Ok(Finished { status, output })
}
