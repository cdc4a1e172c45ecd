//! `lpa-sim`: run the LPA store simulator, or mint a JWT for calling it.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use clap::{Parser, Subcommand, ValueEnum};
use simulator::auth::{self, DEFAULT_SECRET, ISSUERS, TokenRequest};
use simulator::fault::Faults;
use simulator::outage::{self, Switch};
use simulator::outbox::Outbox;
use simulator::scope::{Contracts, Issuers, ScopeMode};
use simulator::store::{Store, StoreError};
use simulator::{ClientLimits, OnDbOffline, Simulator};
use tracing_subscriber::EnvFilter;

/// mimalloc rather than the system allocator: under load the simulator allocates many small
/// strings per request from every worker thread, and glibc's allocator serialised them on its
/// arena locks (`ci/bench.sh compare`, profiled in the README).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// A faithful simulator of the OPG LPA store API.
#[derive(Debug, Parser)]
#[command(name = "lpa-sim", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the LPA store API until SIGINT or SIGTERM.
    Serve(Box<ServeArgs>),
    /// Print a signed JWT for the `X-Jwt-Authorization: Bearer …` header.
    Token(TokenArgs),
    /// Exit 0 when a simulator answers its health check with 200, 1 otherwise: the container
    /// image's health check, which has no HTTP client of its own.
    Probe(ProbeArgs),
}

#[derive(Debug, clap::Args)]
struct ProbeArgs {
    /// The health-check URL (plain HTTP).
    #[arg(
        long,
        env = "LPA_SIM_PROBE_URL",
        default_value = "http://127.0.0.1:8080/health-check"
    )]
    url: url::Url,
    /// The most the probe waits for the answer, in milliseconds.
    #[arg(long, default_value_t = 2000, value_parser = clap::value_parser!(u64).range(1..=60_000))]
    timeout_ms: u64,
}

