//! Database outages, and the one owner of their state: `Outage`.
//!
//! An outage is made real, never pretended: a TCP proxy in front of Postgres refuses, holds or
//! delays the connections (`proxy`), or the same conditions act on the in-memory store's
//! calls (`store`). `Outage` holds everything about it: the condition the database is in,
//! what requests meet during it (fail fast, or queue writes), and whether a Pact provider
//! state holds it. The admin API, the provider states and `/__admin/reset` all go through it.
//!
//! Layout: [`condition`] (what state the database is in), `proxy` (the TCP proxy),
//! `store` (the in-memory equivalent), `lanes` (a consumer's own path to the database, for a
//! condition that applies to that consumer only).

pub mod condition;
pub(crate) mod lanes;
pub(crate) mod proxy;
pub(crate) mod store;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context as _;
use serde::Serialize;
use sqlx::postgres::PgConnectOptions;

pub use condition::DbCondition;
pub(crate) use lanes::as_caller;
use lanes::{LanedStore, Lanes, Maker};
use proxy::DbProxy;
use store::{ConditionCell, FaultyStore};

use crate::model::Timestamp;
use crate::store::{MemoryStore, PostgresStore, Store};

/// What the simulator does with requests while its database is unavailable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum OnDbOffline {
    /// Answer 503 with `Retry-After`, within the database bound.
    #[default]
    FailFast,
    /// Accept writes into a durable outbox (202) and answer reads from the last known state.
    Queue,
}

/// Where a condition is applied, whichever store is in use: made with the store by
/// [`memory`] or [`postgres_via_proxy`], and given to [`crate::Simulator::with_outage_switch`].
#[derive(Clone, Debug)]
pub struct Switch {
    via: Via,
    /// The consumers' own paths, for conditions that apply to one consumer only.
    lanes: Option<Arc<Lanes>>,
}

#[derive(Clone, Debug)]
enum Via {
    /// Postgres behind the simulator's TCP proxy.
    Proxy(Arc<DbProxy>),
    /// The in-memory store, whose calls are subject to the condition.
    InStore(ConditionCell),
}

impl Switch {
    /// A switch for one path, with no consumer paths of its own.
    fn plain(via: Via) -> Self {
        Self { via, lanes: None }
    }

    fn set(&self, condition: DbCondition) {
        match &self.via {
            Via::Proxy(proxy) => proxy.set_condition(condition),
            Via::InStore(cell) => cell.set(condition),
        }
    }

    fn current(&self) -> DbCondition {
        match &self.via {
            Via::Proxy(proxy) => proxy.condition(),
            Via::InStore(cell) => cell.get(),
        }
    }

    fn via(&self) -> &'static str {
        match &self.via {
            Via::Proxy(_) => "proxy",
            Via::InStore(_) => "in-store",
        }
    }
}

/// The database's outage state, shared by every request of one simulator; cheap to clone.
#[derive(Clone, Debug, Default)]
pub(crate) struct Outage {
    /// How conditions are applied; `None` when the simulator was started without one.
    switch: Option<Switch>,
    /// Whether queueing can be chosen (the simulator has an outbox).
    can_queue: bool,
    inner: Arc<Mutex<Policy>>,
}

#[derive(Debug, Default)]
struct Policy {
    mode: OnDbOffline,
    /// Set while a provider state holds the database offline: the mode to go back to.
    held_from: Option<OnDbOffline>,
    /// Every outage made through this owner since the start or the last
    /// [`Outage::clear_history`], oldest first.
    history: Vec<Period>,
}

/// One outage: the database put in a condition other than online (over the admin API or by
/// a provider state), or seen unavailable by the store's calls (a paused or stopped container,
/// a network the simulator does not control).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Period {
    /// `offline`, `hung`, `slow` or `flapping`; `unavailable` for an outage seen, not set.
    pub(crate) condition: String,
    /// `set` (the simulator made it) or `seen` (from the first call that found the database
    /// unavailable to the first that found it back).
    pub(crate) source: &'static str,
    /// The one consumer (JWT issuer) it applied to; `None` when it applied to every one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) consumer: Option<String>,
    pub(crate) started_at: Timestamp,
    /// `None` while it lasts.
    pub(crate) ended_at: Option<Timestamp>,
}

impl Policy {
    /// Notes that the database is now in `condition`: the open outage, if any, ends, and a
    /// new one begins unless it is online.
    fn note(&mut self, condition: &DbCondition) {
        self.note_for(None, condition);
    }

    /// As [`Self::note`], for the condition of one consumer's own path (`Some(issuer)`) or of
    /// the shared one (`None`).
    fn note_for(&mut self, consumer: Option<&str>, condition: &DbCondition) {
        let now = Timestamp::now();
        let name = condition_name(condition);
        if let Some(open) = self.open_for(consumer) {
            if open.condition == name && open.source == "set" {
                return;
            }
            open.ended_at = Some(now);
        }
        if *condition != DbCondition::Online {
            self.history.push(Period {
                condition: name,
                source: "set",
                consumer: consumer.map(str::to_owned),
                started_at: now,
                ended_at: None,
            });
        }
    }

