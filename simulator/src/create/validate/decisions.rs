//! Checks of the choices an LPA records about how it works: how attorneys and replacements make
//! decisions, when replacements step in, and the fields that depend on the LPA type.
//!
//! Each choice is asked for only when it means something for the attorneys appointed (one
//! attorney cannot act "jointly"), and must be left out otherwise, so that the stored LPA never
//! holds a choice the donor was not offered.

use super::findings::{Findings, REQUIRED};
use crate::model::{
    CanUse, Channel, HowMakeDecisions, HowStepIn, LifeSustainingTreatment, Lpa, LpaType,
};

/// How the attorneys make decisions, and the details of a mixed arrangement.
///
/// A paper LPA carries the details as scanned pages, so a missing description is reported
/// against `howAttorneysMakeDecisionsDetailsImages`. The store decides that from the typed
/// details text, not from the images, and so does this check.
pub(super) fn attorneys(f: &mut Findings, lpa: &Lpa) {
    let mode = &lpa.how_attorneys_make_decisions;
    if lpa.active_attorney_count() > 1 {
        f.one_of(
            "howAttorneysMakeDecisions",
            mode.as_str(),
            HowMakeDecisions::ALL,
        );
    } else {
        f.absent("howAttorneysMakeDecisions", mode.as_str());
    }

    let details = &lpa.how_attorneys_make_decisions_details;
    let mixed = *mode == HowMakeDecisions::JOINTLY_FOR_SOME;
    if mixed && lpa.channel == Channel::ONLINE {
        f.required("howAttorneysMakeDecisionsDetails", details);
    } else if mixed && lpa.channel == Channel::PAPER {
        if details.is_empty() {
            f.report("howAttorneysMakeDecisionsDetailsImages", REQUIRED);
        }
    } else {
        f.absent("howAttorneysMakeDecisionsDetails", details);
    }
}

/// When replacements step in, and how, if "another way".
///
/// The choice only matters when attorneys act jointly and severally: under a joint appointment
/// one attorney stopping already ends it, so replacements step in then.
pub(super) fn step_in(f: &mut Findings, lpa: &Lpa) {
    let step_in = &lpa.how_replacement_attorneys_step_in;
    if lpa.replacement_attorney_count() > 0
        && lpa.how_attorneys_make_decisions == HowMakeDecisions::JOINTLY_AND_SEVERALLY
    {
        f.one_of(
            "howReplacementAttorneysStepIn",
            step_in.as_str(),
            HowStepIn::ALL,
        );
    }
    let details = &lpa.how_replacement_attorneys_step_in_details;
    if *step_in == HowStepIn::ANOTHER_WAY {
        f.required("howReplacementAttorneysStepInDetails", details);
    } else {
        f.absent("howReplacementAttorneysStepInDetails", details);
    }
}

/// How replacements make decisions once they act, and the details of a mixed arrangement.
pub(super) fn replacements(f: &mut Findings, lpa: &Lpa) {
    let mode = &lpa.how_replacement_attorneys_make_decisions;
    if replacements_decide_together(lpa) {
        f.one_of(
            "howReplacementAttorneysMakeDecisions",
            mode.as_str(),
            HowMakeDecisions::ALL,
        );
    } else {
        f.absent("howReplacementAttorneysMakeDecisions", mode.as_str());
    }
    let details = &lpa.how_replacement_attorneys_make_decisions_details;
    if *mode == HowMakeDecisions::JOINTLY_FOR_SOME {
        f.required("howReplacementAttorneysMakeDecisionsDetails", details);
    } else {
        f.absent("howReplacementAttorneysMakeDecisionsDetails", details);
    }
}

/// True when two or more replacements may act at once: after a sole attorney stops, when
/// jointly-acting attorneys are all replaced, or when jointly-and-severally acting attorneys
/// are replaced only once all have stopped.
fn replacements_decide_together(lpa: &Lpa) -> bool {
    let mode = &lpa.how_attorneys_make_decisions;
    lpa.replacement_attorney_count() > 1
        && (lpa.active_attorney_count() == 1
            || *mode == HowMakeDecisions::JOINTLY
            || (*mode == HowMakeDecisions::JOINTLY_AND_SEVERALLY
                && lpa.how_replacement_attorneys_step_in == HowStepIn::ALL_CAN_NO_LONGER_ACT))
}

