//! Corrections to how attorneys make decisions, how replacements step in, and when the LPA can be
//! used. Each key is offered only where it means something for the LPA at hand, under the same
//! conditions as at creation (`lpa-store-domain.md` §5.3); elsewhere it is an unexpected change.

use crate::model::{CanUse, HowMakeDecisions, HowStepIn, LifeSustainingTreatment, Lpa, LpaType};

use super::super::parser::{Parser, Rule, check};

/// The decision fields a correction may change.
///
/// The modes, the two decision details, the life-sustaining treatment option and when the LPA
/// can be used start empty (`old` is checked against the stored value all the same): a mode
/// left empty is not written back, but the details always are. So while a mode is
/// `jointly-for-some-severally-for-others` its details must come with every correction, and
/// moving away from that mode clears them, as in the store. The step-in fields start from the
/// stored values.
pub(super) struct Decisions {
    how_attorneys: HowMakeDecisions,
    how_attorneys_details: String,
    step_in: HowStepIn,
    step_in_details: String,
    how_replacements: HowMakeDecisions,
    how_replacements_details: String,
    life_sustaining_treatment: LifeSustainingTreatment,
    when_can_be_used: CanUse,
}

impl Decisions {
    /// Starts as described on [`Decisions`].
    pub(super) fn from_lpa(lpa: &Lpa) -> Self {
        Self {
            how_attorneys: HowMakeDecisions::default(),
            how_attorneys_details: String::new(),
            step_in: lpa.how_replacement_attorneys_step_in.clone(),
            step_in_details: lpa.how_replacement_attorneys_step_in_details.clone(),
            how_replacements: HowMakeDecisions::default(),
            how_replacements_details: String::new(),
            life_sustaining_treatment: LifeSustainingTreatment::default(),
            when_can_be_used: CanUse::default(),
        }
    }

    /// Reads the top-level decision keys that are meaningful for `lpa`.
    pub(super) fn read(&mut self, parser: &mut Parser, lpa: &Lpa) {
        let jointly_and_severally = self.read_attorneys(parser, lpa);
        self.read_step_in(parser, lpa, jointly_and_severally);
        self.read_replacements(parser, lpa, jointly_and_severally);
        self.read_use(parser, lpa);
    }

    /// How original attorneys decide: the mode only with more than one active attorney, its
    /// details required exactly when the mode (new, else stored) is jointly for some and
    /// severally for others. Answers whether that mode is jointly and severally.
    fn read_attorneys(&mut self, parser: &mut Parser, lpa: &Lpa) -> bool {
        let stored = &lpa.how_attorneys_make_decisions;
        if lpa.active_attorney_count() > 1 {
            parser.field_with_old(
                "/howAttorneysMakeDecisions",
                &mut self.how_attorneys,
                stored,
                Rule::optional().with_validator(check::valid),
            );
        }
        let mode = effective(&self.how_attorneys, stored).clone();
        parser.field_with_old(
            "/howAttorneysMakeDecisionsDetails",
            &mut self.how_attorneys_details,
            &lpa.how_attorneys_make_decisions_details,
            details_rule(mode == HowMakeDecisions::JOINTLY_FOR_SOME),
        );
        mode == HowMakeDecisions::JOINTLY_AND_SEVERALLY
    }

    /// How replacements step in: only when there are replacements and the attorneys act jointly
    /// and severally; its details required exactly when the way is `another-way`.
    fn read_step_in(&mut self, parser: &mut Parser, lpa: &Lpa, jointly_and_severally: bool) {
        if lpa.replacement_attorney_count() > 0 && jointly_and_severally {
            parser.field(
                "/howReplacementAttorneysStepIn",
                &mut self.step_in,
                Rule::optional().with_validator(check::valid),
            );
        }
        let another_way = self.step_in == HowStepIn::ANOTHER_WAY;
        parser.field(
            "/howReplacementAttorneysStepInDetails",
            &mut self.step_in_details,
            details_rule(another_way),
        );
    }

