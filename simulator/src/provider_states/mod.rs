//! Pact provider states: what the verifier asks the simulator to set up before an
//! interaction, and to tear down after it (`POST /__pact/provider-states`).
//!
//! The states are listed once, in [`CATALOGUE`]: each a pattern (with `{uid}` and the other
//! parameters in braces) and what it sets up. The state names are read against those
//! patterns, `GET /__pact/provider-states` lists them, and the README's table is generated
//! from them (a test fails when they disagree). Parameters in braces may also come as state
//! parameters (`uid`, `attorneyUid`, `trustCorporationUid`), which win over the name.
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

use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::gateway::Gateway;
use crate::model::{Lpa, Timestamp};
use crate::outage::OnDbOffline;
use crate::store::StoreError;
use crate::update::{Context, UpdateRequest};
use crate::{create, fixture};

/// What the verifier posts to the state-change URL.
#[derive(Clone, Debug, Deserialize)]
pub(crate) struct StateChange {
    /// The state's name, as in the pact.
    pub(crate) state: String,
    /// Its parameters (Pact V3 and later); may carry `uid`.
    #[serde(default)]
    pub(crate) params: Map<String, Value>,
    /// `setup` (the default) or `teardown`.
    #[serde(default)]
    pub(crate) action: Action,
}

/// Whether a state is being set up or torn down.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Action {
    /// Before the interaction.
    #[default]
    Setup,
    /// After it.
    Teardown,
}

