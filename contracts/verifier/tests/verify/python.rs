//! A consumer team in another language checks its pact before publishing: the Python example
//! (`examples/python-consumer/`) writes its pact with pact-python from PyPI, and
//! `ci/python-consumer.sh` verifies it against the simulator, then checks that a deliberately
//! broken expectation fails. The script installs what it needs, so the test never skips.

use std::process::Command;

use super::package_dir;

/// The most the script may take, a first install of its Python packages included; `timeout`
/// ends the script's whole process group past it.
const BOUND_SECS: &str = "900";

#[test]
fn a_python_consumers_pact_passes_against_the_simulator_and_a_broken_expectation_fails() {
    // Arrange
    let repo = package_dir().join("../..");

    // Act
    let output = Command::new("timeout")
        .args([
            "--kill-after=10",
            BOUND_SECS,
            "bash",
            "ci/python-consumer.sh",
        ])
        .current_dir(&repo)
        .env("LPA_CONTRACTS_BIN", env!("CARGO_BIN_EXE_lpa-contracts"))
        .env("PACT_DO_NOT_TRACK", "true")
        .output()
        .expect("timeout and bash run");

    // Assert
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "ci/python-consumer.sh failed ({}):\n{stdout}\nstderr:\n{stderr}",
        output.status
    );
    let verified = stdout
        .lines()
        .find_map(|line| line.strip_prefix("python-consumer: verified: "))
        .unwrap_or_else(|| panic!("no verification summary in:\n{stdout}"));
    assert_eq!(verified, "7 of 7 interactions passed", "in:\n{stdout}");
    assert!(
        stdout.contains(
            "python-consumer: the broken pact failed as it should: \"a request for an LPA with \
             the donor's full name\": $.donor -> Actual map is missing the following keys: fullName"
        ),
        "the broken expectation's failure is not as expected in:\n{stdout}"
    );
}
