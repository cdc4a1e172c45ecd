//! HTTP faults on the store API: latency, error statuses, resets, empty and malformed
//! answers, hangs and slow bodies, each aimed by a selector and fired by a seeded random source,
//! so a consumer team can rehearse a misbehaving store and repeat the exact run.
//!
//! The model is toxiproxy's: a fault is a kind with its fields, a target and a probability,
//! added and removed live over the admin API (`/__admin/faults`) or loaded from a file at
//! start. Faults act on the API routes only: the admin API stays reachable whatever is
//! configured, so a rehearsal can always be ended.
//!
//! How a request meets the faults: every fault whose selector matches draws from the random
//! source, in the order the faults were added. Every latency fault that fires adds its delay;
//! the first other fault that fires decides the answer. A fault with a `count` removes itself
//! after that many applications. Draws happen only for matching faults, so the sequence for
//! one consumer is the same however many faults aimed at others are present; for requests
//! sent one after another, the same seed gives the same sequence on every run.

mod inject;
mod spec;

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng as _, SeedableRng as _};
use serde::Serialize;
use serde_json::Value;

use crate::model::FieldError;

pub use inject::FAULT_HEADER;
pub(crate) use inject::{AppliedFault, CallerIdentity, RequestedUpdate, inject};
pub use spec::{FaultKind, FaultSpec, MAX_DELAY_MS, Phase, ROUTES, RequestFacts, Selector};

/// A fault as installed: its spec (with its name) and how often it has struck.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct InstalledFault {
    /// The spec, with `name` always set.
    #[serde(flatten)]
    pub spec: FaultSpec,
    /// How many requests it has been applied to.
    pub applied: u64,
    /// Applications left before it removes itself, when it has a count.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remaining: Option<u64>,
}

impl InstalledFault {
    /// Its name.
    pub fn name(&self) -> &str {
        self.spec.name.as_deref().unwrap_or_default()
    }
}

/// What the faults decided for one request.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Decision {
    /// Delay added by latency faults, before anything else happens.
    pub delay: Duration,
    /// Names of the faults that fired, in order.
    pub fired: Vec<String>,
    /// The fault that decides the answer, if one fired, with its name.
    pub answer: Option<(String, FaultKind)>,
}

impl Decision {
    /// Whether no fault touched the request.
    pub fn is_clean(&self) -> bool {
        self.fired.is_empty()
    }
}

#[derive(Debug)]
struct State {
    seed: u64,
    rng: StdRng,
    faults: Vec<InstalledFault>,
    next_id: u64,
}

impl State {
    fn name_free(&self, name: &str) -> bool {
        self.faults.iter().all(|f| f.name() != name)
    }

    fn fresh_name(&mut self) -> String {
        loop {
            self.next_id += 1;
            let name = format!("fault-{}", self.next_id);
            if self.name_free(&name) {
                return name;
            }
        }
    }
}

/// The faults in force, shared by every request; cheap to clone.
#[derive(Clone, Debug)]
pub struct Faults {
    state: Arc<Mutex<State>>,
}

impl Default for Faults {
    /// No faults, seeded from the operating system.
    fn default() -> Self {
        Self::new(rand::random())
    }
}

/// The faults, as `GET /__admin/faults` shows them.
#[derive(Clone, Debug, Serialize)]
pub struct Listing {
    /// The seed the random source started from (restored by a reset).
    pub seed: u64,
    /// The faults in force, in the order they are tried.
    pub faults: Vec<InstalledFault>,
}

