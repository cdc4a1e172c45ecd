//! The update engine (`POST /lpas/{uid}/updates`, `lpa-store-domain.md` §6).
//!
//! An update is a type and a list of changes (`{key, old, new}` with a JSON-pointer key). The
//! engine runs the real store's pipeline after the LPA has been loaded: the redundant-change
//! rule, then dispatch on the type, then the type's parse of its changes (optimistic
//! concurrency on `old`, decoding and validating `new`, missing and unexpected keys), then the
//! type's business rules. Each type lives in a module named after the domain event; all of them
//! answer with the store's own error sources and details.

mod attorneys;
mod correction;
mod identity;
mod lifecycle;
mod opt_out;
mod paper_access;
pub(crate) mod parser;
mod severance;
mod sign;

use std::fmt;
use std::str::FromStr;

use serde_json::Value;

pub use crate::model::{Change, UpdateRequest};
use crate::model::{FieldError, Lpa, Timestamp};

/// Every update type the real store accepts.
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
    /// An attorney opts out (identified by the JWT subject).
    AttorneyOptOut,
    /// A trust corporation opts out (identified by the JWT subject).
    TrustCorporationOptOut,
    /// The donor's identity was confirmed.
    DonorConfirmIdentity,
    /// The certificate provider's identity was confirmed.
    CertificateProviderConfirmIdentity,
    /// The LPA is perfect; the statutory waiting period starts. `PERFECT` is its old name.
    StatutoryWaitingPeriod,
    /// The LPA is registered.
    Register,
    /// A caseworker changes the status.
    OpgStatusChange,
    /// The donor withdraws the LPA.
    DonorWithdrawLpa,
    /// A caseworker corrects details before registration.
    Correction,
    /// A caseworker corrects details after registration.
    PostRegistrationCorrection,
    /// Attorneys' statuses change (removal, replacement stepping in).
    ChangeAttorneys,
    /// Attorneys who cannot make joint decisions are recorded.
    AttorneyDecisions,
    /// Restrictions and conditions are severed.
    SeverRestrictionsAndConditions,
    /// A paper certificate provider continues online.
    PaperCertificateProviderAccessOnline,
    /// A paper attorney continues online.
    PaperAttorneyAccessOnline,
}

impl UpdateType {
    /// Every type with its wire name; `PERFECT` is accepted as an alias when parsing.
    pub const ALL: &'static [(&'static str, Self)] = &[
        ("ATTORNEY_SIGN", Self::AttorneySign),
        ("TRUST_CORPORATION_SIGN", Self::TrustCorporationSign),
        ("CERTIFICATE_PROVIDER_SIGN", Self::CertificateProviderSign),
        (
            "CERTIFICATE_PROVIDER_OPT_OUT",
            Self::CertificateProviderOptOut,
        ),
        ("ATTORNEY_OPT_OUT", Self::AttorneyOptOut),
        ("TRUST_CORPORATION_OPT_OUT", Self::TrustCorporationOptOut),
        ("DONOR_CONFIRM_IDENTITY", Self::DonorConfirmIdentity),
        (
            "CERTIFICATE_PROVIDER_CONFIRM_IDENTITY",
            Self::CertificateProviderConfirmIdentity,
        ),
        ("STATUTORY_WAITING_PERIOD", Self::StatutoryWaitingPeriod),
        ("REGISTER", Self::Register),
        ("OPG_STATUS_CHANGE", Self::OpgStatusChange),
        ("DONOR_WITHDRAW_LPA", Self::DonorWithdrawLpa),
        ("CORRECTION", Self::Correction),
        (
            "POST_REGISTRATION_CORRECTION",
            Self::PostRegistrationCorrection,
        ),
        ("CHANGE_ATTORNEYS", Self::ChangeAttorneys),
        ("ATTORNEY_DECISIONS", Self::AttorneyDecisions),
        (
            "SEVER_RESTRICTIONS_AND_CONDITIONS",
            Self::SeverRestrictionsAndConditions,
        ),
        (
            "PAPER_CERTIFICATE_PROVIDER_ACCESS_ONLINE",
            Self::PaperCertificateProviderAccessOnline,
        ),
        (
            "PAPER_ATTORNEY_ACCESS_ONLINE",
            Self::PaperAttorneyAccessOnline,
        ),
    ];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, t)| *t == self)
            .map(|(name, _)| *name)
            .expect("every type is listed in ALL")
    }
}

