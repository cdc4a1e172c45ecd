//! Severance of restrictions and conditions: a caseworker replaces the donor's restrictions with
//! what remains after the Court of Protection severs the unworkable parts.

use crate::model::FieldError;
use crate::model::{Lpa, Note};

use super::correction::expect_changes;
use super::parser::{Parser, Rule};
use super::{Change, Context, errors_or_ok};

/// What the note records when nothing of the restrictions remains.
const ALL_SEVERED: &str = "All restrictions have been severed from the LPA";

/// `SEVER_RESTRICTIONS_AND_CONDITIONS`: replaces the restrictions and conditions with the new
/// text (which may be empty) and drops the scanned pages of the old ones, leaving a
/// `SEVER_RESTRICTIONS_AND_CONDITIONS_V1` note of what remains.
pub(super) fn sever(
    changes: &[Change],
    lpa: &mut Lpa,
    ctx: &Context,
) -> Result<(), Vec<FieldError>> {
    expect_changes(changes)?;
    let mut restrictions = lpa.restrictions_and_conditions.clone();
    errors_or_ok(
        Parser::new(changes)
            .field(
                "/restrictionsAndConditions",
                &mut restrictions,
                Rule::optional(),
            )
            .consumed()
            .finish(),
    )?;
    let remaining = if restrictions.is_empty() {
        ALL_SEVERED.to_owned()
    } else {
        restrictions.clone()
    };
    lpa.restrictions_and_conditions = restrictions;
    lpa.restrictions_and_conditions_images.clear();
    lpa.notes.push(Note::at(
        "SEVER_RESTRICTIONS_AND_CONDITIONS_V1",
        ctx.now,
        &[("updatedRestrictionsAndConditions", remaining)],
    ));
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::fixture::{self, change, context};
    use super::*;
    use crate::model::Image;

    fn with_restrictions(lpa: &mut Lpa) {
        lpa.restrictions_and_conditions = "Do not sell the house. Ask my sister.".into();
        lpa.restrictions_and_conditions_images = vec![Image::Stored {
            path: "M-0000-1111-2222/scans/rc_0_page.png".into(),
            hash: "abc".into(),
        }];
    }

    fn note(remaining: &str) -> Note {
        Note::at(
            "SEVER_RESTRICTIONS_AND_CONDITIONS_V1",
            context().now,
            &[("updatedRestrictionsAndConditions", remaining.to_owned())],
        )
    }

    #[test]
    fn severing_replaces_the_text_drops_the_scans_and_leaves_a_note() {
        let mut lpa = fixture::lpa();
        with_restrictions(&mut lpa);
        let changes = [change(
            "/restrictionsAndConditions",
            json!("Do not sell the house. Ask my sister."),
            json!("Ask my sister."),
        )];
        sever(&changes, &mut lpa, &context()).unwrap();
        assert_eq!(lpa.restrictions_and_conditions, "Ask my sister.");
        assert!(lpa.restrictions_and_conditions_images.is_empty());
        assert_eq!(lpa.notes, vec![note("Ask my sister.")]);
    }

    #[test]
    fn severing_everything_notes_that_all_restrictions_were_severed() {
        let mut lpa = fixture::lpa();
        with_restrictions(&mut lpa);
        let changes = [change(
            "/restrictionsAndConditions",
            json!("Do not sell the house. Ask my sister."),
            json!(""),
        )];
        sever(&changes, &mut lpa, &context()).unwrap();
        assert_eq!(lpa.restrictions_and_conditions, "");
        assert_eq!(
            lpa.notes,
            vec![note("All restrictions have been severed from the LPA")]
        );
    }

    #[test]
    fn severance_without_changes_is_refused_as_no_changes_provided() {
        let mut lpa = fixture::lpa();
        let errors = sever(&[], &mut lpa, &context()).unwrap_err();
        assert_eq!(
            errors,
            vec![FieldError::new("/changes", "no changes provided")]
        );
    }

    #[test]
    fn severance_checks_old_and_refuses_other_keys() {
        let mut lpa = fixture::lpa();
        with_restrictions(&mut lpa);
        let changes = [
            change(
                "/restrictionsAndConditions",
                json!("Something else"),
                json!(""),
            ),
            change("/restrictionsAndConditionsImages", json!(null), json!("x")),
        ];
        let errors = sever(&changes, &mut lpa, &context()).unwrap_err();
        assert_eq!(
            errors,
            vec![
                FieldError::new("/changes/0/old", "does not match existing value"),
                FieldError::new("/changes/1", "unexpected change provided"),
            ]
        );
        assert!(lpa.notes.is_empty());
    }
}
