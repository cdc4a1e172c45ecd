//! Caseworker corrections, before and after registration.

use crate::model::Lpa;
use crate::problem::FieldError;

use super::{Change, Context};

/// `CORRECTION`.
pub(super) fn pre_registration(
    _changes: &[Change],
    _lpa: &mut Lpa,
    _ctx: &Context,
) -> Result<(), Vec<FieldError>> {
    Err(vec![FieldError::new(
        "/type",
        "CORRECTION is being written",
    )])
}

/// `POST_REGISTRATION_CORRECTION`.
pub(super) fn post_registration(
    _changes: &[Change],
    _lpa: &mut Lpa,
    _ctx: &Context,
) -> Result<(), Vec<FieldError>> {
    Err(vec![FieldError::new(
        "/type",
        "POST_REGISTRATION_CORRECTION is being written",
    )])
}
