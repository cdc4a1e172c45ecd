//! Sirius (`sirius`): caseworkers' updates (corrections before and after registration,
//! attorney status and decisions, severance, status changes), the statutory waiting period and
//! registration, the change history, reads, paper LPAs, and what Sirius relies on while the
//! store's database is offline.

use contracts::{Change, Client, Error, Images, SIRIUS_ISSUER, Status, Update, UpdateType};
use serde_json::{Value, json};

use crate::support::client_of;
use crate::support::contract::{Contract, reply, reply_json, request_json, signed};
use crate::support::fixture::{ATTORNEY_UID, DONOR_UID, paper_lpa, uid_and_status};
use crate::support::outage::{EXAMPLE_OPERATION_ID, queued, unavailable};
use crate::support::problem::not_found;
use crate::support::provider_state::{
    ProviderState, database_offline, database_offline_writes_queued, lpa_does_not_exist,
    lpa_exists, lpa_exists_with_changes, lpa_exists_with_mixed_decisions,
    lpa_in_statutory_waiting_period, lpa_registered, lpa_registered_with_scans,
    lpa_signed_by_everyone,
};
use crate::support::shape::{Side, regex, shape, with_field};

/// The consumer's name in Pact.
pub(crate) const CONSUMER: &str = "sirius";

/// A caseworker (Sirius' five-part URN with a numeric staff id).
const CASEWORKER: &str = "urn:opg:sirius:users:34";

const CORRECTED: &str = "M-0000-5555-1111";
const CORRECTED_AFTER: &str = "M-0000-5555-2222";
const ATTORNEY_REMOVED: &str = "M-0000-5555-3333";
const DECISIONS: &str = "M-0000-5555-4444";
const SEVERED: &str = "M-0000-5555-6666";
const CANNOT_REGISTER: &str = "M-0000-5555-7777";
const CANCELLED: &str = "M-0000-5555-8888";
const WAITING: &str = "M-0000-5555-9999";
const REGISTERED: &str = "M-0000-6666-1111";
const HISTORY: &str = "M-0000-6666-2222";
const NO_HISTORY: &str = "M-0000-6666-3333";
const PAPER: &str = "M-0000-6666-4444";
const READ: &str = "M-0000-6666-5555";
const CORRECT_OFFLINE: &str = "M-0000-6666-6666";
const CORRECT_QUEUED: &str = "M-0000-6666-7777";
const PAPER_QUEUED: &str = "M-0000-6666-8888";
const READ_OFFLINE: &str = "M-0000-6666-9999";

/// The restrictions of the scanned-restrictions state, as the state handler stores them.
const RESTRICTIONS: &str = "My attorneys must not sell my home";

fn correction() -> Update {
    Update::new(UpdateType::Correction)
        .with_change(Change::new("/donor/lastName", "Zoller", "Perkins"))
        .with_change(Change::new(
            "/donor/address/line1",
            "79 Bury Rd",
            "80 Bury Rd",
        ))
}

fn status_change(old: Status, new: Status) -> Update {
    Update::new(UpdateType::OpgStatusChange).with_change(Change::new(
        "/status",
        old.as_str(),
        new.as_str(),
    ))
}

