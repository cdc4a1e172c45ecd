//! The LPA document as the store keeps and serves it (`lpa.json` of the 2024-10 schemas).
//!
//! Field order and "omit when empty" follow the real store's JSON, so a consumer that snapshots
//! the store's answers sees the same document from the simulator. Every struct defaults its
//! missing fields, as Go's decoder does, and unknown fields are ignored for the same reason.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::values::{
    AppointmentType, AttorneyStatus, CanUse, Channel, Date, HowMakeDecisions, HowStepIn,
    IdentityCheckType, Lang, LifeSustainingTreatment, LpaStatus, LpaType, Timestamp,
};

fn is_false(value: &bool) -> bool {
    !*value
}

/// A lasting power of attorney.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Lpa {
    /// `M-XXXX-XXXX-XXXX`, taken from the path at creation.
    pub uid: String,
    /// Set by the store only.
    pub status: LpaStatus,
    /// Set by `REGISTER`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub registration_date: Option<Timestamp>,
    /// Creation time; updates do not change it (as in the real store).
    pub updated_at: Timestamp,
    /// Personal welfare or property and affairs.
    pub lpa_type: LpaType,
    /// Online or paper.
    pub channel: Channel,
    /// Language of the LPA document.
    pub language: Lang,
    /// The donor.
    pub donor: Donor,
    /// Original and replacement attorneys, in one array.
    pub attorneys: Vec<Attorney>,
    /// Trust corporations acting as attorneys.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub trust_corporations: Vec<TrustCorporation>,
    /// The certificate provider.
    pub certificate_provider: CertificateProvider,
    /// People to notify.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub people_to_notify: Vec<PersonToNotify>,
    /// Witness for a donor who cannot sign.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub independent_witness: Option<IndependentWitness>,
    /// Signs for a donor who cannot sign.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authorised_signatory: Option<AuthorisedSignatory>,
    /// How attorneys make decisions.
    #[serde(skip_serializing_if = "HowMakeDecisions::is_unset")]
    pub how_attorneys_make_decisions: HowMakeDecisions,
    /// Details for `jointly-for-some-severally-for-others`.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub how_attorneys_make_decisions_details: String,
    /// True when the store chose the decision mode.
    #[serde(skip_serializing_if = "is_false")]
    pub how_attorneys_make_decisions_is_default: bool,
    /// Scanned pages of the decision details (paper).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub how_attorneys_make_decisions_details_images: Vec<Image>,
    /// How replacement attorneys make decisions.
    #[serde(skip_serializing_if = "HowMakeDecisions::is_unset")]
    pub how_replacement_attorneys_make_decisions: HowMakeDecisions,
    /// Details for `jointly-for-some-severally-for-others`.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub how_replacement_attorneys_make_decisions_details: String,
    /// True when the store chose the replacement decision mode.
    #[serde(skip_serializing_if = "is_false")]
    pub how_replacement_attorneys_make_decisions_is_default: bool,
    /// How replacement attorneys step in.
    #[serde(skip_serializing_if = "HowStepIn::is_unset")]
    pub how_replacement_attorneys_step_in: HowStepIn,
    /// Details for `another-way`.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub how_replacement_attorneys_step_in_details: String,
    /// When a property-and-affairs LPA can be used.
    #[serde(skip_serializing_if = "CanUse::is_unset")]
    pub when_the_lpa_can_be_used: CanUse,
    /// True when the store chose when the LPA can be used.
    #[serde(skip_serializing_if = "is_false")]
    pub when_the_lpa_can_be_used_is_default: bool,
    /// Life-sustaining treatment option of a personal-welfare LPA.
    #[serde(skip_serializing_if = "LifeSustainingTreatment::is_unset")]
    pub life_sustaining_treatment_option: LifeSustainingTreatment,
    /// True when the store chose the option.
    #[serde(skip_serializing_if = "is_false")]
    pub life_sustaining_treatment_option_is_default: bool,
    /// Restrictions and conditions.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub restrictions_and_conditions: String,
    /// Scanned pages of the restrictions (paper).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub restrictions_and_conditions_images: Vec<Image>,
    /// When the donor signed (zero when never).
    pub signed_at: Timestamp,
    /// When the certificate provider witnessed the donor's signature.
    pub witnessed_by_certificate_provider_at: Timestamp,
    /// When the independent witness witnessed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub witnessed_by_independent_witness_at: Option<Timestamp>,
    /// When the certificate provider confirmed they are not related.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub certificate_provider_not_related_confirmed_at: Option<Timestamp>,
    /// Notes the store writes when some updates are applied.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<Note>,
}

