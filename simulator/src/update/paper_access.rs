//! Paper actors who continue online.

use crate::model::Lpa;
use crate::problem::FieldError;

use super::{Change, Context};

/// `PAPER_CERTIFICATE_PROVIDER_ACCESS_ONLINE`.
pub(super) fn certificate_provider(
    _changes: &[Change],
    _lpa: &mut Lpa,
    _ctx: &Context,
) -> Result<(), Vec<FieldError>> {
    Err(vec![FieldError::new(
        "/type",
        "PAPER_CERTIFICATE_PROVIDER_ACCESS_ONLINE is being written",
    )])
}

/// `PAPER_ATTORNEY_ACCESS_ONLINE`.
pub(super) fn attorney(
    _changes: &[Change],
    _lpa: &mut Lpa,
    _ctx: &Context,
) -> Result<(), Vec<FieldError>> {
    Err(vec![FieldError::new(
        "/type",
        "PAPER_ATTORNEY_ACCESS_ONLINE is being written",
    )])
}
