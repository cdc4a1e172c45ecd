//! Ported from `lambda/update/attorney_decisions_test.go`.

use serde_json::{Value, json};
use testkit::fixture::REPLACEMENT_ATTORNEY_UID;
use testkit::{TestApp, expect_json, spawn_app};

use super::{change, errors, given_paper, refused};

const SOME: &str = "jointly-for-some-severally-for-others";

fn decisions(attorney: &str, old: bool, new: bool) -> Value {
    change(
        format!("/attorneys/{attorney}/cannotMakeJointDecisions"),
        json!(old),
        json!(new),
    )
}

/// A paper LPA with an original and a replacement attorney, both deciding jointly for some
/// decisions and severally for others; the replacement cannot make joint decisions.
async fn jointly_for_some(app: &TestApp) -> String {
    given_paper(app, |lpa| {
        lpa["howAttorneysMakeDecisions"] = json!(SOME);
        lpa["howReplacementAttorneysMakeDecisions"] = json!(SOME);
        lpa["attorneys"][1]["cannotMakeJointDecisions"] = json!(true);
    })
    .await
}

/// Ported from `TestAttorneyDecisionsApply`.
#[tokio::test]
async fn each_attorneys_joint_decisions_are_recorded() {
    let app = spawn_app().await;
    let uid = jointly_for_some(&app).await;
    let changes = json!([decisions("0", false, true), decisions("1", true, false)]);

    let lpa = expect_json(app.update(&uid, "ATTORNEY_DECISIONS", changes).await, 201).await;

    assert_eq!(lpa["attorneys"][0]["cannotMakeJointDecisions"], true);
    assert!(
        lpa["attorneys"][1]
            .get("cannotMakeJointDecisions")
            .is_none(),
        "false is left out: {}",
        lpa["attorneys"][1]
    );
}

/// Ported from `TestAttorneyDecisionsApplyErrors`, its six cases.
#[tokio::test]
async fn joint_decisions_need_jointly_for_some_and_severally_for_others() {
    let app = spawn_app().await;
    for how in [None, Some("jointly"), Some("jointly-and-severally")] {
        for appointment in ["original", "replacement"] {
            let uid = given_paper(&app, |lpa| {
                let mut attorney = lpa["attorneys"][0].clone();
                attorney["appointmentType"] = json!(appointment);
                lpa["attorneys"] = json!([attorney]);
                let fields = lpa.as_object_mut().expect("an object");
                fields.remove("howAttorneysMakeDecisions");
                if let Some(how) = how {
                    fields.insert("howAttorneysMakeDecisions".into(), json!(how));
                    fields.insert("howReplacementAttorneysMakeDecisions".into(), json!(how));
                }
            })
            .await;

            let response = app
                .update(
                    &uid,
                    "ATTORNEY_DECISIONS",
                    json!([decisions("0", false, true)]),
                )
                .await;

            assert_eq!(
                refused(response).await,
                errors(&[(
                    "/attorneys/0/cannotMakeJointDecisions",
                    "The appointment type must be jointly for some and severally for others"
                )]),
                "{how:?}, {appointment}"
            );
        }
    }
}

/// Ported from `TestValidateDecisions`, "Key uses attorney index" and "Key uses attorney uid".
#[tokio::test]
async fn an_attorney_is_named_by_index_or_uid() {
    let app = spawn_app().await;
    for (key, index) in [("0", 0), (REPLACEMENT_ATTORNEY_UID, 1)] {
        let uid = given_paper(&app, |lpa| {
            lpa["howAttorneysMakeDecisions"] = json!(SOME);
            lpa["howReplacementAttorneysMakeDecisions"] = json!(SOME);
        })
        .await;

        let response = app
            .update(
                &uid,
                "ATTORNEY_DECISIONS",
                json!([decisions(key, false, true)]),
            )
            .await;

        let lpa = expect_json(response, 201).await;
        assert_eq!(
            lpa["attorneys"][index]["cannotMakeJointDecisions"], true,
            "{key}"
        );
    }
}
