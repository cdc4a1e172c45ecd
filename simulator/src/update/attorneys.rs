//! Caseworker changes to attorneys: status changes (removal, a replacement stepping in) and
//! which attorneys cannot make joint decisions.

use crate::model::FieldError;
use crate::model::{AppointmentType, Attorney, AttorneyStatus, HowMakeDecisions, Lpa, Note};

use super::parser::{FieldValue, Parser, Rule, check};
use super::{Change, Context, errors_or_ok};

/// `CHANGE_ATTORNEYS`: sets the status of one or more attorneys, each addressed by index or UID.
///
/// An active attorney cannot be made inactive and a removed one cannot be made active again.
/// A removal leaves an `ATTORNEY_REMOVED_V1` note, a replacement made active a
/// `REPLACEMENT_ATTORNEY_ENABLED_V1` note.
pub(super) fn change_attorneys(
    changes: &[Change],
    lpa: &mut Lpa,
    ctx: &Context,
) -> Result<(), Vec<FieldError>> {
    let statuses = read_each_attorney(changes, lpa, "/status", |attorney| {
        (
            attorney.status.clone(),
            Rule::required().with_validator(check::valid),
        )
    })?;
    for (index, status) in statuses {
        change_status(lpa, index, status, ctx)?;
    }
    Ok(())
}

/// `ATTORNEY_DECISIONS`: records whether one or more attorneys cannot make joint decisions.
///
/// Only meaningful where the attorney's group (original or replacement) acts jointly for some
/// decisions and severally for others; anywhere else the change is refused.
pub(super) fn attorney_decisions(
    changes: &[Change],
    lpa: &mut Lpa,
    _ctx: &Context,
) -> Result<(), Vec<FieldError>> {
    let decisions = read_each_attorney(changes, lpa, "/cannotMakeJointDecisions", |attorney| {
        (attorney.cannot_make_joint_decisions, Rule::required())
    })?;
    for (index, cannot_make_joint_decisions) in decisions {
        let attorney = &lpa.attorneys[index];
        let mode = if attorney.appointment_type == AppointmentType::ORIGINAL {
            Some(&lpa.how_attorneys_make_decisions)
        } else if attorney.appointment_type == AppointmentType::REPLACEMENT {
            Some(&lpa.how_replacement_attorneys_make_decisions)
        } else {
            None
        };
        if mode.is_some_and(|mode| *mode != HowMakeDecisions::JOINTLY_FOR_SOME) {
            return Err(vec![FieldError::new(
                format!("/attorneys/{index}/cannotMakeJointDecisions"),
                "The appointment type must be jointly for some and severally for others",
            )]);
        }
        lpa.attorneys[index].cannot_make_joint_decisions = cannot_make_joint_decisions;
    }
    Ok(())
}

/// Reads `/attorneys/{index|uid}{key}` for every attorney the changes name, each required key
/// starting from the attorney's current value and read with the rule `start` gives. Answers the
/// attorneys' indexes with the values read, in the parser's order.
fn read_each_attorney<T: FieldValue>(
    changes: &[Change],
    lpa: &Lpa,
    key: &str,
    start: impl Fn(&Attorney) -> (T, Rule<T>),
) -> Result<Vec<(usize, T)>, Vec<FieldError>> {
    let mut values = Vec::new();
    let errors = Parser::new(changes)
        .prefix("/attorneys", false, |p| {
            p.each(|segment, p| {
                let Some(index) = lpa.find_attorney(segment) else {
                    p.out_of_range();
                    return;
                };
                let (mut value, rule) = start(&lpa.attorneys[index]);
                p.field(key, &mut value, rule).consumed();
                values.push((index, value));
            });
        })
        .consumed()
        .finish();
    errors_or_ok(errors).map(|()| values)
}

