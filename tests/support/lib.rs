//! The test kit: start a simulator on a loopback port, call it as a consumer would, and build
//! LPA documents for requests.
//!
//! Layout:
//! - [`TestApp`] and [`spawn_app`]: a simulator per test on `127.0.0.1:0`, stopped on drop;
//! - [`fixture`]: LPA request bodies and UIDs;
//! - [`postgres`]: a fresh Postgres database per test, in a container or on `DATABASE_URL`;
//! - [`process`]: `lpa-sim` as a separate process, for kill-and-restart tests;
//! - [`pact_cli`]: the official Pact CLI, installed by `ci/pact-cli.sh` and run with a bound;
//! - [`Consumer`]: the three real consumers with their JWT issuers and subject shapes.
//!
//! The store behind [`spawn_app`] is chosen by `LPA_TEST_STORE` (`memory`, the default, or
//! `postgres`), so one suite runs against both stores.

pub mod fixture;
pub mod harness_image;
pub mod pact_cli;
pub mod postgres;
pub mod process;

use std::time::Duration;

use reqwest::{Method, Response};
use serde_json::{Value, json};
use simulator::Simulator;
use simulator::auth::{DEFAULT_SECRET, TokenRequest};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// The services that call the LPA store, each with its own JWT issuer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Consumer {
    /// Make and register an LPA.
    MakeRegister,
    /// Use an LPA.
    UseAnLpa,
    /// Sirius case management.
    Sirius,
}

impl Consumer {
    /// The JWT issuer of this consumer.
    pub fn issuer(self) -> &'static str {
        match self {
            Self::MakeRegister => "opg.poas.makeregister",
            Self::UseAnLpa => "opg.poas.use",
            Self::Sirius => "opg.poas.sirius",
        }
    }

    /// A subject URN in this consumer's shape, acting as `actor` where the shape has one.
    pub fn subject(self, actor: &str) -> String {
        match self {
            Self::MakeRegister => format!("urn:opg:poas:makeregister:users:{actor}"),
            Self::UseAnLpa => format!("urn:opg:poas:use:users:{actor}"),
            Self::Sirius => "urn:opg:sirius:users:34".to_owned(),
        }
    }
}

/// The "service" actor UUID Make and register uses for system actions.
pub const SERVICE_ACTOR: &str = "00000000-0000-4000-0000-000000000000";

/// Which store the simulator under test uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StoreChoice {
    /// The in-memory store.
    Memory,
    /// The Postgres store, on a fresh database.
    Postgres,
}

impl StoreChoice {
    /// From `LPA_TEST_STORE`: `postgres`, or `memory` (the default).
    pub fn from_env() -> Self {
        match std::env::var("LPA_TEST_STORE").as_deref() {
            Ok("postgres") => Self::Postgres,
            Ok("memory") | Err(_) => Self::Memory,
            Ok(other) => panic!("LPA_TEST_STORE must be memory or postgres, not {other:?}"),
        }
    }
}

/// The bound on database waits used by test simulators on Postgres.
pub const TEST_DB_TIMEOUT: Duration = Duration::from_millis(1500);

/// A running simulator and a client for it.
#[derive(Debug)]
pub struct TestApp {
    /// `http://127.0.0.1:PORT`.
    pub address: String,
    /// A client with a bounded timeout: a hung server fails the test instead of hanging it.
    pub client: reqwest::Client,
    database: Option<postgres::TestDatabase>,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<std::io::Result<()>>>,
    /// The outbox's temporary folder, removed with the app.
    outbox_dir: Option<tempfile::TempDir>,
}

/// Starts a simulator on the store named by `LPA_TEST_STORE`.
pub async fn spawn_app() -> TestApp {
    spawn_app_on(StoreChoice::from_env()).await
}

/// Starts a simulator on `store`; on Postgres, with a fresh database of its own.
pub async fn spawn_app_on(store: StoreChoice) -> TestApp {
    match store {
        StoreChoice::Memory => {
            let (store, faults) = simulator::outage::memory(TEST_DB_TIMEOUT);
            spawn(Simulator::new(store).with_outage_switch(faults)).await
        }
        StoreChoice::Postgres => spawn_postgres_app_with(|simulator| simulator).await,
    }
}

/// Starts a simulator on a fresh Postgres database of its own, configured further by
/// `configure` (scopes, faults, ...).
pub async fn spawn_postgres_app_with(configure: impl FnOnce(Simulator) -> Simulator) -> TestApp {
    let database = postgres::TestDatabase::start()
        .await
        .expect("a test database should start");
    let mut app = spawn(configure(postgres_simulator(&database.url).await)).await;
    app.database = Some(database);
    app.wait_until_database_ready().await;
    app
}