    /// How replacements decide: the mode only with more than one replacement who will all step
    /// in together; its details as for original attorneys.
    fn read_replacements(&mut self, parser: &mut Parser, lpa: &Lpa, jointly_and_severally: bool) {
        let stored = &lpa.how_replacement_attorneys_make_decisions;
        let step_in_together =
            self.step_in == HowStepIn::ALL_CAN_NO_LONGER_ACT || !jointly_and_severally;
        if lpa.replacement_attorney_count() > 1 && step_in_together {
            parser.field_with_old(
                "/howReplacementAttorneysMakeDecisions",
                &mut self.how_replacements,
                stored,
                Rule::optional().with_validator(check::valid),
            );
        }
        let jointly_for_some =
            *effective(&self.how_replacements, stored) == HowMakeDecisions::JOINTLY_FOR_SOME;
        parser.field_with_old(
            "/howReplacementAttorneysMakeDecisionsDetails",
            &mut self.how_replacements_details,
            &lpa.how_replacement_attorneys_make_decisions_details,
            details_rule(jointly_for_some),
        );
    }

    /// The life-sustaining treatment option of a personal-welfare LPA, or when a
    /// property-and-affairs LPA can be used.
    fn read_use(&mut self, parser: &mut Parser, lpa: &Lpa) {
        if lpa.lpa_type == LpaType::PERSONAL_WELFARE {
            parser.field_with_old(
                "/lifeSustainingTreatmentOption",
                &mut self.life_sustaining_treatment,
                &lpa.life_sustaining_treatment_option,
                Rule::optional().with_validator(check::valid),
            );
        }
        if lpa.lpa_type == LpaType::PROPERTY_AND_AFFAIRS {
            parser.field_with_old(
                "/whenTheLpaCanBeUsed",
                &mut self.when_can_be_used,
                &lpa.when_the_lpa_can_be_used,
                Rule::optional().with_validator(check::valid),
            );
        }
    }

    /// Writes back as described on [`Decisions`]; a mode that is set is no longer the store's
    /// default.
    pub(super) fn apply(self, lpa: &mut Lpa) {
        if !self.how_attorneys.is_unset() {
            lpa.how_attorneys_make_decisions = self.how_attorneys;
            lpa.how_attorneys_make_decisions_is_default = false;
        }
        if !self.how_replacements.is_unset() {
            lpa.how_replacement_attorneys_make_decisions = self.how_replacements;
            lpa.how_replacement_attorneys_make_decisions_is_default = false;
        }
        if !self.life_sustaining_treatment.is_unset() {
            lpa.life_sustaining_treatment_option = self.life_sustaining_treatment;
            lpa.life_sustaining_treatment_option_is_default = false;
        }
        if !self.when_can_be_used.is_unset() {
            lpa.when_the_lpa_can_be_used = self.when_can_be_used;
            lpa.when_the_lpa_can_be_used_is_default = false;
        }
        lpa.how_attorneys_make_decisions_details = self.how_attorneys_details;
        lpa.how_replacement_attorneys_step_in = self.step_in;
        lpa.how_replacement_attorneys_step_in_details = self.step_in_details;
        lpa.how_replacement_attorneys_make_decisions_details = self.how_replacements_details;
    }
}

/// The new mode if one was given, else the stored one.
fn effective<'a>(new: &'a HowMakeDecisions, stored: &'a HowMakeDecisions) -> &'a HowMakeDecisions {
    if new.is_unset() { stored } else { new }
}

