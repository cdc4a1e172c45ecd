//! The provider states the contracts ask for, each with its parameters.
//!
//! Names follow the real provider's state handler where it has one (`An LPA with UID … exists`,
//! `… does not exist`, `… exists and has changes`): the UID is written into the name, as the
//! real handler reads it from there, and is also given as the `uid` parameter, so a handler
//! can read it without parsing names. The other states are new; their names say what must hold.

use serde_json::{Value, json};

/// A provider state: a name and its parameters.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct ProviderState {
    /// The name, with parameters written in.
    pub(crate) name: String,
    /// The parameters, as a JSON object.
    pub(crate) params: Value,
}

fn with_uid(name: String, uid: &str) -> ProviderState {
    ProviderState {
        name,
        params: json!({ "uid": uid }),
    }
}

/// The provider's fixture LPA (personal welfare, online, one attorney and one trust
/// corporation on paper, certificate provider on paper, nobody signed) exists under `uid`.
pub(crate) fn lpa_exists(uid: &str) -> ProviderState {
    with_uid(format!("An LPA with UID {uid} exists"), uid)
}

/// Nothing is stored under `uid`.
pub(crate) fn lpa_does_not_exist(uid: &str) -> ProviderState {
    with_uid(format!("An LPA with UID {uid} does not exist"), uid)
}

/// The fixture LPA exists and has had one CORRECTION (donor last name Zoller to Perkins).
pub(crate) fn lpa_exists_with_changes(uid: &str) -> ProviderState {
    with_uid(format!("An LPA with UID {uid} exists and has changes"), uid)
}

/// The fixture LPA exists and its attorney has the actor UID `attorney_uid`.
pub(crate) fn lpa_exists_with_attorney(uid: &str, attorney_uid: &str) -> ProviderState {
    ProviderState {
        name: format!("An LPA with UID {uid} exists and has an attorney with UID {attorney_uid}"),
        params: json!({ "uid": uid, "attorneyUid": attorney_uid }),
    }
}

/// The fixture LPA exists and its trust corporation has the actor UID `trust_corporation_uid`.
pub(crate) fn lpa_exists_with_trust_corporation(
    uid: &str,
    trust_corporation_uid: &str,
) -> ProviderState {
    ProviderState {
        name: format!(
            "An LPA with UID {uid} exists and has a trust corporation with UID {trust_corporation_uid}"
        ),
        params: json!({ "uid": uid, "trustCorporationUid": trust_corporation_uid }),
    }
}

/// The fixture LPA exists with two attorneys who act jointly for some decisions and severally
/// for others.
pub(crate) fn lpa_exists_with_mixed_decisions(uid: &str) -> ProviderState {
    with_uid(
        format!(
            "An LPA with UID {uid} exists and its attorneys act jointly for some decisions and severally for others"
        ),
        uid,
    )
}

/// The fixture LPA exists, in progress, signed by the donor, the certificate provider, every
/// attorney and every trust corporation.
pub(crate) fn lpa_signed_by_everyone(uid: &str) -> ProviderState {
    with_uid(
        format!("An LPA with UID {uid} exists and has been signed by everyone"),
        uid,
    )
}

/// The fixture LPA, signed by everyone, is in the statutory waiting period.
pub(crate) fn lpa_in_statutory_waiting_period(uid: &str) -> ProviderState {
    with_uid(
        format!("An LPA with UID {uid} is in the statutory waiting period"),
        uid,
    )
}

/// The fixture LPA, signed by everyone, is registered.
pub(crate) fn lpa_registered(uid: &str) -> ProviderState {
    with_uid(format!("A registered LPA with UID {uid} exists"), uid)
}

/// The fixture LPA, on paper and registered, with restrictions and conditions and one scanned
/// page of them.
pub(crate) fn lpa_registered_with_scans(uid: &str) -> ProviderState {
    with_uid(
        format!(
            "A registered paper LPA with UID {uid} exists with scanned restrictions and conditions"
        ),
        uid,
    )
}

/// The store's database is offline and the store fails fast (503 with `Retry-After`).
pub(crate) fn database_offline() -> ProviderState {
    ProviderState {
        name: "the LPA database is offline".to_owned(),
        params: json!({}),
    }
}

/// The store's database is offline and the store queues writes (202 with an operation id).
pub(crate) fn database_offline_writes_queued() -> ProviderState {
    ProviderState {
        name: "the LPA database is offline and writes are queued".to_owned(),
        params: json!({}),
    }
}
