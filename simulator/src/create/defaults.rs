//! Defaults the store applies before validating a new LPA (`lpa-store-domain.md` §5.4).
//!
//! The LP1 forms say what happens when the donor leaves a choice blank (attorneys act jointly;
//! a property-and-affairs LPA can be used while the donor has capacity; attorneys may not
//! decide on life-sustaining treatment). The store writes those outcomes into the LPA and sets
//! the matching `…IsDefault` flag, so readers can tell the donor's choice from the form's.
//! A value the caller sent, valid or not, is never replaced: validation judges it.

use crate::model::{CanUse, HowMakeDecisions, HowStepIn, LifeSustainingTreatment, Lpa, LpaType};

/// Fills in the decision modes, when-used choice and life-sustaining-treatment option left blank.
pub(super) fn apply(lpa: &mut Lpa) {
    // Order matters: the replacement default looks at the attorneys' mode, defaulted or not.
    default_attorney_decisions(lpa);
    default_replacement_decisions(lpa);
    default_type_specific_choice(lpa);
}

/// More than one active attorney and no mode: they act jointly.
fn default_attorney_decisions(lpa: &mut Lpa) {
    if lpa.active_attorney_count() > 1 && lpa.how_attorneys_make_decisions.is_unset() {
        lpa.how_attorneys_make_decisions = HowMakeDecisions::JOINTLY;
        lpa.how_attorneys_make_decisions_is_default = true;
    }
}

/// More than one replacement who may act together and no mode: they act jointly.
///
/// "May act together" here is the store's defaulting rule, which is broader than the rule its
/// validation applies (`validate::decisions`): with, say, two attorneys acting jointly for some
/// decisions and two replacements, the store fills in `jointly` and validation then reports the
/// field as not to be provided. The simulator keeps both rules as the store has them.
fn default_replacement_decisions(lpa: &mut Lpa) {
    let may_act_together = lpa.replacement_attorney_count() > 1
        && (lpa.how_replacement_attorneys_step_in == HowStepIn::ALL_CAN_NO_LONGER_ACT
            || lpa.how_attorneys_make_decisions != HowMakeDecisions::JOINTLY_AND_SEVERALLY);
    if may_act_together && lpa.how_replacement_attorneys_make_decisions.is_unset() {
        lpa.how_replacement_attorneys_make_decisions = HowMakeDecisions::JOINTLY;
        lpa.how_replacement_attorneys_make_decisions_is_default = true;
    }
}