/// Details are required in the mode that needs them and must stay empty otherwise.
fn details_rule(needed: bool) -> Rule<String> {
    if needed {
        Rule::required().with_validator(check::not_empty)
    } else {
        Rule::optional().with_validator(check::empty)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::super::fixture::{self, change, context};
    use super::super::pre_registration;
    use super::*;
    use crate::model::AttorneyStatus;
    use crate::model::FieldError;

    #[test]
    fn decision_mode_is_unexpected_with_a_single_active_attorney() {
        let mut lpa = fixture::lpa();
        lpa.trust_corporations[0].status = AttorneyStatus::REMOVED;
        let changes = [change(
            "/howAttorneysMakeDecisions",
            json!("jointly"),
            json!("jointly-and-severally"),
        )];
        let errors = pre_registration(&changes, &mut lpa, &context()).unwrap_err();
        assert_eq!(
            errors,
            vec![FieldError::new("/changes/0", "unexpected change provided")]
        );
    }

    #[test]
    fn decision_mode_jointly_for_some_needs_details_and_is_no_longer_default() {
        let mut lpa = fixture::lpa();
        lpa.how_attorneys_make_decisions_is_default = true;
        let mode = change(
            "/howAttorneysMakeDecisions",
            json!("jointly"),
            json!("jointly-for-some-severally-for-others"),
        );
        let errors =
            pre_registration(std::slice::from_ref(&mode), &mut lpa, &context()).unwrap_err();
        assert_eq!(
            errors,
            vec![FieldError::new(
                "/changes",
                "missing /howAttorneysMakeDecisionsDetails"
            )]
        );

        let details = change(
            "/howAttorneysMakeDecisionsDetails",
            json!(null),
            json!("Jointly for the house"),
        );
        pre_registration(&[mode, details], &mut lpa, &context()).unwrap();
        assert_eq!(
            lpa.how_attorneys_make_decisions,
            HowMakeDecisions::JOINTLY_FOR_SOME
        );
        assert_eq!(
            lpa.how_attorneys_make_decisions_details,
            "Jointly for the house"
        );
        assert!(!lpa.how_attorneys_make_decisions_is_default);
    }

    #[test]
    fn leaving_jointly_for_some_clears_its_details() {
        let mut lpa = fixture::lpa();
        lpa.how_attorneys_make_decisions = HowMakeDecisions::JOINTLY_FOR_SOME;
        lpa.how_attorneys_make_decisions_details = "Jointly for the house".into();
        let changes = [change(
            "/howAttorneysMakeDecisions",
            json!("jointly-for-some-severally-for-others"),
            json!("jointly"),
        )];
        pre_registration(&changes, &mut lpa, &context()).unwrap();
        assert_eq!(lpa.how_attorneys_make_decisions, HowMakeDecisions::JOINTLY);
        assert_eq!(lpa.how_attorneys_make_decisions_details, "");
    }

    #[test]
    fn details_must_not_be_provided_outside_their_mode() {
        let mut lpa = fixture::lpa();
        let changes = [
            change(
                "/howAttorneysMakeDecisionsDetails",
                json!(null),
                json!("Some"),
            ),
            change(
                "/howReplacementAttorneysStepInDetails",
                json!(null),
                json!("Some"),
            ),
        ];
        let errors = pre_registration(&changes, &mut lpa, &context()).unwrap_err();
        assert_eq!(
            errors,
            vec![
                FieldError::new("/changes/0/new", "field must not be provided"),
                FieldError::new("/changes/1/new", "field must not be provided"),
            ]
        );
    }

    #[test]
    fn invalid_mode_is_an_invalid_value() {
        let mut lpa = fixture::lpa();
        let changes = [change(
            "/howAttorneysMakeDecisions",
            json!("jointly"),
            json!("severally"),
        )];
        let errors = pre_registration(&changes, &mut lpa, &context()).unwrap_err();
        assert_eq!(
            errors,
            vec![FieldError::new("/changes/0/new", "invalid value")]
        );
    }

    #[test]
    fn life_sustaining_treatment_is_corrected_on_personal_welfare_only() {
        let mut lpa = fixture::lpa();
        lpa.life_sustaining_treatment_option_is_default = true;
        let changes = [change(
            "/lifeSustainingTreatmentOption",
            json!("option-a"),
            json!("option-b"),
        )];
        pre_registration(&changes, &mut lpa, &context()).unwrap();
        assert_eq!(
            lpa.life_sustaining_treatment_option,
            LifeSustainingTreatment::OPTION_B
        );
        assert!(!lpa.life_sustaining_treatment_option_is_default);

        let changes = [change(
            "/whenTheLpaCanBeUsed",
            json!(null),
            json!("when-capacity-lost"),
        )];
        let errors = pre_registration(&changes, &mut lpa, &context()).unwrap_err();
        assert_eq!(
            errors,
            vec![FieldError::new("/changes/0", "unexpected change provided")]
        );
    }

    #[test]
    fn replacement_step_in_is_offered_only_when_attorneys_act_jointly_and_severally() {
        let mut lpa = fixture::lpa();
        lpa.attorneys.push(fixture::replacement_attorney());
        let step_in = change(
            "/howReplacementAttorneysStepIn",
            json!(null),
            json!("one-can-no-longer-act"),
        );
        let errors =
            pre_registration(std::slice::from_ref(&step_in), &mut lpa, &context()).unwrap_err();
        assert_eq!(
            errors,
            vec![FieldError::new("/changes/0", "unexpected change provided")]
        );

        lpa.how_attorneys_make_decisions = HowMakeDecisions::JOINTLY_AND_SEVERALLY;
        pre_registration(&[step_in], &mut lpa, &context()).unwrap();
        assert_eq!(
            lpa.how_replacement_attorneys_step_in,
            HowStepIn::ONE_CAN_NO_LONGER_ACT
        );
    }
}
