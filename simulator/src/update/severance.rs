//! Severance of restrictions and conditions.

use crate::model::Lpa;
use crate::problem::FieldError;

use super::{Change, Context};

/// `SEVER_RESTRICTIONS_AND_CONDITIONS`.
pub(super) fn sever(
    _changes: &[Change],
    _lpa: &mut Lpa,
    _ctx: &Context,
) -> Result<(), Vec<FieldError>> {
    Err(vec![FieldError::new(
        "/type",
        "SEVER_RESTRICTIONS_AND_CONDITIONS is being written",
    )])
}
