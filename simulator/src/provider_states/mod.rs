//! Pact provider states: what the verifier asks the simulator to set up before an
//! interaction, and to tear down after it (`POST /__pact/provider-states`).
//!
//! The states, with `{uid}` either in the name or in the `uid` parameter:
//!
//! | state | set-up |
//! | --- | --- |
//! | `An LPA with UID {uid} exists` | the real provider's fixture LPA, under `{uid}` |
//! | `An LPA with UID {uid} exists and has changes` | the fixture, then the real provider's correction (donor's last name Zoller → Perkins) |
//! | `An LPA with UID {uid} does not exist` | nothing under `{uid}` |
//! | `An LPA with UID {uid} exists and has an attorney with UID {attorneyUid}` | the fixture, its attorney with that actor UID |
//! | `An LPA with UID {uid} exists and has a trust corporation with UID {trustCorporationUid}` | the fixture, its trust corporation with that actor UID |
//! | `An LPA with UID {uid} exists and its attorneys act jointly for some decisions and severally for others` | the fixture with those decisions and their details |
//! | `An LPA with UID {uid} exists and has been signed by everyone` (or `… has been signed`) | the fixture with every signature |
//! | `An LPA with UID {uid} is in the statutory waiting period` | signed, then the waiting period |
//! | `A registered LPA with UID {uid} exists` (or `An LPA with UID {uid} is registered`) | the waiting period, then registered |
//! | `A registered paper LPA with UID {uid} exists with scanned restrictions and conditions` | a paper fixture with restrictions and one scanned page, registered |
//! | `the LPA database is offline` | the database offline for real (proxy or store), fail-fast |
//! | `the LPA database is offline and writes are queued` | offline, and queue mode (needs an outbox) |
//!
//! Parameters in braces may also come as state parameters (`uid`, `attorneyUid`,
//! `trustCorporationUid`), which win over the name.
//!
//! The first three are the real provider's (§8.3 of the domain notes). Unlike the real
//! provider, which maps each UID to a fresh random one because its storage keeps state between
//! interactions, the simulator removes and recreates the LPA under the pact's own UID: the
//! answers then carry the UID the consumer sent, and a state never sees the previous
//! interaction's data. Verifying the same pacts twice on one running simulator passes both
//! times.
//!
//! Each set-up establishes the whole world its state names. A state that names no outage (an
//! LPA state, or none) first brings the database back and the outage mode to what the
//! simulator was started with, so an outage left by an earlier interaction never leaks into the
//! next one, with or without teardowns (`lpa-contracts verify` always sends them; the official
//! `pact verifier` only with `--state-change-teardown`). The verifier sets up an interaction's
//! states in the pact's order, so a database state is written after the LPA states of its
//! interaction. A database state lasts until its teardown, the next interaction's set-up, or
//! `POST /__admin/reset`; an LPA state torn down while it holds lifts the outage for the moment
//! it writes.

mod fixture;

use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::create;
use crate::gateway::Gateway;
use crate::model::{Lpa, Timestamp};
use crate::outage::OnDbOffline;
use crate::store::StoreError;
use crate::update::{Context, UpdateRequest};

/// What the verifier posts to the state-change URL.
#[derive(Clone, Debug, Deserialize)]
pub struct StateChange {
    /// The state's name, as in the pact.
    pub state: String,
    /// Its parameters (Pact V3 and later); may carry `uid`.
    #[serde(default)]
    pub params: Map<String, Value>,
    /// `setup` (the default) or `teardown`.
    #[serde(default)]
    pub action: Action,
}

/// Whether a state is being set up or torn down.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// Before the interaction.
    #[default]
    Setup,
    /// After it.
    Teardown,
}

/// A state the simulator knows, read from its name and parameters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum State {
    /// An LPA under `uid`, made as `setup` says.
    Lpa {
        /// The pact's UID.
        uid: String,
        /// What the LPA is like.
        setup: LpaSetup,
    },
    /// No LPA under `uid`.
    NoLpa {
        /// The pact's UID.
        uid: String,
    },
    /// The database is offline; writes queue when `queued`.
    DatabaseOffline {
        /// Queue mode rather than fail-fast.
        queued: bool,
    },
    /// No state: pact_verifier calls with an empty name for an interaction that has none.
    Nothing,
}

/// What the fixture LPA of a state is like.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LpaSetup {
    /// How far it has gone.
    pub stage: Stage,
    /// The actor UID of its attorney, when the state names one.
    pub attorney_uid: Option<String>,
    /// The actor UID of its trust corporation, when the state names one.
    pub trust_corporation_uid: Option<String>,
    /// Its attorneys act jointly for some decisions and severally for others.
    pub mixed_decisions: bool,
    /// A paper LPA with restrictions and conditions and one scanned page of them.
    pub paper_with_scans: bool,
}

