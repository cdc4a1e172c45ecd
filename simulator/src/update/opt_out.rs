//! Opting out: the certificate provider, an attorney or a trust corporation declines to act.

use crate::model::Lpa;
use crate::problem::FieldError;

use super::{Change, Context};

/// `CERTIFICATE_PROVIDER_OPT_OUT`.
pub(super) fn certificate_provider(
    _changes: &[Change],
    _lpa: &mut Lpa,
    _ctx: &Context,
) -> Result<(), Vec<FieldError>> {
    Err(vec![FieldError::new(
        "/type",
        "CERTIFICATE_PROVIDER_OPT_OUT is being written",
    )])
}

/// `ATTORNEY_OPT_OUT`.
pub(super) fn attorney(
    _changes: &[Change],
    _lpa: &mut Lpa,
    _ctx: &Context,
) -> Result<(), Vec<FieldError>> {
    Err(vec![FieldError::new(
        "/type",
        "ATTORNEY_OPT_OUT is being written",
    )])
}

/// `TRUST_CORPORATION_OPT_OUT`.
pub(super) fn trust_corporation(
    _changes: &[Change],
    _lpa: &mut Lpa,
    _ctx: &Context,
) -> Result<(), Vec<FieldError>> {
    Err(vec![FieldError::new(
        "/type",
        "TRUST_CORPORATION_OPT_OUT is being written",
    )])
}