/// A postal address.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Address {
    /// First line (required).
    pub line1: String,
    /// Second line.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub line2: String,
    /// Third line.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub line3: String,
    /// Town.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub town: String,
    /// Postcode.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub postcode: String,
    /// ISO 3166-1 alpha-2 country code (required).
    pub country: String,
}

impl Address {
    /// True when every line is empty.
    pub fn is_zero(&self) -> bool {
        *self == Self::default()
    }
}

/// An identity check.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct IdentityCheck {
    /// When it was done.
    pub checked_at: Timestamp,
    /// How it was done.
    #[serde(rename = "type")]
    pub check_type: IdentityCheckType,
}

/// The donor.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Donor {
    /// Actor UUID.
    pub uid: String,
    /// First names.
    pub first_names: String,
    /// Last name.
    pub last_name: String,
    /// Address.
    pub address: Address,
    /// Date of birth.
    pub date_of_birth: Date,
    /// Email; left out when empty, as by the real store.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub email: String,
    /// Other names the donor is known by.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub other_names_known_by: String,
    /// Contact language.
    pub contact_language_preference: Lang,
    /// Identity check, once done.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity_check: Option<IdentityCheck>,
}

/// The certificate provider.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct CertificateProvider {
    /// Actor UUID.
    pub uid: String,
    /// First names.
    pub first_names: String,
    /// Last name.
    pub last_name: String,
    /// Address.
    pub address: Address,
    /// Email (required online, empty on paper); left out when empty, as by the real store.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub email: String,
    /// Phone.
    pub phone: String,
    /// Channel.
    pub channel: Channel,
    /// When they signed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signed_at: Option<Timestamp>,
    /// Contact language.
    #[serde(skip_serializing_if = "Lang::is_unset")]
    pub contact_language_preference: Lang,
    /// Identity check, once done.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity_check: Option<IdentityCheck>,
}

/// An attorney, original or replacement.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Attorney {
    /// Actor UUID.
    pub uid: String,
    /// First names.
    pub first_names: String,
    /// Last name.
    pub last_name: String,
    /// Address.
    pub address: Address,
    /// Date of birth.
    pub date_of_birth: Date,
    /// Email (required online, empty on paper).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub email: String,
    /// Status.
    pub status: AttorneyStatus,
    /// Original or replacement.
    pub appointment_type: AppointmentType,
    /// Mobile number.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub mobile: String,
    /// When they signed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signed_at: Option<Timestamp>,
    /// Contact language.
    #[serde(skip_serializing_if = "Lang::is_unset")]
    pub contact_language_preference: Lang,
    /// Channel.
    pub channel: Channel,
    /// Set by `ATTORNEY_DECISIONS`.
    #[serde(skip_serializing_if = "is_false")]
    pub cannot_make_joint_decisions: bool,
}

impl Attorney {
    /// The name used in notes: first names and last name.
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_names, self.last_name)
    }

    /// True when a non-zero signature is recorded.
    pub fn has_signed(&self) -> bool {
        self.signed_at.is_some_and(|at| !at.is_zero())
    }
}

/// A trust corporation acting as an attorney.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct TrustCorporation {
    /// Actor UUID.
    pub uid: String,
    /// Name.
    pub name: String,
    /// Company number.
    pub company_number: String,
    /// Email.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub email: String,
    /// Original or replacement.
    pub appointment_type: AppointmentType,
    /// Address.
    pub address: Address,
    /// Status.
    pub status: AttorneyStatus,
    /// Mobile number.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub mobile: String,
    /// Up to two people who sign for the corporation.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub signatories: Vec<Signatory>,
    /// Contact language.
    #[serde(skip_serializing_if = "Lang::is_unset")]
    pub contact_language_preference: Lang,
    /// Channel.
    pub channel: Channel,
}

