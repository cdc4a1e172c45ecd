//! Create requests for unit tests: complete online LPAs that the store accepts as they are, and
//! the actors to vary them with.
//!
//! The property-and-affairs LPA exercises as many optional parts as a valid LPA can hold at once:
//! attorneys of both channels, a trust corporation, two replacements that step in only when all
//! attorneys stop, mixed replacement decisions, a donor identity check, an authorised signatory
//! and an independent witness.

use serde_json::{Value, json};

use crate::model::{
    AppointmentType, Attorney, AttorneyStatus, CanUse, LifeSustainingTreatment, Lpa, LpaType,
    TrustCorporation,
};

/// A valid address.
fn address() -> Value {
    json!({"line1": "1 High Street", "town": "Birmingham", "postcode": "B1 1AA", "country": "GB"})
}

/// An original attorney, active and online.
pub(crate) fn original_attorney() -> Attorney {
    serde_json::from_value(json!({
        "uid": "9ac5cb7c-fc75-40c7-8e53-059f36dbbe3d",
        "firstNames": "Jake",
        "lastName": "Vallar",
        "address": address(),
        "dateOfBirth": "1971-01-17",
        "email": "jake@example.com",
        "status": "active",
        "appointmentType": "original",
        "channel": "online"
    }))
    .expect("fixture is a valid attorney")
}

/// A replacement attorney, inactive until an original one stops acting.
pub(crate) fn replacement_attorney() -> Attorney {
    Attorney {
        status: AttorneyStatus::INACTIVE,
        appointment_type: AppointmentType::REPLACEMENT,
        ..original_attorney()
    }
}

/// An original trust corporation, active and online.
pub(crate) fn trust_corporation() -> TrustCorporation {
    serde_json::from_value(json!({
        "uid": "1d95993a-ffbb-484c-b2fe-f4cca51801da",
        "name": "Trust us Corp.",
        "companyNumber": "666123321",
        "email": "trust@example.com",
        "address": address(),
        "status": "active",
        "appointmentType": "original",
        "channel": "online"
    }))
    .expect("fixture is a valid trust corporation")
}

/// A complete online property-and-affairs LPA with no validation findings.
pub(crate) fn online_property_and_affairs() -> Lpa {
    serde_json::from_value(json!({
        "lpaType": "property-and-affairs",
        "channel": "online",
        "language": "en",
        "donor": {
            "uid": "34cd75c4-0b52-41e8-9ab1-bd4b2e3d1b8a",
            "firstNames": "Homer",
            "lastName": "Zoller",
            "address": address(),
            "dateOfBirth": "1960-04-06",
            "email": "homer@example.com",
            "otherNamesKnownBy": "Jim",
            "contactLanguagePreference": "cy",
            "identityCheck": {"checkedAt": "2024-01-02T10:00:00Z", "type": "one-login"}
        },
        "attorneys": [
            attorney("9ac5cb7c-fc75-40c7-8e53-059f36dbbe3d", "original", "online"),
            attorney("e2e6d6a4-3b1c-4b8e-9a6e-6b5f0b4c8d01", "original", "paper"),
            attorney("5b9c0f4e-8a3d-4f6b-b1c2-2d7e9f0a1b23", "replacement", "online"),
            attorney("c4d5e6f7-0a1b-4c2d-8e3f-4a5b6c7d8e9f", "replacement", "paper")
        ],
        "trustCorporations": [trust_corporation()],
        "certificateProvider": {
            "uid": "6808960d-12cf-47c5-a2bc-3177deb8599c",
            "firstNames": "Some",
            "lastName": "Provider",
            "address": address(),
            "email": "provider@example.com",
            "phone": "070009000",
            "channel": "online"
        },
        "authorisedSignatory": {
            "uid": "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0",
            "firstNames": "Sign",
            "lastName": "Here"
        },
        "independentWitness": {
            "uid": "7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d",
            "firstNames": "Wit",
            "lastName": "Ness",
            "phone": "070001111",
            "address": address()
        },
        "howAttorneysMakeDecisions": "jointly-and-severally",
        "howReplacementAttorneysStepIn": "all-can-no-longer-act",
        "howReplacementAttorneysMakeDecisions": "jointly-for-some-severally-for-others",
        "howReplacementAttorneysMakeDecisionsDetails": "Jointly for the house, severally otherwise",
        "whenTheLpaCanBeUsed": "when-capacity-lost",
        "restrictionsAndConditions": "Do not sell the house",
        "signedAt": "2024-01-02T12:13:14Z",
        "witnessedByCertificateProviderAt": "2024-01-02T12:20:00Z",
        "witnessedByIndependentWitnessAt": "2024-01-02T12:25:00Z",
        "certificateProviderNotRelatedConfirmedAt": "2024-01-02T12:30:00Z"
    }))
    .expect("fixture is a valid LPA")
}

/// The same LPA as a personal-welfare one: a life-sustaining treatment option instead of a
/// when-it-can-be-used choice.
pub(crate) fn online_personal_welfare() -> Lpa {
    Lpa {
        lpa_type: LpaType::PERSONAL_WELFARE,
        when_the_lpa_can_be_used: CanUse::default(),
        life_sustaining_treatment_option: LifeSustainingTreatment::OPTION_A,
        ..online_property_and_affairs()
    }
}

/// An attorney of the given appointment and channel; replacements are inactive, and paper
/// attorneys have no email.
fn attorney(uid: &str, appointment: &str, channel: &str) -> Value {
    let status = if appointment == "original" {
        "active"
    } else {
        "inactive"
    };
    let email = if channel == "online" {
        "attorney@example.com"
    } else {
        ""
    };
    json!({
        "uid": uid,
        "firstNames": "Ann",
        "lastName": "Attorney",
        "address": address(),
        "dateOfBirth": "1980-02-29",
        "email": email,
        "status": status,
        "appointmentType": appointment,
        "channel": channel
    })
}
