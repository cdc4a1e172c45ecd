//! Updates: the one way to change a stored LPA (`lpa-store-domain.md` §6), and the change
//! history the store keeps of them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

/// The kinds of update the store applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UpdateType {
    /// An attorney signs.
    AttorneySign,
    /// A trust corporation signs.
    TrustCorporationSign,
    /// The certificate provider signs.
    CertificateProviderSign,
    /// The certificate provider opts out; the LPA cannot be registered.
    CertificateProviderOptOut,
    /// An attorney (the JWT subject) opts out.
    AttorneyOptOut,
    /// A trust corporation (the JWT subject) opts out.
    TrustCorporationOptOut,
    /// The donor's identity is confirmed.
    DonorConfirmIdentity,
    /// The certificate provider's identity is confirmed.
    CertificateProviderConfirmIdentity,
    /// The donor withdraws the LPA.
    DonorWithdrawLpa,
    /// A paper certificate provider starts using the online service.
    PaperCertificateProviderAccessOnline,
    /// A paper attorney starts using the online service.
    PaperAttorneyAccessOnline,
    /// Everyone has signed: the statutory waiting period starts.
    StatutoryWaitingPeriod,
    /// The LPA is registered.
    Register,
    /// A caseworker sets the status.
    OpgStatusChange,
    /// A caseworker corrects details before registration.
    Correction,
    /// A caseworker corrects details after registration.
    PostRegistrationCorrection,
    /// Attorneys' statuses change (removal, replacement stepping in).
    ChangeAttorneys,
    /// Attorneys who cannot make joint decisions are marked.
    AttorneyDecisions,
    /// The court severs restrictions and conditions.
    SeverRestrictionsAndConditions,
}

impl UpdateType {
    /// The value of `type` on the wire, e.g. `ATTORNEY_SIGN`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AttorneySign => "ATTORNEY_SIGN",
            Self::TrustCorporationSign => "TRUST_CORPORATION_SIGN",
            Self::CertificateProviderSign => "CERTIFICATE_PROVIDER_SIGN",
            Self::CertificateProviderOptOut => "CERTIFICATE_PROVIDER_OPT_OUT",
            Self::AttorneyOptOut => "ATTORNEY_OPT_OUT",
            Self::TrustCorporationOptOut => "TRUST_CORPORATION_OPT_OUT",
            Self::DonorConfirmIdentity => "DONOR_CONFIRM_IDENTITY",
            Self::CertificateProviderConfirmIdentity => "CERTIFICATE_PROVIDER_CONFIRM_IDENTITY",
            Self::DonorWithdrawLpa => "DONOR_WITHDRAW_LPA",
            Self::PaperCertificateProviderAccessOnline => {
                "PAPER_CERTIFICATE_PROVIDER_ACCESS_ONLINE"
            }
            Self::PaperAttorneyAccessOnline => "PAPER_ATTORNEY_ACCESS_ONLINE",
            Self::StatutoryWaitingPeriod => "STATUTORY_WAITING_PERIOD",
            Self::Register => "REGISTER",
            Self::OpgStatusChange => "OPG_STATUS_CHANGE",
            Self::Correction => "CORRECTION",
            Self::PostRegistrationCorrection => "POST_REGISTRATION_CORRECTION",
            Self::ChangeAttorneys => "CHANGE_ATTORNEYS",
            Self::AttorneyDecisions => "ATTORNEY_DECISIONS",
            Self::SeverRestrictionsAndConditions => "SEVER_RESTRICTIONS_AND_CONDITIONS",
        }
    }
}

/// One change: the field (a JSON pointer into the LPA), its value as the caller last saw it,
/// and the value wanted. The store refuses a change whose `old` is not the current value, so
/// `old` is the caller's optimistic-concurrency token.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Change {
    /// JSON pointer, e.g. `/attorneys/0/signedAt`.
    pub key: String,
    /// The current value, `null` when empty.
    pub old: Value,
    /// The value wanted.
    pub new: Value,
}

impl Change {
    /// A change of `key` from `old` to `new`.
    pub fn new(key: impl Into<String>, old: impl Into<Value>, new: impl Into<Value>) -> Self {
        Self {
            key: key.into(),
            old: old.into(),
            new: new.into(),
        }
    }

    /// Sets an empty `key` to `new`.
    pub fn set(key: impl Into<String>, new: impl Into<Value>) -> Self {
        Self::new(key, Value::Null, new)
    }
}

/// The body of `POST /lpas/{uid}/updates`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Update {
    #[serde(rename = "type")]
    kind: String,
    changes: Vec<Change>,
}

impl Update {
    /// An update of `kind` with no changes yet. Types that take no changes are sent with
    /// `"changes": []`, which the store reads as none.
    pub fn new(kind: UpdateType) -> Self {
        Self::named(kind.as_str())
    }

    /// An update whose type is given by name. The store refuses names it does not know; this
    /// exists so that refusal can be exercised, as Make and register an LPA's contract does.
    pub fn named(kind: impl Into<String>) -> Self {
        Self {
            kind: kind.into(),
            changes: Vec::new(),
        }
    }

    /// Adds a change.
    #[must_use]
    pub fn with_change(mut self, change: Change) -> Self {
        self.changes.push(change);
        self
    }

    /// The type as sent.
    pub fn kind(&self) -> &str {
        &self.kind
    }

    /// The changes as sent.
    pub fn changes(&self) -> &[Change] {
        &self.changes
    }
}

/// One entry of an LPA's change history.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChangeRecord {
    /// The record's id.
    pub id: Uuid,
    /// The LPA's UID.
    pub uid: String,
    /// When the update was applied.
    pub applied: DateTime<Utc>,
    /// Who sent it: the JWT subject URN.
    pub author: String,
    /// The update type, as sent.
    #[serde(rename = "type")]
    pub kind: String,
    /// The changes, as sent.
    #[serde(default)]
    pub changes: Vec<Change>,
}