/// A person who signs for a trust corporation.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Signatory {
    /// First names.
    pub first_names: String,
    /// Last name.
    pub last_name: String,
    /// Professional title.
    pub professional_title: String,
    /// When they signed.
    pub signed_at: Timestamp,
}

/// A person to notify.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct PersonToNotify {
    /// Actor UUID.
    pub uid: String,
    /// First names.
    pub first_names: String,
    /// Last name.
    pub last_name: String,
    /// Address.
    pub address: Address,
}

/// An independent witness.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct IndependentWitness {
    /// Actor UUID.
    pub uid: String,
    /// First names.
    pub first_names: String,
    /// Last name.
    pub last_name: String,
    /// Phone.
    pub phone: String,
    /// Address.
    pub address: Address,
}

/// Someone who signs for a donor who cannot.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct AuthorisedSignatory {
    /// Actor UUID.
    pub uid: String,
    /// First names.
    pub first_names: String,
    /// Last name.
    pub last_name: String,
}

/// A scanned page: uploaded as `{filename, data}` at creation, stored as `{path, hash}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Image {
    /// As stored: object path and hex SHA-256 of the bytes.
    Stored {
        /// Object path, or a presigned URL when `presign-images` was asked for.
        path: String,
        /// Hex SHA-256 of the bytes.
        hash: String,
    },
    /// As uploaded in a create request (paper channel).
    Upload {
        /// File name.
        filename: String,
        /// Base64 bytes.
        data: String,
    },
}

/// A note the store adds when it applies certain updates.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Note {
    /// Kind of note, for example `DONOR_NAME_CHANGE_V1`.
    #[serde(rename = "type")]
    pub note_type: String,
    /// When, RFC 3339.
    pub datetime: String,
    /// What changed.
    pub values: BTreeMap<String, String>,
}

impl Note {
    /// A note of `note_type`, dated now, with the given values.
    pub fn now(note_type: &str, values: &[(&str, String)]) -> Self {
        Self {
            note_type: note_type.to_owned(),
            datetime: Timestamp::now().to_string(),
            values: values
                .iter()
                .map(|(k, v)| ((*k).to_owned(), v.clone()))
                .collect(),
        }
    }

    /// A note of `note_type` dated `datetime`, with the given values.
    ///
    /// The store dates notes with RFC 3339 at whole seconds, so any fraction of `datetime` is
    /// left out; taking the instant from the caller keeps notes deterministic under test.
    pub fn at(note_type: &str, datetime: Timestamp, values: &[(&str, String)]) -> Self {
        Self {
            note_type: note_type.to_owned(),
            datetime: without_fraction(&datetime.to_string()),
            values: values
                .iter()
                .map(|(k, v)| ((*k).to_owned(), v.clone()))
                .collect(),
        }
    }
}

/// Drops the fractional seconds of an RFC 3339 text, keeping its offset.
fn without_fraction(text: &str) -> String {
    let Some(dot) = text.find('.') else {
        return text.to_owned();
    };
    let offset = text[dot..]
        .find(['Z', '+', '-'])
        .map_or(text.len(), |at| dot + at);
    format!("{}{}", &text[..dot], &text[offset..])
}

impl Lpa {
    /// Finds an attorney by array index or actor UID, as update keys address them.
    pub fn find_attorney(&self, key: &str) -> Option<usize> {
        find_index(key, self.attorneys.len(), |i| &self.attorneys[i].uid)
    }

    /// Finds a trust corporation by array index or actor UID.
    pub fn find_trust_corporation(&self, key: &str) -> Option<usize> {
        find_index(key, self.trust_corporations.len(), |i| {
            &self.trust_corporations[i].uid
        })
    }

    /// Attorneys and trust corporations with status `active`.
    pub fn active_attorney_count(&self) -> usize {
        self.attorneys
            .iter()
            .filter(|a| a.status == AttorneyStatus::ACTIVE)
            .count()
            + self
                .trust_corporations
                .iter()
                .filter(|t| t.status == AttorneyStatus::ACTIVE)
                .count()
    }

