//! The `lpa-sim` binary as a user runs it, started and stopped by the test kit's process
//! starter, every wait bounded.

use std::io::{Read, Write};
use std::os::unix::fs::PermissionsExt as _;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

use testkit::process::{Finished, SimProcess, binary, run_bounded};

/// How long a command that ends by itself may take.
const RUN_BOUND: Duration = Duration::from_secs(30);
/// How long `lpa-sim` may take to stop after SIGTERM.
const STOP_BOUND: Duration = Duration::from_secs(10);

/// `lpa-sim ARGS…`, with no listener inherited from the environment.
fn lpa_sim(args: &[&str]) -> Command {
    let mut command = Command::new(binary().expect("lpa-sim is built"));
    command.args(args).env_remove("LPA_SIM_LISTEN");
    command
}

/// `lpa-sim serve --listen 127.0.0.1:0 ARGS…`, started.
fn serve(args: &[&str]) -> SimProcess {
    let mut command = lpa_sim(&["serve", "--listen", "127.0.0.1:0"]);
    command.args(args).stderr(Stdio::null());
    SimProcess::spawn(command).expect("lpa-sim starts")
}

/// `lpa-sim ARGS…` run to its end.
fn run(command: Command) -> Finished {
    run_bounded(command, RUN_BOUND).expect("lpa-sim ends in time")
}

/// `host:port` of an `http://host:port` address.
fn host(address: &str) -> &str {
    address.trim_start_matches("http://")
}

fn http(address: &str, request: &str) -> String {
    let mut stream = std::net::TcpStream::connect(host(address)).expect("connects");
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("a response");
    response
}

fn http_get(address: &str, path: &str) -> String {
    let host = host(address);
    http(
        address,
        &format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"),
    )
}

fn http_post(address: &str, path: &str, body: &str) -> String {
    let host = host(address);
    http(
        address,
        &format!(
            "POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        ),
    )
}

fn faults_file(contents: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!("lpa-sim-faults-{}.json", uuid::Uuid::new_v4()));
    std::fs::write(&path, contents).expect("the temp dir is writable");
    path
}

#[test]
fn serve_prints_its_address_serves_and_stops_gracefully_on_sigterm() {
    // Arrange
    let mut sim = serve(&[]);

    // Act
    let health = http_get(&sim.address, "/health-check");
    let status = sim.terminate(STOP_BOUND).expect("lpa-sim stops");

    // Assert
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    assert!(status.success(), "exit status {status:?}");
}

