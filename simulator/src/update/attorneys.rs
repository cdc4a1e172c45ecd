//! Caseworker changes to attorneys: status changes and joint-decision capacity.

use crate::model::Lpa;
use crate::problem::FieldError;

use super::{Change, Context};

/// `CHANGE_ATTORNEYS`.
pub(super) fn change_attorneys(
    _changes: &[Change],
    _lpa: &mut Lpa,
    _ctx: &Context,
) -> Result<(), Vec<FieldError>> {
    Err(vec![FieldError::new(
        "/type",
        "CHANGE_ATTORNEYS is being written",
    )])
}

/// `ATTORNEY_DECISIONS`.
pub(super) fn attorney_decisions(
    _changes: &[Change],
    _lpa: &mut Lpa,
    _ctx: &Context,
) -> Result<(), Vec<FieldError>> {
    Err(vec![FieldError::new(
        "/type",
        "ATTORNEY_DECISIONS is being written",
    )])
}