#[derive(Debug, clap::Args)]
struct ServeArgs {
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, env = "LPA_SIM_LISTEN", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Where LPAs are kept.
    #[arg(long, env = "LPA_SIM_STORE", value_enum, default_value_t = StoreKind::Memory)]
    store: StoreKind,
    /// HS256 secret shared with consumers; defaults to the LPA store's public test secret.
    #[arg(long, env = "LPA_SIM_JWT_SECRET", hide_env_values = true)]
    jwt_secret: Option<String>,
    /// Postgres URL, for `--store postgres`.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    database_url: Option<String>,
    /// The most any request waits on the database, in milliseconds; past it the request gets
    /// 503 with Retry-After.
    #[arg(long, env = "LPA_SIM_DB_TIMEOUT_MS", default_value_t = 3000, value_parser = clap::value_parser!(u64).range(1..=600_000))]
    db_timeout_ms: u64,
    /// What to do while the database is unavailable: answer 503 (`fail-fast`), or accept writes
    /// into the outbox with 202 and answer reads from the last known state (`queue`).
    #[arg(long, env = "LPA_SIM_ON_DB_OFFLINE", value_enum, default_value_t = OnDbOffline::FailFast)]
    on_db_offline: OnDbOffline,
    /// Directory where queue mode keeps accepted writes durably (required with `queue`; with
    /// `fail-fast` it lets the provider state `the LPA database is offline and writes are
    /// queued` switch queue mode on during a Pact verification).
    #[arg(long, env = "LPA_SIM_OUTBOX")]
    outbox: Option<std::path::PathBuf>,
    /// Largest request body accepted, in bytes; larger ones get 413.
    #[arg(long, env = "LPA_SIM_BODY_LIMIT", default_value_t = simulator::app::DEFAULT_BODY_LIMIT)]
    body_limit: usize,
    /// A JSON file of HTTP faults (an array, as `POST /__admin/faults` takes) in force from
    /// the start; see docs/faults.md.
    #[arg(long, env = "LPA_SIM_FAULTS")]
    faults: Option<std::path::PathBuf>,
    /// Seed of the faults' random source, to repeat a run exactly; random when left out
    /// (the seed is logged and shown by `GET /__admin/faults`).
    #[arg(long, env = "LPA_SIM_FAULT_SEED")]
    fault_seed: Option<u64>,
    /// Token the admin and provider-state routes require (`Authorization: Bearer TOKEN`).
    /// Without it they are open on a loopback listener only, and closed on any other.
    #[arg(long, env = "LPA_SIM_ADMIN_TOKEN", hide_env_values = true)]
    admin_token: Option<String>,
    /// Serve the admin and provider-state routes on this address only, apart from the API
    /// (loopback keeps them private to this machine; port 0 picks a free port, printed as
    /// `admin listening on http://HOST:PORT`).
    #[arg(long, env = "LPA_SIM_ADMIN_LISTEN")]
    admin_listen: Option<SocketAddr>,
    /// The most a client may take to send a request's headers, and the most a kept-alive
    /// connection may stay idle, in milliseconds.
    #[arg(long, env = "LPA_SIM_HEADER_TIMEOUT_MS", default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(1..=3_600_000))]
    header_timeout_ms: u64,
    /// The most a client may take to send a request's body, in milliseconds; past it, 408.
    #[arg(long, env = "LPA_SIM_BODY_TIMEOUT_MS", default_value_t = 30_000, value_parser = clap::value_parser!(u64).range(1..=3_600_000))]
    body_timeout_ms: u64,
    /// The most connections served at once; a client past it gets 503 and is closed.
    #[arg(long, env = "LPA_SIM_MAX_CONNECTIONS", default_value_t = 512, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    max_connections: u64,
    /// The base URL callers reach the simulator at, for the URLs it hands out (presigned
    /// images); by default the address it listens on.
    #[arg(long, env = "LPA_SIM_PUBLIC_URL")]
    public_url: Option<url::Url>,
    /// A folder of the consumers' pact files: each consumer is held to the operations its
    /// pacts call and the answer fields they rely on, as `--scopes` says.
    #[arg(long, env = "LPA_SIM_CONTRACTS")]
    contracts: Option<std::path::PathBuf>,
    /// With `--contracts`: `report` counts calls and fields outside each consumer's contract
    /// (`GET /__admin/scopes`); `enforce` refuses such calls with 403 and trims answers to
    /// the fields the consumer's contract relies on.
    #[arg(long, env = "LPA_SIM_SCOPES", value_enum, requires = "contracts")]
    scopes: Option<ScopeMode>,
    /// The JWT issuer a pact's consumer signs as, CONSUMER=ISSUER (repeatable); the store's
    /// three consumers are known: modernising-lpa, use-an-lpa and sirius.
    #[arg(long = "issuer", env = "LPA_SIM_ISSUERS", value_delimiter = ',', value_parser = Issuers::parse_pair, requires = "contracts")]
    issuers: Vec<(String, String)>,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum StoreKind {
    /// In memory: nothing to set up, nothing kept across restarts.
    Memory,
    /// In Postgres (`--database-url`): kept across restarts; migrations run at start.
    Postgres,
}

#[derive(Debug, clap::Args)]
struct TokenArgs {
    /// `iss`: opg.poas.makeregister, opg.poas.use or opg.poas.sirius.
    #[arg(long)]
    issuer: String,
    /// `sub`: a URN, e.g. `urn:opg:poas:makeregister:users:<uuid>`.
    #[arg(long)]
    subject: String,
    /// Secret to sign with; defaults to the LPA store's public test secret.
    #[arg(long, env = "LPA_SIM_JWT_SECRET", hide_env_values = true)]
    secret: Option<String>,
    /// Seconds until the token expires; without it the token has no `exp`.
    #[arg(long)]
    expires_in: Option<i64>,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Serve(args) => serve(*args).await,
        Command::Token(args) => token(&args),
        Command::Probe(args) => probe(&args),
    }
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let secret = args.jwt_secret.clone().unwrap_or_else(|| {
        tracing::warn!("no --jwt-secret given: using the LPA store's public local test secret");
        DEFAULT_SECRET.to_owned()
    });
    let timeout = Duration::from_millis(args.db_timeout_ms);
    let (store, database) = match args.store {
        StoreKind::Memory => outage::memory(timeout),
        StoreKind::Postgres => postgres_store(&args, timeout).await?,
    };
    let faults = load_faults(args.faults.as_deref(), args.fault_seed)?;
    let simulator = Simulator::new(store)
        .with_faults(faults)
        .with_outage_switch(database)
        .with_jwt_secret(&secret)
        .with_body_limit(args.body_limit)
        .with_admin_token(args.admin_token.clone())
        .with_public_url(args.public_url.as_ref().map_or("", url::Url::as_str))
        .with_client_limits(ClientLimits {
            header_read_timeout: Duration::from_millis(args.header_timeout_ms),
            body_read_timeout: Duration::from_millis(args.body_timeout_ms),
            max_connections: usize::try_from(args.max_connections).unwrap_or(usize::MAX),
        });
    let simulator = match &args.contracts {
        Some(dir) => {
            let mode = args.scopes.unwrap_or(ScopeMode::Report);
            simulator.with_scopes(contracts(dir, &args.issuers)?, mode)
        }
        None => simulator,
    };
    let simulator = match (args.on_db_offline, &args.outbox) {
        (OnDbOffline::Queue, Some(dir)) => {
            let outbox = Outbox::open(dir)
                .with_context(|| format!("Failed to open the outbox in {}", dir.display()))?;
            let pending = outbox.pending_count();
            tracing::info!(dir = %dir.display(), pending, "queue mode: writes are kept while the database is away");
            simulator.with_outbox(outbox)
        }
        (OnDbOffline::Queue, None) => {
            anyhow::bail!(
                "--on-db-offline queue needs --outbox DIR (or LPA_SIM_OUTBOX) to keep accepted writes"
            )
        }
        (OnDbOffline::FailFast, Some(dir)) => {
            let outbox = Outbox::open(dir)
                .with_context(|| format!("Failed to open the outbox in {}", dir.display()))?;
            tracing::info!(dir = %dir.display(), "fail-fast mode, with the outbox ready for provider states that queue writes");
            simulator.with_outbox_on_standby(outbox)
        }
        (OnDbOffline::FailFast, None) => simulator,
    };
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("Failed to listen on {}", args.listen))?;
    let address = listener
        .local_addr()
        .context("Failed to read the bound address")?;
    let admin_listener = match args.admin_listen {
        Some(admin_address) => Some(
            tokio::net::TcpListener::bind(admin_address)
                .await
                .with_context(|| {
                    format!("Failed to listen on {admin_address} for the admin routes")
                })?,
        ),
        None => None,
    };
    let shutdown = shutdown_signal()?;
    println!("listening on http://{address}");
    if let Some(admin) = &admin_listener {
        let admin_address = admin
            .local_addr()
            .context("Failed to read the admin listener's address")?;
        println!("admin listening on http://{admin_address}");
    }
    let served = match admin_listener {
        Some(admin) => {
            simulator
                .run_with_admin_listener(listener, admin, shutdown)
                .await
        }
        None => simulator.run(listener, shutdown).await,
    };
    served.context("Failed to serve")?;
    tracing::info!("stopped");
    Ok(())
}

