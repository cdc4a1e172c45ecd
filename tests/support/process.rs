//! The `lpa-sim` binary as a separate process, for what only a process shows: a `kill -9`
//! in the middle of an outage, and a restart from the same outbox; and any command run to its
//! end with a bound.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use anyhow::Context as _;

/// Where the `lpa-sim` binary is: `LPA_SIM_BIN`, or beside the test executable's folder
/// (`target/<profile>/lpa-sim`), where cargo builds it with the workspace's tests.
pub fn binary() -> anyhow::Result<PathBuf> {
    if let Ok(path) = std::env::var("LPA_SIM_BIN") {
        return Ok(PathBuf::from(path));
    }
    let exe = std::env::current_exe().context("Failed to find the test executable")?;
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .context("The test executable is not in target/<profile>/deps")?;
    let candidate = profile_dir.join("lpa-sim");
    anyhow::ensure!(
        candidate.exists(),
        "{} is missing: build it with `cargo build -p simulator --bin lpa-sim` or set LPA_SIM_BIN",
        candidate.display()
    );
    Ok(candidate)
}

/// A running `lpa-sim serve`.
#[derive(Debug)]
pub struct SimProcess {
    /// `http://127.0.0.1:PORT`.
    pub address: String,
    child: Child,
}

impl SimProcess {
    /// Starts `lpa-sim serve --listen 127.0.0.1:0 ARGS…` and waits (bounded) for its address.
    pub fn start(args: &[&str]) -> anyhow::Result<Self> {
        Self::start_binary(&binary()?, args)
    }

    /// As [`SimProcess::start`], with the simulator's entry point built at `binary`: a package
    /// that builds `lpa-sim`'s `main.rs` as its own target (the Gherkin features do) passes the
    /// path Cargo gave it, so it never runs a stale binary from another build.
    pub fn start_binary(binary: &Path, args: &[&str]) -> anyhow::Result<Self> {
        let mut child = Command::new(binary)
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(args)
            .env_remove("LPA_SIM_LISTEN")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .context("Failed to start lpa-sim")?;
        let stdout = child.stdout.take().context("no stdout")?;
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let read = BufReader::new(stdout).read_line(&mut line);
            tx.send(read.map(|_| line)).ok();
        });
        let line = match rx.recv_timeout(Duration::from_secs(30)) {
            Ok(Ok(line)) => line,
            other => {
                child.kill().ok();
                anyhow::bail!("lpa-sim did not print its address within 30s: {other:?}");
            }
        };
        let address = line
            .trim()
            .strip_prefix("listening on ")
            .with_context(|| format!("unexpected first line {line:?}"))?
            .to_owned();
        Ok(Self { address, child })
    }

    /// The process id, to read what the kernel says of it (its peak memory, say).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Kills the process at once (SIGKILL): nothing is flushed or finished.
    pub fn kill_hard(mut self) -> anyhow::Result<()> {
        self.child.kill().context("Failed to kill lpa-sim")?;
        self.child.wait().context("Failed to reap lpa-sim")?;
        Ok(())
    }
}

impl Drop for SimProcess {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

/// How a bounded run of a command ended.
#[derive(Debug)]
pub struct Finished {
    /// The command's exit status.
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
    let log = log_dir.path().join("output.log");
    let file = std::fs::File::create(&log).context("Failed to create the log file")?;
    let mut child = command
        .stdout(file.try_clone().context("Failed to share the log file")?)
        .stderr(file)
        .spawn()
        .with_context(|| format!("Failed to start {command:?}"))?;
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().context("Failed to wait for the command")? {
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
    let output = std::fs::read_to_string(&log).context("Failed to read the command's output")?;
    Ok(Finished { status, output })
}
