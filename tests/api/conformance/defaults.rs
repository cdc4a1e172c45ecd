//! Ported from lambda/create/set_defaults_test.go.
//!
//! The Go test calls `SetDefaults` on a bare `LpaInit`. Over HTTP the defaulted LPA is only seen
//! once stored, and a bare LPA is stored only on paper (lambda/create/main.go stores a paper LPA
//! whatever its validation findings; `SetDefaults` does not look at the channel). So each case
//! sends its input with `"channel": "paper"` and reads the stored LPA back, comparing every
//! field `SetDefaults` reads or writes: all are `omitempty` in internal/shared/lpa.go, so a
//! field left unset must be absent.

use serde_json::{Map, Value, json};
use testkit::{expect_json, fixture, spawn_app};

/// Every top-level field `SetDefaults` reads or writes, other than `attorneys` and `lpaType`.
const DECISION_FIELDS: [&str; 9] = [
    "howAttorneysMakeDecisions",
    "howAttorneysMakeDecisionsIsDefault",
    "howReplacementAttorneysMakeDecisions",
    "howReplacementAttorneysMakeDecisionsIsDefault",
    "howReplacementAttorneysStepIn",
    "whenTheLpaCanBeUsed",
    "whenTheLpaCanBeUsedIsDefault",
    "lifeSustainingTreatmentOption",
    "lifeSustainingTreatmentOptionIsDefault",
];

/// Two attorneys with only a status (and appointment type, for replacements), as in the Go
/// cases.
fn two(attorney: &Value) -> Value {
    json!([attorney, attorney])
}

fn active() -> Value {
    json!({"status": "active"})
}

fn replacement() -> Value {
    json!({"status": "inactive", "appointmentType": "replacement"})
}

/// A case of TestSetDefaults: name, input (less the channel), and the decision fields expected
/// on the stored LPA.
struct Case {
    name: &'static str,
    input: Value,
    defaulted: Value,
}

/// The cases of TestSetDefaults, in the Go file's order.
fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "empty",
            input: json!({}),
            defaulted: json!({}),
        },
        Case {
            name: "how attorneys make decisions",
            input: json!({"attorneys": two(&active())}),
            defaulted: json!({
                "howAttorneysMakeDecisions": "jointly",
                "howAttorneysMakeDecisionsIsDefault": true
            }),
        },
        Case {
            name: "how replacement attorneys make decisions should not be set",
            input: json!({
                "attorneys": two(&replacement()),
                "howAttorneysMakeDecisions": "jointly-and-severally"
            }),
            defaulted: json!({"howAttorneysMakeDecisions": "jointly-and-severally"}),
        },
        Case {
            name: "how replacement attorneys make decisions from attorneys jointly",
            input: json!({
                "attorneys": two(&replacement()),
                "howAttorneysMakeDecisions": "jointly"
            }),
            defaulted: json!({
                "howAttorneysMakeDecisions": "jointly",
                "howReplacementAttorneysMakeDecisions": "jointly",
                "howReplacementAttorneysMakeDecisionsIsDefault": true
            }),
        },
        Case {
            name: "how replacement attorneys make decisions from step in",
            input: json!({
                "attorneys": two(&replacement()),
                "howReplacementAttorneysStepIn": "all-can-no-longer-act"
            }),
            defaulted: json!({
                "howReplacementAttorneysStepIn": "all-can-no-longer-act",
                "howReplacementAttorneysMakeDecisions": "jointly",
                "howReplacementAttorneysMakeDecisionsIsDefault": true
            }),
        },
        Case {
            name: "when the lpa can be used",
            input: json!({"lpaType": "property-and-affairs"}),
            defaulted: json!({
                "whenTheLpaCanBeUsed": "when-has-capacity",
                "whenTheLpaCanBeUsedIsDefault": true
            }),
        },
        Case {
            name: "life sustaining treatment",
            input: json!({"lpaType": "personal-welfare"}),
            defaulted: json!({
                "lifeSustainingTreatmentOption": "option-b",
                "lifeSustainingTreatmentOptionIsDefault": true
            }),
        },
    ]
}

/// The decision fields of a stored LPA, those present only.
fn decision_fields(lpa: &Value) -> Value {
    let fields: Map<String, Value> = DECISION_FIELDS
        .iter()
        .filter_map(|&key| Some((key.to_owned(), lpa.get(key)?.clone())))
        .collect();
    Value::Object(fields)
}

/// Ported from lambda/create/set_defaults_test.go, TestSetDefaults, every case, each named in
/// its assertion message. The stored attorneys and type are checked too: `SetDefaults`
/// changes neither.
#[tokio::test]
async fn each_blank_choice_is_stored_with_the_store_default() {
    let app = spawn_app().await;
    let cases = cases();
    assert_eq!(cases.len(), 7, "TestSetDefaults has 7 cases");
    for Case {
        name,
        mut input,
        defaulted,
    } in cases
    {
        input["channel"] = json!("paper");
        let uid = fixture::new_uid();
        let response = app.put_lpa(&uid, &input).await;
        assert_eq!(expect_json(response, 201).await, json!({}), "{name}");

        let lpa = expect_json(app.get_lpa(&uid).await, 200).await;
        assert_eq!(decision_fields(&lpa), defaulted, "{name}: {lpa}");
        let lpa_type = input.get("lpaType").cloned().unwrap_or_else(|| json!(""));
        assert_eq!(lpa["lpaType"], lpa_type, "{name}");
        let attorneys = lpa["attorneys"].as_array().map_or(0, Vec::len);
        let sent = input["attorneys"].as_array().map_or(0, Vec::len);
        assert_eq!(attorneys, sent, "{name}: {lpa}");
        for (i, attorney) in input["attorneys"]
            .as_array()
            .into_iter()
            .flatten()
            .enumerate()
        {
            for (key, value) in attorney.as_object().expect("an object") {
                assert_eq!(
                    &lpa["attorneys"][i][key], value,
                    "{name}: attorney {i} {key}"
                );
            }
        }
    }
}
