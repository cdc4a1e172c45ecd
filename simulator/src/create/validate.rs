//! Create-time validation of an LPA (`lpa-store-domain.md` §5.3).

use crate::model::Lpa;
use crate::problem::FieldError;

/// Every finding, with a JSON-pointer source into the request document.
pub(super) fn validate(_lpa: &Lpa) -> Vec<FieldError> {
    Vec::new()
}
