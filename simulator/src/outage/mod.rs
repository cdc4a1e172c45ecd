//! Database outages made real: a TCP proxy in front of Postgres, or the same conditions on the
//! in-memory store's calls, driven live over `PUT /__admin/database`.
//!
//! Layout: [`condition`] (what state the database is in), [`proxy`] (the TCP proxy),
//! [`store`] (the in-memory equivalent).

pub mod condition;
pub mod proxy;
pub mod store;

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use sqlx::postgres::PgConnectOptions;

pub use condition::DbCondition;
use proxy::DbProxy;
use store::{ConditionCell, FaultyStore};

use crate::store::{MemoryStore, PostgresStore, Store};

/// The handle the admin API uses to set the database's condition, whichever store is in use.
#[derive(Clone, Debug)]
pub enum DatabaseFaults {
    /// Postgres behind the simulator's TCP proxy.
    Proxy(Arc<DbProxy>),
    /// The in-memory store, whose calls are subject to the condition.
    InStore(ConditionCell),
}

impl DatabaseFaults {
    /// Puts the database in `condition`.
    pub fn set(&self, condition: DbCondition) {
        match self {
            Self::Proxy(proxy) => proxy.set_condition(condition),
            Self::InStore(cell) => cell.set(condition),
        }
    }

    /// The current condition.
    pub fn current(&self) -> DbCondition {
        match self {
            Self::Proxy(proxy) => proxy.condition(),
            Self::InStore(cell) => cell.get(),
        }
    }

    /// How the condition is applied: `proxy` (at the network) or `in-store`.
    pub fn via(&self) -> &'static str {
        match self {
            Self::Proxy(_) => "proxy",
            Self::InStore(_) => "in-store",
        }
    }
}

/// A fresh in-memory store whose calls obey the database condition.
pub fn memory(timeout: Duration) -> (Arc<dyn Store>, DatabaseFaults) {
    let cell = ConditionCell::default();
    let store = FaultyStore::new(Arc::new(MemoryStore::new()), cell.clone(), timeout);
    (Arc::new(store), DatabaseFaults::InStore(cell))
}

/// The Postgres store for `database_url`, connected through a TCP proxy the admin API controls.
pub async fn postgres_via_proxy(
    database_url: &str,
    timeout: Duration,
) -> anyhow::Result<(Arc<dyn Store>, DatabaseFaults)> {
    let options: PgConnectOptions = database_url
        .parse()
        .context("Failed to parse the database URL")?;
    let upstream = format!("{}:{}", options.get_host(), options.get_port());
    let proxy = DbProxy::start(upstream)
        .await
        .context("Failed to start the database proxy")?;
    let mut url = parse_url(database_url)?;
    url.set_host(Some("127.0.0.1"))
        .context("The database URL cannot take a host")?;
    url.set_port(Some(proxy.local_addr().port()))
        .map_err(|()| anyhow::anyhow!("The database URL cannot take a port"))?;
    let store = PostgresStore::connect_lazy(url.as_str(), timeout)?;
    Ok((Arc::new(store), DatabaseFaults::Proxy(Arc::new(proxy))))
}

fn parse_url(url: &str) -> anyhow::Result<url::Url> {
    url::Url::parse(url).context("The database URL is not a URL")
}

#[cfg(test)]
mod tests {
    use std::io::ErrorKind;
    use std::time::Instant;

    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::{TcpListener, TcpStream};

    use super::*;

    async fn echo_server() -> String {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap().to_string();
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                tokio::spawn(async move {
                    let mut buffer = [0u8; 1024];
                    while let Ok(n) = socket.read(&mut buffer).await {
                        if n == 0 || socket.write_all(&buffer[..n]).await.is_err() {
                            return;
                        }
                    }
                });
            }
        });
        address
    }

    async fn round_trip(socket: &mut TcpStream, bound: Duration) -> Option<Duration> {
        let started = Instant::now();
        socket.write_all(b"ping").await.ok()?;
        let mut buffer = [0u8; 4];
        match tokio::time::timeout(bound, socket.read_exact(&mut buffer)).await {
            Ok(Ok(_)) if &buffer == b"ping" => Some(started.elapsed()),
            _ => None,
        }
    }

    #[tokio::test]
    async fn online_forwards_and_offline_refuses_then_resets_open_connections() {
        let proxy = DbProxy::start(echo_server().await).await.unwrap();
        let address = proxy.local_addr();
        let mut open = TcpStream::connect(address).await.unwrap();
        assert!(
            round_trip(&mut open, Duration::from_secs(2))
                .await
                .is_some()
        );

        proxy.set_condition(DbCondition::Offline);
        tokio::time::sleep(Duration::from_millis(100)).await;
        let refused = TcpStream::connect(address).await.unwrap_err();
        assert_eq!(refused.kind(), ErrorKind::ConnectionRefused);
        assert!(
            round_trip(&mut open, Duration::from_millis(500))
                .await
                .is_none()
        );

        proxy.set_condition(DbCondition::Online);
        tokio::time::sleep(Duration::from_millis(100)).await;
        let mut again = TcpStream::connect(address).await.unwrap();
        assert!(
            round_trip(&mut again, Duration::from_secs(2))
                .await
                .is_some()
        );
    }

    #[tokio::test]
    async fn hung_accepts_but_answers_nothing_until_online_again() {
        let proxy = DbProxy::start(echo_server().await).await.unwrap();
        let mut socket = TcpStream::connect(proxy.local_addr()).await.unwrap();
        proxy.set_condition(DbCondition::Hung);
        assert!(
            round_trip(&mut socket, Duration::from_millis(300))
                .await
                .is_none()
        );
        let mut fresh = TcpStream::connect(proxy.local_addr()).await.unwrap();
        proxy.set_condition(DbCondition::Online);
        // The bytes held while hung are delivered, as a paused server resumes.
        let mut held = [0u8; 4];
        tokio::time::timeout(Duration::from_secs(2), socket.read_exact(&mut held))
            .await
            .unwrap()
            .unwrap();
        assert!(
            round_trip(&mut fresh, Duration::from_secs(2))
                .await
                .is_some()
        );
    }

    #[tokio::test]
    async fn slow_delays_each_round_trip() {
        let proxy = DbProxy::start(echo_server().await).await.unwrap();
        proxy.set_condition(DbCondition::Slow { latency_ms: 150 });
        let mut socket = TcpStream::connect(proxy.local_addr()).await.unwrap();
        let took = round_trip(&mut socket, Duration::from_secs(3))
            .await
            .unwrap();
        assert!(
            took >= Duration::from_millis(300),
            "both directions delayed: {took:?}"
        );
    }

    #[tokio::test]
    async fn flapping_is_seen_both_refusing_and_answering() {
        let proxy = DbProxy::start(echo_server().await).await.unwrap();
        proxy.set_condition(DbCondition::Flapping { period_ms: 150 });
        let (mut refused, mut answered) = (0, 0);
        let deadline = Instant::now() + Duration::from_millis(1200);
        while Instant::now() < deadline {
            match TcpStream::connect(proxy.local_addr()).await {
                Ok(mut socket) => {
                    if round_trip(&mut socket, Duration::from_millis(100))
                        .await
                        .is_some()
                    {
                        answered += 1;
                    }
                }
                Err(_) => refused += 1,
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        assert!(
            refused > 0 && answered > 0,
            "refused {refused}, answered {answered}"
        );
    }
}
