//! Status changes: the statutory waiting period, registration, caseworker status changes and
//! withdrawal (`lpa-store-domain.md` §6.4).

use crate::model::FieldError;
use crate::model::{AttorneyStatus, Lpa, LpaStatus};

use super::parser::{Parser, Rule, check};
use super::{Change, Context, errors_or_ok, expect_no_changes};

fn refuse(source: &str, detail: &str) -> Result<(), Vec<FieldError>> {
    Err(vec![FieldError::new(source, detail)])
}

/// `STATUTORY_WAITING_PERIOD` (and `PERFECT`): every signature is in, the waiting period starts.
pub(super) fn statutory_waiting_period(
    changes: &[Change],
    lpa: &mut Lpa,
    _ctx: &Context,
) -> Result<(), Vec<FieldError>> {
    expect_no_changes(changes)?;
    if lpa.status != LpaStatus::IN_PROGRESS {
        return refuse(
            "/type",
            "status must be in-progress to enter statutory-waiting-period",
        );
    }
    if lpa.signed_at.is_zero() {
        return refuse("/type", "lpa must be signed");
    }
    if lpa
        .certificate_provider
        .signed_at
        .is_none_or(|at| at.is_zero())
    {
        return refuse("/type", "lpa must have a certificate");
    }
    let acting = |status: &AttorneyStatus| *status != AttorneyStatus::REMOVED;
    if lpa
        .attorneys
        .iter()
        .any(|a| acting(&a.status) && !a.has_signed())
    {
        return refuse("/type", "lpa must be signed by attorneys");
    }
    // As in the store, a trust corporation without signatories does not hold the LPA back.
    if lpa
        .trust_corporations
        .iter()
        .any(|t| acting(&t.status) && t.signatories.iter().any(|s| s.signed_at.is_zero()))
    {
        return refuse("/type", "lpa must be signed by trust corporations");
    }
    lpa.status = LpaStatus::STATUTORY_WAITING_PERIOD;
    Ok(())
}

/// `REGISTER`: the waiting period is over; the registration date is now.
pub(super) fn register(
    changes: &[Change],
    lpa: &mut Lpa,
    ctx: &Context,
) -> Result<(), Vec<FieldError>> {
    expect_no_changes(changes)?;
    if lpa.status != LpaStatus::STATUTORY_WAITING_PERIOD {
        return refuse(
            "/type",
            "status must be statutory-waiting-period to register",
        );
    }
    lpa.registration_date = Some(ctx.now);
    lpa.status = LpaStatus::REGISTERED;
    Ok(())
}

/// `OPG_STATUS_CHANGE`: a caseworker moves the LPA to one of the few statuses set by hand.
pub(super) fn opg_status_change(
    changes: &[Change],
    lpa: &mut Lpa,
    _ctx: &Context,
) -> Result<(), Vec<FieldError>> {
    let mut status = lpa.status.clone();
    errors_or_ok(
        Parser::new(changes)
            .field(
                "/status",
                &mut status,
                Rule::required().with_validator(check::valid),
            )
            .consumed()
            .finish(),
    )?;
    let current = &lpa.status;
    let refusal = if ![
        LpaStatus::CANNOT_REGISTER,
        LpaStatus::CANCELLED,
        LpaStatus::DO_NOT_REGISTER,
        LpaStatus::EXPIRED,
    ]
    .contains(&status)
    {
        Some("Lpa cannot be manually updated to this status")
    } else if status == LpaStatus::CANNOT_REGISTER && *current == LpaStatus::REGISTERED {
        Some("Lpa status cannot be registered while changing to cannot register")
    } else if status == LpaStatus::CANNOT_REGISTER && *current == LpaStatus::CANCELLED {
        Some("Lpa status cannot be cancelled while changing to cannot register")
    } else if status == LpaStatus::CANCELLED && *current != LpaStatus::REGISTERED {
        Some("Lpa status has to be registered while changing to cancelled")
    } else if status == LpaStatus::DO_NOT_REGISTER
        && *current != LpaStatus::STATUTORY_WAITING_PERIOD
    {
        Some("Lpa status has to be statutory waiting period while changing to do not register")
    } else if status == LpaStatus::EXPIRED
        && ![
            LpaStatus::IN_PROGRESS,
            LpaStatus::STATUTORY_WAITING_PERIOD,
            LpaStatus::DO_NOT_REGISTER,
        ]
        .contains(current)
    {
        Some(
            "Lpa status has to be in progress, statutory waiting period or do not register while changing to expired",
        )
    } else {
        None
    };
    if let Some(detail) = refusal {
        return refuse("/status", detail);
    }
    lpa.status = status;
    Ok(())
}