impl fmt::Display for UpdateType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The update type is not one the store knows.
#[derive(Debug, thiserror::Error)]
#[error("unknown update type {0:?}")]
pub struct UnknownUpdateType(String);

impl FromStr for UpdateType {
    type Err = UnknownUpdateType;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        if name == "PERFECT" {
            return Ok(Self::StatutoryWaitingPeriod);
        }
        Self::ALL
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, t)| *t)
            .ok_or_else(|| UnknownUpdateType(name.to_owned()))
    }
}

/// What an update knows besides its changes.
#[derive(Clone, Debug)]
pub struct Context {
    /// The JWT subject (a URN), recorded as the change's author.
    pub author: String,
    /// When the update is applied.
    pub now: Timestamp,
}

/// Applies `request` to `lpa`, or answers the field errors the real store would give. On error
/// `lpa` may be partly changed: callers apply to a copy and keep it only on success.
pub fn apply(request: &UpdateRequest, lpa: &mut Lpa, ctx: &Context) -> Result<(), Vec<FieldError>> {
    let redundant = redundant_changes(&request.changes);
    if !redundant.is_empty() {
        return Err(redundant);
    }
    let Ok(update_type) = request.update_type.parse::<UpdateType>() else {
        return Err(vec![FieldError::new("/type", "invalid value")]);
    };
    let changes = request.changes.as_slice();
    match update_type {
        UpdateType::AttorneySign => sign::attorney(changes, lpa, ctx),
        UpdateType::TrustCorporationSign => sign::trust_corporation(changes, lpa, ctx),
        UpdateType::CertificateProviderSign => sign::certificate_provider(changes, lpa, ctx),
        UpdateType::CertificateProviderOptOut => opt_out::certificate_provider(changes, lpa, ctx),
        UpdateType::AttorneyOptOut => opt_out::attorney(changes, lpa, ctx),
        UpdateType::TrustCorporationOptOut => opt_out::trust_corporation(changes, lpa, ctx),
        UpdateType::DonorConfirmIdentity => identity::donor(changes, lpa, ctx),
        UpdateType::CertificateProviderConfirmIdentity => {
            identity::certificate_provider(changes, lpa, ctx)
        }
        UpdateType::StatutoryWaitingPeriod => {
            lifecycle::statutory_waiting_period(changes, lpa, ctx)
        }
        UpdateType::Register => lifecycle::register(changes, lpa, ctx),
        UpdateType::OpgStatusChange => lifecycle::opg_status_change(changes, lpa, ctx),
        UpdateType::DonorWithdrawLpa => lifecycle::donor_withdraw(changes, lpa, ctx),
        UpdateType::Correction => correction::pre_registration(changes, lpa, ctx),
        UpdateType::PostRegistrationCorrection => correction::post_registration(changes, lpa, ctx),
        UpdateType::ChangeAttorneys => attorneys::change_attorneys(changes, lpa, ctx),
        UpdateType::AttorneyDecisions => attorneys::attorney_decisions(changes, lpa, ctx),
        UpdateType::SeverRestrictionsAndConditions => severance::sever(changes, lpa, ctx),
        UpdateType::PaperCertificateProviderAccessOnline => {
            paper_access::certificate_provider(changes, lpa, ctx)
        }
        UpdateType::PaperAttorneyAccessOnline => paper_access::attorney(changes, lpa, ctx),
    }
}

