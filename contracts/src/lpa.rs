//! The LPA document as the store takes it at creation and gives it back on reads
//! (`lpa-store-domain.md` §5).
//!
//! Every field a consumer may leave out is optional, for two reasons: the store itself leaves
//! empty fields out, and each consumer's contract names only the fields that consumer reads,
//! so a reply checked against one contract may hold no more than those.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Where an LPA is in its life (`status`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Created, being signed.
    InProgress,
    /// Signed by everyone; waiting the statutory period before registration.
    StatutoryWaitingPeriod,
    /// Registered: the LPA can be used.
    Registered,
    /// Cannot be registered (for example the certificate provider opted out).
    CannotRegister,
    /// Withdrawn by the donor.
    Withdrawn,
    /// Cancelled after registration.
    Cancelled,
    /// Stopped by a caseworker during the waiting period.
    DoNotRegister,
    /// Expired before registration.
    Expired,
}

impl Status {
    /// The value on the wire, e.g. `statutory-waiting-period`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InProgress => "in-progress",
            Self::StatutoryWaitingPeriod => "statutory-waiting-period",
            Self::Registered => "registered",
            Self::CannotRegister => "cannot-register",
            Self::Withdrawn => "withdrawn",
            Self::Cancelled => "cancelled",
            Self::DoNotRegister => "do-not-register",
            Self::Expired => "expired",
        }
    }
}

/// The kind of LPA (`lpaType`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LpaType {
    /// Property and financial affairs.
    PropertyAndAffairs,
    /// Health and welfare.
    PersonalWelfare,
}

/// How an LPA or an actor deals with OPG (`channel`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Channel {
    /// Online, through Make and register an LPA.
    Online,
    /// On paper, through Sirius.
    Paper,
}

/// A language of the LPA or of an actor's correspondence.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Language {
    /// English.
    En,
    /// Welsh.
    Cy,
}

/// A postal address; `country` is an ISO 3166-1 alpha-2 code.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Address {
    /// First line (required by the store).
    pub line1: String,
    /// Second line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line2: Option<String>,
    /// Third line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line3: Option<String>,
    /// Town (required by the store).
    pub town: String,
    /// Postcode.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub postcode: Option<String>,
    /// Two upper-case letters.
    pub country: String,
}

/// An identity check of the donor or the certificate provider.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IdentityCheck {
    /// When the identity was confirmed.
    pub checked_at: DateTime<Utc>,
    /// `one-login` or `opg-paper-id`.
    #[serde(rename = "type")]
    pub kind: String,
}

/// The donor: the person making the LPA.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Donor {
    /// Actor UUID, fixed for life (ADR 0002).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uid: Option<Uuid>,
    /// First names.
    pub first_names: String,
    /// Last name.
    pub last_name: String,
    /// Date of birth.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_of_birth: Option<NaiveDate>,
    /// Email address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Other names the donor is known by.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub other_names_known_by: Option<String>,
    /// Language for correspondence.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact_language_preference: Option<Language>,
    /// Address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<Address>,
    /// Identity check, once done.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity_check: Option<IdentityCheck>,
}

/// An attorney, original or replacement.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Attorney {
    /// Actor UUID.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uid: Option<Uuid>,
    /// First names.
    pub first_names: String,
    /// Last name.
    pub last_name: String,
    /// Date of birth.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_of_birth: Option<NaiveDate>,
    /// Email address (required online, empty on paper).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Mobile number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mobile: Option<String>,
    /// Address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<Address>,
    /// `active`, `inactive` or `removed`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// `original` or `replacement`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub appointment_type: Option<String>,
    /// Online or paper.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub channel: Option<Channel>,
    /// When the attorney signed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signed_at: Option<DateTime<Utc>>,
    /// Language for correspondence.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact_language_preference: Option<Language>,
    /// Set when the attorney cannot take joint decisions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cannot_make_joint_decisions: Option<bool>,
}

/// A person signing for a trust corporation.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Signatory {
    /// First names.
    pub first_names: String,
    /// Last name.
    pub last_name: String,
    /// Professional title.
    pub professional_title: String,
    /// When they signed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signed_at: Option<DateTime<Utc>>,
}