/// Applies one status change, refusing the two forbidden transitions at the attorney's status.
fn change_status(
    lpa: &mut Lpa,
    index: usize,
    status: AttorneyStatus,
    ctx: &Context,
) -> Result<(), Vec<FieldError>> {
    let attorney = &mut lpa.attorneys[index];
    let refusal = if status == AttorneyStatus::INACTIVE && attorney.status == AttorneyStatus::ACTIVE
    {
        Some("An active attorney cannot be made inactive")
    } else if status == AttorneyStatus::ACTIVE && attorney.status == AttorneyStatus::REMOVED {
        Some("A removed attorney cannot be made active")
    } else {
        None
    };
    if let Some(detail) = refusal {
        return Err(vec![FieldError::new(
            format!("/attorneys/{index}/status"),
            detail,
        )]);
    }
    let note_type = if status == AttorneyStatus::REMOVED {
        Some("ATTORNEY_REMOVED_V1")
    } else if status == AttorneyStatus::ACTIVE
        && attorney.appointment_type == AppointmentType::REPLACEMENT
    {
        Some("REPLACEMENT_ATTORNEY_ENABLED_V1")
    } else {
        None
    };
    attorney.status = status;
    if let Some(note_type) = note_type {
        let full_name = attorney.full_name();
        lpa.notes
            .push(Note::at(note_type, ctx.now, &[("fullName", full_name)]));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::fixture::{self, ATTORNEY_UID, REPLACEMENT_ATTORNEY_UID, change, context};
    use super::*;

    fn note(note_type: &str, full_name: &str) -> Note {
        Note::at(
            note_type,
            context().now,
            &[("fullName", full_name.to_owned())],
        )
    }

    fn with_replacement() -> Lpa {
        let mut lpa = fixture::lpa();
        lpa.attorneys.push(fixture::replacement_attorney());
        lpa
    }

    #[test]
    fn removing_an_attorney_and_enabling_a_replacement_leave_notes() {
        let mut lpa = with_replacement();
        let changes = [
            change(
                &format!("/attorneys/{REPLACEMENT_ATTORNEY_UID}/status"),
                json!("inactive"),
                json!("active"),
            ),
            change("/attorneys/0/status", json!("active"), json!("removed")),
        ];
        change_attorneys(&changes, &mut lpa, &context()).unwrap();
        assert_eq!(lpa.attorneys[0].status, AttorneyStatus::REMOVED);
        assert_eq!(lpa.attorneys[1].status, AttorneyStatus::ACTIVE);
        assert_eq!(
            lpa.notes,
            vec![
                note("REPLACEMENT_ATTORNEY_ENABLED_V1", "Ida Reeve"),
                note("ATTORNEY_REMOVED_V1", "Jake Vallar"),
            ],
            "attorneys are changed in the order they are first named"
        );
    }

    #[test]
    fn active_attorney_cannot_be_made_inactive() {
        let mut lpa = fixture::lpa();
        let key = format!("/attorneys/{ATTORNEY_UID}/status");
        let changes = [change(&key, json!("active"), json!("inactive"))];
        let errors = change_attorneys(&changes, &mut lpa, &context()).unwrap_err();
        assert_eq!(
            errors,
            vec![FieldError::new(
                "/attorneys/0/status",
                "An active attorney cannot be made inactive"
            )]
        );
    }

    #[test]
    fn removed_attorney_cannot_be_made_active() {
        let mut lpa = fixture::lpa();
        lpa.attorneys[0].status = AttorneyStatus::REMOVED;
        let changes = [change(
            "/attorneys/0/status",
            json!("removed"),
            json!("active"),
        )];
        let errors = change_attorneys(&changes, &mut lpa, &context()).unwrap_err();
        assert_eq!(
            errors,
            vec![FieldError::new(
                "/attorneys/0/status",
                "A removed attorney cannot be made active"
            )]
        );
    }

    #[test]
    fn inactive_replacement_may_be_removed_without_acting() {
        let mut lpa = with_replacement();
        let changes = [change(
            "/attorneys/1/status",
            json!("inactive"),
            json!("removed"),
        )];
        change_attorneys(&changes, &mut lpa, &context()).unwrap();
        assert_eq!(lpa.attorneys[1].status, AttorneyStatus::REMOVED);
        assert_eq!(lpa.notes, vec![note("ATTORNEY_REMOVED_V1", "Ida Reeve")]);
    }

    #[test]
    fn status_changes_are_checked_like_any_change() {
        let mut lpa = fixture::lpa();
        let changes = [
            change("/attorneys/0/status", json!("active"), json!("in-progress")),
            change("/attorneys/3/status", json!("active"), json!("removed")),
            change("/attorneys", json!(null), json!("removed")),
        ];
        let errors = change_attorneys(&changes, &mut lpa, &context()).unwrap_err();
        assert_eq!(
            errors,
            vec![
                FieldError::new("/changes/0/new", "invalid value"),
                FieldError::new("/changes/1/key", "index out of range"),
                FieldError::new("/changes/2", "unexpected change provided"),
            ]
        );
    }

    #[test]
    fn change_attorneys_without_changes_is_missing_attorneys() {
        let mut lpa = fixture::lpa();
        let errors = change_attorneys(&[], &mut lpa, &context()).unwrap_err();
        assert_eq!(
            errors,
            vec![FieldError::new("/changes", "missing /attorneys/...")]
        );
        let other_key = [change("/attorneys/0/email", json!(null), json!("a@b.c"))];
        let errors = change_attorneys(&other_key, &mut lpa, &context()).unwrap_err();
        assert_eq!(
            errors,
            vec![
                FieldError::new("/changes", "missing /attorneys/0/status"),
                FieldError::new("/changes/0", "unexpected change provided"),
            ]
        );
    }

    #[test]
    fn joint_decisions_are_recorded_when_attorneys_act_jointly_for_some() {
        let mut lpa = with_replacement();
        lpa.how_attorneys_make_decisions = HowMakeDecisions::JOINTLY_FOR_SOME;
        let changes = [change(
            &format!("/attorneys/{ATTORNEY_UID}/cannotMakeJointDecisions"),
            json!(false),
            json!(true),
        )];
        attorney_decisions(&changes, &mut lpa, &context()).unwrap();
        assert!(lpa.attorneys[0].cannot_make_joint_decisions);
        assert!(lpa.notes.is_empty());
    }

    #[test]
    fn joint_decisions_of_a_replacement_follow_the_replacement_mode() {
        let mut lpa = with_replacement();
        lpa.how_attorneys_make_decisions = HowMakeDecisions::JOINTLY_FOR_SOME;
        let changes = [change(
            "/attorneys/1/cannotMakeJointDecisions",
            json!(null),
            json!(true),
        )];
        let errors = attorney_decisions(&changes, &mut lpa, &context()).unwrap_err();
        assert_eq!(
            errors,
            vec![FieldError::new(
                "/attorneys/1/cannotMakeJointDecisions",
                "The appointment type must be jointly for some and severally for others"
            )]
        );
        lpa.how_replacement_attorneys_make_decisions = HowMakeDecisions::JOINTLY_FOR_SOME;
        attorney_decisions(&changes, &mut lpa, &context()).unwrap();
        assert!(lpa.attorneys[1].cannot_make_joint_decisions);
    }

    #[test]
    fn joint_decisions_are_refused_when_attorneys_act_jointly() {
        let mut lpa = fixture::lpa();
        let changes = [change(
            "/attorneys/0/cannotMakeJointDecisions",
            json!(false),
            json!(true),
        )];
        let errors = attorney_decisions(&changes, &mut lpa, &context()).unwrap_err();
        assert_eq!(
            errors,
            vec![FieldError::new(
                "/attorneys/0/cannotMakeJointDecisions",
                "The appointment type must be jointly for some and severally for others"
            )]
        );
        assert!(!lpa.attorneys[0].cannot_make_joint_decisions);
    }

    #[test]
    fn joint_decisions_must_be_booleans() {
        let mut lpa = fixture::lpa();
        let changes = [change(
            "/attorneys/0/cannotMakeJointDecisions",
            json!(false),
            json!("yes"),
        )];
        let errors = attorney_decisions(&changes, &mut lpa, &context()).unwrap_err();
        assert_eq!(
            errors,
            vec![FieldError::new("/changes/0/new", "unexpected type")]
        );
    }
}