/// The field each LPA type asks for, and the other type's field, which must be left out. An
/// LPA of no known type gets neither check: `/lpaType` is reported already.
pub(super) fn type_specific(f: &mut Findings, lpa: &Lpa) {
    let life_sustaining = lpa.life_sustaining_treatment_option.as_str();
    let when_used = lpa.when_the_lpa_can_be_used.as_str();
    if lpa.lpa_type == LpaType::PERSONAL_WELFARE {
        f.one_of(
            "lifeSustainingTreatmentOption",
            life_sustaining,
            LifeSustainingTreatment::ALL,
        );
        f.absent("whenTheLpaCanBeUsed", when_used);
    } else if lpa.lpa_type == LpaType::PROPERTY_AND_AFFAIRS {
        f.one_of("whenTheLpaCanBeUsed", when_used, CanUse::ALL);
        f.absent("lifeSustainingTreatmentOption", life_sustaining);
    }
}

#[cfg(test)]
mod tests {
    use super::super::findings::{INVALID_VALUE, NOT_PROVIDED};
    use super::*;
    use crate::create::fixture;
    use crate::model::Attorney;
    use crate::model::FieldError;

    /// An online LPA with `originals` active and `spares` replacement attorneys and no
    /// decision fields.
    fn lpa_with(originals: usize, spares: usize) -> Lpa {
        let mut attorneys: Vec<Attorney> = vec![fixture::original_attorney(); originals];
        attorneys.extend(vec![fixture::replacement_attorney(); spares]);
        Lpa {
            attorneys,
            trust_corporations: Vec::new(),
            how_attorneys_make_decisions: HowMakeDecisions::default(),
            how_replacement_attorneys_step_in: HowStepIn::default(),
            how_replacement_attorneys_make_decisions: HowMakeDecisions::default(),
            how_replacement_attorneys_make_decisions_details: String::new(),
            ..fixture::online_property_and_affairs()
        }
    }

    fn decision_findings(lpa: &Lpa) -> Vec<FieldError> {
        let mut f = Findings::default();
        attorneys(&mut f, lpa);
        step_in(&mut f, lpa);
        replacements(&mut f, lpa);
        type_specific(&mut f, lpa);
        f.into_errors()
    }

    fn one(source: &str, detail: &str) -> Vec<FieldError> {
        vec![FieldError::new(source, detail)]
    }

    #[test]
    fn single_attorney_with_decision_mode_reports_mode_not_provided() {
        let mut lpa = lpa_with(1, 0);
        lpa.how_attorneys_make_decisions = HowMakeDecisions::JOINTLY;

        assert_eq!(
            decision_findings(&lpa),
            one("/howAttorneysMakeDecisions", NOT_PROVIDED)
        );
    }

    #[test]
    fn two_active_attorneys_without_decision_mode_report_mode_required() {
        assert_eq!(
            decision_findings(&lpa_with(2, 0)),
            one("/howAttorneysMakeDecisions", REQUIRED)
        );
    }

    #[test]
    fn attorney_and_trust_corporation_count_as_two_active_attorneys() {
        let mut lpa = lpa_with(1, 0);
        lpa.trust_corporations = vec![fixture::trust_corporation()];
        lpa.how_attorneys_make_decisions = HowMakeDecisions::new("together");

        assert_eq!(
            decision_findings(&lpa),
            one("/howAttorneysMakeDecisions", INVALID_VALUE)
        );
    }

    #[test]
    fn online_mixed_decisions_without_details_report_details_required() {
        let mut lpa = lpa_with(2, 0);
        lpa.how_attorneys_make_decisions = HowMakeDecisions::JOINTLY_FOR_SOME;

        assert_eq!(
            decision_findings(&lpa),
            one("/howAttorneysMakeDecisionsDetails", REQUIRED)
        );
    }

    #[test]
    fn paper_mixed_decisions_without_details_report_details_images_required() {
        let mut lpa = lpa_with(2, 0);
        lpa.channel = Channel::PAPER;
        lpa.how_attorneys_make_decisions = HowMakeDecisions::JOINTLY_FOR_SOME;

        assert_eq!(
            decision_findings(&lpa),
            one("/howAttorneysMakeDecisionsDetailsImages", REQUIRED)
        );
    }

    #[test]
    fn joint_decisions_with_details_report_details_not_provided() {
        let mut lpa = lpa_with(2, 0);
        lpa.how_attorneys_make_decisions = HowMakeDecisions::JOINTLY;
        lpa.how_attorneys_make_decisions_details = "something".into();

        assert_eq!(
            decision_findings(&lpa),
            one("/howAttorneysMakeDecisionsDetails", NOT_PROVIDED)
        );
    }

    #[test]
    fn jointly_and_severally_with_replacements_without_step_in_reports_step_in_required() {
        let mut lpa = lpa_with(2, 2);
        lpa.how_attorneys_make_decisions = HowMakeDecisions::JOINTLY_AND_SEVERALLY;

        assert_eq!(
            decision_findings(&lpa),
            one("/howReplacementAttorneysStepIn", REQUIRED)
        );
    }