impl LpaSetup {
    fn at(stage: Stage) -> Self {
        Self {
            stage,
            ..Self::default()
        }
    }
}

/// How far the fixture LPA has gone.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Stage {
    /// Just created.
    #[default]
    Created,
    /// Created and corrected once (the change log has an entry).
    WithChanges,
    /// Every signature given.
    Signed,
    /// In the statutory waiting period.
    Waiting,
    /// Registered.
    Registered,
}

const LPA_PREFIX: &str = "An LPA with UID ";
const REGISTERED_PREFIX: &str = "A registered LPA with UID ";
const REGISTERED_PAPER_PREFIX: &str = "A registered paper LPA with UID ";
const ATTORNEY_SUFFIX: &str = "exists and has an attorney with UID ";
const TRUST_CORPORATION_SUFFIX: &str = "exists and has a trust corporation with UID ";

/// Why a state change could not be made.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    /// The name is not one of the states above.
    #[error("unknown provider state {0:?}; known states are listed at GET /__pact/provider-states")]
    Unknown(String),
    /// The state needs something this simulator was not started with.
    #[error("{0}")]
    Unsupported(String),
    /// The store refused or failed a step.
    #[error("could not set up {state:?}: {reason}")]
    Failed {
        /// The state.
        state: String,
        /// Why.
        reason: String,
    },
}

impl State {
    /// Reads a state from the verifier's request.
    pub fn parse(change: &StateChange) -> Result<Self, StateError> {
        let name = change.state.trim();
        match name {
            "" => return Ok(Self::Nothing),
            "the LPA database is offline" => return Ok(Self::DatabaseOffline { queued: false }),
            "the LPA database is offline and writes are queued" => {
                return Ok(Self::DatabaseOffline { queued: true });
            }
            _ => {}
        }
        let unknown = || StateError::Unknown(name.to_owned());
        let (prefix, rest) = [REGISTERED_PAPER_PREFIX, REGISTERED_PREFIX, LPA_PREFIX]
            .into_iter()
            .find_map(|prefix| name.strip_prefix(prefix).map(|rest| (prefix, rest)))
            .ok_or_else(unknown)?;
        let (named_uid, suffix) = rest.split_once(' ').ok_or_else(unknown)?;
        let uid = param(change, "uid", named_uid)?;
        let setup = match (prefix, suffix) {
            (REGISTERED_PAPER_PREFIX, "exists with scanned restrictions and conditions") => {
                LpaSetup {
                    paper_with_scans: true,
                    ..LpaSetup::at(Stage::Registered)
                }
            }
            (REGISTERED_PREFIX, "exists") | (LPA_PREFIX, "is registered") => {
                LpaSetup::at(Stage::Registered)
            }
            (LPA_PREFIX, "does not exist") => return Ok(Self::NoLpa { uid }),
            (LPA_PREFIX, "exists") => LpaSetup::at(Stage::Created),
            (LPA_PREFIX, "exists and has changes") => LpaSetup::at(Stage::WithChanges),
            (
                LPA_PREFIX,
                "exists and has been signed" | "exists and has been signed by everyone",
            ) => LpaSetup::at(Stage::Signed),
            (LPA_PREFIX, "is in the statutory waiting period") => LpaSetup::at(Stage::Waiting),
            (
                LPA_PREFIX,
                "exists and its attorneys act jointly for some decisions and severally for others",
            ) => LpaSetup {
                mixed_decisions: true,
                ..LpaSetup::default()
            },
            (LPA_PREFIX, suffix) if suffix.starts_with(ATTORNEY_SUFFIX) => LpaSetup {
                attorney_uid: Some(param(
                    change,
                    "attorneyUid",
                    &suffix[ATTORNEY_SUFFIX.len()..],
                )?),
                ..LpaSetup::default()
            },
            (LPA_PREFIX, suffix) if suffix.starts_with(TRUST_CORPORATION_SUFFIX) => LpaSetup {
                trust_corporation_uid: Some(param(
                    change,
                    "trustCorporationUid",
                    &suffix[TRUST_CORPORATION_SUFFIX.len()..],
                )?),
                ..LpaSetup::default()
            },
            _ => return Err(unknown()),
        };
        Ok(Self::Lpa { uid, setup })
    }
}

/// A state parameter: from the request's parameters, else as written in the name.
fn param(change: &StateChange, key: &str, named: &str) -> Result<String, StateError> {
    match change.params.get(key).and_then(Value::as_str) {
        Some(value) => Ok(value.to_owned()),
        None if named.contains('{') || named.is_empty() => Err(StateError::Unsupported(format!(
            "state {:?} names its {key} as a parameter, but the request has no {key:?} parameter",
            change.state
        ))),
        None => Ok(named.to_owned()),
    }
}

