//! Postgres for tests: a fresh database per test, in a container started with testcontainers, or
//! on the user's own server when `DATABASE_URL` is set.
//!
//! The container's host port is fixed when it starts, so a test that stops and starts the
//! container finds the database at the same URL afterwards, as a simulator pointed at it would.

use std::time::Duration;

use anyhow::Context as _;
use sqlx::Connection as _;
use testcontainers_modules::postgres::Postgres;
use testcontainers_modules::testcontainers::core::IntoContainerPort;
use testcontainers_modules::testcontainers::runners::AsyncRunner;
use testcontainers_modules::testcontainers::{ContainerAsync, ImageExt};

/// The longest [`TestDatabase::pause`] keeps trying to freeze the database.
const PAUSE_BOUND: Duration = Duration::from_secs(10);

/// The image used when `LPA_POSTGRES_IMAGE` is not set (`ci/postgres-image.sh` provides it).
pub const DEFAULT_IMAGE: &str = "postgres:15";

/// A database of its own for one test.
#[derive(Debug)]
pub struct TestDatabase {
    /// URL of the test's database.
    pub url: String,
    container: Option<ContainerAsync<Postgres>>,
}

impl TestDatabase {
    /// A fresh database: on `DATABASE_URL`'s server if set, else in a new container.
    pub async fn start() -> anyhow::Result<Self> {
        let (server_url, container) = match std::env::var("DATABASE_URL") {
            Ok(url) if !url.is_empty() => (url, None),
            _ => {
                let (container, url) = start_container().await?;
                (url, Some(container))
            }
        };
        let name = format!("lpa_test_{}", uuid::Uuid::new_v4().simple());
        let mut admin = sqlx::PgConnection::connect(&server_url)
            .await
            .with_context(|| format!("Failed to connect to the test server {server_url}"))?;
        sqlx::query(&format!("CREATE DATABASE \"{name}\""))
            .execute(&mut admin)
            .await
            .context("Failed to create the test database")?;
        admin.close().await.ok();
        Ok(Self {
            url: with_database(&server_url, &name)?,
            container,
        })
    }

    /// The container, unless the tests run against the user's own server.
    pub fn container(&self) -> Option<&ContainerAsync<Postgres>> {
        self.container.as_ref()
    }

    fn require_container(&self) -> anyhow::Result<&ContainerAsync<Postgres>> {
        self.container.as_ref().context(
            "this test takes the database down, so it needs a container (unset DATABASE_URL)",
        )
    }

    /// Freezes the database: connections are accepted, nothing is answered.
    ///
    /// The container runtime's freezer gives up on a process busy in the kernel, such as
    /// Postgres writing to disk ("unable to freeze"), and thaws it again; on a loaded machine
    /// that can happen several times in a row. A pause is tried again with a growing wait, for
    /// at most `PAUSE_BOUND` (10 s), before the test fails with the runtime's own words.
    pub async fn pause(&self) -> anyhow::Result<()> {
        let container = self.require_container()?;
        let deadline = tokio::time::Instant::now() + PAUSE_BOUND;
        let mut wait = Duration::from_millis(200);
        let mut attempts = 0;
        loop {
            attempts += 1;
            match container.pause().await {
                Ok(()) => return Ok(()),
                Err(e) if tokio::time::Instant::now() + wait < deadline => {
                    eprintln!("pausing Postgres failed ({e}); trying again in {wait:?}");
                    tokio::time::sleep(wait).await;
                    wait = (wait * 2).min(Duration::from_secs(2));
                }
                Err(e) => {
                    return Err(anyhow::anyhow!(
                        "Failed to pause Postgres after {attempts} attempts in {PAUSE_BOUND:?}: {e}"
                    ));
                }
            }
        }
    }

    /// Lets a paused database answer again.
    pub async fn unpause(&self) -> anyhow::Result<()> {
        self.require_container()?
            .unpause()
            .await
            .context("Failed to unpause Postgres")
    }

    /// Stops the database: connections are refused.
    pub async fn stop(&self) -> anyhow::Result<()> {
        self.require_container()?
            .stop_with_timeout(Some(5))
            .await
            .context("Failed to stop Postgres")
    }

    /// Starts a stopped database and waits (bounded) until it answers queries.
    pub async fn start_again(&self) -> anyhow::Result<()> {
        self.require_container()?
            .start()
            .await
            .context("Failed to start Postgres")?;
        self.wait_until_ready(Duration::from_secs(30)).await
    }

    /// Polls with a real query until the database answers, at most `bound`.
    pub async fn wait_until_ready(&self, bound: Duration) -> anyhow::Result<()> {
        let deadline = tokio::time::Instant::now() + bound;
        loop {
            let attempt = tokio::time::timeout(Duration::from_secs(2), async {
                let mut conn = sqlx::PgConnection::connect(&self.url).await?;
                sqlx::query("SELECT 1").execute(&mut conn).await?;
                conn.close().await
            })
            .await;
            if matches!(attempt, Ok(Ok(()))) {
                return Ok(());
            }
            if tokio::time::Instant::now() > deadline {
                anyhow::bail!("Postgres did not answer within {bound:?}");
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
}

async fn start_container() -> anyhow::Result<(ContainerAsync<Postgres>, String)> {
    let image = std::env::var("LPA_POSTGRES_IMAGE").unwrap_or_else(|_| DEFAULT_IMAGE.to_owned());
    let (name, tag) = image.rsplit_once(':').unwrap_or((image.as_str(), "latest"));
    // A port free on the host can still be held by Docker's allocator for another test's
    // container; such a clash is retried on another port.
    let mut attempts = 0;
    loop {
        attempts += 1;
        let port = free_port()?;
        let started = Postgres::default()
            .with_name(name)
            .with_tag(tag)
            .with_mapped_port(port, 5432.tcp())
            .with_startup_timeout(Duration::from_secs(60))
            .start()
            .await;
        match started {
            Ok(container) => {
                let url = format!("postgres://postgres:postgres@127.0.0.1:{port}/postgres");
                return Ok((container, url));
            }
            Err(e) if attempts < 5 && e.to_string().contains("already allocated") => continue,
            Err(e) => {
                return Err(anyhow::Error::new(e).context(format!(
                    "Failed to start Postgres from {image}: is Docker running and the image there? (ci/docker.sh, ci/postgres-image.sh)"
                )));
            }
        }
    }
}

fn free_port() -> anyhow::Result<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").context("No free port")?;
    Ok(listener.local_addr()?.port())
}

fn with_database(server_url: &str, database: &str) -> anyhow::Result<String> {
    let mut url = reqwest::Url::parse(server_url).context("DATABASE_URL is not a URL")?;
    url.set_path(&format!("/{database}"));
    Ok(url.to_string())
}
