//! LPA documents for requests, in the shape Make and register sends them.

use serde_json::{Value, json};

/// The donor's actor UID in [`online_lpa`].
pub const DONOR_UID: &str = "34cd75c4-0b52-41e8-9ab1-bd4b2e3d1b8a";
/// The certificate provider's actor UID.
pub const CERTIFICATE_PROVIDER_UID: &str = "6808960d-12cf-47c5-a2bc-3177deb8599c";
/// The attorney's actor UID.
pub const ATTORNEY_UID: &str = "9ac5cb7c-fc75-40c7-8e53-059f36dbbe3d";
/// The replacement attorney's actor UID.
pub const REPLACEMENT_ATTORNEY_UID: &str = "4f2a1d4c-52cb-4a3e-b6c7-6c1b2b0a7d11";
/// The trust corporation's actor UID.
pub const TRUST_CORPORATION_UID: &str = "1d95993a-ffbb-484c-b2fe-f4cca51801da";

/// A fresh UID in the current digits-only format, so tests never collide.
pub fn new_uid() -> String {
    let digits: String = uuid::Uuid::new_v4()
        .as_u128()
        .to_string()
        .chars()
        .take(12)
        .collect();
    format!("M-{}-{}-{}", &digits[0..4], &digits[4..8], &digits[8..12])
}

/// A valid online personal-welfare LPA: the real provider's Pact fixture (donor Homer Zoller,
/// attorney Jake Vallar, trust corporation "Trust us Corp.", certificate provider on paper),
/// with a replacement attorney added so replacement rules can be exercised.
pub fn online_lpa() -> Value {
    json!({
        "lpaType": "personal-welfare",
        "channel": "online",
        "language": "en",
        "donor": {
            "uid": DONOR_UID,
            "firstNames": "Homer",
            "lastName": "Zoller",
            "address": {"line1": "79 Bury Rd", "town": "Hampton Lovett", "postcode": "WR9 2PF", "country": "GB"},
            "dateOfBirth": "1960-04-06",
            "email": "homer@example.com",
            "contactLanguagePreference": "en"
        },
        "attorneys": [
            {
                "uid": ATTORNEY_UID,
                "firstNames": "Jake",
                "lastName": "Vallar",
                "address": {"line1": "71 South Western Terrace", "town": "Milton", "country": "AU"},
                "dateOfBirth": "2001-01-17",
                "status": "active",
                "appointmentType": "original",
                "channel": "paper"
            },
            {
                "uid": REPLACEMENT_ATTORNEY_UID,
                "firstNames": "Marge",
                "lastName": "Zoller",
                "address": {"line1": "79 Bury Rd", "town": "Hampton Lovett", "country": "GB"},
                "dateOfBirth": "1962-03-19",
                "email": "marge@example.com",
                "status": "inactive",
                "appointmentType": "replacement",
                "channel": "online"
            }
        ],
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
            "uid": CERTIFICATE_PROVIDER_UID,
            "firstNames": "Some",
            "lastName": "Provider",
            "address": {"line1": "71 South Western Terrace", "town": "Milton", "country": "AU"},
            "email": "",
            "phone": "070009000",
            "channel": "paper"
        },
        "howAttorneysMakeDecisions": "jointly",
        "lifeSustainingTreatmentOption": "option-a",
        "signedAt": "2000-01-02T12:13:14Z",
        "witnessedByCertificateProviderAt": "2000-01-02T13:13:14Z"
    })
}

/// The signatures of the canonical path, in order: certificate provider, attorney, trust
/// corporation, as Make and register sends them (`old: null`, channel switched to online).
pub fn signatures() -> Vec<(&'static str, Value)> {
    vec![
        (
            "CERTIFICATE_PROVIDER_SIGN",
            json!([
                {"key": "/certificateProvider/signedAt", "old": null, "new": "2024-01-10T09:00:00Z"},
                {"key": "/certificateProvider/contactLanguagePreference", "old": null, "new": "en"},
                {"key": "/certificateProvider/email", "old": "", "new": "provider@example.com"},
                {"key": "/certificateProvider/channel", "old": "paper", "new": "online"}
            ]),
        ),
        (
            "ATTORNEY_SIGN",
            json!([
                {"key": "/attorneys/0/signedAt", "old": null, "new": "2024-01-11T09:00:00Z"},
                {"key": "/attorneys/0/mobile", "old": null, "new": "07777000000"},
                {"key": "/attorneys/0/contactLanguagePreference", "old": null, "new": "en"},
                {"key": "/attorneys/0/email", "old": null, "new": "jake@example.com"},
                {"key": "/attorneys/0/channel", "old": "paper", "new": "online"}
            ]),
        ),
        (
            "ATTORNEY_SIGN",
            json!([
                {"key": format!("/attorneys/{REPLACEMENT_ATTORNEY_UID}/signedAt"), "old": null, "new": "2024-01-11T10:00:00Z"}
            ]),
        ),
        (
            "TRUST_CORPORATION_SIGN",
            json!([
                {"key": "/trustCorporations/0/mobile", "old": null, "new": "07777111111"},
                {"key": "/trustCorporations/0/contactLanguagePreference", "old": null, "new": "en"},
                {"key": "/trustCorporations/0/companyNumber", "old": "666123321", "new": "666123322"},
                {"key": "/trustCorporations/0/email", "old": null, "new": "trust@example.com"},
                {"key": "/trustCorporations/0/channel", "old": "paper", "new": "online"},
                {"key": "/trustCorporations/0/signatories/0/firstNames", "old": null, "new": "Sig"},
                {"key": "/trustCorporations/0/signatories/0/lastName", "old": null, "new": "Natory"},
                {"key": "/trustCorporations/0/signatories/0/professionalTitle", "old": null, "new": "Director"},
                {"key": "/trustCorporations/0/signatories/0/signedAt", "old": null, "new": "2024-01-12T09:00:00Z"}
            ]),
        ),
    ]
}

/// A paper LPA with gaps an online LPA would be refused for, and one scanned image.
pub fn paper_lpa_with_gaps() -> Value {
    let mut lpa = online_lpa();
    lpa["channel"] = json!("paper");
    lpa["donor"]["firstNames"] = json!("");
    lpa["donor"]["dateOfBirth"] = json!("");
    lpa["restrictionsAndConditions"] = json!("See the scanned page");
    lpa["restrictionsAndConditionsImages"] = json!([
        {"filename": "page1.png", "data": "aGVsbG8gd29ybGQ="}
    ]);
    lpa
}
