//! `lpa-contracts`: verify an LPA store (the real one, a running simulator, or one started
//! here) against its consumers' pacts.
//!
//! Exit codes: 0 every interaction passed (pending failures allowed), 1 an interaction failed,
//! 2 the verification could not run (bad input, unreachable provider).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};
use pact_models::http_utils::HttpAuth;
use pact_verifier::PublishOptions;
use serde_json::Value;
use simulator::scope::{Contracts, Issuers};
use tracing_subscriber::EnvFilter;
use verifier::provider::{Provider, SimulatorStore};
use verifier::scopes::Record;
use verifier::sources::{Broker, PactInputs};
use verifier::{PROVIDER_NAME, Verification, VerifyError};

/// Contract tools for the OPG LPA store.
#[derive(Debug, Parser)]
#[command(name = "lpa-contracts", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Verify a provider against pacts; exits 1 when an interaction fails, 2 on bad input.
    Verify(Box<VerifyArgs>),
    /// Print each consumer's scope from its pacts (the operations it calls, the LPA fields it
    /// relies on), the data-minimisation record; exits 2 on bad input.
    Scopes(ScopesArgs),
}

#[derive(Debug, Args)]
struct ScopesArgs {
    /// The folder of pact files.
    #[arg(long, value_name = "DIR", default_value = "contracts/pacts")]
    pacts: PathBuf,
    /// `markdown`: the record for people to review; `json`: the same, for tools.
    #[arg(long, value_enum, default_value_t = Format::Markdown)]
    format: Format,
    /// A consumer's JWT issuer, as CONSUMER=ISSUER (repeatable); the three OPG consumers are
    /// known already.
    #[arg(long = "issuer", value_name = "CONSUMER=ISSUER", value_parser = Issuers::parse_pair)]
    issuers: Vec<(String, String)>,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Format {
    /// Markdown tables.
    Markdown,
    /// JSON.
    Json,
}

#[derive(Debug, Args)]
#[allow(
    clippy::struct_excessive_bools,
    reason = "each is one command-line switch"
)]
struct VerifyArgs {
    /// The provider's base URL, e.g. http://127.0.0.1:8080 (a running `lpa-sim serve`).
    #[arg(
        long,
        required_unless_present = "simulator",
        conflicts_with = "simulator"
    )]
    provider_url: Option<String>,
    /// Verify a simulator started in this process for the run.
    #[arg(long)]
    simulator: bool,
    /// The in-process simulator's store.
    #[arg(long, value_enum, default_value_t = StoreKind::Memory, requires = "simulator")]
    store: StoreKind,
    /// Postgres URL for `--store postgres`.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    database_url: Option<String>,
    /// The in-process simulator's bound on waiting for its database, in milliseconds; the
    /// database-offline interactions each take this long.
    #[arg(long, default_value_t = 1000, requires = "simulator", value_parser = clap::value_parser!(u64).range(1..=60_000))]
    db_timeout_ms: u64,
    /// Where the provider sets up provider states; defaults to the simulator's own
    /// `/__pact/provider-states` with `--simulator`.
    #[arg(long)]
    state_change_url: Option<String>,
    /// The provider's admin token, sent with each state change as `Authorization: Bearer`
    /// (an `lpa-sim serve` on a shared address requires its `--admin-token`).
    #[arg(long, env = "LPA_SIM_ADMIN_TOKEN", hide_env_values = true)]
    admin_token: Option<String>,

    /// A pact file or a folder of them (repeatable). Defaults to `contracts/pacts` when no
    /// other source is given.
    #[arg(long = "pacts", value_name = "PATH")]
    pacts: Vec<PathBuf>,
    /// The URL of one pact (repeatable).
    #[arg(long = "pact-url", value_name = "URL")]
    pact_urls: Vec<String>,
    /// A Pact Broker to fetch pacts from (pacts-for-verification).
    #[arg(long, env = "PACT_BROKER_BASE_URL")]
    broker_url: Option<String>,
    /// Broker bearer token.
    #[arg(
        long,
        env = "PACT_BROKER_TOKEN",
        hide_env_values = true,
        conflicts_with = "broker_username"
    )]
    broker_token: Option<String>,
    /// Broker user name (basic auth).
    #[arg(long, env = "PACT_BROKER_USERNAME")]
    broker_username: Option<String>,
    /// Broker password (basic auth).
    #[arg(long, env = "PACT_BROKER_PASSWORD", hide_env_values = true)]
    broker_password: Option<String>,
    /// A consumer version selector as JSON, e.g. '{"mainBranch": true}' (repeatable).
    #[arg(long = "consumer-version-selectors", value_name = "JSON", value_parser = parse_json)]
    selectors: Vec<Value>,
    /// Verify pending pacts; their failures are reported but do not fail the run.
    #[arg(long)]
    enable_pending: bool,
    /// Include work-in-progress pacts published since this date (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    include_wip_pacts_since: Option<String>,
    /// Publish the results to the broker (needs --provider-version).
    #[arg(long, requires = "provider_version")]
    publish: bool,
    /// The provider's version, for publishing (a commit SHA).
    #[arg(long)]
    provider_version: Option<String>,
    /// The provider's branch, for pending status and publishing.
    #[arg(long)]
    provider_branch: Option<String>,
    /// The provider's tags, comma separated.
    #[arg(long, value_delimiter = ',')]
    provider_tags: Vec<String>,
    /// A link to the CI build, published with the results.
    #[arg(long)]
    build_url: Option<String>,

    /// Only this consumer's pacts (repeatable).
    #[arg(long = "consumer", value_name = "NAME")]
    consumers: Vec<String>,
    /// The provider's name in the pacts.
    #[arg(long, default_value = PROVIDER_NAME)]
    provider_name: String,
    /// The HS256 secret the provider checks JWTs with; defaults to the store's public local
    /// test secret.
    #[arg(long, env = "LPA_STORE_JWT_SECRET", hide_env_values = true)]
    jwt_secret: Option<String>,
    /// A consumer's JWT issuer, as CONSUMER=ISSUER (repeatable); the three OPG consumers are
    /// known already.
    #[arg(long = "issuer", value_name = "CONSUMER=ISSUER", value_parser = Issuers::parse_pair)]
    issuers: Vec<(String, String)>,
    /// The bound on each request and state change, in milliseconds.
    #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(100..=600_000))]
    request_timeout_ms: u64,
    /// Write a JUnit XML report here.
    #[arg(long, value_name = "FILE")]
    junit: Option<PathBuf>,
    /// Write a JSON report here.
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum StoreKind {
    /// In memory.
    Memory,
    /// In Postgres at --database-url.
    Postgres,
}