    #[test]
    fn stepping_in_another_way_without_details_reports_details_required() {
        let mut lpa = lpa_with(2, 2);
        lpa.how_attorneys_make_decisions = HowMakeDecisions::JOINTLY_AND_SEVERALLY;
        lpa.how_replacement_attorneys_step_in = HowStepIn::ANOTHER_WAY;

        assert_eq!(
            decision_findings(&lpa),
            one("/howReplacementAttorneysStepInDetails", REQUIRED)
        );
    }

    #[test]
    fn step_in_details_without_another_way_report_details_not_provided() {
        let mut lpa = lpa_with(1, 0);
        lpa.how_replacement_attorneys_step_in_details = "when the first dies".into();

        assert_eq!(
            decision_findings(&lpa),
            one("/howReplacementAttorneysStepInDetails", NOT_PROVIDED)
        );
    }

    #[test]
    fn two_replacements_for_a_sole_attorney_without_mode_report_mode_required() {
        assert_eq!(
            decision_findings(&lpa_with(1, 2)),
            one("/howReplacementAttorneysMakeDecisions", REQUIRED)
        );
    }

    #[test]
    fn two_replacements_after_all_severally_acting_attorneys_stop_need_a_mode() {
        let mut lpa = lpa_with(2, 2);
        lpa.how_attorneys_make_decisions = HowMakeDecisions::JOINTLY_AND_SEVERALLY;
        lpa.how_replacement_attorneys_step_in = HowStepIn::ALL_CAN_NO_LONGER_ACT;

        assert_eq!(
            decision_findings(&lpa),
            one("/howReplacementAttorneysMakeDecisions", REQUIRED)
        );
    }

    #[test]
    fn replacements_stepping_in_one_at_a_time_report_mode_not_provided() {
        let mut lpa = lpa_with(2, 2);
        lpa.how_attorneys_make_decisions = HowMakeDecisions::JOINTLY_AND_SEVERALLY;
        lpa.how_replacement_attorneys_step_in = HowStepIn::ONE_CAN_NO_LONGER_ACT;
        lpa.how_replacement_attorneys_make_decisions = HowMakeDecisions::JOINTLY;

        assert_eq!(
            decision_findings(&lpa),
            one("/howReplacementAttorneysMakeDecisions", NOT_PROVIDED)
        );
    }

    #[test]
    fn single_replacement_with_mode_reports_mode_not_provided() {
        let mut lpa = lpa_with(1, 1);
        lpa.how_replacement_attorneys_make_decisions = HowMakeDecisions::JOINTLY;

        assert_eq!(
            decision_findings(&lpa),
            one("/howReplacementAttorneysMakeDecisions", NOT_PROVIDED)
        );
    }

    #[test]
    fn mixed_replacement_decisions_without_details_report_details_required() {
        let mut lpa = lpa_with(1, 2);
        lpa.how_replacement_attorneys_make_decisions = HowMakeDecisions::JOINTLY_FOR_SOME;

        assert_eq!(
            decision_findings(&lpa),
            one("/howReplacementAttorneysMakeDecisionsDetails", REQUIRED)
        );
    }

    #[test]
    fn personal_welfare_needs_life_sustaining_treatment_and_refuses_when_used() {
        let mut lpa = lpa_with(1, 0);
        lpa.lpa_type = LpaType::PERSONAL_WELFARE;

        assert_eq!(
            decision_findings(&lpa),
            vec![
                FieldError::new("/lifeSustainingTreatmentOption", REQUIRED),
                FieldError::new("/whenTheLpaCanBeUsed", NOT_PROVIDED),
            ]
        );
    }

    #[test]
    fn property_and_affairs_needs_when_used_and_refuses_life_sustaining_treatment() {
        let mut lpa = lpa_with(1, 0);
        lpa.when_the_lpa_can_be_used = CanUse::default();
        lpa.life_sustaining_treatment_option = LifeSustainingTreatment::OPTION_A;

        assert_eq!(
            decision_findings(&lpa),
            vec![
                FieldError::new("/whenTheLpaCanBeUsed", REQUIRED),
                FieldError::new("/lifeSustainingTreatmentOption", NOT_PROVIDED),
            ]
        );
    }

    #[test]
    fn unknown_lpa_type_skips_type_specific_fields() {
        let mut lpa = lpa_with(1, 0);
        lpa.lpa_type = LpaType::new("health");
        lpa.life_sustaining_treatment_option = LifeSustainingTreatment::OPTION_A;

        assert_eq!(decision_findings(&lpa), Vec::new());
    }
}