/// The names of every known state, for `GET /__pact/provider-states`.
pub const KNOWN_STATES: &[&str] = &[
    "An LPA with UID {uid} exists",
    "An LPA with UID {uid} exists and has changes",
    "An LPA with UID {uid} does not exist",
    "An LPA with UID {uid} exists and has an attorney with UID {attorneyUid}",
    "An LPA with UID {uid} exists and has a trust corporation with UID {trustCorporationUid}",
    "An LPA with UID {uid} exists and its attorneys act jointly for some decisions and severally for others",
    "An LPA with UID {uid} exists and has been signed by everyone",
    "An LPA with UID {uid} exists and has been signed",
    "An LPA with UID {uid} is in the statutory waiting period",
    "A registered LPA with UID {uid} exists",
    "An LPA with UID {uid} is registered",
    "A registered paper LPA with UID {uid} exists with scanned restrictions and conditions",
    "the LPA database is offline",
    "the LPA database is offline and writes are queued",
];

/// Sets up and tears down provider states on one simulator; made once, shared by every
/// request. The database's outage goes through the gateway's one owner of it, as the admin
/// API's does.
#[derive(Clone, Debug)]
pub(crate) struct ProviderStates {
    gateway: Gateway,
}

impl ProviderStates {
    pub(crate) fn new(gateway: Gateway) -> Self {
        Self { gateway }
    }

    /// Applies a state change; answers the values a pact may inject (`uid`).
    pub(crate) async fn change(&self, change: &StateChange) -> Result<Value, StateError> {
        let state = State::parse(change)?;
        tracing::info!(state = %change.state, action = ?change.action, "provider state");
        match (state, change.action) {
            // A state that names no outage is a world with the database up and the mode as
            // the simulator was started: whatever an earlier interaction left (the official
            // verifier tears nothing down unless asked) is undone first. An interaction's
            // states are set up in the pact's order, so its database state comes after its
            // LPA states.
            (State::Lpa { uid, setup }, Action::Setup) => {
                self.gateway.end_outage().await;
                self.set_up_lpa(&change.state, &uid, &setup).await?;
                Ok(json!({ "uid": uid }))
            }
            (State::NoLpa { uid }, Action::Setup) => {
                self.gateway.end_outage().await;
                self.remove(&change.state, &uid).await?;
                Ok(json!({ "uid": uid }))
            }
            (State::Nothing, Action::Setup) => {
                self.gateway.end_outage().await;
                Ok(json!({}))
            }
            (State::Lpa { uid, .. } | State::NoLpa { uid }, Action::Teardown) => {
                // An LPA state torn down while a database state holds lifts the outage for
                // the moment it writes.
                let lifted = self.gateway.outage().lift();
                let removed = self.remove(&change.state, &uid).await;
                drop(lifted);
                removed?;
                Ok(json!({ "uid": uid }))
            }
            (State::DatabaseOffline { queued }, Action::Setup) => {
                let mode = if queued {
                    OnDbOffline::Queue
                } else {
                    OnDbOffline::FailFast
                };
                self.gateway
                    .outage()
                    .hold_offline(mode)
                    .map_err(|e| StateError::Unsupported(e.to_string()))?;
                Ok(json!({}))
            }
            (State::DatabaseOffline { .. }, Action::Teardown) => {
                self.gateway.end_outage().await;
                Ok(json!({}))
            }
            (State::Nothing, Action::Teardown) => Ok(json!({})),
        }
    }

    async fn remove(&self, state: &str, uid: &str) -> Result<(), StateError> {
        self.gateway
            .store()
            .remove(uid)
            .await
            .map_err(|e| failed(state, &e))?;
        self.gateway.forget(uid);
        Ok(())
    }