fn parse_json(text: &str) -> Result<Value, String> {
    serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    verifier::install_crypto();
    let outcome = match Cli::parse().command {
        Command::Verify(args) => verify(*args).await,
        Command::Scopes(args) => scopes(&args).await.map(|()| true),
    };
    match outcome {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// `lpa-contracts scopes`: the record on standard output.
async fn scopes(args: &ScopesArgs) -> anyhow::Result<()> {
    let mut issuers = Issuers::default();
    for (consumer, issuer) in &args.issuers {
        issuers.insert(consumer, issuer);
    }
    let contracts = Contracts::read(&args.pacts)?.with_issuers(issuers);
    eprintln!(
        "measuring what each consumer receives from a simulator, without and with enforcement"
    );
    let record = Record::measure(&contracts).await?;
    match args.format {
        Format::Markdown => print!("{}", record.markdown()),
        Format::Json => println!("{}", serde_json::to_string_pretty(&record)?),
    }
    Ok(())
}

async fn verify(args: VerifyArgs) -> anyhow::Result<bool> {
    let secret = args
        .jwt_secret
        .clone()
        .unwrap_or_else(|| simulator::auth::DEFAULT_SECRET.to_owned());
    let verification = verification(&args, &secret)?;
    let provider = if args.simulator {
        let store = match args.store {
            StoreKind::Memory => SimulatorStore::Memory,
            StoreKind::Postgres => {
                SimulatorStore::Postgres(args.database_url.clone().ok_or_else(|| {
                    anyhow::anyhow!("--store postgres needs --database-url (or DATABASE_URL)")
                })?)
            }
        };
        let mut provider =
            Provider::simulator(store, &secret, Duration::from_millis(args.db_timeout_ms)).await?;
        if let Some(url) = &args.state_change_url {
            provider.state_change_url = Some(url.clone());
        }
        provider
    } else {
        let url = args.provider_url.as_deref().unwrap_or_default();
        Provider::at(url, args.state_change_url.clone()).await?
    };
    let outcome = verification.run(&provider).await;
    provider.stop().await;
    let report = outcome?;
    print!("{}", report.summary());
    if let Some(path) = &args.junit {
        let xml = report.junit()?;
        std::fs::write(path, xml).map_err(|e| {
            anyhow::anyhow!("Failed to write the JUnit report {}: {e}", path.display())
        })?;
    }
    if let Some(path) = &args.json {
        let json = serde_json::to_vec_pretty(&report.json())?;
        std::fs::write(path, json).map_err(|e| {
            anyhow::anyhow!("Failed to write the JSON report {}: {e}", path.display())
        })?;
    }
    Ok(report.passed())
}

fn verification(args: &VerifyArgs, secret: &str) -> Result<Verification, VerifyError> {
    let broker = args.broker_url.as_ref().map(|url| Broker {
        url: url.clone(),
        auth: match (&args.broker_token, &args.broker_username) {
            (Some(token), _) => Some(HttpAuth::Token(token.clone())),
            (None, Some(user)) => Some(HttpAuth::User(user.clone(), args.broker_password.clone())),
            (None, None) => None,
        },
        selectors: args.selectors.clone(),
        enable_pending: args.enable_pending,
        include_wip_pacts_since: args.include_wip_pacts_since.clone(),
        provider_tags: args.provider_tags.clone(),
        provider_branch: args.provider_branch.clone(),
    });
    // Checked now, so a bad selector is an error before anything starts.
    verifier::sources::selectors(&args.selectors)?;
    let mut paths = args.pacts.clone();
    if paths.is_empty() && args.pact_urls.is_empty() && broker.is_none() {
        paths.push(PathBuf::from("contracts/pacts"));
    }
    let mut verification = Verification::new(PactInputs {
        paths,
        urls: args.pact_urls.clone(),
        broker,
    });
    verification.provider_name = args.provider_name.clone();
    verification.consumers = args.consumers.clone();
    verification.jwt_secret = secret.to_owned();
    verification.request_timeout_ms = args.request_timeout_ms;
    verification.admin_token.clone_from(&args.admin_token);
    for (consumer, issuer) in &args.issuers {
        verification.issuers.insert(consumer, issuer);
    }
    if args.publish {
        verification.publish = Some(PublishOptions {
            provider_version: args.provider_version.clone(),
            build_url: args.build_url.clone(),
            provider_tags: args.provider_tags.clone(),
            provider_branch: args.provider_branch.clone(),
        });
    }
    Ok(verification)
}