    fn open_for(&mut self, consumer: Option<&str>) -> Option<&mut Period> {
        self.history
            .iter_mut()
            .rev()
            .find(|p| p.ended_at.is_none() && p.consumer.as_deref() == consumer)
    }

    fn open(&mut self) -> Option<&mut Period> {
        self.open_for(None)
    }
}

/// `offline`, `slow`...: the condition's `state`.
fn condition_name(condition: &DbCondition) -> String {
    serde_json::to_value(condition)
        .ok()
        .and_then(|value| value["state"].as_str().map(str::to_owned))
        .unwrap_or_else(|| "unknown".to_owned())
}

/// Why an outage could not be made.
#[derive(Clone, Copy, Debug, thiserror::Error)]
pub(crate) enum OutageError {
    /// No switch: the simulator was started without one.
    #[error(
        "this simulator was started without database faults, so it cannot take its database offline"
    )]
    NoSwitch,
    /// Queueing needs an outbox.
    #[error("queue mode needs an outbox: start the simulator with --outbox DIR")]
    NoOutbox,
    /// A consumer's own path to the database could not be made (logged with the reason).
    #[error("the consumer's own path to the database could not be made; see the log")]
    LaneNotMade,
}

impl Outage {
    /// An outage state applied through `switch`, meeting outages with `mode`; queueing can be
    /// chosen only when `can_queue`.
    pub(crate) fn new(switch: Option<Switch>, mode: OnDbOffline, can_queue: bool) -> Self {
        Self {
            switch,
            can_queue,
            inner: Arc::new(Mutex::new(Policy {
                mode,
                held_from: None,
                history: Vec::new(),
            })),
        }
    }

    fn policy(&self) -> std::sync::MutexGuard<'_, Policy> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// How conditions are applied, when the simulator has a way.
    pub(crate) fn switch(&self) -> Option<&Switch> {
        self.switch.as_ref()
    }

    fn require_switch(&self) -> Result<&Switch, OutageError> {
        self.switch.as_ref().ok_or(OutageError::NoSwitch)
    }

    /// The current condition, and how it is applied (`proxy` or `in-store`).
    pub(crate) fn condition(&self) -> Result<(DbCondition, &'static str), OutageError> {
        let switch = self.require_switch()?;
        Ok((switch.current(), switch.via()))
    }

    /// Puts the database in `condition`, as the admin API asks.
    pub(crate) fn set_condition(&self, condition: DbCondition) -> Result<(), OutageError> {
        let switch = self.require_switch()?;
        tracing::info!(?condition, via = switch.via(), "database condition set");
        self.policy().note(&condition);
        switch.set(condition);
        Ok(())
    }

    /// The store's calls found the database unavailable after finding it available: an
    /// outage begins unless one is already on.
    pub(crate) fn note_seen_unavailable(&self) {
        let mut policy = self.policy();
        if policy.open().is_none() {
            policy.history.push(Period {
                condition: "unavailable".to_owned(),
                source: "seen",
                consumer: None,
                started_at: Timestamp::now(),
                ended_at: None,
            });
        }
    }

    /// The store's calls found the database available again: an outage that was only seen
    /// ends (one that was set ends when it is unset).
    pub(crate) fn note_seen_available(&self) {
        if let Some(open) = self.policy().open().filter(|p| p.source == "seen") {
            open.ended_at = Some(Timestamp::now());
        }
    }

    /// Puts the database in `condition` for the consumer signing as `issuer` only: its calls
    /// take a path of their own (a proxy and pool of their own with Postgres), the others'
    /// stay as they are.
    pub(crate) async fn set_condition_for(
        &self,
        issuer: &str,
        condition: DbCondition,
    ) -> Result<(), OutageError> {
        let lanes = self
            .require_switch()?
            .lanes
            .clone()
            .ok_or(OutageError::NoSwitch)?;
        lanes
            .set(issuer, condition.clone())
            .await
            .map_err(|error| {
                tracing::warn!(%issuer, error = %format!("{error:#}"), "no path of its own for the consumer");
                OutageError::LaneNotMade
            })?;
        tracing::info!(?condition, %issuer, "database condition set for one consumer");
        self.policy().note_for(Some(issuer), &condition);
        Ok(())
    }

    /// Each consumer's own condition, by issuer, for those given one.
    pub(crate) fn conditions_by_consumer(&self) -> std::collections::BTreeMap<String, DbCondition> {
        self.switch
            .as_ref()
            .and_then(|switch| switch.lanes.as_ref())
            .map(|lanes| lanes.conditions())
            .unwrap_or_default()
    }

    /// Whether the request being served meets a condition of its consumer's own, so that what
    /// it finds says nothing of the shared database.
    pub(crate) fn serving_a_lane(&self) -> bool {
        self.switch
            .as_ref()
            .and_then(|switch| switch.lanes.as_ref())
            .is_some_and(|lanes| lanes.serving_a_lane())
    }

    /// Every outage made since the start or the last [`Self::clear_history`].
    pub(crate) fn history(&self) -> Vec<Period> {
        self.policy().history.clone()
    }

