//! Example LPAs, as typed values the client sends, and the example replies, in the provider
//! fixture's terms (donor Homer Zoller, attorney Jake Vallar, "Trust us Corp.", certificate
//! provider "Some Provider"), so examples and the provider's state data agree.

use chrono::{DateTime, NaiveDate, Utc};
use contracts::{
    Address, Attorney, CertificateProvider, Channel, Donor, DonorDetails, Image, Language, LpaType,
    PersonToNotify, TrustCorporation,
};
use serde_json::{Value, json};
use uuid::Uuid;

/// A fixed date-time.
pub(crate) fn at(text: &str) -> DateTime<Utc> {
    text.parse().expect("fixture date-times are RFC 3339")
}

fn date(text: &str) -> NaiveDate {
    text.parse().expect("fixture dates are YYYY-MM-DD")
}

fn uuid(text: &str) -> Uuid {
    text.parse().expect("fixture UUIDs are valid")
}

fn address(line1: &str, town: &str, country: &str) -> Address {
    Address {
        line1: line1.to_owned(),
        town: town.to_owned(),
        country: country.to_owned(),
        ..Address::default()
    }
}

/// The donor's actor UID in the examples.
pub(crate) const DONOR_UID: &str = "7f8b3c2a-1d4e-4f6a-9b8c-0d1e2f3a4b5c";
/// The attorney's actor UID in the examples.
pub(crate) const ATTORNEY_UID: &str = "9ac5e2f0-3b1d-4c8e-a7f6-5d4c3b2a1f0e";
/// The trust corporation's actor UID in the examples.
pub(crate) const TRUST_CORPORATION_UID: &str = "1b2c3d4e-5f60-4718-89ab-cdef01234567";
/// The certificate provider's actor UID in the examples.
pub(crate) const CERTIFICATE_PROVIDER_UID: &str = "c0ffee00-1234-4567-89ab-0123456789ab";

/// The LPA Make and register an LPA submits: personal welfare, online, one attorney and one
/// trust corporation deciding jointly, certificate provider online.
pub(crate) fn online_lpa() -> DonorDetails {
    DonorDetails {
        lpa_type: Some(LpaType::PersonalWelfare),
        channel: Some(Channel::Online),
        language: Some(Language::En),
        donor: Some(Donor {
            uid: Some(uuid(DONOR_UID)),
            first_names: "Homer".to_owned(),
            last_name: "Zoller".to_owned(),
            date_of_birth: Some(date("1960-04-06")),
            email: Some("homer@example.com".to_owned()),
            contact_language_preference: Some(Language::En),
            address: Some(address("79 Bury Rd", "Hampton Lovett", "GB")),
            ..Donor::default()
        }),
        attorneys: vec![Attorney {
            uid: Some(uuid(ATTORNEY_UID)),
            first_names: "Jake".to_owned(),
            last_name: "Vallar".to_owned(),
            date_of_birth: Some(date("2001-01-17")),
            email: Some("jake@example.com".to_owned()),
            address: Some(address("71 South Western Terrace", "Milton", "AU")),
            status: Some("active".to_owned()),
            appointment_type: Some("original".to_owned()),
            channel: Some(Channel::Online),
            ..Attorney::default()
        }],
        trust_corporations: vec![TrustCorporation {
            uid: Some(uuid(TRUST_CORPORATION_UID)),
            name: "Trust us Corp.".to_owned(),
            company_number: Some("666123321".to_owned()),
            email: Some("trust@example.com".to_owned()),
            address: Some(address("103 Line 1", "Town", "GB")),
            status: Some("active".to_owned()),
            appointment_type: Some("original".to_owned()),
            channel: Some(Channel::Online),
            ..TrustCorporation::default()
        }],
        certificate_provider: Some(CertificateProvider {
            uid: Some(uuid(CERTIFICATE_PROVIDER_UID)),
            first_names: "Some".to_owned(),
            last_name: "Provider".to_owned(),
            email: Some("some@example.com".to_owned()),
            phone: Some("070009000".to_owned()),
            address: Some(address("71 South Western Terrace", "Milton", "AU")),
            channel: Some(Channel::Online),
            ..CertificateProvider::default()
        }),
        how_attorneys_make_decisions: Some("jointly".to_owned()),
        life_sustaining_treatment_option: Some("option-a".to_owned()),
        signed_at: Some(at("2024-01-02T12:13:14Z")),
        witnessed_by_certificate_provider_at: Some(at("2024-01-02T13:13:14Z")),
        ..DonorDetails::default()
    }
}

/// A Welsh variant with other names and a person to notify.
pub(crate) fn welsh_lpa_with_people_to_notify() -> DonorDetails {
    let mut lpa = online_lpa();
    lpa.language = Some(Language::Cy);
    if let Some(donor) = lpa.donor.as_mut() {
        donor.other_names_known_by = Some("Ned".to_owned());
        donor.contact_language_preference = Some(Language::Cy);
    }
    lpa.people_to_notify = vec![PersonToNotify {
        uid: Some(uuid("2d3e4f50-6172-4839-9abc-def012345678")),
        first_names: "Jordan".to_owned(),
        last_name: "Jefferson".to_owned(),
        address: Some(address("2 Blank Road", "Town", "GB")),
    }];
    lpa
}

/// A paper LPA as Sirius creates it from a scanned form: everyone on paper, restrictions with
/// one scanned page.
pub(crate) fn paper_lpa() -> DonorDetails {
    let mut lpa = online_lpa();
    lpa.lpa_type = Some(LpaType::PropertyAndAffairs);
    lpa.channel = Some(Channel::Paper);
    lpa.life_sustaining_treatment_option = None;
    lpa.when_the_lpa_can_be_used = Some("when-capacity-lost".to_owned());
    if let Some(donor) = lpa.donor.as_mut() {
        donor.email = None;
    }
    for attorney in &mut lpa.attorneys {
        attorney.channel = Some(Channel::Paper);
        attorney.email = None;
    }
    for trust in &mut lpa.trust_corporations {
        trust.channel = Some(Channel::Paper);
        trust.email = None;
    }
    if let Some(provider) = lpa.certificate_provider.as_mut() {
        provider.channel = Some(Channel::Paper);
        provider.email = None;
    }
    lpa.restrictions_and_conditions = Some("My attorneys must not sell my home".to_owned());
    lpa.restrictions_and_conditions_images = vec![Image::Upload {
        filename: "rc_page_1.png".to_owned(),
        data: "iVBORw0KGgo=".to_owned(),
    }];
    lpa
}

/// The reply fields Make and register an LPA reads after an update or a read: the LPA's
/// reference and its status.
pub(crate) fn uid_and_status(uid: &str, status: &str) -> Value {
    json!({ "uid": uid, "status": status })
}