/// A state the simulator knows, read from its name and parameters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum State {
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
pub(crate) struct LpaSetup {
    /// How far it has gone.
    pub(crate) stage: Stage,
    /// The actor UID of its attorney, when the state names one.
    pub(crate) attorney_uid: Option<String>,
    /// The actor UID of its trust corporation, when the state names one.
    pub(crate) trust_corporation_uid: Option<String>,
    /// Its attorneys act jointly for some decisions and severally for others.
    pub(crate) mixed_decisions: bool,
    /// A paper LPA with restrictions and conditions and one scanned page of them.
    pub(crate) paper_with_scans: bool,
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
pub(crate) enum Stage {
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

/// Why a state change could not be made.
#[derive(Debug, thiserror::Error)]
pub(crate) enum StateError {
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

/// One state the simulator knows: its pattern, what holds once it is set up, and how.
#[derive(Debug)]
pub(crate) struct Known {
    /// The state's name, with parameters in braces: `An LPA with UID {uid} exists`.
    pub(crate) pattern: &'static str,
    /// What holds once it is set up, for people.
    pub(crate) holds: &'static str,
    makes: Makes,
}

/// How a known state is made.
#[derive(Clone, Copy, Debug)]
enum Makes {
    /// The fixture LPA at a stage, shaped as the state says.
    Lpa(Stage, Shape),
    /// No LPA.
    NoLpa,
    /// The database offline; writes queued when `true`.
    Offline(bool),
}

/// What the fixture LPA of a state looks like besides its stage.
#[derive(Clone, Copy, Debug)]
enum Shape {
    Plain,
    /// Its attorney carries the `{attorneyUid}` of the name.
    Attorney,
    /// Its trust corporation carries the `{trustCorporationUid}` of the name.
    TrustCorporation,
    MixedDecisions,
    PaperWithScans,
}

/// Every state the simulator knows, in the order they are listed.
pub(crate) const CATALOGUE: &[Known] = &[
    Known {
        pattern: "An LPA with UID {uid} exists",
        holds: "the real provider's fixture LPA (personal welfare, online, attorney and trust corporation on paper, certificate provider on paper, nobody signed)",
        makes: Makes::Lpa(Stage::Created, Shape::Plain),
    },
    Known {
        pattern: "An LPA with UID {uid} does not exist",
        holds: "nothing under `uid`",
        makes: Makes::NoLpa,
    },
    Known {
        pattern: "An LPA with UID {uid} exists and has changes",
        holds: "the fixture, with one `CORRECTION` (donor last name Zoller to Perkins)",
        makes: Makes::Lpa(Stage::WithChanges, Shape::Plain),
    },
    Known {
        pattern: "An LPA with UID {uid} exists and has an attorney with UID {attorneyUid}",
        holds: "the fixture, its attorney with that actor UID",
        makes: Makes::Lpa(Stage::Created, Shape::Attorney),
    },
    Known {
        pattern: "An LPA with UID {uid} exists and has a trust corporation with UID {trustCorporationUid}",
        holds: "the fixture, its trust corporation with that actor UID",
        makes: Makes::Lpa(Stage::Created, Shape::TrustCorporation),
    },
    Known {
        pattern: "An LPA with UID {uid} exists and its attorneys act jointly for some decisions and severally for others",
        holds: "two attorneys deciding that way, with the details",
        makes: Makes::Lpa(Stage::Created, Shape::MixedDecisions),
    },
    Known {
        pattern: "An LPA with UID {uid} exists and has been signed by everyone",
        holds: "in progress, every signature in place",
        makes: Makes::Lpa(Stage::Signed, Shape::Plain),
    },
    Known {
        pattern: "An LPA with UID {uid} exists and has been signed",
        holds: "the same as `... has been signed by everyone`",
        makes: Makes::Lpa(Stage::Signed, Shape::Plain),
    },
    Known {
        pattern: "An LPA with UID {uid} is in the statutory waiting period",
        holds: "signed by everyone, waiting",
        makes: Makes::Lpa(Stage::Waiting, Shape::Plain),
    },
    Known {
        pattern: "A registered LPA with UID {uid} exists",
        holds: "the fixture, registered",
        makes: Makes::Lpa(Stage::Registered, Shape::Plain),
    },
    Known {
        pattern: "An LPA with UID {uid} is registered",
        holds: "the same as `A registered LPA with UID {uid} exists`",
        makes: Makes::Lpa(Stage::Registered, Shape::Plain),
    },
    Known {
        pattern: "A registered paper LPA with UID {uid} exists with scanned restrictions and conditions",
        holds: "registered, paper, restrictions `My attorneys must not sell my home` and one scanned page",
        makes: Makes::Lpa(Stage::Registered, Shape::PaperWithScans),
    },
    Known {
        pattern: "the LPA database is offline",
        holds: "the store's database is away for real (proxy or store) and the store fails fast: `503` with `Retry-After`",
        makes: Makes::Offline(false),
    },
    Known {
        pattern: "the LPA database is offline and writes are queued",
        holds: "the same outage in queue mode: writes answer `202` with an operation id",
        makes: Makes::Offline(true),
    },
];

/// The catalogue as a Markdown table, as the README shows it.
#[cfg(test)]
fn catalogue_table() -> String {
    let mut table = String::from("| state | what holds |\n| --- | --- |\n");
    for known in CATALOGUE {
        table.push_str(&format!("| `{}` | {} |\n", known.pattern, known.holds));
    }
    table
}

impl Known {
    /// The parameters of `name` when it is this state: `None` when it is not.
    fn matches(&self, name: &str) -> Option<Vec<(&'static str, String)>> {
        let mut captured = Vec::new();
        let mut rest = name;
        let mut pattern = self.pattern;
        loop {
            match pattern.find('{') {
                None => return (rest == pattern).then_some(captured),
                Some(open) => {
                    rest = rest.strip_prefix(&pattern[..open])?;
                    let close = open + pattern[open..].find('}')?;
                    let key = &pattern[open + 1..close];
                    pattern = &pattern[close + 1..];
                    // A value runs to the next literal part (or the end) and has no spaces.
                    let next = pattern.find('{').map_or(pattern, |i| &pattern[..i]);
                    let end = if next.is_empty() {
                        rest.len()
                    } else {
                        rest.find(next)?
                    };
                    let value = &rest[..end];
                    if value.is_empty() || value.contains(char::is_whitespace) {
                        return None;
                    }
                    captured.push((key, value.to_owned()));
                    rest = &rest[end..];
                }
            }
        }
    }
}

impl State {
    /// Reads a state from the verifier's request, against the [`CATALOGUE`].
    pub(crate) fn parse(change: &StateChange) -> Result<Self, StateError> {
        let name = change.state.trim();
        if name.is_empty() {
            return Ok(Self::Nothing);
        }
        let (known, captured) = CATALOGUE
            .iter()
            .find_map(|known| known.matches(name).map(|captured| (known, captured)))
            .ok_or_else(|| StateError::Unknown(name.to_owned()))?;
        let value = |key: &str| -> Result<String, StateError> {
            let named = captured
                .iter()
                .find(|(k, _)| *k == key)
                .map_or("", |(_, v)| v.as_str());
            param(change, key, named)
        };
        Ok(match known.makes {
            Makes::Offline(queued) => Self::DatabaseOffline { queued },
            Makes::NoLpa => Self::NoLpa { uid: value("uid")? },
            Makes::Lpa(stage, shape) => {
                let mut setup = LpaSetup::at(stage);
                match shape {
                    Shape::Plain => {}
                    Shape::Attorney => setup.attorney_uid = Some(value("attorneyUid")?),
                    Shape::TrustCorporation => {
                        setup.trust_corporation_uid = Some(value("trustCorporationUid")?);
                    }
                    Shape::MixedDecisions => setup.mixed_decisions = true,
                    Shape::PaperWithScans => setup.paper_with_scans = true,
                }
                Self::Lpa {
                    uid: value("uid")?,
                    setup,
                }
            }
        })
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
            serde_json::from_value(fixture_for(setup)).map_err(|e| StateError::Failed {
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

/// The fixture as a provider state wants it: actor UIDs, decisions, paper with scans.
fn fixture_for(setup: &LpaSetup) -> Value {
    let mut lpa = fixture::lpa();
    if let Some(uid) = &setup.attorney_uid {
        lpa["attorneys"][0]["uid"] = json!(uid);
    }
    if let Some(uid) = &setup.trust_corporation_uid {
        lpa["trustCorporations"][0]["uid"] = json!(uid);
    }
    if setup.mixed_decisions {
        lpa["howAttorneysMakeDecisions"] = json!("jointly-for-some-severally-for-others");
        lpa["howAttorneysMakeDecisionsDetails"] =
            json!("Jointly for the sale of my home, severally for everything else");
    }
    if setup.paper_with_scans {
        lpa["channel"] = json!("paper");
        lpa["restrictionsAndConditions"] = json!("My attorneys must not sell my home");
        // A one-pixel PNG: the scanned page.
        lpa["restrictionsAndConditionsImages"] = json!([{
            "filename": "page.png",
            "data": "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
        }]);
    }
    lpa
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
    fn the_readme_lists_the_catalogue() {
        const START: &str = "<!-- provider-states:start -->\n";
        const END: &str = "<!-- provider-states:end -->";
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md");
        let readme = std::fs::read_to_string(&path).expect("the README can be read");
        let start = readme
            .find(START)
            .expect("the README marks the table's start")
            + START.len();
        let end = start
            + readme[start..]
                .find(END)
                .expect("the README marks the table's end");
        let expected = catalogue_table();
        if std::env::var("LPA_UPDATE_README").as_deref() == Ok("1") {
            let updated = format!("{}{expected}{}", &readme[..start], &readme[end..]);
            std::fs::write(&path, updated).expect("the README can be written");
            return;
        }
        assert!(
            readme[start..end] == expected,
            "the README's provider-state table disagrees with the catalogue; regenerate it with \
             LPA_UPDATE_README=1 cargo test -p simulator provider_states\n\nexpected:\n{expected}"
        );
    }

    #[test]
    fn a_state_name_matches_only_its_whole_pattern() {
        let exists = &CATALOGUE[0];
        assert!(exists.matches("An LPA with UID M-1 exists").is_some());
        assert!(
            exists
                .matches("An LPA with UID M-1 exists and has changes")
                .is_none()
        );
        assert!(exists.matches("An LPA with UID  exists").is_none());
        assert!(exists.matches("An LPA with UID M 1 exists").is_none());
    }

    #[test]
    fn every_known_state_parses() {
        for known in CATALOGUE {
            parse(
                known.pattern,
                &json!({"uid": "M-0000-1111-2222", "attorneyUid": "a", "trustCorporationUid": "t"}),
            )
            .unwrap_or_else(|e| panic!("{}: {e}", known.pattern));
        }
    }
}