/// Starts a simulator on Postgres in queue mode, with an outbox in a fresh temporary folder.
pub async fn spawn_queue_app() -> TestApp {
    let database = postgres::TestDatabase::start()
        .await
        .expect("a test database should start");
    let (outbox, dir) = fresh_outbox();
    let mut app = spawn(postgres_simulator(&database.url).await.with_outbox(outbox)).await;
    app.database = Some(database);
    app.outbox_dir = Some(dir);
    app.wait_until_database_ready().await;
    app
}

/// An empty outbox in a temporary folder of its own, and the folder: keep it for as long as
/// the outbox is used (dropping it removes the folder), or give it to
/// [`TestApp::keeping_outbox_dir`].
pub fn fresh_outbox() -> (simulator::outbox::Outbox, tempfile::TempDir) {
    let dir = tempfile::Builder::new()
        .prefix("lpa-outbox-")
        .tempdir()
        .expect("a temporary folder can be made");
    let outbox = simulator::outbox::Outbox::open(dir.path()).expect("a fresh outbox opens");
    (outbox, dir)
}

/// A simulator on the database at `url`, through the database proxy, so tests can also set
/// the database's condition over the admin API.
async fn postgres_simulator(url: &str) -> Simulator {
    let (store, faults) = simulator::outage::postgres_via_proxy(url, TEST_DB_TIMEOUT)
        .await
        .expect("the database proxy starts");
    Simulator::new(store).with_outage_switch(faults)
}

/// The root of the checkout being tested, found from the running package's folder (cargo and
/// nextest set `CARGO_MANIFEST_DIR` when the test runs), so a test binary built in another
/// checkout that shares the target directory still reads this checkout's files and scripts.
pub fn repository_root() -> std::path::PathBuf {
    let package = std::env::var_os("CARGO_MANIFEST_DIR").map_or_else(
        || env!("CARGO_MANIFEST_DIR").into(),
        std::path::PathBuf::from,
    );
    package
        .ancestors()
        .find(|dir| dir.join("ci/test.sh").exists())
        .unwrap_or_else(|| panic!("no repository (ci/test.sh) above {}", package.display()))
        .to_owned()
}

/// Installs ring as the process's rustls provider before any HTTP client is built. When the
/// workspace is built together, pact's crates give reqwest a rustls without a provider (Cargo
/// unifies features), and building a client would panic.
pub fn install_crypto() {
    rustls::crypto::ring::default_provider()
        .install_default()
        .ok();
}

/// Starts `simulator` on a free loopback port.
pub async fn spawn(simulator: Simulator) -> TestApp {
    install_crypto();
    let (address, shutdown, server) = serve(simulator).await;
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .expect("a plain HTTP client builds");
    TestApp {
        address,
        client,
        database: None,
        shutdown: Some(shutdown),
        server: Some(server),
        outbox_dir: None,
    }
}

/// Starts `simulator` listening on every interface (`0.0.0.0`), as on a shared network, and
/// talks to it over loopback; `admin_token` is sent with every request of the test's client
/// (`Authorization: Bearer`), as a provider CI would send it.
pub async fn spawn_on_all_interfaces(simulator: Simulator, admin_token: Option<&str>) -> TestApp {
    install_crypto();
    let listener = tokio::net::TcpListener::bind("0.0.0.0:0")
        .await
        .expect("a port should be free");
    let port = listener
        .local_addr()
        .expect("a bound listener has an address")
        .port();
    let (shutdown, server) = run(simulator, listener);
    let mut headers = reqwest::header::HeaderMap::new();
    if let Some(token) = admin_token {
        headers.insert(
            reqwest::header::AUTHORIZATION,
            format!("Bearer {token}")
                .parse()
                .expect("a token is a header value"),
        );
    }
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .default_headers(headers)
        .build()
        .expect("a plain HTTP client builds");
    TestApp {
        address: format!("http://127.0.0.1:{port}"),
        client,
        database: None,
        shutdown: Some(shutdown),
        server: Some(server),
        outbox_dir: None,
    }
}

type Running = (String, oneshot::Sender<()>, JoinHandle<std::io::Result<()>>);

