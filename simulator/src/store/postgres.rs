//! The Postgres store: data that survives restarts and is shared by every simulator pointed at
//! the same database.
//!
//! Design constraints:
//! - **Every wait is bounded.** A paused database accepts connections and then answers nothing,
//!   so neither sqlx's pool timeouts nor Postgres' `statement_timeout` can bound every case.
//!   Every operation therefore runs under one deadline of `timeout` (what is left of it, when
//!   it is a request's second call: see `deadline`); past it the operation is
//!   abandoned (its connection dropped, its transaction rolled back by the server) and reported
//!   as [`StoreError::Unavailable`], which the API answers with 503 and `Retry-After`.
//! - **No lost update.** An update locks the LPA's row (`SELECT … FOR UPDATE`) for its
//!   read-check-write, so of two concurrent updates with the same `old`, the second reads the
//!   first one's result and fails the optimistic-concurrency check like a stale request.
//! - **Starts while the database is down.** Connections are made lazily and migrations run on
//!   first use (and again on each use until they have succeeded), so the simulator can start
//!   during an outage and serve once the database is back. The migrations run as a task of
//!   their own, which a request waits for only within its deadline: a slow database (a fresh
//!   one on a busy server, say) finishes preparing even when the first requests give up, where
//!   a migration run inside each request's deadline would be cancelled every time.

use std::time::Duration;

use anyhow::Context as _;
use async_trait::async_trait;
use futures_util::FutureExt as _;
use futures_util::future::{BoxFuture, Shared};
use serde::Serialize;
use serde::de::DeserializeOwned;
use sqlx::Connection as _;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::types::Json;

use super::{ChangeRecord, Event, NewLpa, Store, StoreError, UpdateFn};
use crate::model::Lpa;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// The most one run of the migrations may take, whatever the requests' bound.
const MIGRATION_BOUND: Duration = Duration::from_secs(60);

/// Why a run of the migrations failed, shared by every request that waited for it.
#[derive(Clone, Debug)]
struct MigrationFailure {
    unavailable: bool,
    reason: String,
}

impl From<MigrationFailure> for StoreError {
    fn from(failure: MigrationFailure) -> Self {
        if failure.unavailable {
            Self::Unavailable(failure.reason)
        } else {
            Self::Other(anyhow::anyhow!(failure.reason))
        }
    }
}

/// A run of the migrations in its own task, awaited by any number of requests.
type Migration = Shared<BoxFuture<'static, Result<(), MigrationFailure>>>;

/// LPAs in Postgres; see the module docs.
#[derive(Debug)]
pub struct PostgresStore {
    pool: PgPool,
    timeout: Duration,
    migration: std::sync::Mutex<Option<Migration>>,
}

impl PostgresStore {
    /// A store for the database at `url`, whose operations each take at most `timeout`.
    /// Nothing is connected yet; a malformed URL is the only error.
    pub fn connect_lazy(url: &str, timeout: Duration) -> anyhow::Result<Self> {
        let options: PgConnectOptions = url
            .parse()
            .with_context(|| "Failed to parse the database URL".to_owned())?;
        let statement_timeout = format!("{}", timeout.as_millis().max(1));
        let options = options
            .options([("statement_timeout", statement_timeout.as_str())])
            .application_name("lpa-sim");
        let pool = PgPoolOptions::new()
            .max_connections(10)
            .acquire_timeout(timeout)
            .idle_timeout(Some(Duration::from_secs(60)))
            .connect_lazy_with(options);
        Ok(Self {
            pool,
            timeout,
            migration: std::sync::Mutex::new(None),
        })
    }

    /// Runs the migrations now, within the timeout; [`StoreError::Unavailable`] when the
    /// database cannot be reached.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        self.bounded(async { Ok(()) }).await
    }

    /// Runs `operation` after the migrations, all within one deadline.
    async fn bounded<T>(
        &self,
        operation: impl Future<Output = Result<T, StoreError>>,
    ) -> Result<T, StoreError> {
        let migration = self.migration();
        let work = async {
            migration.await?;
            operation.await
        };
        // What is left of the request's bound (see `store::deadline`).
        match tokio::time::timeout(super::deadline::remaining(self.timeout), work).await {
            Ok(result) => result,
            Err(_) => Err(StoreError::Unavailable(format!(
                "the database did not answer within {} ms",
                self.timeout.as_millis()
            ))),
        }
    }
}