/// Each caseworker update: description, state, UID, update, resulting status.
fn updates() -> Vec<(&'static str, ProviderState, &'static str, Update, Status)> {
    use Status::{Cancelled, CannotRegister, InProgress, Registered, StatutoryWaitingPeriod};
    vec![
        (
            "a request to correct an LPA's details",
            lpa_exists(CORRECTED),
            CORRECTED,
            correction(),
            InProgress,
        ),
        (
            "a request to correct a registered LPA's details",
            lpa_registered(CORRECTED_AFTER),
            CORRECTED_AFTER,
            Update::new(UpdateType::PostRegistrationCorrection).with_change(Change::new(
                "/donor/firstNames",
                "Homer",
                "Homer James",
            )),
            Registered,
        ),
        (
            "a request to remove an attorney",
            lpa_exists(ATTORNEY_REMOVED),
            ATTORNEY_REMOVED,
            Update::new(UpdateType::ChangeAttorneys).with_change(Change::new(
                "/attorneys/0/status",
                "active",
                "removed",
            )),
            InProgress,
        ),
        (
            "a request to record an attorney who cannot make joint decisions",
            lpa_exists_with_mixed_decisions(DECISIONS),
            DECISIONS,
            Update::new(UpdateType::AttorneyDecisions)
                .with_change(Change::set("/attorneys/0/cannotMakeJointDecisions", true)),
            InProgress,
        ),
        (
            "a request to sever restrictions and conditions",
            lpa_registered_with_scans(SEVERED),
            SEVERED,
            Update::new(UpdateType::SeverRestrictionsAndConditions).with_change(Change::new(
                "/restrictionsAndConditions",
                RESTRICTIONS,
                "My attorneys must not sell my home without consulting my daughter",
            )),
            Registered,
        ),
        (
            "a request to mark an LPA as one that cannot be registered",
            lpa_exists(CANNOT_REGISTER),
            CANNOT_REGISTER,
            status_change(InProgress, CannotRegister),
            CannotRegister,
        ),
        (
            "a request to cancel a registered LPA",
            lpa_registered(CANCELLED),
            CANCELLED,
            status_change(Registered, Cancelled),
            Cancelled,
        ),
        (
            "a request to start the statutory waiting period",
            lpa_signed_by_everyone(WAITING),
            WAITING,
            Update::new(UpdateType::StatutoryWaitingPeriod),
            StatutoryWaitingPeriod,
        ),
    ]
}

fn register_reply() -> Value {
    let mut reply = uid_and_status(REGISTERED, Status::Registered.as_str());
    reply["registrationDate"] = json!("2024-02-01T10:00:00Z");
    reply
}

fn lpa_reply(uid: &str) -> Value {
    json!({
        "uid": uid,
        "status": "in-progress",
        "lpaType": "personal-welfare",
        "channel": "online",
        "updatedAt": "2024-01-01T09:00:00Z",
        "donor": { "uid": DONOR_UID, "firstNames": "Homer", "lastName": "Zoller", "dateOfBirth": "1960-04-06" },
        "attorneys": [{ "uid": ATTORNEY_UID, "firstNames": "Jake", "lastName": "Vallar", "status": "active", "channel": "paper" }],
        "certificateProvider": { "firstNames": "Some", "lastName": "Provider", "channel": "paper" },
    })
}

fn history_reply() -> Value {
    json!([{
        "id": "3f2504e0-4f89-41d3-9a0c-0305e82c3301",
        "uid": HISTORY,
        "applied": "2024-01-03T10:00:00Z",
        "author": CASEWORKER,
        "type": "CORRECTION",
        "changes": [{ "key": "/donor/lastName", "old": "Zoller", "new": "Perkins" }],
    }])
}

fn post(i: &mut pact_consumer::builders::InteractionBuilder, uid: &str, update: &Update) {
    signed(
        i,
        "POST",
        &format!("/lpas/{uid}/updates"),
        SIRIUS_ISSUER,
        CASEWORKER,
    );
    request_json(i, &json!(update));
}

fn declare(contract: &mut Contract) {
    for (description, state, uid, update, status) in updates() {
        contract.interaction(description, &[state], |i| {
            post(i, uid, &update);
            reply_json(i, 201, &uid_and_status(uid, status.as_str()));
        });
    }
    contract.interaction(
        "a request to register an LPA",
        &[lpa_in_statutory_waiting_period(REGISTERED)],
        |i| {
            post(i, REGISTERED, &Update::new(UpdateType::Register));
            reply_json(i, 201, &register_reply());
        },
    );
    contract.interaction(
        "a request for an LPA's change history",
        &[lpa_exists_with_changes(HISTORY)],
        |i| {
            signed(
                i,
                "GET",
                &format!("/lpas/{HISTORY}/updates"),
                SIRIUS_ISSUER,
                CASEWORKER,
            );
            reply_json(i, 200, &history_reply());
        },
    );
    contract.interaction(
        "a request for the change history of an LPA never updated",
        &[lpa_exists(NO_HISTORY)],
        |i| {
            signed(
                i,
                "GET",
                &format!("/lpas/{NO_HISTORY}/updates"),
                SIRIUS_ISSUER,
                CASEWORKER,
            );
            not_found(i);
        },
    );
    contract.interaction(
        "a request to store a paper LPA with scanned pages",
        &[lpa_does_not_exist(PAPER)],
        |i| {
            signed(
                i,
                "PUT",
                &format!("/lpas/{PAPER}"),
                SIRIUS_ISSUER,
                CASEWORKER,
            );
            request_json(i, &json!(paper_lpa()));
            reply(i, 201, pact_consumer::json_pattern!({}));
        },
    );
    contract.interaction("a request for an LPA", &[lpa_exists(READ)], |i| {
        signed(
            i,
            "GET",
            &format!("/lpas/{READ}"),
            SIRIUS_ISSUER,
            CASEWORKER,
        );
        let status = regex("^[a-z-]+$", "in-progress");
        reply(
            i,
            200,
            with_field(shape(&lpa_reply(READ), Side::Reply), "status", status),
        );
    });
    declare_outage(contract);
}