/// The consumers' scopes from the pacts in `dir`, each consumer signing as the store's
/// defaults and `issuers` say.
fn contracts(dir: &std::path::Path, issuers: &[(String, String)]) -> anyhow::Result<Contracts> {
    let mut known = Issuers::default();
    for (consumer, issuer) in issuers {
        known.insert(consumer, issuer);
    }
    let contracts = Contracts::read(dir)?.with_issuers(known);
    for scope in contracts.scopes() {
        match contracts.issuers().of(scope.consumer()) {
            Some(issuer) => tracing::info!(
                consumer = scope.consumer(),
                issuer,
                operations = scope.operations().len(),
                "contract scope"
            ),
            None => tracing::warn!(
                consumer = scope.consumer(),
                "a pact's consumer with no known issuer: its calls cannot be told apart; \
                 name its issuer with --issuer CONSUMER=ISSUER"
            ),
        }
    }
    Ok(contracts)
}

/// The HTTP faults in force at start, from `--faults FILE`, seeded by `--fault-seed`.
fn load_faults(file: Option<&std::path::Path>, seed: Option<u64>) -> anyhow::Result<Faults> {
    let seed = seed.unwrap_or_else(rand::random);
    let faults = Faults::new(seed);
    tracing::info!(
        seed,
        "fault seed (pass --fault-seed {seed} to repeat this run)"
    );
    let Some(file) = file else {
        return Ok(faults);
    };
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("Failed to read the faults file {}", file.display()))?;
    let value: serde_json::Value = serde_json::from_str(&text)
        .with_context(|| format!("The faults file {} is not valid JSON", file.display()))?;
    if !value.is_array() {
        anyhow::bail!(
            "The faults file {} must hold a JSON array of faults",
            file.display()
        );
    }
    let added = faults.add_json(&value, "").map_err(|problems| {
        let lines: Vec<String> = problems
            .iter()
            .map(|p| format!("  {}: {}", p.source, p.detail))
            .collect();
        anyhow::anyhow!(
            "The faults file {} has invalid faults:\n{}",
            file.display(),
            lines.join("\n")
        )
    })?;
    tracing::info!(count = added.len(), file = %file.display(), "faults loaded");
    Ok(faults)
}