impl PostgresStore {
    /// The run of the migrations to wait for: the one under way or done, or a new one when
    /// none was started or the last one failed.
    fn migration(&self) -> Migration {
        let mut slot = self
            .migration
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(run) = slot.as_ref()
            && !matches!(run.peek(), Some(Err(_)))
        {
            return run.clone();
        }
        let pool = self.pool.clone();
        let task = tokio::spawn(async move {
            tokio::time::timeout(MIGRATION_BOUND, migrate(&pool))
                .await
                .unwrap_or_else(|_| {
                    Err(MigrationFailure {
                        unavailable: true,
                        reason: format!(
                            "the migrations did not finish within {}s",
                            MIGRATION_BOUND.as_secs()
                        ),
                    })
                })
        });
        let run: Migration = async move {
            task.await.unwrap_or_else(|e| {
                Err(MigrationFailure {
                    unavailable: false,
                    reason: format!("the migrations' task failed: {e}"),
                })
            })
        }
        .boxed()
        .shared();
        *slot = Some(run.clone());
        run
    }
}

/// Runs the migrations on a connection of their own, free of the requests' statement
/// timeout; the connection is closed afterwards rather than returned to the pool.
async fn migrate(pool: &PgPool) -> Result<(), MigrationFailure> {
    let unavailable = |error: sqlx::Error| {
        let reason = format!("the database could not be prepared: {error}");
        MigrationFailure {
            unavailable: matches!(classify(error), StoreError::Unavailable(_)),
            reason,
        }
    };
    let mut connection = pool.acquire().await.map_err(unavailable)?.detach();
    sqlx::query("SET statement_timeout = 0")
        .execute(&mut connection)
        .await
        .map_err(unavailable)?;
    let result = MIGRATOR.run_direct(&mut connection).await;
    connection.close().await.ok();
    result.map_err(|e| match classify_migrate(&e) {
        StoreError::Unavailable(reason) => MigrationFailure {
            unavailable: true,
            reason,
        },
        other => MigrationFailure {
            unavailable: false,
            reason: other.to_string(),
        },
    })
}

