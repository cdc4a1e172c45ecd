//! The `lpa-sim` binary as a user runs it.

use std::io::{BufRead, BufReader};
use std::os::unix::fs::PermissionsExt as _;
use std::process::{Command, Stdio};
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_lpa-sim");

/// Starts `lpa-sim serve --listen 127.0.0.1:0 ARGS…` and reads the address it prints.
fn serve(args: &[&std::ffi::OsStr]) -> (std::process::Child, String) {
    serve_with_temp_dir(args, &std::env::temp_dir())
}

/// As [`serve`], with `TMPDIR` set to `temp_dir`.
fn serve_with_temp_dir(
    args: &[&std::ffi::OsStr],
    temp_dir: &std::path::Path,
) -> (std::process::Child, String) {
    let mut child = Command::new(BIN)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .args(args)
        .env_remove("LPA_SIM_LISTEN")
        .env("TMPDIR", temp_dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("lpa-sim starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .expect("a line on stdout");
    let address = line
        .trim()
        .strip_prefix("listening on http://")
        .unwrap_or_else(|| panic!("unexpected first line: {line:?}"))
        .to_owned();
    (child, address)
}

#[test]
fn serve_prints_its_address_serves_and_stops_gracefully_on_sigterm() {
    // Arrange
    let (mut child, address) = serve(&[]);

    // Act
    let health = http_get(&address, "/health-check");
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill runs");
    let status = wait_with_bound(&mut child, Duration::from_secs(10));

    // Assert
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    assert!(status.success(), "exit status {status:?}");
}

#[test]
fn serve_without_an_outbox_keeps_a_private_one_on_standby_and_removes_it_at_exit() {
    // Arrange
    let temp = tempfile::tempdir().expect("a temporary folder");
    let (mut child, address) = serve_with_temp_dir(&[], temp.path());

    // Act
    let queued = http_post(
        &address,
        "/__pact/provider-states",
        r#"{"state": "the LPA database is offline and writes are queued"}"#,
    );
    let standby: Vec<_> = std::fs::read_dir(temp.path())
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    let modes: Vec<u32> = standby
        .iter()
        .map(|dir| std::fs::metadata(dir).unwrap().permissions().mode() & 0o777)
        .collect();
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill runs");
    let status = wait_with_bound(&mut child, Duration::from_secs(10));

    // Assert
    assert_eq!(standby.len(), 1, "{standby:?}");
    let name = standby[0].file_name().unwrap().to_string_lossy();
    assert!(name.starts_with("lpa-sim-outbox-"), "{name}");
    assert_eq!(modes, [0o700], "only its owner may read the outbox");
    assert!(queued.starts_with("HTTP/1.1 200"), "{queued}");
    assert!(status.success(), "exit status {status:?}");
    assert!(
        !standby[0].exists(),
        "the standby outbox is removed at exit"
    );
}

#[test]
fn admin_listen_serves_the_admin_routes_apart_from_the_api() {
    // Arrange
    let mut child = Command::new(BIN)
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--admin-listen",
            "127.0.0.1:0",
        ])
        .env_remove("LPA_SIM_LISTEN")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("lpa-sim starts");
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut read_address = |prefix: &str| {
        let mut line = String::new();
        stdout.read_line(&mut line).expect("a line on stdout");
        line.trim()
            .strip_prefix(prefix)
            .unwrap_or_else(|| panic!("expected {prefix:?}, got {line:?}"))
            .to_owned()
    };
    let api = read_address("listening on http://");
    let admin = read_address("admin listening on http://");

    // Act
    let faults_on_api = http_get(&api, "/__admin/faults");
    let faults_on_admin = http_get(&admin, "/__admin/faults");
    let health_on_api = http_get(&api, "/health-check");
    let health_on_admin = http_get(&admin, "/health-check");
    child.kill().ok();
    child.wait().ok();

    // Assert
    assert!(faults_on_api.starts_with("HTTP/1.1 404"), "{faults_on_api}");
    assert!(
        faults_on_admin.starts_with("HTTP/1.1 200"),
        "{faults_on_admin}"
    );
    assert!(health_on_api.starts_with("HTTP/1.1 200"), "{health_on_api}");
    assert!(
        health_on_admin.starts_with("HTTP/1.1 404"),
        "{health_on_admin}"
    );
}