/// The Postgres store, through the database proxy the admin API controls.
async fn postgres_store(
    args: &ServeArgs,
    timeout: Duration,
) -> anyhow::Result<(Arc<dyn Store>, Switch)> {
    let url = args
        .database_url
        .as_deref()
        .context("--store postgres needs --database-url (or DATABASE_URL)")?;
    let (store, faults) = outage::postgres_via_proxy(url, timeout).await?;
    match store.ping().await {
        Ok(()) => tracing::info!("database ready"),
        Err(StoreError::Unavailable(reason)) => tracing::warn!(
            %reason,
            "database unavailable at start: serving anyway, requests get 503 until it answers"
        ),
        Err(other) => return Err(other).context("Failed to prepare the database"),
    }
    Ok((store, faults))
}

/// SIGINT or SIGTERM, registered now rather than when first polled: a signal sent as soon as
/// the address is printed must stop the simulator gracefully, not kill it by default action.
fn shutdown_signal() -> anyhow::Result<impl Future<Output = ()> + Send + 'static> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut interrupt = signal(SignalKind::interrupt()).context("Failed to handle SIGINT")?;
    let mut terminate = signal(SignalKind::terminate()).context("Failed to handle SIGTERM")?;
    Ok(async move {
        tokio::select! {
            _ = interrupt.recv() => {},
            _ = terminate.recv() => {},
        }
        tracing::info!("shutting down: finishing requests in flight");
    })
}

fn token(args: &TokenArgs) -> anyhow::Result<()> {
    if !ISSUERS.contains(&args.issuer.as_str()) {
        eprintln!(
            "warning: the store refuses issuer {:?}; it accepts {}",
            args.issuer,
            ISSUERS.join(", ")
        );
    }
    let secret = args.secret.as_deref().unwrap_or(DEFAULT_SECRET);
    let token = auth::issue(
        secret,
        &TokenRequest {
            issuer: args.issuer.clone(),
            subject: args.subject.clone(),
            expires_in: args.expires_in,
            issued_offset: 0,
        },
    )
    .context("Failed to sign the token")?;
    println!("{token}");
    Ok(())
}

/// `lpa-sim probe`: one GET, bounded, with no dependency beyond the standard library.
fn probe(args: &ProbeArgs) -> anyhow::Result<()> {
    use std::io::{Read as _, Write as _};
    anyhow::ensure!(
        args.url.scheme() == "http",
        "the probe speaks plain http only"
    );
    let timeout = Duration::from_millis(args.timeout_ms);
    let address = args
        .url
        .socket_addrs(|| Some(80))
        .context("Failed to resolve the probe URL")?
        .into_iter()
        .next()
        .context("The probe URL resolves to no address")?;
    let mut stream = std::net::TcpStream::connect_timeout(&address, timeout)
        .with_context(|| format!("No answer from {address}"))?;
    stream.set_read_timeout(Some(timeout))?;
    stream.set_write_timeout(Some(timeout))?;
    write!(
        stream,
        "GET {} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
        args.url.path(),
        address
    )?;
    let mut head = [0u8; 12];
    stream
        .read_exact(&mut head)
        .context("No status line from the simulator")?;
    anyhow::ensure!(
        head.starts_with(b"HTTP/1.1 200"),
        "the health check answered {:?}",
        String::from_utf8_lossy(&head)
    );
    Ok(())
}
