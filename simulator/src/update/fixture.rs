//! An LPA for unit tests of update types: the real provider's Pact fixture (personal welfare,
//! online, one attorney, one trust corporation, all actors unsigned).

use serde_json::{Value, json};

use super::{Change, Context};
use crate::model::{Attorney, Lpa, Timestamp};

/// The attorney's actor UID in [`lpa`].
pub(crate) const ATTORNEY_UID: &str = "9ac5cb7c-fc75-40c7-8e53-059f36dbbe3d";
/// The trust corporation's actor UID in [`lpa`].
pub(crate) const TRUST_CORPORATION_UID: &str = "1d95993a-ffbb-484c-b2fe-f4cca51801da";

/// The actor UID of [`replacement_attorney`].
pub(crate) const REPLACEMENT_ATTORNEY_UID: &str = "5f1c1f1e-3c4b-4f0e-9d55-2d8f7c0f6a11";

/// A context with a Make-and-register-style author.
pub(crate) fn context() -> Context {
    Context {
        author: format!("urn:opg:poas:makeregister:users:{ATTORNEY_UID}"),
        now: Timestamp::parse("2024-06-01T10:00:00Z").expect("valid"),
    }
}

/// The fixture LPA, in progress and unsigned.
pub(crate) fn lpa() -> Lpa {
    serde_json::from_value(json!({
        "uid": "M-0000-1111-2222",
        "status": "in-progress",
        "updatedAt": "2024-01-01T00:00:00Z",
        "lpaType": "personal-welfare",
        "channel": "online",
        "language": "en",
        "donor": {
            "uid": "34cd75c4-0b52-41e8-9ab1-bd4b2e3d1b8a",
            "firstNames": "Homer",
            "lastName": "Zoller",
            "address": {"line1": "79 Bury Rd", "town": "Hampton Lovett", "postcode": "WR9 2PF", "country": "GB"},
            "dateOfBirth": "1960-04-06",
            "email": "homer@example.com",
            "contactLanguagePreference": "en"
        },
        "attorneys": [{
            "uid": ATTORNEY_UID,
            "firstNames": "Jake",
            "lastName": "Vallar",
            "address": {"line1": "71 South Western Terrace", "town": "Milton", "country": "AU"},
            "dateOfBirth": "2001-01-17",
            "status": "active",
            "appointmentType": "original",
            "channel": "paper"
        }],
        "trustCorporations": [{
            "uid": TRUST_CORPORATION_UID,
            "name": "Trust us Corp.",
            "companyNumber": "666123321",
            "address": {"line1": "103 Line 1", "town": "Town", "country": "GB"},
            "status": "active",
            "appointmentType": "original",
            "channel": "paper"
        }],
        "certificateProvider": {
            "uid": "6808960d-12cf-47c5-a2bc-3177deb8599c",
            "firstNames": "Some",
            "lastName": "Provider",
            "address": {"line1": "71 South Western Terrace", "town": "Milton", "country": "AU"},
            "email": "",
            "phone": "070009000",
            "channel": "paper"
        },
        "lifeSustainingTreatmentOption": "option-a",
        "howAttorneysMakeDecisions": "jointly",
        "signedAt": "2000-01-02T12:13:14Z",
        "witnessedByCertificateProviderAt": "2000-01-02T13:13:14Z"
    }))
    .expect("fixture is a valid LPA")
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