    /// Attorneys and trust corporations that are `inactive` replacements.
    pub fn replacement_attorney_count(&self) -> usize {
        let is_replacement = |status: &AttorneyStatus, appointment: &AppointmentType| {
            *status == AttorneyStatus::INACTIVE && *appointment == AppointmentType::REPLACEMENT
        };
        self.attorneys
            .iter()
            .filter(|a| is_replacement(&a.status, &a.appointment_type))
            .count()
            + self
                .trust_corporations
                .iter()
                .filter(|t| is_replacement(&t.status, &t.appointment_type))
                .count()
    }
}

fn find_index<'a>(key: &str, len: usize, uid_at: impl Fn(usize) -> &'a String) -> Option<usize> {
    if let Ok(index) = key.parse::<usize>()
        && index < len
    {
        return Some(index);
    }
    (0..len).find(|&i| uid_at(i) == key)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::model::{
        AppointmentType, AttorneyStatus, CanUse, Channel, Date, HowMakeDecisions, HowStepIn,
        IdentityCheckType, Lang, LifeSustainingTreatment, LpaStatus, LpaType, Timestamp,
    };

    /// An LPA with every field set, written without `..Default::default()` so that a field added
    /// to the model must be added here, and so to the shapes checked against it.
    pub(crate) fn every_field_set() -> Lpa {
        let at = Timestamp::parse("2024-01-02T03:04:05Z").expect("valid");
        let address = Address {
            line1: "1".into(),
            line2: "2".into(),
            line3: "3".into(),
            town: "t".into(),
            postcode: "p".into(),
            country: "GB".into(),
        };
        let check = Some(IdentityCheck {
            checked_at: at,
            check_type: IdentityCheckType::ONE_LOGIN,
        });
        let image = Image::Stored {
            path: "p".into(),
            hash: "h".into(),
        };
        Lpa {
            uid: "M-1".into(),
            status: LpaStatus::REGISTERED,
            registration_date: Some(at),
            updated_at: at,
            lpa_type: LpaType::PERSONAL_WELFARE,
            channel: Channel::ONLINE,
            language: Lang::EN,
            donor: Donor {
                uid: "u".into(),
                first_names: "f".into(),
                last_name: "l".into(),
                address: address.clone(),
                date_of_birth: Date::parse("2000-01-02"),
                email: "e".into(),
                other_names_known_by: "o".into(),
                contact_language_preference: Lang::EN,
                identity_check: check.clone(),
            },
            attorneys: vec![Attorney {
                uid: "u".into(),
                first_names: "f".into(),
                last_name: "l".into(),
                address: address.clone(),
                date_of_birth: Date::parse("2000-01-02"),
                email: "e".into(),
                status: AttorneyStatus::ACTIVE,
                appointment_type: AppointmentType::ORIGINAL,
                mobile: "m".into(),
                signed_at: Some(at),
                contact_language_preference: Lang::EN,
                channel: Channel::ONLINE,
                cannot_make_joint_decisions: true,
            }],
            trust_corporations: vec![TrustCorporation {
                uid: "u".into(),
                name: "n".into(),
                company_number: "c".into(),
                email: "e".into(),
                appointment_type: AppointmentType::ORIGINAL,
                address: address.clone(),
                status: AttorneyStatus::ACTIVE,
                mobile: "m".into(),
                signatories: vec![Signatory {
                    first_names: "f".into(),
                    last_name: "l".into(),
                    professional_title: "p".into(),
                    signed_at: at,
                }],
                contact_language_preference: Lang::EN,
                channel: Channel::ONLINE,
            }],
            certificate_provider: CertificateProvider {
                uid: "u".into(),
                first_names: "f".into(),
                last_name: "l".into(),
                address: address.clone(),
                email: "e".into(),
                phone: "p".into(),
                channel: Channel::ONLINE,
                signed_at: Some(at),
                contact_language_preference: Lang::EN,
                identity_check: check,
            },
            people_to_notify: vec![PersonToNotify {
                uid: "u".into(),
                first_names: "f".into(),
                last_name: "l".into(),
                address: address.clone(),
            }],
            independent_witness: Some(IndependentWitness {
                uid: "u".into(),
                first_names: "f".into(),
                last_name: "l".into(),
                phone: "p".into(),
                address,
            }),
            authorised_signatory: Some(AuthorisedSignatory {
                uid: "u".into(),
                first_names: "f".into(),
                last_name: "l".into(),
            }),
            how_attorneys_make_decisions: HowMakeDecisions::JOINTLY_FOR_SOME,
            how_attorneys_make_decisions_details: "d".into(),
            how_attorneys_make_decisions_is_default: true,
            how_attorneys_make_decisions_details_images: vec![image.clone()],
            how_replacement_attorneys_make_decisions: HowMakeDecisions::JOINTLY,
            how_replacement_attorneys_make_decisions_details: "d".into(),
            how_replacement_attorneys_make_decisions_is_default: true,
            how_replacement_attorneys_step_in: HowStepIn::ANOTHER_WAY,
            how_replacement_attorneys_step_in_details: "d".into(),
            when_the_lpa_can_be_used: CanUse::WHEN_HAS_CAPACITY,
            when_the_lpa_can_be_used_is_default: true,
            life_sustaining_treatment_option: LifeSustainingTreatment::OPTION_A,
            life_sustaining_treatment_option_is_default: true,
            restrictions_and_conditions: "r".into(),
            restrictions_and_conditions_images: vec![image],
            signed_at: at,
            witnessed_by_certificate_provider_at: at,
            witnessed_by_independent_witness_at: Some(at),
            certificate_provider_not_related_confirmed_at: Some(at),
            notes: vec![Note::at("X", at, &[("k", "v".to_owned())])],
        }
    }

    #[test]
    fn empty_optional_fields_are_left_out_and_signed_at_is_always_written() {
        let json = serde_json::to_value(Lpa::default()).unwrap();
        let object = json.as_object().unwrap();
        assert_eq!(object["signedAt"], "0001-01-01T00:00:00Z");
        assert_eq!(
            object["witnessedByCertificateProviderAt"],
            "0001-01-01T00:00:00Z"
        );
        for absent in [
            "registrationDate",
            "trustCorporations",
            "notes",
            "independentWitness",
        ] {
            assert!(!object.contains_key(absent), "{absent} should be omitted");
        }
    }

    #[test]
    fn attorneys_are_found_by_index_or_uid() {
        let lpa = Lpa {
            attorneys: vec![
                Attorney {
                    uid: "a".into(),
                    ..Attorney::default()
                },
                Attorney {
                    uid: "b".into(),
                    ..Attorney::default()
                },
            ],
            ..Lpa::default()
        };
        assert_eq!(lpa.find_attorney("1"), Some(1));
        assert_eq!(lpa.find_attorney("b"), Some(1));
        assert_eq!(lpa.find_attorney("2"), None);
        assert_eq!(lpa.find_attorney("c"), None);
    }

    #[test]
    fn note_at_is_dated_at_whole_seconds_with_its_offset_kept() {
        let at = |text: &str| Timestamp::parse(text).expect("valid");
        let note = Note::at(
            "DONOR_NAME_CHANGE_V1",
            at("2024-06-01T10:00:00.123456Z"),
            &[("newName", "Jane Smith".to_owned())],
        );
        assert_eq!(note.note_type, "DONOR_NAME_CHANGE_V1");
        assert_eq!(note.datetime, "2024-06-01T10:00:00Z");
        assert_eq!(note.values["newName"], "Jane Smith");
        let bst = Note::at("X", at("2024-06-01T11:00:00.5+01:00"), &[]);
        assert_eq!(bst.datetime, "2024-06-01T11:00:00+01:00");
    }

    #[test]
    fn images_read_as_uploads_or_stored_files() {
        let upload: Image = serde_json::from_str(r#"{"filename":"a.png","data":"AAAA"}"#).unwrap();
        assert!(matches!(upload, Image::Upload { .. }));
        let stored: Image = serde_json::from_str(r#"{"path":"p","hash":"h"}"#).unwrap();
        assert!(matches!(stored, Image::Stored { .. }));
    }
}
