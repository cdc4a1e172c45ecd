//! What state the database is put in: online, offline, hung, slow or flapping.

use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

/// The longest latency `slow` accepts: longer is an outage, which `hung` already models.
pub const MAX_LATENCY_MS: u64 = 60_000;
/// The shortest flapping period: shorter would flap faster than a connection can be made.
pub const MIN_PERIOD_MS: u64 = 50;

/// The condition of the database, as set over the admin API (`PUT /__admin/database`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "kebab-case", deny_unknown_fields)]
pub enum DbCondition {
    /// Answers normally.
    #[default]
    Online,
    /// Refuses connections and drops the ones open.
    Offline,
    /// Accepts connections and answers nothing, as a paused server.
    Hung,
    /// Answers, each round trip delayed.
    Slow {
        /// Added to every chunk forwarded.
        latency_ms: u64,
    },
    /// Offline and online in turn, starting offline.
    Flapping {
        /// How long each phase lasts.
        period_ms: u64,
    },
}

impl DbCondition {
    /// Checks the fields; the message says what is wrong.
    pub fn validate(&self) -> Result<(), String> {
        match self {
            Self::Slow { latency_ms } if *latency_ms == 0 || *latency_ms > MAX_LATENCY_MS => {
                Err(format!("latency_ms must be between 1 and {MAX_LATENCY_MS}"))
            }
            Self::Flapping { period_ms }
                if *period_ms < MIN_PERIOD_MS || *period_ms > 3_600_000 =>
            {
                Err(format!(
                    "period_ms must be between {MIN_PERIOD_MS} and 3600000"
                ))
            }
            _ => Ok(()),
        }
    }
}

/// What the database does at one instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Answers normally.
    Online,
    /// Refuses and drops connections.
    Offline,
    /// Answers nothing.
    Hung,
    /// Answers after a delay.
    Slow(Duration),
}

/// A condition and when it was set, so flapping knows its phase.
#[derive(Clone, Debug)]
pub struct Timed {
    /// The condition.
    pub condition: DbCondition,
    /// When it was set.
    pub since: Instant,
}

impl Timed {
    /// `condition`, set now.
    pub fn now(condition: DbCondition) -> Self {
        Self {
            condition,
            since: Instant::now(),
        }
    }

    /// The phase at `at`.
    pub fn phase_at(&self, at: Instant) -> Phase {
        match &self.condition {
            DbCondition::Online => Phase::Online,
            DbCondition::Offline => Phase::Offline,
            DbCondition::Hung => Phase::Hung,
            DbCondition::Slow { latency_ms } => Phase::Slow(Duration::from_millis(*latency_ms)),
            DbCondition::Flapping { period_ms } => {
                let elapsed = at.saturating_duration_since(self.since).as_millis();
                if (elapsed / u128::from(*period_ms)).is_multiple_of(2) {
                    Phase::Offline
                } else {
                    Phase::Online
                }
            }
        }
    }

    /// The phase now.
    pub fn phase(&self) -> Phase {
        self.phase_at(Instant::now())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn conditions_read_from_their_json_shapes() {
        let cases = [
            (json!({"state": "online"}), DbCondition::Online),
            (json!({"state": "offline"}), DbCondition::Offline),
            (json!({"state": "hung"}), DbCondition::Hung),
            (
                json!({"state": "slow", "latency_ms": 200}),
                DbCondition::Slow { latency_ms: 200 },
            ),
            (
                json!({"state": "flapping", "period_ms": 500}),
                DbCondition::Flapping { period_ms: 500 },
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(
                serde_json::from_value::<DbCondition>(input).unwrap(),
                expected
            );
        }
        assert!(serde_json::from_value::<DbCondition>(json!({"state": "sleepy"})).is_err());
        assert!(serde_json::from_value::<DbCondition>(json!({"state": "slow"})).is_err());
    }

    #[test]
    fn out_of_range_fields_are_refused_with_a_reason() {
        assert!(
            DbCondition::Slow { latency_ms: 0 }
                .validate()
                .unwrap_err()
                .contains("latency_ms")
        );
        assert!(
            DbCondition::Flapping { period_ms: 10 }
                .validate()
                .unwrap_err()
                .contains("period_ms")
        );
        assert!(DbCondition::Slow { latency_ms: 100 }.validate().is_ok());
    }

    #[test]
    fn flapping_starts_offline_and_alternates_each_period() {
        let timed = Timed::now(DbCondition::Flapping { period_ms: 100 });
        let at = |ms| timed.since + Duration::from_millis(ms);
        assert_eq!(timed.phase_at(at(10)), Phase::Offline);
        assert_eq!(timed.phase_at(at(150)), Phase::Online);
        assert_eq!(timed.phase_at(at(250)), Phase::Offline);
    }
}
