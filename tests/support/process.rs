//! The `lpa-sim` binary as a separate process, for what only a process shows: a `kill -9`
//! in the middle of an outage, and a restart from the same outbox; and any command run to its
//! end with a bound.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStderr, Command, ExitStatus, Stdio};
use std::sync::mpsc::Receiver;
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

/// How long a started `lpa-sim` has to print each line of its start-up.
const START_BOUND: Duration = Duration::from_secs(30);

/// A running `lpa-sim serve`.
#[derive(Debug)]
pub struct SimProcess {
    /// `http://127.0.0.1:PORT`.
    pub address: String,
    child: Child,
    /// The lines it prints on stdout, read by a thread of their own so every read is bounded.
    lines: Receiver<String>,
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
        let mut command = Command::new(binary);
        command
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(args)
            .env_remove("LPA_SIM_LISTEN")
            .stderr(Stdio::null());
        Self::spawn(command)
    }

    /// Starts `command`, a `lpa-sim serve` set up by the caller (its listener, environment and
    /// stderr), and waits (bounded) for the address it prints first.
    pub fn spawn(mut command: Command) -> anyhow::Result<Self> {
        let mut child = command
            .stdout(Stdio::piped())
            .spawn()
            .context("Failed to start lpa-sim")?;
        let stdout = child.stdout.take().context("no stdout")?;
        let (tx, lines) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { return };
                if tx.send(line).is_err() {
                    return;
                }
            }
        });
        let mut process = Self {
            address: String::new(),
            child,
            lines,
        };
        let line = process.next_line()?;
        process.address = line
            .trim()
            .strip_prefix("listening on ")
            .with_context(|| format!("unexpected first line {line:?}"))?
            .to_owned();
        Ok(process)
    }

    /// The next line it prints on stdout, within the start-up bound.
    pub fn next_line(&mut self) -> anyhow::Result<String> {
        match self.lines.recv_timeout(START_BOUND) {
            Ok(line) => Ok(line),
            Err(e) => {
                self.child.kill().ok();
                anyhow::bail!("lpa-sim printed no line within {START_BOUND:?}: {e}");
            }
        }
    }

    /// The process id, to read what the kernel says of it (its peak memory, say).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Its stderr, when the command that started it piped it.
    pub fn take_stderr(&mut self) -> Option<ChildStderr> {
        self.child.stderr.take()
    }

    /// Asks it to stop (SIGTERM) and waits for it to exit within `bound`; after that it is
    /// killed and the error says so.
    pub fn terminate(&mut self, bound: Duration) -> anyhow::Result<ExitStatus> {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .context("Failed to run kill")?;
        anyhow::ensure!(sent.success(), "kill -TERM {pid} failed");
        let deadline = Instant::now() + bound;
        loop {
            if let Some(status) = self
                .child
                .try_wait()
                .context("Failed to wait for lpa-sim")?
            {
                return Ok(status);
            }
            if Instant::now() > deadline {
                self.child.kill().ok();
                self.child.wait().ok();
                anyhow::bail!("lpa-sim did not stop within {bound:?} of SIGTERM");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
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
