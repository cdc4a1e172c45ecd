//! The cases `correction_test.go` and `post_registration_correction_test.go` share for how
//! attorneys are appointed and decide: each key is read only when the LPA's attorneys make it
//! meaningful.

use serde_json::{Value, json};
use testkit::{TestApp, expect_json};

use super::{change, given_paper};

/// The fixture's second attorney (an inactive replacement), `count` times with fresh UIDs.
fn replacements(lpa: &Value, count: usize) -> Value {
    (0..count)
        .map(|i| {
            let mut replacement = lpa["attorneys"][1].clone();
            replacement["uid"] = json!(format!("4f2a1d4c-52cb-4a3e-b6c7-6c1b2b0a7d2{i}"));
            replacement
        })
        .collect()
}

fn without(lpa: &mut Value, fields: &[&str]) {
    let object = lpa.as_object_mut().expect("an object");
    for field in fields {
        object.remove(*field);
    }
}

/// A case: its name, how it changes the fixture LPA, the changes, and the fields expected.
type Case = (
    &'static str,
    fn(&mut Value),
    Vec<Value>,
    &'static [(&'static str, &'static str)],
);

/// Runs the "valid attorney decisions update", "valid replacement attorneys step in
/// update", "valid replacement attorney decisions update", "valid replacement attorney
/// decisions with details update", "valid life sustaining treatment update" and "valid when
/// can use update" cases of `update_type`'s validation test.
pub(crate) async fn corrections_of_how_attorneys_act(app: &TestApp, update_type: &str) {
    let cases: [Case; 6] = [
        (
            "attorney decisions",
            |lpa| {
                lpa["attorneys"][1]["status"] = json!("active");
                lpa["attorneys"][1]["appointmentType"] = json!("original");
                lpa["howAttorneysMakeDecisions"] = json!("jointly-and-severally");
                without(lpa, &["trustCorporations"]);
            },
            vec![change(
                "/howAttorneysMakeDecisions",
                json!("jointly-and-severally"),
                json!("jointly"),
            )],
            &[("howAttorneysMakeDecisions", "jointly")],
        ),
        (
            "replacement attorneys step in",
            |lpa| {
                lpa["attorneys"] = replacements(lpa, 1);
                lpa["howAttorneysMakeDecisions"] = json!("jointly-and-severally");
                lpa["howReplacementAttorneysStepIn"] = json!("all-can-no-longer-act");
                without(lpa, &["trustCorporations"]);
            },
            vec![change(
                "/howReplacementAttorneysStepIn",
                json!("all-can-no-longer-act"),
                json!("one-can-no-longer-act"),
            )],
            &[("howReplacementAttorneysStepIn", "one-can-no-longer-act")],
        ),
        (
            "replacement attorney decisions",
            |lpa| {
                lpa["attorneys"] = replacements(lpa, 2);
                lpa["howReplacementAttorneysMakeDecisions"] = json!("jointly-and-severally");
                without(lpa, &["trustCorporations", "howAttorneysMakeDecisions"]);
            },
            vec![change(
                "/howReplacementAttorneysMakeDecisions",
                json!("jointly-and-severally"),
                json!("jointly"),
            )],
            &[("howReplacementAttorneysMakeDecisions", "jointly")],
        ),
        (
            "replacement attorney decisions with details",
            |lpa| {
                lpa["attorneys"] = replacements(lpa, 2);
                lpa["howReplacementAttorneysMakeDecisions"] = json!("jointly-and-severally");
                without(lpa, &["trustCorporations", "howAttorneysMakeDecisions"]);
            },
            vec![
                change(
                    "/howReplacementAttorneysMakeDecisions",
                    json!("jointly-and-severally"),
                    json!("jointly-for-some-severally-for-others"),
                ),
                change(
                    "/howReplacementAttorneysMakeDecisionsDetails",
                    json!(null),
                    json!("blah"),
                ),
            ],
            &[
                (
                    "howReplacementAttorneysMakeDecisions",
                    "jointly-for-some-severally-for-others",
                ),
                ("howReplacementAttorneysMakeDecisionsDetails", "blah"),
            ],
        ),
        (
            "life sustaining treatment",
            |_| {},
            vec![change(
                "/lifeSustainingTreatmentOption",
                json!("option-a"),
                json!("option-b"),
            )],
            &[("lifeSustainingTreatmentOption", "option-b")],
        ),
        (
            "when can use",
            |lpa| {
                lpa["lpaType"] = json!("property-and-affairs");
                lpa["whenTheLpaCanBeUsed"] = json!("when-has-capacity");
                without(lpa, &["lifeSustainingTreatmentOption"]);
            },
            vec![change(
                "/whenTheLpaCanBeUsed",
                json!("when-has-capacity"),
                json!("when-capacity-lost"),
            )],
            &[("whenTheLpaCanBeUsed", "when-capacity-lost")],
        ),
    ];
    for (name, setup, changes, expected) in cases {
        let uid = given_paper(app, setup).await;

        let response = app.update(&uid, update_type, json!(changes)).await;

        let lpa = expect_json(response, 201).await;
        for (field, value) in expected {
            assert_eq!(lpa[*field], *value, "{update_type} {name}: {field}");
        }
    }
}