impl Faults {
    /// No faults, with the random source seeded by `seed`.
    pub fn new(seed: u64) -> Self {
        Self {
            state: Arc::new(Mutex::new(State {
                seed,
                rng: StdRng::seed_from_u64(seed),
                faults: Vec::new(),
                next_id: 0,
            })),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock leaves the state consistent (every change is one
        // assignment), so a poisoned lock is still usable.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Reads one fault or an array of them (`at` is the JSON pointer they sit at) and adds
    /// them all, or none when any is invalid or a name is taken.
    pub fn add_json(
        &self,
        value: &Value,
        at: &str,
    ) -> Result<Vec<InstalledFault>, Vec<FieldError>> {
        let specs = match value {
            Value::Array(items) => {
                let mut specs = Vec::with_capacity(items.len());
                let mut problems = Vec::new();
                for (i, item) in items.iter().enumerate() {
                    match FaultSpec::from_json(item, &format!("{at}/{i}")) {
                        Ok(spec) => specs.push(spec),
                        Err(mut found) => problems.append(&mut found),
                    }
                }
                if !problems.is_empty() {
                    return Err(problems);
                }
                specs
            }
            single => vec![FaultSpec::from_json(single, at)?],
        };
        self.add(specs, at, value.is_array())
    }

    fn add(
        &self,
        specs: Vec<FaultSpec>,
        at: &str,
        indexed: bool,
    ) -> Result<Vec<InstalledFault>, Vec<FieldError>> {
        let mut state = self.lock();
        let mut problems = Vec::new();
        for (i, spec) in specs.iter().enumerate() {
            let Some(name) = &spec.name else { continue };
            let pointer = if indexed {
                format!("{at}/{i}/name")
            } else {
                format!("{at}/name")
            };
            let repeated = specs[..i].iter().any(|s| s.name.as_ref() == Some(name));
            if !state.name_free(name) || repeated {
                problems.push(FieldError::new(
                    pointer,
                    format!("a fault named {name:?} is already installed"),
                ));
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let mut added = Vec::with_capacity(specs.len());
        for mut spec in specs {
            if spec.name.is_none() {
                spec.name = Some(state.fresh_name());
            }
            let fault = InstalledFault {
                remaining: spec.count,
                spec,
                applied: 0,
            };
            state.faults.push(fault.clone());
            added.push(fault);
        }
        Ok(added)
    }

    /// The faults in force and the seed.
    pub fn list(&self) -> Listing {
        let state = self.lock();
        Listing {
            seed: state.seed,
            faults: state.faults.clone(),
        }
    }

    /// Whether no fault is installed: the fast path for every request.
    pub fn is_empty(&self) -> bool {
        self.lock().faults.is_empty()
    }

    /// Whether a fault in force is aimed at an update type, so that an update's body must be
    /// read before the faults decide.
    pub fn name_an_update_type(&self) -> bool {
        self.lock()
            .faults
            .iter()
            .any(|fault| fault.spec.selector.names_an_update_type())
    }

    /// The fault named `name`.
    pub fn get(&self, name: &str) -> Option<InstalledFault> {
        self.lock()
            .faults
            .iter()
            .find(|f| f.name() == name)
            .cloned()
    }

    /// Removes the fault named `name`; false when there is none.
    pub fn remove(&self, name: &str) -> bool {
        let mut state = self.lock();
        let before = state.faults.len();
        state.faults.retain(|f| f.name() != name);
        state.faults.len() != before
    }

    /// Removes every fault; the random source goes on where it was.
    pub fn clear(&self) {
        self.lock().faults.clear();
    }

    /// Removes every fault and restarts the random source from its seed, so the run after a
    /// reset repeats the run after start.
    pub fn reset(&self) {
        let mut state = self.lock();
        state.faults.clear();
        state.rng = StdRng::seed_from_u64(state.seed);
        state.next_id = 0;
    }

    /// Restarts the random source from `seed`, which a later reset returns to.
    pub fn reseed(&self, seed: u64) {
        let mut state = self.lock();
        state.seed = seed;
        state.rng = StdRng::seed_from_u64(seed);
    }

    /// Decides what happens to one request, counting the faults that are applied.
    pub fn decide(&self, request: &RequestFacts<'_>) -> Decision {
        let mut guard = self.lock();
        let state = &mut *guard;
        let mut decision = Decision::default();
        let mut spent = Vec::new();
        for (index, fault) in state.faults.iter_mut().enumerate() {
            if !fault.spec.selector.matches(request) {
                continue;
            }
            let fires = state.rng.random::<f64>() < fault.spec.probability;
            let applies = match &fault.spec.kind {
                FaultKind::Latency {
                    latency_ms,
                    jitter_ms,
                } => {
                    let jitter = if *jitter_ms > 0 {
                        state.rng.random_range(0..=*jitter_ms)
                    } else {
                        0
                    };
                    if fires {
                        decision.delay += Duration::from_millis(latency_ms + jitter);
                    }
                    fires
                }
                kind => {
                    let applies = fires && decision.answer.is_none();
                    if applies {
                        decision.answer = Some((fault.name().to_owned(), kind.clone()));
                    }
                    applies
                }
            };
            if applies {
                decision.fired.push(fault.name().to_owned());
                fault.applied += 1;
                if let Some(remaining) = &mut fault.remaining {
                    *remaining -= 1;
                    if *remaining == 0 {
                        spent.push(index);
                    }
                }
            }
        }
        for index in spent.into_iter().rev() {
            state.faults.remove(index);
        }
        decision
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const GET_LPA: RequestFacts<'static> = RequestFacts {
        method: "GET",
        path: "/lpas/M-1",
        route: "/lpas/{uid}",
        issuer: Some("opg.poas.use"),
        subject: None,
        update_type: None,
    };

    fn answers(faults: &Faults, n: usize) -> Vec<Option<String>> {
        (0..n)
            .map(|_| faults.decide(&GET_LPA).answer.map(|(name, _)| name))
            .collect()
    }

    #[test]
    fn the_same_seed_gives_the_same_sequence_and_a_reset_repeats_it() {
        let fault = json!({"name": "coin", "kind": "status", "status": 500, "probability": 0.5});
        let first = Faults::new(7);
        first.add_json(&fault, "").expect("valid");
        let second = Faults::new(7);
        second.add_json(&fault, "").expect("valid");
        let run = answers(&first, 64);
        assert_eq!(run, answers(&second, 64));
        let hits = run.iter().filter(|a| a.is_some()).count();
        assert!((16..=48).contains(&hits), "{hits} of 64 at probability 0.5");

        first.reset();
        first.add_json(&fault, "").expect("valid");
        assert_eq!(answers(&first, 64), run);
        let other = Faults::new(8);
        other.add_json(&fault, "").expect("valid");
        assert_ne!(answers(&other, 64), run);
    }

    #[test]
    fn a_counted_fault_removes_itself_after_its_count() {
        let faults = Faults::new(1);
        faults
            .add_json(&json!({"name": "twice", "kind": "reset", "count": 2}), "")
            .expect("valid");
        assert_eq!(
            answers(&faults, 3),
            [Some("twice".to_owned()), Some("twice".to_owned()), None]
        );
        assert!(faults.is_empty());
    }

    #[test]
    fn latency_adds_up_and_the_first_answering_fault_wins() {
        let faults = Faults::new(1);
        faults
            .add_json(
                &json!([
                    {"kind": "latency", "latency_ms": 10},
                    {"name": "first", "kind": "status", "status": 503, "count": 1},
                    {"kind": "latency", "latency_ms": 5},
                    {"name": "second", "kind": "empty", "count": 1}
                ]),
                "",
            )
            .expect("valid");
        let decision = faults.decide(&GET_LPA);
        assert_eq!(decision.delay, Duration::from_millis(15));
        assert_eq!(
            decision.answer.map(|(name, _)| name).as_deref(),
            Some("first")
        );
        let names: Vec<_> = faults
            .list()
            .faults
            .iter()
            .map(|f| f.name().to_owned())
            .collect();
        assert_eq!(
            names,
            ["fault-1", "fault-2", "second"],
            "the unapplied one keeps its count"
        );
    }

    #[test]
    fn faults_aimed_elsewhere_do_not_draw() {
        let aimed = json!({"kind": "status", "status": 500, "probability": 0.5});
        let alone = Faults::new(3);
        alone.add_json(&aimed, "").expect("valid");
        let crowded = Faults::new(3);
        for i in 0..20 {
            crowded
                .add_json(
                    &json!({"kind": "status", "status": 500, "probability": 0.5,
                            "selector": {"issuer": format!("opg.poas.other{i}")}}),
                    "",
                )
                .expect("valid");
        }
        crowded.add_json(&aimed, "").expect("valid");
        let strip = |v: Vec<Option<String>>| v.into_iter().map(|a| a.is_some()).collect::<Vec<_>>();
        assert_eq!(strip(answers(&alone, 32)), strip(answers(&crowded, 32)));
    }

    #[test]
    fn a_taken_name_refuses_the_whole_batch() {
        let faults = Faults::new(1);
        faults
            .add_json(&json!({"name": "a", "kind": "malformed"}), "")
            .expect("valid");
        let problems = faults
            .add_json(
                &json!([{"name": "b", "kind": "malformed"}, {"name": "a", "kind": "malformed"}]),
                "",
            )
            .expect_err("a is taken");
        assert_eq!(problems[0].source, "/1/name");
        assert_eq!(faults.list().faults.len(), 1);
    }
}