    async fn set_up_lpa(&self, state: &str, uid: &str, setup: &LpaSetup) -> Result<(), StateError> {
        self.remove(state, uid).await?;
        let body: Lpa =
            serde_json::from_value(fixture::lpa_for(setup)).map_err(|e| StateError::Failed {
                state: state.to_owned(),
                reason: format!("the fixture LPA does not parse: {e}"),
            })?;
        let new =
            create::new_lpa(body, uid, Timestamp::now()).map_err(|errors| StateError::Failed {
                state: state.to_owned(),
                reason: format!("the fixture LPA is refused: {errors:?}"),
            })?;
        self.gateway
            .write_create(new)
            .await
            .map_err(|e| failed(state, &e))?;
        let steps = match setup.stage {
            Stage::Created => Vec::new(),
            Stage::WithChanges => fixture::changes(),
            Stage::Signed => fixture::signatures(),
            Stage::Waiting => fixture::waiting(),
            Stage::Registered => fixture::registered(),
        };
        for step in steps {
            let request: UpdateRequest =
                serde_json::from_value(step).map_err(|e| StateError::Failed {
                    state: state.to_owned(),
                    reason: format!("a fixture update does not parse: {e}"),
                })?;
            let ctx = Context {
                author: fixture::AUTHOR.to_owned(),
                now: Timestamp::now(),
            };
            self.gateway
                .write_update(uid, &request, &ctx)
                .await
                .map_err(|e| failed(state, &e))?;
        }
        Ok(())
    }
}

fn failed(state: &str, error: &StoreError) -> StateError {
    let reason = match error {
        StoreError::Rejected(errors) => errors
            .iter()
            .map(|e| format!("{}: {}", e.source, e.detail))
            .collect::<Vec<_>>()
            .join("; "),
        other => other.to_string(),
    };
    StateError::Failed {
        state: state.to_owned(),
        reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(state: &str, params: &Value) -> Result<State, StateError> {
        State::parse(&StateChange {
            state: state.to_owned(),
            params: params.as_object().cloned().unwrap_or_default(),
            action: Action::Setup,
        })
    }

    #[test]
    fn the_real_providers_states_are_read_with_their_uid() {
        assert_eq!(
            parse("An LPA with UID M-0000-1111-2222 exists", &json!({})).unwrap(),
            State::Lpa {
                uid: "M-0000-1111-2222".to_owned(),
                setup: LpaSetup::at(Stage::Created)
            }
        );
        assert_eq!(
            parse(
                "An LPA with UID M-0000-1111-2222 exists and has changes",
                &json!({})
            )
            .unwrap(),
            State::Lpa {
                uid: "M-0000-1111-2222".to_owned(),
                setup: LpaSetup::at(Stage::WithChanges)
            }
        );
        assert_eq!(
            parse(
                "An LPA with UID M-0000-1111-2222 does not exist",
                &json!({})
            )
            .unwrap(),
            State::NoLpa {
                uid: "M-0000-1111-2222".to_owned()
            }
        );
    }

    #[test]
    fn a_uid_parameter_wins_over_the_name() {
        assert_eq!(
            parse(
                "An LPA with UID {uid} is registered",
                &json!({"uid": "M-AAAA-BBBB-CCCC"})
            )
            .unwrap(),
            State::Lpa {
                uid: "M-AAAA-BBBB-CCCC".to_owned(),
                setup: LpaSetup::at(Stage::Registered)
            }
        );
        assert!(matches!(
            parse("An LPA with UID {uid} is registered", &json!({})),
            Err(StateError::Unsupported(_))
        ));
    }

    #[test]
    fn unknown_states_are_refused_by_name() {
        let error = parse("An LPA with UID M-0000-1111-2222 is on fire", &json!({})).unwrap_err();
        assert!(error.to_string().contains("is on fire"), "{error}");
        assert!(matches!(
            parse("the moon is full", &json!({})),
            Err(StateError::Unknown(_))
        ));
    }

    #[test]
    fn actor_uids_are_read_from_the_name_or_the_parameters() {
        let named = parse(
"An LPA with UID M-0000-1111-2222 exists and has an attorney with UID 9ac5e2f0-3b1d-4c8e-a7f6-5d4c3b2a1f0e", &json!({}),
        )
        .unwrap();
        let State::Lpa { setup, .. } = named else {
            panic!("an LPA state")
        };
        assert_eq!(
            setup.attorney_uid.as_deref(),
            Some("9ac5e2f0-3b1d-4c8e-a7f6-5d4c3b2a1f0e")
        );
        let by_param = parse(
"An LPA with UID {uid} exists and has a trust corporation with UID {trustCorporationUid}", &json!({"uid": "M-0000-1111-2222", "trustCorporationUid": "1b2c3d4e-5f60-4718-89ab-cdef01234567"}),
        )
        .unwrap();
        let State::Lpa { setup, .. } = by_param else {
            panic!("an LPA state")
        };
        assert_eq!(
            setup.trust_corporation_uid.as_deref(),
            Some("1b2c3d4e-5f60-4718-89ab-cdef01234567")
        );
    }

    #[test]
    fn every_known_state_parses() {
        for name in KNOWN_STATES {
            parse(
                name,
                &json!({"uid": "M-0000-1111-2222", "attorneyUid": "a", "trustCorporationUid": "t"}),
            )
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        }
    }
}