fn declare_outage(contract: &mut Contract) {
    contract.interaction(
        "a request to correct an LPA while the database is offline",
        &[lpa_exists(CORRECT_OFFLINE), database_offline()],
        |i| {
            post(i, CORRECT_OFFLINE, &correction());
            unavailable(i);
        },
    );
    contract.interaction(
        "a request to correct an LPA while writes are queued",
        &[lpa_exists(CORRECT_QUEUED), database_offline_writes_queued()],
        |i| {
            post(i, CORRECT_QUEUED, &correction());
            queued(i);
        },
    );
    contract.interaction(
        "a request to store a paper LPA while writes are queued",
        &[
            lpa_does_not_exist(PAPER_QUEUED),
            database_offline_writes_queued(),
        ],
        |i| {
            signed(
                i,
                "PUT",
                &format!("/lpas/{PAPER_QUEUED}"),
                SIRIUS_ISSUER,
                CASEWORKER,
            );
            request_json(i, &json!(paper_lpa()));
            queued(i);
        },
    );
    contract.interaction(
        "a request for an LPA while the database is offline",
        &[lpa_exists(READ_OFFLINE), database_offline()],
        |i| {
            signed(
                i,
                "GET",
                &format!("/lpas/{READ_OFFLINE}"),
                SIRIUS_ISSUER,
                CASEWORKER,
            );
            unavailable(i);
        },
    );
}

async fn exercise(store: &Client) {
    for (description, _, uid, update, status) in updates() {
        let lpa = store.update(uid, &update).await;
        assert_eq!(lpa.expect(description).status, status, "{description}");
    }
    let registered = store
        .update(REGISTERED, &Update::new(UpdateType::Register))
        .await
        .expect("the LPA is registered");
    assert_eq!(registered.status, Status::Registered);
    assert!(registered.registration_date.is_some());

    let history = store.changes(HISTORY).await.expect("the history is read");
    assert_eq!(history[0].kind, "CORRECTION");
    assert_eq!(history[0].changes[0].key, "/donor/lastName");
    let none = store.changes(NO_HISTORY).await;
    assert!(matches!(none, Err(Error::NotFound)), "{none:?}");

    store
        .create(PAPER, &paper_lpa())
        .await
        .expect("the paper LPA is stored");
    let lpa = store
        .get(READ, Images::AsStored)
        .await
        .expect("the LPA is read");
    assert_eq!(lpa.details.attorneys[0].last_name, "Vallar");

    let offline = store.update(CORRECT_OFFLINE, &correction()).await;
    assert!(
        matches!(
            offline,
            Err(Error::Unavailable {
                retry_after: Some(_)
            })
        ),
        "{offline:?}"
    );
    let read = store.get(READ_OFFLINE, Images::AsStored).await;
    assert!(
        matches!(
            read,
            Err(Error::Unavailable {
                retry_after: Some(_)
            })
        ),
        "{read:?}"
    );
    for outcome in [
        store
            .update(CORRECT_QUEUED, &correction())
            .await
            .map(|_| ()),
        store.create(PAPER_QUEUED, &paper_lpa()).await,
    ] {
        match outcome {
            Err(Error::Accepted { operation_id, .. }) => {
                assert_eq!(operation_id.to_string(), EXAMPLE_OPERATION_ID);
            }
            other => panic!("expected the write to be accepted for later, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn sirius_gets_what_its_caseworker_calls_rely_on_and_its_pact_is_committed() {
    let mut contract = Contract::new(CONSUMER);
    declare(&mut contract);
    {
        let server = contract.start();
        let store = client_of(server.as_ref(), SIRIUS_ISSUER, CASEWORKER);
        exercise(&store).await;
    }
    contract.assert_committed();
}