#[test]
fn serve_without_an_outbox_keeps_a_private_one_on_standby_and_removes_it_at_exit() {
    // Arrange
    let temp = tempfile::tempdir().expect("a temporary folder");
    let mut command = lpa_sim(&["serve", "--listen", "127.0.0.1:0"]);
    command.env("TMPDIR", temp.path()).stderr(Stdio::null());
    let mut sim = SimProcess::spawn(command).expect("lpa-sim starts");

    // Act
    let queued = http_post(
        &sim.address,
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
    let status = sim.terminate(STOP_BOUND).expect("lpa-sim stops");

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
    let mut sim = serve(&["--admin-listen", "127.0.0.1:0"]);
    let admin_line = sim.next_line().expect("the admin address is printed");
    let admin = admin_line
        .trim()
        .strip_prefix("admin listening on ")
        .unwrap_or_else(|| panic!("unexpected second line {admin_line:?}"))
        .to_owned();
    let api = sim.address.clone();

    // Act
    let faults_on_api = http_get(&api, "/__admin/faults");
    let faults_on_admin = http_get(&admin, "/__admin/faults");
    let health_on_api = http_get(&api, "/health-check");
    let health_on_admin = http_get(&admin, "/health-check");

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
    let mut command = lpa_sim(&["serve", "--listen", "0.0.0.0:0"]);
    command
        .env_remove("LPA_SIM_ADMIN_TOKEN")
        .env("NO_COLOR", "1")
        .stderr(Stdio::piped());
    let mut sim = SimProcess::spawn(command).expect("lpa-sim starts");
    let port = sim.address.rsplit(':').next().unwrap().to_owned();

    // Act
    let admin = http_get(&format!("127.0.0.1:{port}"), "/__admin/faults");
    let status = sim.terminate(STOP_BOUND).expect("lpa-sim stops");
    let mut log = String::new();
    sim.take_stderr()
        .expect("stderr is piped")
        .read_to_string(&mut log)
        .unwrap();

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
    let mut command = lpa_sim(&[
        "token",
        "--issuer",
        "opg.poas.use",
        "--subject",
        "urn:opg:poas:use:users:1",
        "--expires-in",
        "60",
    ]);
    command.stderr(Stdio::null());
    let finished = run(command);

    // Assert
    assert!(finished.status.success(), "{}", finished.output);
    let verifier = simulator::auth::Verifier::new(simulator::auth::DEFAULT_SECRET);
    let caller = verifier
        .verify(Some(finished.output.trim()))
        .expect("the token is accepted");
    assert_eq!(caller.issuer, "opg.poas.use");
    assert_eq!(caller.subject, "urn:opg:poas:use:users:1");
}

#[test]
fn serve_refuses_a_bad_listen_address_with_a_clear_error() {
    let finished = run(lpa_sim(&["serve", "--listen", "nowhere"]));
    assert!(!finished.status.success());
    assert!(finished.output.contains("--listen"), "{}", finished.output);
}

#[test]
fn serve_on_postgres_without_a_database_url_fails_clearly() {
    let mut command = lpa_sim(&["serve", "--listen", "127.0.0.1:0", "--store", "postgres"]);
    command
        .env_remove("DATABASE_URL")
        .env_remove("LPA_SIM_STORE");
    let finished = run(command);
    assert!(!finished.status.success());
    assert!(
        finished.output.contains("--database-url"),
        "{}",
        finished.output
    );
}

#[test]
fn serve_applies_the_faults_of_a_file_from_the_start_with_the_given_seed() {
    // Arrange
    let file = faults_file(
        r#"[{"name": "teapot", "kind": "status", "status": 418, "selector": {"route": "/health-check"}}]"#,
    );
    let sim = serve(&["--fault-seed", "42", "--faults", file.to_str().unwrap()]);

    // Act
    let health = http_get(&sim.address, "/health-check");
    let listing = http_get(&sim.address, "/__admin/faults");
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
    let mut command = lpa_sim(&["serve", "--listen", "127.0.0.1:0", "--faults"]);
    command.arg(&file);
    let finished = run(command);
    std::fs::remove_file(&file).ok();

    // Assert
    assert!(!finished.status.success());
    assert!(finished.output.contains("/1/kind"), "{}", finished.output);
    assert!(
        finished.output.contains("unknown kind"),
        "{}",
        finished.output
    );
}

fn committed_pacts() -> String {
    testkit::repository_root()
        .join("contracts/pacts")
        .display()
        .to_string()
}

#[test]
fn serve_with_contracts_enforces_them_when_asked_and_reports_by_default() {
    // Arrange
    let pacts = committed_pacts();
    let reporting = serve(&["--contracts", &pacts]);
    let enforcing = serve(&["--contracts", &pacts, "--scopes", "enforce"]);
    let token = simulator::auth::issue(
        simulator::auth::DEFAULT_SECRET,
        &simulator::auth::TokenRequest {
            issuer: "opg.poas.use".to_owned(),
            subject: "urn:opg:poas:use:users:1".to_owned(),
            expires_in: Some(60),
            issued_offset: 0,
        },
    )
    .unwrap();
    let update = format!(
        "POST /lpas/M-0000-1111-2222/updates HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\
         X-Jwt-Authorization: Bearer {token}\r\nContent-Type: application/json\r\n\
         Content-Length: 34\r\n\r\n{{\"type\":\"CORRECTION\",\"changes\":[]}}"
    );

    // Act
    let refused = http(host(&enforcing.address), &update);
    let let_through = http(host(&reporting.address), &update);
    let report = http_get(host(&reporting.address), "/__admin/scopes");

    // Assert
    assert!(refused.starts_with("HTTP/1.1 403"), "{refused}");
    assert!(refused.contains("use-an-lpa"), "{refused}");
    assert!(let_through.starts_with("HTTP/1.1 404"), "{let_through}");
    assert!(report.contains("\"mode\":\"report\""), "{report}");
    assert!(
        report.contains("POST /lpas/{uid}/updates CORRECTION"),
        "{report}"
    );
}

#[test]
fn serve_refuses_scopes_without_contracts_and_a_folder_without_pacts() {
    let without = run(lpa_sim(&[
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--scopes",
        "enforce",
    ]));
    let missing = run(lpa_sim(&[
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--contracts",
        "/no/such/pacts",
    ]));

    assert!(!without.status.success());
    assert!(without.output.contains("--contracts"), "{}", without.output);
    assert!(!missing.status.success());
    assert!(
        missing.output.contains("/no/such/pacts"),
        "{}",
        missing.output
    );
}
