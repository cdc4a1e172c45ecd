//! The one fixture LPA: the one the real provider's state handler creates (`mock-apigw/main.go`
//! in `opg-data-lpa-store`), and the updates that take it to later states. The provider states
//! set it up, the unit tests of the update engine start from it, and the test kit's requests
//! are built on it.
//!
//! The values are the real provider's, so a pact written against the real store (whose
//! matchers were aligned with this data) verifies against the simulator unchanged. The
//! reference is `mock-apigw/main.go` as of opg-data-lpa-store 3a74aade (June 2026): its trust
//! corporation has no company number (dropped in August 2025), so a consumer's
//! `TRUST_CORPORATION_SIGN` sends the number with `"old": null`.

use serde_json::{Value, json};

/// Who the state handler acts as: the subject of the JWT the real provider's verification
/// uses (`scripts/make_jwt.go`), recorded as the author of the changes it makes.
pub const AUTHOR: &str = "urn:opg:sirius:users:34";

/// The donor's actor UID.
pub const DONOR_UID: &str = "34cd75eb-17bc-434a-b922-4772ce3e0439";
/// The attorney's actor UID.
pub const ATTORNEY_UID: &str = "cbb60db5-b450-4811-b0af-bca9f789fcfa";
/// The trust corporation's actor UID.
pub const TRUST_CORPORATION_UID: &str = "1d95993a-ffbb-484c-b2fe-f4cca51801da";
/// The certificate provider's actor UID.
pub const CERTIFICATE_PROVIDER_UID: &str = "4fe2ac67-17cc-4e9b-a9d6-ce30b5f9c82e";

/// The body the real provider PUTs for `An LPA with UID … exists`.
pub fn lpa() -> Value {
    json!({
        "lpaType": "personal-welfare",
        "channel": "online",
        "language": "en",
        "donor": {
            "uid": DONOR_UID,
            "firstNames": "Homer",
            "lastName": "Zoller",
            "dateOfBirth": "1960-04-06",
            "address": {
                "line1": "79 Bury Rd",
                "town": "Hampton Lovett",
                "postcode": "WR9 2PF",
                "country": "GB"
            },
            "contactLanguagePreference": "en"
        },
        "attorneys": [{
            "uid": ATTORNEY_UID,
            "firstNames": "Jake",
            "lastName": "Vallar",
            "dateOfBirth": "2001-01-17",
            "status": "active",
            "appointmentType": "original",
            "address": {"line1": "71 South Western Terrace", "town": "Milton", "country": "AU"},
            "channel": "paper"
        }],
        "trustCorporations": [{
            "uid": TRUST_CORPORATION_UID,
            "name": "Trust us Corp.",
            "address": {"line1": "103 Line 1", "town": "Town", "country": "GB"},
            "status": "active",
            "appointmentType": "original",
            "channel": "paper"
        }],
        "certificateProvider": {
            "uid": CERTIFICATE_PROVIDER_UID,
            "firstNames": "Some",
            "lastName": "Provider",
            "phone": "070009000",
            "channel": "paper",
            "address": {"line1": "71 South Western Terrace", "town": "Milton", "country": "AU"}
        },
        "lifeSustainingTreatmentOption": "option-a",
        "signedAt": "2000-01-02T12:13:14Z",
        "witnessedByCertificateProviderAt": "2000-01-02T13:13:14Z",
        "howAttorneysMakeDecisions": "jointly"
    })
}

/// `… exists and has changes`: the real provider's correction of the donor's last name.
pub fn changes() -> Vec<Value> {
    vec![json!({"type": "CORRECTION", "changes": [
        {"key": "/donor/lastName", "old": "Zoller", "new": "Perkins"}
    ]})]
}

/// Every signature the fixture needs before it can be registered, as Make and register sends
/// them (the certificate provider, the attorney, the trust corporation).
pub fn signatures() -> Vec<Value> {
    vec![
        json!({"type": "CERTIFICATE_PROVIDER_SIGN", "changes": [
            {"key": "/certificateProvider/signedAt", "old": null, "new": "2000-01-03T09:00:00Z"},
            {"key": "/certificateProvider/contactLanguagePreference", "old": null, "new": "en"},
            {"key": "/certificateProvider/email", "old": null, "new": "some.provider@example.com"},
            {"key": "/certificateProvider/channel", "old": "paper", "new": "online"}
        ]}),
        json!({"type": "ATTORNEY_SIGN", "changes": [
            {"key": "/attorneys/0/signedAt", "old": null, "new": "2000-01-04T09:00:00Z"},
            {"key": "/attorneys/0/mobile", "old": null, "new": "07777000000"},
            {"key": "/attorneys/0/contactLanguagePreference", "old": null, "new": "en"},
            {"key": "/attorneys/0/email", "old": null, "new": "jake.vallar@example.com"},
            {"key": "/attorneys/0/channel", "old": "paper", "new": "online"}
        ]}),
        json!({"type": "TRUST_CORPORATION_SIGN", "changes": [
            {"key": "/trustCorporations/0/mobile", "old": null, "new": "07777111111"},
            {"key": "/trustCorporations/0/contactLanguagePreference", "old": null, "new": "en"},
            {"key": "/trustCorporations/0/companyNumber", "old": null, "new": "666123322"},
            {"key": "/trustCorporations/0/email", "old": null, "new": "trust.us@example.com"},
            {"key": "/trustCorporations/0/channel", "old": "paper", "new": "online"},
            {"key": "/trustCorporations/0/signatories/0/firstNames", "old": null, "new": "Sig"},
            {"key": "/trustCorporations/0/signatories/0/lastName", "old": null, "new": "Natory"},
            {"key": "/trustCorporations/0/signatories/0/professionalTitle", "old": null, "new": "Director"},
            {"key": "/trustCorporations/0/signatories/0/signedAt", "old": null, "new": "2000-01-05T09:00:00Z"}
        ]}),
    ]
}

/// The signatures, then the statutory waiting period.
pub fn waiting() -> Vec<Value> {
    let mut steps = signatures();
    steps.push(json!({"type": "STATUTORY_WAITING_PERIOD", "changes": []}));
    steps
}

/// The waiting period, then registration.
pub fn registered() -> Vec<Value> {
    let mut steps = waiting();
    steps.push(json!({"type": "REGISTER", "changes": []}));
    steps
}