/// The blank choice of each LPA type: usable while the donor has capacity (property and
/// affairs), or option B, attorneys cannot decide on life-sustaining treatment (personal
/// welfare).
fn default_type_specific_choice(lpa: &mut Lpa) {
    if lpa.lpa_type == LpaType::PROPERTY_AND_AFFAIRS && lpa.when_the_lpa_can_be_used.is_unset() {
        lpa.when_the_lpa_can_be_used = CanUse::WHEN_HAS_CAPACITY;
        lpa.when_the_lpa_can_be_used_is_default = true;
    }
    if lpa.lpa_type == LpaType::PERSONAL_WELFARE && lpa.life_sustaining_treatment_option.is_unset()
    {
        lpa.life_sustaining_treatment_option = LifeSustainingTreatment::OPTION_B;
        lpa.life_sustaining_treatment_option_is_default = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::create::fixture;
    use crate::model::Attorney;

    /// An LPA of no type with `originals` active and `spares` replacement attorneys.
    fn lpa_with(originals: usize, spares: usize) -> Lpa {
        let mut attorneys: Vec<Attorney> = vec![fixture::original_attorney(); originals];
        attorneys.extend(vec![fixture::replacement_attorney(); spares]);
        Lpa {
            attorneys,
            ..Lpa::default()
        }
    }

    fn defaulted(mut lpa: Lpa) -> Lpa {
        apply(&mut lpa);
        lpa
    }

    #[test]
    fn empty_lpa_gets_no_defaults() {
        assert_eq!(defaulted(Lpa::default()), Lpa::default());
    }

    #[test]
    fn two_active_attorneys_default_to_jointly() {
        let lpa = defaulted(lpa_with(2, 0));

        assert_eq!(lpa.how_attorneys_make_decisions, HowMakeDecisions::JOINTLY);
        assert!(lpa.how_attorneys_make_decisions_is_default);
    }

    #[test]
    fn attorney_and_trust_corporation_default_to_jointly() {
        let mut lpa = lpa_with(1, 0);
        lpa.trust_corporations = vec![fixture::trust_corporation()];

        let lpa = defaulted(lpa);

        assert_eq!(lpa.how_attorneys_make_decisions, HowMakeDecisions::JOINTLY);
        assert!(lpa.how_attorneys_make_decisions_is_default);
    }

    #[test]
    fn single_active_attorney_gets_no_decision_mode() {
        let lpa = defaulted(lpa_with(1, 1));

        assert!(lpa.how_attorneys_make_decisions.is_unset());
        assert!(!lpa.how_attorneys_make_decisions_is_default);
    }

    #[test]
    fn chosen_decision_mode_is_kept_and_not_flagged_as_default() {
        let mut lpa = lpa_with(2, 0);
        lpa.how_attorneys_make_decisions = HowMakeDecisions::new("whatever");

        let lpa = defaulted(lpa);

        assert_eq!(lpa.how_attorneys_make_decisions.as_str(), "whatever");
        assert!(!lpa.how_attorneys_make_decisions_is_default);
    }

    #[test]
    fn two_replacements_of_jointly_acting_attorneys_default_to_jointly() {
        let mut lpa = lpa_with(0, 2);
        lpa.how_attorneys_make_decisions = HowMakeDecisions::JOINTLY;

        let lpa = defaulted(lpa);

        assert_eq!(
            lpa.how_replacement_attorneys_make_decisions,
            HowMakeDecisions::JOINTLY
        );
        assert!(lpa.how_replacement_attorneys_make_decisions_is_default);
    }

    #[test]
    fn two_replacements_stepping_in_when_all_stop_default_to_jointly() {
        let mut lpa = lpa_with(2, 2);
        lpa.how_attorneys_make_decisions = HowMakeDecisions::JOINTLY_AND_SEVERALLY;
        lpa.how_replacement_attorneys_step_in = HowStepIn::ALL_CAN_NO_LONGER_ACT;

        let lpa = defaulted(lpa);

        assert_eq!(
            lpa.how_replacement_attorneys_make_decisions,
            HowMakeDecisions::JOINTLY
        );
        assert!(lpa.how_replacement_attorneys_make_decisions_is_default);
    }

    #[test]
    fn replacements_of_severally_acting_attorneys_without_step_in_get_no_default() {
        let mut lpa = lpa_with(0, 2);
        lpa.how_attorneys_make_decisions = HowMakeDecisions::JOINTLY_AND_SEVERALLY;

        let lpa = defaulted(lpa);

        assert!(lpa.how_replacement_attorneys_make_decisions.is_unset());
        assert!(!lpa.how_replacement_attorneys_make_decisions_is_default);
    }

    #[test]
    fn single_replacement_gets_no_replacement_mode() {
        let lpa = defaulted(lpa_with(2, 1));

        assert!(lpa.how_replacement_attorneys_make_decisions.is_unset());
    }

    #[test]
    fn defaulted_attorney_mode_leads_to_defaulted_replacement_mode() {
        let lpa = defaulted(lpa_with(2, 2));

        assert!(lpa.how_attorneys_make_decisions_is_default);
        assert_eq!(
            lpa.how_replacement_attorneys_make_decisions,
            HowMakeDecisions::JOINTLY
        );
        assert!(lpa.how_replacement_attorneys_make_decisions_is_default);
    }

    #[test]
    fn property_and_affairs_defaults_to_usable_while_donor_has_capacity() {
        let mut lpa = lpa_with(1, 0);
        lpa.lpa_type = LpaType::PROPERTY_AND_AFFAIRS;

        let lpa = defaulted(lpa);

        assert_eq!(lpa.when_the_lpa_can_be_used, CanUse::WHEN_HAS_CAPACITY);
        assert!(lpa.when_the_lpa_can_be_used_is_default);
        assert!(lpa.life_sustaining_treatment_option.is_unset());
    }

    #[test]
    fn personal_welfare_defaults_to_life_sustaining_treatment_option_b() {
        let mut lpa = lpa_with(1, 0);
        lpa.lpa_type = LpaType::PERSONAL_WELFARE;

        let lpa = defaulted(lpa);

        assert_eq!(
            lpa.life_sustaining_treatment_option,
            LifeSustainingTreatment::OPTION_B
        );
        assert!(lpa.life_sustaining_treatment_option_is_default);
        assert!(lpa.when_the_lpa_can_be_used.is_unset());
    }

    #[test]
    fn complete_lpas_are_left_unchanged() {
        for lpa in [
            fixture::online_property_and_affairs(),
            fixture::online_personal_welfare(),
        ] {
            assert_eq!(defaulted(lpa.clone()), lpa);
        }
    }
}
