//! Identity confirmations of the donor and the certificate provider.

use crate::model::Lpa;
use crate::problem::FieldError;

use super::{Change, Context};

/// `DONOR_CONFIRM_IDENTITY`.
pub(super) fn donor(
    _changes: &[Change],
    _lpa: &mut Lpa,
    _ctx: &Context,
) -> Result<(), Vec<FieldError>> {
    Err(vec![FieldError::new(
        "/type",
        "DONOR_CONFIRM_IDENTITY is being written",
    )])
}

/// `CERTIFICATE_PROVIDER_CONFIRM_IDENTITY`.
pub(super) fn certificate_provider(
    _changes: &[Change],
    _lpa: &mut Lpa,
    _ctx: &Context,
) -> Result<(), Vec<FieldError>> {
    Err(vec![FieldError::new(
        "/type",
        "CERTIFICATE_PROVIDER_CONFIRM_IDENTITY is being written",
    )])
}