#[test]
fn serve_on_a_shared_address_without_an_admin_token_says_what_to_do() {
    // Arrange
    let mut child = Command::new(BIN)
        .args(["serve", "--listen", "0.0.0.0:0"])
        .env_remove("LPA_SIM_LISTEN")
        .env_remove("LPA_SIM_ADMIN_TOKEN")
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("lpa-sim starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .expect("a line on stdout");
    let port = line.trim().rsplit(':').next().unwrap().to_owned();

    // Act
    let admin = http_get(&format!("127.0.0.1:{port}"), "/__admin/faults");
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill runs");
    let status = wait_with_bound(&mut child, Duration::from_secs(10));
    let mut log = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut log).unwrap();

    // Assert
    assert!(admin.starts_with("HTTP/1.1 403"), "{admin}");
    assert!(
        log.contains("--admin-token") && log.contains("--admin-listen"),
        "{log}"
    );
    assert!(status.success());
}

#[test]
fn token_prints_a_jwt_with_the_given_claims() {
    // Act
    let output = Command::new(BIN)
        .args([
            "token",
            "--issuer",
            "opg.poas.use",
            "--subject",
            "urn:opg:poas:use:users:1",
            "--expires-in",
            "60",
        ])
        .output()
        .expect("lpa-sim runs");

    // Assert
    assert!(output.status.success());
    let token = String::from_utf8(output.stdout).unwrap();
    let verifier = simulator::auth::Verifier::new(simulator::auth::DEFAULT_SECRET);
    let caller = verifier
        .verify(Some(token.trim()))
        .expect("the token is accepted");
    assert_eq!(caller.issuer, "opg.poas.use");
    assert_eq!(caller.subject, "urn:opg:poas:use:users:1");
}

#[test]
fn serve_refuses_a_bad_listen_address_with_a_clear_error() {
    let output = Command::new(BIN)
        .args(["serve", "--listen", "nowhere"])
        .output()
        .expect("lpa-sim runs");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--listen"), "{stderr}");
}

fn http_get(address: &str, path: &str) -> String {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(address).expect("connects");
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("a response");
    response
}

fn http_post(address: &str, path: &str, body: &str) -> String {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(address).expect("connects");
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("a response");
    response
}

fn wait_with_bound(child: &mut std::process::Child, bound: Duration) -> std::process::ExitStatus {
    let deadline = std::time::Instant::now() + bound;
    loop {
        if let Some(status) = child.try_wait().expect("wait works") {
            return status;
        }
        if std::time::Instant::now() > deadline {
            child.kill().ok();
            panic!("lpa-sim did not stop within {bound:?} of SIGTERM");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn serve_on_postgres_without_a_database_url_fails_clearly() {
    let output = Command::new(BIN)
        .args(["serve", "--listen", "127.0.0.1:0", "--store", "postgres"])
        .env_remove("DATABASE_URL")
        .env_remove("LPA_SIM_STORE")
        .output()
        .expect("lpa-sim runs");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--database-url"), "{stderr}");
}

fn faults_file(contents: &str) -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!("lpa-sim-faults-{}.json", uuid::Uuid::new_v4()));
    std::fs::write(&path, contents).expect("the temp dir is writable");
    path
}

#[test]
fn serve_applies_the_faults_of_a_file_from_the_start_with_the_given_seed() {
    // Arrange
    let file = faults_file(
        r#"[{"name": "teapot", "kind": "status", "status": 418, "selector": {"route": "/health-check"}}]"#,
    );
    let (mut child, address) = serve(&[
        "--fault-seed".as_ref(),
        "42".as_ref(),
        "--faults".as_ref(),
        file.as_os_str(),
    ]);

    // Act
    let health = http_get(&address, "/health-check");
    let listing = http_get(&address, "/__admin/faults");
    child.kill().ok();
    child.wait().ok();
    std::fs::remove_file(&file).ok();

    // Assert
    assert!(health.starts_with("HTTP/1.1 418"), "{health}");
    assert!(listing.contains(r#""seed":42"#), "{listing}");
    assert!(listing.contains(r#""name":"teapot""#), "{listing}");
}

#[test]
fn serve_refuses_a_faults_file_with_an_invalid_fault_and_says_where() {
    // Arrange
    let file = faults_file(r#"[{"kind": "latency", "latency_ms": 5}, {"kind": "explode"}]"#);

    // Act
    let output = Command::new(BIN)
        .args(["serve", "--listen", "127.0.0.1:0", "--faults"])
        .arg(&file)
        .output()
        .expect("lpa-sim runs");
    std::fs::remove_file(&file).ok();

    // Assert
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("/1/kind"), "{stderr}");
    assert!(stderr.contains("unknown kind"), "{stderr}");
}