/// A trust corporation acting as attorney.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct TrustCorporation {
    /// Actor UUID.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uid: Option<Uuid>,
    /// Company name.
    pub name: String,
    /// Company number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub company_number: Option<String>,
    /// Email address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Mobile number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mobile: Option<String>,
    /// Address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<Address>,
    /// `active`, `inactive` or `removed`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// `original` or `replacement`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub appointment_type: Option<String>,
    /// Online or paper.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub channel: Option<Channel>,
    /// Language for correspondence.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact_language_preference: Option<Language>,
    /// Who signed for the company (at most two).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub signatories: Vec<Signatory>,
}

/// The certificate provider.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CertificateProvider {
    /// Actor UUID.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uid: Option<Uuid>,
    /// First names.
    pub first_names: String,
    /// Last name.
    pub last_name: String,
    /// Email address (required online, empty on paper).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Phone number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<Address>,
    /// Online or paper.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub channel: Option<Channel>,
    /// When the certificate provider signed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signed_at: Option<DateTime<Utc>>,
    /// Language for correspondence.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact_language_preference: Option<Language>,
    /// Identity check, once done.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity_check: Option<IdentityCheck>,
}

/// Someone the donor wants told about the registration.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PersonToNotify {
    /// Actor UUID.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uid: Option<Uuid>,
    /// First names.
    pub first_names: String,
    /// Last name.
    pub last_name: String,
    /// Address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<Address>,
}

/// A scanned page of a paper LPA.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Image {
    /// As stored: object path (or a presigned URL when asked for) and hex SHA-256.
    Stored {
        /// Object path or presigned URL.
        path: String,
        /// Hex SHA-256 of the bytes.
        hash: String,
    },
    /// As uploaded with a paper create.
    Upload {
        /// File name.
        filename: String,
        /// The bytes, base64.
        data: String,
    },
}

/// What the donor made: the body of a create, and the body of every LPA read back.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DonorDetails {
    /// Property and affairs or personal welfare.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lpa_type: Option<LpaType>,
    /// Online or paper.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub channel: Option<Channel>,
    /// Language of the LPA document.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<Language>,
    /// The donor.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub donor: Option<Donor>,
    /// Original and replacement attorneys.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub attorneys: Vec<Attorney>,
    /// Trust corporations (index 0 original, 1 replacement).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub trust_corporations: Vec<TrustCorporation>,
    /// The certificate provider.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub certificate_provider: Option<CertificateProvider>,
    /// People to notify.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub people_to_notify: Vec<PersonToNotify>,
    /// `jointly`, `jointly-and-severally` or `jointly-for-some-severally-for-others`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub how_attorneys_make_decisions: Option<String>,
    /// Details when attorneys act jointly for some decisions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub how_attorneys_make_decisions_details: Option<String>,
    /// `when-capacity-lost` or `when-has-capacity` (property and affairs).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub when_the_lpa_can_be_used: Option<String>,
    /// `option-a` or `option-b` (personal welfare).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub life_sustaining_treatment_option: Option<String>,
    /// Restrictions and conditions, as text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restrictions_and_conditions: Option<String>,
    /// Scans of the restrictions and conditions (paper).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub restrictions_and_conditions_images: Vec<Image>,
    /// When the donor signed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signed_at: Option<DateTime<Utc>>,
    /// When the certificate provider witnessed the donor's signature.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub witnessed_by_certificate_provider_at: Option<DateTime<Utc>>,
}

/// An LPA as the store holds it: the donor's details plus what the store keeps about them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Lpa {
    /// The LPA's reference, `M-XXXX-XXXX-XXXX`.
    pub uid: String,
    /// Where the LPA is in its life.
    pub status: Status,
    /// When it was registered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registration_date: Option<DateTime<Utc>>,
    /// When it was created (the store does not move it on updates).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<DateTime<Utc>>,
    /// Everything the donor made.
    #[serde(flatten)]
    pub details: DonorDetails,
}