/// `DONOR_WITHDRAW_LPA`: the donor withdraws before registration.
pub(super) fn donor_withdraw(
    changes: &[Change],
    lpa: &mut Lpa,
    _ctx: &Context,
) -> Result<(), Vec<FieldError>> {
    expect_no_changes(changes)?;
    if lpa.status == LpaStatus::WITHDRAWN {
        return refuse("/type", "lpa has already been withdrawn");
    }
    if lpa.status == LpaStatus::REGISTERED {
        return refuse("/type", "cannot withdraw a registered lpa");
    }
    if lpa.status == LpaStatus::CANNOT_REGISTER {
        return refuse("/type", "cannot withdraw an unregisterable lpa");
    }
    lpa.status = LpaStatus::WITHDRAWN;
    Ok(())
}

/// Marks every actor of `lpa` as signed, for tests that need a perfect LPA.
#[cfg(test)]
pub(crate) fn sign_everything(lpa: &mut Lpa) {
    let at = crate::model::Timestamp::parse("2024-01-01T00:00:00Z");
    lpa.certificate_provider.signed_at = at;
    for attorney in &mut lpa.attorneys {
        attorney.signed_at = at;
    }
    for tc in &mut lpa.trust_corporations {
        tc.signatories = vec![crate::model::Signatory {
            first_names: "Sig".into(),
            last_name: "Natory".into(),
            professional_title: "Director".into(),
            signed_at: at.expect("valid"),
        }];
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::fixture::{self, change, context};
    use super::*;

    #[test]
    fn waiting_period_needs_every_signature() {
        let mut lpa = fixture::lpa();
        let errors = statutory_waiting_period(&[], &mut lpa, &context()).unwrap_err();
        assert_eq!(
            errors,
            vec![FieldError::new("/type", "lpa must have a certificate")]
        );

        sign_everything(&mut lpa);
        statutory_waiting_period(&[], &mut lpa, &context()).unwrap();
        assert_eq!(lpa.status, LpaStatus::STATUTORY_WAITING_PERIOD);
    }

    #[test]
    fn removed_attorneys_need_not_sign() {
        let mut lpa = fixture::lpa();
        sign_everything(&mut lpa);
        lpa.attorneys[0].signed_at = None;
        lpa.attorneys[0].status = AttorneyStatus::REMOVED;
        statutory_waiting_period(&[], &mut lpa, &context()).unwrap();
    }

    #[test]
    fn register_sets_registration_date_only_after_waiting_period() {
        let mut lpa = fixture::lpa();
        let errors = register(&[], &mut lpa, &context()).unwrap_err();
        assert_eq!(
            errors,
            vec![FieldError::new(
                "/type",
                "status must be statutory-waiting-period to register"
            )]
        );
        lpa.status = LpaStatus::STATUTORY_WAITING_PERIOD;
        register(&[], &mut lpa, &context()).unwrap();
        assert_eq!(lpa.status, LpaStatus::REGISTERED);
        assert_eq!(lpa.registration_date, Some(context().now));
    }

    #[test]
    fn types_without_changes_refuse_a_change_list() {
        let mut lpa = fixture::lpa();
        let changes = [change("/status", json!(null), json!("registered"))];
        let errors = register(&changes, &mut lpa, &context()).unwrap_err();
        assert_eq!(errors, vec![FieldError::new("/changes", "expected empty")]);
    }

    #[test]
    fn status_change_follows_the_manual_transitions() {
        let mut lpa = fixture::lpa();
        let to = |status: &str| [change("/status", json!("in-progress"), json!(status))];
        let errors = opg_status_change(&to("registered"), &mut lpa, &context()).unwrap_err();
        assert_eq!(
            errors,
            vec![FieldError::new(
                "/status",
                "Lpa cannot be manually updated to this status"
            )]
        );
        let errors = opg_status_change(&to("cancelled"), &mut lpa, &context()).unwrap_err();
        assert_eq!(
            errors[0].detail,
            "Lpa status has to be registered while changing to cancelled"
        );
        opg_status_change(&to("cannot-register"), &mut lpa, &context()).unwrap();
        assert_eq!(lpa.status, LpaStatus::CANNOT_REGISTER);
    }

    #[test]
    fn withdrawal_is_refused_once_registered() {
        let mut lpa = fixture::lpa();
        lpa.status = LpaStatus::REGISTERED;
        let errors = donor_withdraw(&[], &mut lpa, &context()).unwrap_err();
        assert_eq!(
            errors,
            vec![FieldError::new("/type", "cannot withdraw a registered lpa")]
        );
    }
}