fn run(
    simulator: Simulator,
    listener: tokio::net::TcpListener,
) -> (oneshot::Sender<()>, JoinHandle<std::io::Result<()>>) {
    let (shutdown, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(simulator.run(listener, async {
        stopped.await.ok();
    }));
    (shutdown, server)
}

async fn serve(simulator: Simulator) -> Running {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a loopback port should be free");
    let address = format!(
        "http://{}",
        listener
            .local_addr()
            .expect("a bound listener has an address")
    );
    let (shutdown, server) = run(simulator, listener);
    (address, shutdown, server)
}

impl TestApp {
    /// The test's database, when the simulator runs on Postgres.
    pub fn database(&self) -> Option<&postgres::TestDatabase> {
        self.database.as_ref()
    }

    /// Stops the simulator gracefully and starts a new one on the same database, as a restart
    /// of `lpa-sim serve` would. Only meaningful on Postgres.
    pub async fn restart(&mut self) {
        let url = self
            .database
            .as_ref()
            .expect("restart keeps data only on Postgres")
            .url
            .clone();
        if let Some(shutdown) = self.shutdown.take() {
            shutdown.send(()).ok();
        }
        if let Some(server) = self.server.take() {
            tokio::time::timeout(Duration::from_secs(10), server)
                .await
                .expect("the simulator stops within 10s")
                .expect("the server task ends cleanly")
                .expect("the server stops without error");
        }
        let (address, shutdown, server) = serve(postgres_simulator(&url).await).await;
        self.address = address;
        self.shutdown = Some(shutdown);
        self.server = Some(server);
    }

    /// Waits (bounded) until the simulator's database is prepared and answering, so a test's
    /// first request is not the one that waits for a fresh database's migrations.
    pub async fn wait_until_database_ready(&self) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
        loop {
            let health = self.client.get(self.url("/__admin/health")).send().await;
            if health.is_ok_and(|r| r.status() == 200) {
                return;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "the simulator's database was not ready within 60 s"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The full URL of `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// A valid token for `consumer`, acting as the service actor.
    pub fn token(&self, consumer: Consumer) -> String {
        self.token_for(consumer, SERVICE_ACTOR)
    }

    /// A valid token for `consumer` acting as `actor` (used by opt-outs).
    pub fn token_for(&self, consumer: Consumer, actor: &str) -> String {
        token(&TokenRequest {
            issuer: consumer.issuer().to_owned(),
            subject: consumer.subject(actor),
            expires_in: Some(300),
            issued_offset: 0,
        })
    }

    /// Sends a request as `consumer` with a JSON body (or none).
    pub async fn send(
        &self,
        consumer: Consumer,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Response {
        let mut request = self.client.request(method, self.url(path)).header(
            "X-Jwt-Authorization",
            format!("Bearer {}", self.token(consumer)),
        );
        if let Some(body) = body {
            request = request.json(body);
        }
        request.send().await.expect("the simulator should answer")
    }

    /// `PUT /lpas/{uid}` as Make and register.
    pub async fn put_lpa(&self, uid: &str, lpa: &Value) -> Response {
        self.send(
            Consumer::MakeRegister,
            Method::PUT,
            &format!("/lpas/{uid}"),
            Some(lpa),
        )
        .await
    }

    /// `GET /lpas/{uid}` as Use an LPA.
    pub async fn get_lpa(&self, uid: &str) -> Response {
        self.send(
            Consumer::UseAnLpa,
            Method::GET,
            &format!("/lpas/{uid}"),
            None,
        )
        .await
    }

    /// `GET /lpas/{uid}/updates` (the change history) as Sirius.
    pub async fn get_updates(&self, uid: &str) -> Response {
        self.send(
            Consumer::Sirius,
            Method::GET,
            &format!("/lpas/{uid}/updates"),
            None,
        )
        .await
    }

    /// `POST /lpas/{uid}/updates` as `consumer`.
    pub async fn update_as(
        &self,
        consumer: Consumer,
        uid: &str,
        update_type: &str,
        changes: Value,
    ) -> Response {
        let body = json!({"type": update_type, "changes": changes});
        self.send(
            consumer,
            Method::POST,
            &format!("/lpas/{uid}/updates"),
            Some(&body),
        )
        .await
    }

    /// `POST /lpas/{uid}/updates` as Sirius.
    pub async fn update(&self, uid: &str, update_type: &str, changes: Value) -> Response {
        self.update_as(Consumer::Sirius, uid, update_type, changes)
            .await
    }

    /// Applies an update that must succeed, returning the updated LPA.
    pub async fn update_ok(&self, uid: &str, update_type: &str, changes: Value) -> Value {
        let response = self.update(uid, update_type, changes).await;
        expect_json(response, 201).await
    }

    /// Creates the standard online LPA under a fresh UID and returns the UID.
    pub async fn given_lpa(&self) -> String {
        let uid = fixture::new_uid();
        let response = self.put_lpa(&uid, &fixture::online_lpa()).await;
        expect_json(response, 201).await;
        uid
    }

    /// Creates the standard online LPA and takes it through every signature.
    pub async fn given_signed_lpa(&self) -> String {
        let uid = self.given_lpa().await;
        for (update_type, changes) in fixture::signatures() {
            self.update_ok(&uid, update_type, changes).await;
        }
        uid
    }

    /// Puts the database in `condition` (`{"state": "offline"}`, …) over the admin API.
    pub async fn set_database(&self, condition: Value) {
        let response = self
            .client
            .put(self.url("/__admin/database"))
            .json(&condition)
            .send()
            .await
            .expect("the admin API answers");
        expect_json(response, 200).await;
    }

    /// Waits (at most `bound`) until the outbox has no pending operation.
    pub async fn wait_until_outbox_empty(&self, bound: Duration) -> Value {
        let deadline = tokio::time::Instant::now() + bound;
        loop {
            let response = self
                .client
                .get(self.url("/__admin/outbox"))
                .send()
                .await
                .expect("the simulator should answer");
            let outbox = expect_json(response, 200).await;
            if outbox["pending"].as_array().is_some_and(Vec::is_empty) {
                return outbox;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "operations still pending after {bound:?}: {outbox}"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// The `lpa-updated` events published so far.
    pub async fn events(&self) -> Vec<Value> {
        let response = self
            .client
            .get(self.url("/__admin/events"))
            .send()
            .await
            .expect("the simulator should answer");
        let body = expect_json(response, 200).await;
        body["events"].as_array().cloned().unwrap_or_default()
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            shutdown.send(()).ok();
        }
        if let Some(server) = self.server.take() {
            server.abort();
        }
    }
}

impl TestApp {
    /// Keeps the outbox's temporary folder `dir` until the app is dropped.
    #[must_use]
    pub fn keeping_outbox_dir(mut self, dir: tempfile::TempDir) -> Self {
        self.outbox_dir = Some(dir);
        self
    }

    /// Posts a provider-state change (`setup` or `teardown`) as pact_verifier does.
    pub async fn provider_state(&self, state: &str, action: &str) -> Response {
        self.client
            .post(self.url("/__pact/provider-states"))
            .json(&json!({"state": state, "params": {}, "action": action}))
            .send()
            .await
            .expect("the state-change route should answer")
    }

    /// Installs one fault (or an array of them) over the admin API; returns what was installed.
    pub async fn add_fault(&self, fault: Value) -> Value {
        let response = self
            .client
            .post(self.url("/__admin/faults"))
            .json(&fault)
            .send()
            .await
            .expect("the admin API should answer");
        expect_json(response, 201).await
    }

    /// The faults in force, as `GET /__admin/faults` lists them.
    pub async fn faults(&self) -> Value {
        let response = self
            .client
            .get(self.url("/__admin/faults"))
            .send()
            .await
            .expect("the admin API should answer");
        expect_json(response, 200).await
    }

    /// Sends a raw HTTP/1.1 request on a fresh connection and reads until the server closes
    /// it, so a test sees exactly what came back: the bytes, an end of file, or a reset.
    pub async fn raw(
        &self,
        method: &str,
        path: &str,
        body: Option<&Value>,
    ) -> std::io::Result<Vec<u8>> {
        use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
        let host = self.address.trim_start_matches("http://");
        let mut stream = tokio::net::TcpStream::connect(host).await?;
        let body = body.map(Value::to_string).unwrap_or_default();
        let request = format!(
            "{method} {path} HTTP/1.1\r\nHost: {host}\r\nX-Jwt-Authorization: Bearer {}\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            self.token(Consumer::MakeRegister),
            body.len()
        );
        stream.write_all(request.as_bytes()).await?;
        let mut answer = Vec::new();
        tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer))
            .await
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::TimedOut, "no end in 10 s"))??;
        Ok(answer)
    }
}

/// Signs a token with the default secret.
pub fn token(request: &TokenRequest) -> String {
    simulator::auth::issue(DEFAULT_SECRET, request).expect("signing with HS256 cannot fail")
}

/// Asserts the status and returns the JSON body, with the body in the message when it differs.
pub async fn expect_json(response: Response, status: u16) -> Value {
    let actual = response.status().as_u16();
    let text = response.text().await.expect("a body should arrive");
    assert_eq!(actual, status, "unexpected status; body: {text}");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("body is not JSON ({e}): {text}"))
}