/// The checks that need no LPA: the redundant-change rule and a known type. Queue mode runs
/// them before accepting an update while the database is away.
pub(crate) fn precheck(request: &UpdateRequest) -> Result<(), Vec<FieldError>> {
    let redundant = redundant_changes(&request.changes);
    if !redundant.is_empty() {
        return Err(redundant);
    }
    if request.update_type.parse::<UpdateType>().is_err() {
        return Err(vec![FieldError::new("/type", "invalid value")]);
    }
    Ok(())
}

/// The redundant-change rule: a change whose `old` equals its `new` (with `null` and `""`
/// counting as equal) is refused, one error per offending change.
fn redundant_changes(changes: &[Change]) -> Vec<FieldError> {
    let is_empty = |v: &Value| v.is_null() || v.as_str() == Some("");
    changes
        .iter()
        .enumerate()
        .filter(|(_, c)| c.old == c.new || (is_empty(&c.old) && is_empty(&c.new)))
        .map(|(i, c)| {
            FieldError::new(
                format!("/changes/{i}"),
                format!("redundant change for {}", c.key),
            )
        })
        .collect()
}

/// Refuses a non-empty change list, for types that take no changes.
pub(crate) fn expect_no_changes(changes: &[Change]) -> Result<(), Vec<FieldError>> {
    if changes.is_empty() {
        Ok(())
    } else {
        Err(vec![FieldError::new("/changes", "expected empty")])
    }
}

/// Turns a parser's findings into a result.
pub(crate) fn errors_or_ok(errors: Vec<FieldError>) -> Result<(), Vec<FieldError>> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

#[cfg(test)]
pub(crate) mod fixture;

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn perfect_is_an_alias_of_statutory_waiting_period() {
        assert_eq!(
            "PERFECT".parse::<UpdateType>().unwrap(),
            UpdateType::StatutoryWaitingPeriod
        );
        for (name, update_type) in UpdateType::ALL {
            assert_eq!(name.parse::<UpdateType>().unwrap(), *update_type);
        }
    }

    #[test]
    fn redundant_changes_are_refused_before_the_type_is_looked_at() {
        let request: UpdateRequest = serde_json::from_value(json!({
            "type": "NOT_A_TYPE",
            "changes": [
                {"key": "/a", "old": "x", "new": "x"},
                {"key": "/b", "old": null, "new": ""},
                {"key": "/c", "old": null, "new": "y"}
            ]
        }))
        .unwrap();
        let errors = apply(&request, &mut Lpa::default(), &fixture::context()).unwrap_err();
        assert_eq!(
            errors,
            vec![
                FieldError::new("/changes/0", "redundant change for /a"),
                FieldError::new("/changes/1", "redundant change for /b"),
            ]
        );
    }

    #[test]
    fn unknown_type_is_invalid_value_at_type() {
        let request: UpdateRequest = serde_json::from_value(
            json!({"type": "A_TYPE", "changes": [{"key": "/a/key", "old": "old", "new": "new"}]}),
        )
        .unwrap();
        let errors = apply(&request, &mut Lpa::default(), &fixture::context()).unwrap_err();
        assert_eq!(errors, vec![FieldError::new("/type", "invalid value")]);
    }

    #[test]
    fn a_left_out_old_or_new_stays_left_out_and_apart_from_null() {
        let sent = json!([{"key": "/a", "new": "x"}, {"old": null}]);
        let changes: Vec<Change> = serde_json::from_value(sent).unwrap();
        assert!(changes[0].old_left_out && !changes[0].new_left_out);
        assert!(!changes[1].old_left_out && changes[1].new_left_out);
        assert_eq!(changes[1].key, "");
        let written = serde_json::to_value(&changes).unwrap();
        assert_eq!(
            written,
            json!([{"key": "/a", "new": "x"}, {"key": "", "old": null}])
        );
    }

    #[test]
    fn changes_may_be_null_or_absent() {
        let null: UpdateRequest =
            serde_json::from_value(json!({"type": "REGISTER", "changes": null})).unwrap();
        let absent: UpdateRequest = serde_json::from_value(json!({"type": "REGISTER"})).unwrap();
        assert!(null.changes.is_empty() && absent.changes.is_empty());
    }
}
