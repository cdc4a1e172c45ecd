//! Helpers for unit tests of update types, on the one fixture LPA ([`crate::fixture`]: personal
//! welfare, online, one attorney, one trust corporation, all actors unsigned).

use serde_json::{Value, json};

use super::{Change, Context};
use crate::model::{Attorney, Lpa, Timestamp};

pub(crate) use crate::fixture::{ATTORNEY_UID, TRUST_CORPORATION_UID};

/// The actor UID of [`replacement_attorney`].
pub(crate) const REPLACEMENT_ATTORNEY_UID: &str = "5f1c1f1e-3c4b-4f0e-9d55-2d8f7c0f6a11";

/// A context with a Make-and-register-style author.
pub(crate) fn context() -> Context {
    Context {
        author: format!("urn:opg:poas:makeregister:users:{ATTORNEY_UID}"),
        now: Timestamp::parse("2024-06-01T10:00:00Z").expect("valid"),
    }
}

/// The fixture LPA ([`crate::fixture`]) as stored: in progress and unsigned.
pub(crate) fn lpa() -> Lpa {
    let mut lpa = crate::fixture::lpa();
    lpa["uid"] = json!("M-0000-1111-2222");
    lpa["status"] = json!("in-progress");
    lpa["updatedAt"] = json!("2024-01-01T00:00:00Z");
    serde_json::from_value(lpa).expect("the fixture is a valid LPA")
}

/// An inactive replacement attorney, to push onto [`lpa`]'s attorneys.
pub(crate) fn replacement_attorney() -> Attorney {
    serde_json::from_value(json!({
        "uid": REPLACEMENT_ATTORNEY_UID,
        "firstNames": "Ida",
        "lastName": "Reeve",
        "address": {"line1": "2 Mill Lane", "town": "Ashby", "country": "GB"},
        "dateOfBirth": "1985-03-04",
        "status": "inactive",
        "appointmentType": "replacement",
        "channel": "online",
        "email": "ida@example.com"
    }))
    .expect("fixture is a valid attorney")
}

/// A change from JSON values.
pub(crate) fn change(key: &str, old: Value, new: Value) -> Change {
    Change::new(key, old, new)
}