/// Connection-level failures are outages; anything else is a bug or bad data.
fn classify(error: sqlx::Error) -> StoreError {
    match error {
        sqlx::Error::Io(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::Tls(_)
        | sqlx::Error::Protocol(_)
        | sqlx::Error::WorkerCrashed => StoreError::Unavailable(error.to_string()),
        sqlx::Error::Database(ref db) if is_unavailable_code(db.code().as_deref()) => {
            StoreError::Unavailable(error.to_string())
        }
        other => StoreError::Other(anyhow::Error::new(other)),
    }
}

/// Postgres codes for a server that is starting, stopping, or cancelled our statement by
/// timeout: the request may succeed later.
fn is_unavailable_code(code: Option<&str>) -> bool {
    matches!(code, Some("57P01" | "57P02" | "57P03" | "57014" | "53300"))
}

fn classify_migrate(error: &sqlx::migrate::MigrateError) -> StoreError {
    match error {
        sqlx::migrate::MigrateError::Execute(sqlx::Error::Io(e)) => {
            StoreError::Unavailable(e.to_string())
        }
        sqlx::migrate::MigrateError::Execute(sqlx::Error::PoolTimedOut) => {
            StoreError::Unavailable("the database did not accept a connection".to_owned())
        }
        other => StoreError::Other(anyhow::anyhow!("Failed to run migrations: {other}")),
    }
}

fn decode<T: DeserializeOwned>(value: serde_json::Value, what: &str) -> Result<T, StoreError> {
    serde_json::from_value(value)
        .with_context(|| format!("Failed to read a stored {what}"))
        .map_err(StoreError::Other)
}

fn encode<T: Serialize>(value: &T) -> Result<serde_json::Value, StoreError> {
    serde_json::to_value(value)
        .context("Failed to encode a record")
        .map_err(StoreError::Other)
}

#[async_trait]
impl Store for PostgresStore {
    async fn create(&self, new: NewLpa) -> Result<(), StoreError> {
        self.bounded(async {
            let document = encode(&new.lpa)?;
            let mut tx = self.pool.begin().await.map_err(classify)?;
            let inserted = sqlx::query(
                "INSERT INTO lpas (uid, document, static_document) VALUES ($1, $2, $2)
                 ON CONFLICT (uid) DO NOTHING",
            )
            .bind(&new.lpa.uid)
            .bind(Json(&document))
            .execute(&mut *tx)
            .await
            .map_err(classify)?;
            if inserted.rows_affected() == 0 {
                return Err(StoreError::AlreadyExists(new.lpa.uid.clone()));
            }
            for image in &new.images {
                sqlx::query(
                    "INSERT INTO images (path, bytes) VALUES ($1, $2)
                     ON CONFLICT (path) DO UPDATE SET bytes = EXCLUDED.bytes",
                )
                .bind(&image.path)
                .bind(&image.bytes)
                .execute(&mut *tx)
                .await
                .map_err(classify)?;
            }
            insert_event(&mut tx, &new.event).await?;
            tx.commit().await.map_err(classify)
        })
        .await
    }

    async fn get(&self, uid: &str) -> Result<Lpa, StoreError> {
        self.bounded(async {
            let row: Option<(Json<serde_json::Value>,)> =
                sqlx::query_as("SELECT document FROM lpas WHERE uid = $1")
                    .bind(uid)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(classify)?;
            let (Json(document),) = row.ok_or_else(|| StoreError::NotFound(uid.to_owned()))?;
            decode(document, "LPA")
        })
        .await
    }

    async fn get_many(&self, uids: &[String]) -> Result<Vec<Lpa>, StoreError> {
        self.bounded(async {
            let rows: Vec<(Json<serde_json::Value>,)> =
                sqlx::query_as("SELECT document FROM lpas WHERE uid = ANY($1)")
                    .bind(uids)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(classify)?;
            rows.into_iter()
                .map(|(Json(document),)| decode(document, "LPA"))
                .collect()
        })
        .await
    }

    async fn get_static(&self, uid: &str) -> Result<Lpa, StoreError> {
        self.bounded(async {
            let row: Option<(Json<serde_json::Value>,)> =
                sqlx::query_as("SELECT static_document FROM lpas WHERE uid = $1")
                    .bind(uid)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(classify)?;
            let (Json(document),) = row.ok_or_else(|| StoreError::NotFound(uid.to_owned()))?;
            decode(document, "static LPA")
        })
        .await
    }

    async fn update(&self, uid: &str, check: &mut UpdateFn<'_>) -> Result<Lpa, StoreError> {
        self.bounded(async {
            let mut tx = self.pool.begin().await.map_err(classify)?;
            let row: Option<(Json<serde_json::Value>,)> =
                sqlx::query_as("SELECT document FROM lpas WHERE uid = $1 FOR UPDATE")
                    .bind(uid)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(classify)?;
            let (Json(document),) = row.ok_or_else(|| StoreError::NotFound(uid.to_owned()))?;
            let mut lpa: Lpa = decode(document, "LPA")?;
            let (record, event) = check(&mut lpa).map_err(StoreError::Rejected)?;
            sqlx::query("UPDATE lpas SET document = $2 WHERE uid = $1")
                .bind(uid)
                .bind(Json(encode(&lpa)?))
                .execute(&mut *tx)
                .await
                .map_err(classify)?;
            let id: uuid::Uuid = record
                .id
                .parse()
                .context("Change record id is not a UUID")
                .map_err(StoreError::Other)?;
            sqlx::query("INSERT INTO lpa_changes (id, uid, record) VALUES ($1, $2, $3)")
                .bind(id)
                .bind(uid)
                .bind(Json(encode(&record)?))
                .execute(&mut *tx)
                .await
                .map_err(classify)?;
            insert_event(&mut tx, &event).await?;
            tx.commit().await.map_err(classify)?;
            Ok(lpa)
        })
        .await
    }

    async fn changes(&self, uid: &str) -> Result<Vec<ChangeRecord>, StoreError> {
        self.bounded(async {
            let rows: Vec<(Json<serde_json::Value>,)> = sqlx::query_as(
                "SELECT record FROM lpa_changes WHERE uid = $1 ORDER BY position DESC",
            )
            .bind(uid)
            .fetch_all(&self.pool)
            .await
            .map_err(classify)?;
            rows.into_iter()
                .map(|(Json(record),)| decode(record, "change record"))
                .collect()
        })
        .await
    }

    async fn has_change(&self, uid: &str, id: &str) -> Result<bool, StoreError> {
        let Ok(id) = id.parse::<uuid::Uuid>() else {
            return Ok(false);
        };
        self.bounded(async {
            let (found,): (bool,) = sqlx::query_as(
                "SELECT EXISTS (SELECT 1 FROM lpa_changes WHERE id = $1 AND uid = $2)",
            )
            .bind(id)
            .bind(uid)
            .fetch_one(&self.pool)
            .await
            .map_err(classify)?;
            Ok(found)
        })
        .await
    }

    async fn events(&self, after: u64) -> Result<Vec<Event>, StoreError> {
        self.bounded(async {
            let after = i64::try_from(after).unwrap_or(i64::MAX);
            let rows: Vec<(i64, Json<serde_json::Value>)> = sqlx::query_as(
                "SELECT sequence, event FROM events WHERE sequence > $1 ORDER BY sequence",
            )
            .bind(after)
            .fetch_all(&self.pool)
            .await
            .map_err(classify)?;
            rows.into_iter()
                .map(|(sequence, Json(event))| {
                    let mut event: Event = decode(event, "event")?;
                    event.sequence = u64::try_from(sequence).unwrap_or_default();
                    Ok(event)
                })
                .collect()
        })
        .await
    }

    async fn image(&self, path: &str) -> Result<Vec<u8>, StoreError> {
        self.bounded(async {
            let row: Option<(Vec<u8>,)> =
                sqlx::query_as("SELECT bytes FROM images WHERE path = $1")
                    .bind(path)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(classify)?;
            row.map(|(bytes,)| bytes)
                .ok_or_else(|| StoreError::NotFound(path.to_owned()))
        })
        .await
    }

    async fn remove(&self, uid: &str) -> Result<bool, StoreError> {
        self.bounded(async {
            let mut tx = self.pool.begin().await.map_err(classify)?;
            // Lock the row first, as an update does: an update of this LPA running now either
            // finishes before the removal or finds nothing, and never adds a change record
            // between the two deletes.
            sqlx::query("SELECT uid FROM lpas WHERE uid = $1 FOR UPDATE")
                .bind(uid)
                .fetch_optional(&mut *tx)
                .await
                .map_err(classify)?;
            sqlx::query("DELETE FROM images WHERE starts_with(path, $1)")
                .bind(format!("{uid}/"))
                .execute(&mut *tx)
                .await
                .map_err(classify)?;
            sqlx::query("DELETE FROM lpa_changes WHERE uid = $1")
                .bind(uid)
                .execute(&mut *tx)
                .await
                .map_err(classify)?;
            let removed = sqlx::query("DELETE FROM lpas WHERE uid = $1")
                .bind(uid)
                .execute(&mut *tx)
                .await
                .map_err(classify)?;
            tx.commit().await.map_err(classify)?;
            Ok(removed.rows_affected() > 0)
        })
        .await
    }

    async fn ping(&self) -> Result<(), StoreError> {
        self.bounded(ping_database(&self.pool)).await
    }
}

async fn ping_database(pool: &PgPool) -> Result<(), StoreError> {
    sqlx::query("SELECT 1")
        .execute(pool)
        .await
        .map(drop)
        .map_err(classify)
}

async fn insert_event(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    event: &Event,
) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO events (event) VALUES ($1)")
        .bind(Json(encode(event)?))
        .execute(&mut **tx)
        .await
        .map_err(classify)?;
    Ok(())
}
