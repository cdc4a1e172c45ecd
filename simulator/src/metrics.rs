//! Prometheus metrics of a rehearsal, served at `GET /__admin/metrics` in the OpenMetrics text
//! format by `prometheus-client` (the Prometheus project's own Rust client): the API's requests
//! by route, method, status, consumer and fault, their latency, the database's state, and the
//! outbox's depth and replay.
//!
//! Requests are counted where the journal records them, so the two always agree; the database
//! and outbox figures are read when scraped, from their owners.

use std::sync::Arc;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

/// The database states, one gauge each (`1` for the state it is in).
pub(crate) const DATABASE_STATES: [&str; 5] = ["online", "offline", "hung", "slow", "flapping"];

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    route: String,
    method: String,
    status: String,
    consumer: String,
    fault: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct LatencyLabels {
    route: String,
    method: String,
    consumer: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StateLabels {
    state: String,
}

fn latency_histogram() -> Histogram {
    // 1 ms to about 16 s: the store's answers, and the database bound's 503s.
    Histogram::new(exponential_buckets(0.001, 2.0, 15))
}

/// One answered (or abandoned) request of the API, as the journal records it.
#[derive(Debug)]
pub(crate) struct Observed<'a> {
    pub(crate) method: &'a str,
    pub(crate) path: &'a str,
    pub(crate) status: u16,
    pub(crate) issuer: Option<&'a str>,
    pub(crate) fault: Option<&'a str>,
    pub(crate) seconds: f64,
}

/// What the database and the outbox look like when scraped.
#[derive(Debug, Default)]
pub(crate) struct Snapshot {
    /// The database's condition (`online`, `offline`, ...), if the simulator can tell.
    pub(crate) database: Option<String>,
    /// Queued operations not yet applied.
    pub(crate) outbox_pending: usize,
    /// Operations applied and failed since the outbox was created.
    pub(crate) outbox_applied: u64,
    pub(crate) outbox_failed: u64,
}

/// The registry and its metrics; cheap to clone.
#[derive(Clone, Debug)]
pub(crate) struct Metrics(Arc<Inner>);

#[derive(Debug)]
struct Inner {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<LatencyLabels, Histogram, fn() -> Histogram>,
    database: Family<StateLabels, Gauge>,
    outbox_pending: Gauge,
    outbox_replayed: Family<StateLabels, Counter>,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("lpa_sim");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "requests",
            "Requests to the store's API, by route, method, status (499: the caller went away; 0: dropped by a fault), consumer (JWT issuer) and fault",
            requests.clone(),
        );
        let latency = Family::<LatencyLabels, Histogram, fn() -> Histogram>::new_with_constructor(
            latency_histogram,
        );
        registry.register(
            "request_duration_seconds",
            "Time to answer a request to the store's API",
            latency.clone(),
        );
        let database = Family::<StateLabels, Gauge>::default();
        registry.register(
            "database_state",
            "The database's condition: 1 for the state it is in",
            database.clone(),
        );
        let outbox_pending = Gauge::default();
        registry.register(
            "outbox_pending",
            "Writes accepted while the database was away and not yet applied",
            outbox_pending.clone(),
        );
        let outbox_replayed = Family::<StateLabels, Counter>::default();
        registry.register(
            "outbox_replayed",
            "Queued writes replayed, by outcome (applied, failed)",
            outbox_replayed.clone(),
        );
        Self(Arc::new(Inner {
            registry,
            requests,
            latency,
            database,
            outbox_pending,
            outbox_replayed,
        }))
    }
}

impl Metrics {
    /// Counts one request of the API.
    pub(crate) fn observe(&self, request: &Observed<'_>) {
        // The routes of the store's API (the list fault selectors take); any other path is
        // counted as `other`, so that a caller cannot grow the metrics without bound by asking
        // for made-up paths. In the label a UID is written `:uid` (`/lpas/:uid`): the text
        // format allows braces in label values, but some scrapers' parsers stop at the first
        // `}`.
        let route = crate::fault::ROUTES
            .iter()
            .find(|route| **route == crate::scope::route_of(request.path))
            .map_or_else(
                || "other".to_owned(),
                |route| route.replace("{uid}", ":uid"),
            );
        let route = route.as_str();
        let consumer = request.issuer.unwrap_or("anonymous").to_owned();
        self.0
            .requests
            .get_or_create(&RequestLabels {
                route: route.to_owned(),
                method: request.method.to_owned(),
                status: request.status.to_string(),
                consumer: consumer.clone(),
                fault: request.fault.unwrap_or("none").to_owned(),
            })
            .inc();
        self.0
            .latency
            .get_or_create(&LatencyLabels {
                route: route.to_owned(),
                method: request.method.to_owned(),
                consumer,
            })
            .observe(request.seconds);
    }

    /// The metrics in the OpenMetrics text format, with the database and outbox as `now`.
    pub(crate) fn encode(&self, now: &Snapshot) -> String {
        for state in DATABASE_STATES {
            let value = i64::from(now.database.as_deref() == Some(state));
            self.0
                .database
                .get_or_create(&StateLabels {
                    state: state.to_owned(),
                })
                .set(value);
        }
        self.0
            .outbox_pending
            .set(i64::try_from(now.outbox_pending).unwrap_or(i64::MAX));
        for (state, total) in [
            ("applied", now.outbox_applied),
            ("failed", now.outbox_failed),
        ] {
            let counter = self.0.outbox_replayed.get_or_create(&StateLabels {
                state: state.to_owned(),
            });
            counter.inc_by(total.saturating_sub(counter.get()));
        }
        let mut text = String::new();
        // Writing to a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut text, &self.0.registry);
        text
    }
}
