//! LPA documents for requests, in the shape Make and register sends them.

use serde_json::{Value, json};

pub use simulator::fixture::{
    ATTORNEY_UID, CERTIFICATE_PROVIDER_UID, DONOR_UID, TRUST_CORPORATION_UID,
};
/// The replacement attorney's actor UID.
pub const REPLACEMENT_ATTORNEY_UID: &str = "4f2a1d4c-52cb-4a3e-b6c7-6c1b2b0a7d11";

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

/// A valid online personal-welfare LPA: the one fixture LPA ([`simulator::fixture`], donor
/// Homer Zoller, attorney Jake Vallar, trust corporation "Trust us Corp.", certificate provider
/// on paper), with the donor's email, a company number (the store's own tests give the
/// corporation one) and a replacement attorney added so replacement rules can be exercised.
pub fn online_lpa() -> Value {
    let mut lpa = simulator::fixture::lpa();
    lpa["donor"]["email"] = json!("homer@example.com");
    lpa["trustCorporations"][0]["companyNumber"] = json!("666123321");
    lpa["attorneys"]
        .as_array_mut()
        .expect("the fixture has attorneys")
        .push(json!({
            "uid": REPLACEMENT_ATTORNEY_UID,
            "firstNames": "Marge",
            "lastName": "Zoller",
            "address": {"line1": "79 Bury Rd", "town": "Hampton Lovett", "country": "GB"},
            "dateOfBirth": "1962-03-19",
            "email": "marge@example.com",
            "status": "inactive",
            "appointmentType": "replacement",
            "channel": "online"
        }));
    lpa
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
                {"key": "/certificateProvider/email", "old": null, "new": "provider@example.com"},
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