    /// Forgets the outages that have ended (`POST /__admin/reset`).
    pub(crate) fn clear_history(&self) {
        self.policy().history.retain(|p| p.ended_at.is_none());
    }

    /// What requests meet while the database is unavailable.
    pub(crate) fn mode(&self) -> OnDbOffline {
        self.policy().mode
    }

    /// Queueing needs an outbox.
    fn check_mode(&self, mode: OnDbOffline) -> Result<(), OutageError> {
        if mode == OnDbOffline::Queue && !self.can_queue {
            return Err(OutageError::NoOutbox);
        }
        Ok(())
    }

    /// Whether writes are queued while the database is unavailable.
    pub(crate) fn queueing(&self) -> bool {
        self.mode() == OnDbOffline::Queue
    }

    /// Switches between failing fast and queueing.
    pub(crate) fn set_mode(&self, mode: OnDbOffline) -> Result<(), OutageError> {
        self.check_mode(mode)?;
        self.policy().mode = mode;
        Ok(())
    }

    /// A provider state's outage: the database offline, met by `mode`, until [`Self::end`].
    pub(crate) fn hold_offline(&self, mode: OnDbOffline) -> Result<(), OutageError> {
        let switch = self.require_switch()?;
        self.check_mode(mode)?;
        let mut policy = self.policy();
        let before = policy.held_from.unwrap_or(policy.mode);
        policy.mode = mode;
        policy.held_from = Some(before);
        policy.note(&DbCondition::Offline);
        switch.set(DbCondition::Offline);
        Ok(())
    }

    /// Whether a provider state holds the database offline.
    pub(crate) fn held(&self) -> bool {
        self.policy().held_from.is_some()
    }

    /// Ends any outage: the database back online. A provider state's hold is released and
    /// `true` returned; its mode is put back by [`Self::restore_mode`] once the caller has let
    /// the writes queued during it drain.
    pub(crate) fn end(&self) -> bool {
        if let Some(switch) = &self.switch {
            switch.set(DbCondition::Online);
            if let Some(lanes) = &switch.lanes {
                lanes.all_online();
            }
        }
        let mut policy = self.policy();
        policy.note(&DbCondition::Online);
        let consumers: Vec<String> = policy
            .history
            .iter()
            .filter(|p| p.ended_at.is_none())
            .filter_map(|p| p.consumer.clone())
            .collect();
        for consumer in consumers {
            policy.note_for(Some(&consumer), &DbCondition::Online);
        }
        policy.held_from.is_some()
    }

    /// After [`Self::end`]: the mode from before the provider state's hold.
    pub(crate) fn restore_mode(&self) {
        let mut policy = self.policy();
        if let Some(before) = policy.held_from.take() {
            policy.mode = before;
        }
    }

    /// Lifts a provider state's hold for a moment (to write its LPA), or does nothing.
    pub(crate) fn lift(&self) -> Option<Lifted<'_>> {
        let switch = self.switch.as_ref().filter(|_| self.held())?;
        switch.set(DbCondition::Online);
        Some(Lifted { switch })
    }
}

/// A provider state's outage lifted for a moment; back offline when dropped.
#[derive(Debug)]
pub(crate) struct Lifted<'a> {
    switch: &'a Switch,
}

impl Drop for Lifted<'_> {
    fn drop(&mut self) {
        self.switch.set(DbCondition::Offline);
    }
}

/// A fresh in-memory store whose calls obey the database condition.
pub fn memory(timeout: Duration) -> (Arc<dyn Store>, Switch) {
    let data: Arc<dyn Store> = Arc::new(MemoryStore::new());
    let cell = ConditionCell::default();
    let shared = Arc::new(FaultyStore::new(data.clone(), cell.clone(), timeout));
    let lanes = Arc::new(Lanes::new(Maker::Memory { data, timeout }));
    let store = LanedStore::new(shared, lanes.clone());
    let switch = Switch {
        via: Via::InStore(cell),
        lanes: Some(lanes),
    };
    (Arc::new(store), switch)
}

/// The Postgres store for `database_url`, connected through a TCP proxy the admin API controls.
/// A consumer given a condition of its own gets a proxy and a pool of its own.
pub async fn postgres_via_proxy(
    database_url: &str,
    timeout: Duration,
) -> anyhow::Result<(Arc<dyn Store>, Switch)> {
    let (shared, via) = proxied_postgres(database_url, timeout).await?;
    let lanes = Arc::new(Lanes::new(Maker::Postgres {
        url: database_url.to_owned(),
        timeout,
    }));
    let store = LanedStore::new(shared, lanes.clone());
    Ok((
        Arc::new(store),
        Switch {
            via,
            lanes: Some(lanes),
        },
    ))
}

/// A Postgres store connected to `database_url` through a proxy of its own.
async fn proxied_postgres(
    database_url: &str,
    timeout: Duration,
) -> anyhow::Result<(Arc<dyn Store>, Via)> {
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
    Ok((Arc::new(store), Via::Proxy(Arc::new(proxy))))
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
