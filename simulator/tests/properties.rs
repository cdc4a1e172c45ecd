//! Properties of the update engine over generated input: whatever the type, the JSON pointers
//! and the values of an update, applying it never panics, always answers the same way, and
//! a refusal names where the fault is with a JSON pointer; a correction of a name field sets
//! any non-blank text exactly.

use proptest::prelude::*;
use serde_json::{Value, json};
use simulator::model::{Lpa, Timestamp};
use simulator::update::{self, Change, Context, UpdateRequest};

/// An online LPA as Make and register an LPA submits it, as the store keeps it after create.
fn stored_lpa() -> Lpa {
    let body: Lpa = serde_json::from_value(json!({
        "lpaType": "personal-welfare", "channel": "online", "language": "en",
        "donor": {"uid": "34cd75eb-17bc-434a-b922-4772ce3e0439", "firstNames": "Homer",
            "lastName": "Zoller", "dateOfBirth": "1960-04-06", "email": "homer@example.com",
            "contactLanguagePreference": "en",
            "address": {"line1": "79 Bury Rd", "town": "Hampton Lovett", "country": "GB"}},
        "attorneys": [{"uid": "cbb60db5-b450-4811-b0af-bca9f789fcfa", "firstNames": "Jake",
            "lastName": "Vallar", "dateOfBirth": "2001-01-17", "status": "active",
            "appointmentType": "original", "channel": "paper",
            "address": {"line1": "71 South Western Terrace", "town": "Milton", "country": "AU"}}],
        "trustCorporations": [{"uid": "1d95993a-ffbb-484c-b2fe-f4cca51801da",
            "name": "Trust us Corp.", "status": "active", "appointmentType": "original",
            "channel": "paper", "address": {"line1": "103 Line 1", "town": "Town", "country": "GB"}}],
        "certificateProvider": {"uid": "4fe2ac67-17cc-4e9b-a9d6-ce30b5f9c82e",
            "firstNames": "Some", "lastName": "Provider", "phone": "070009000", "channel": "paper",
            "address": {"line1": "71 South Western Terrace", "town": "Milton", "country": "AU"}},
        "lifeSustainingTreatmentOption": "option-a", "howAttorneysMakeDecisions": "jointly",
        "signedAt": "2000-01-02T12:13:14Z", "witnessedByCertificateProviderAt": "2000-01-02T13:13:14Z"
    }))
    .expect("the fixture is an LPA");
    simulator::create::new_lpa(body, "M-0000-1111-2222", Timestamp::now())
        .expect("the fixture is valid")
        .lpa
}

fn context() -> Context {
    Context {
        author: "urn:opg:poas:makeregister:users:cbb60db5-b450-4811-b0af-bca9f789fcfa".to_owned(),
        now: Timestamp::now(),
    }
}

/// Update types: every known one, and some that are not.
fn update_type() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(update::UpdateType::ALL.iter().map(|(name, _)| (*name).to_owned()).collect::<Vec<_>>()),
        1 => "[A-Z_]{0,12}",
    ]
}

/// JSON pointers: real paths of the LPA, their neighbours, and odd ones.
fn pointer() -> impl Strategy<Value = String> {
    let segment = prop_oneof![
        prop::sample::select(vec![
            "donor",
            "attorneys",
            "trustCorporations",
            "certificateProvider",
            "signatories",
            "firstNames",
            "lastName",
            "email",
            "mobile",
            "signedAt",
            "dateOfBirth",
            "address",
            "line1",
            "country",
            "channel",
            "status",
            "companyNumber",
            "contactLanguagePreference",
            "identityCheck",
            "checkedAt",
            "type",
            "professionalTitle",
            "howAttorneysMakeDecisions",
            "restrictionsAndConditions",
            "cbb60db5-b450-4811-b0af-bca9f789fcfa",
        ])
        .prop_map(str::to_owned),
        (0u64..4).prop_map(|i| i.to_string()),
        prop::sample::select(vec![
            "-1",
            "-",
            "99999999999999999999",
            "~0",
            "~1",
            "~2",
            "",
            " 0",
            "1e2"
        ])
        .prop_map(str::to_owned),
        "\\PC{0,8}",
    ];
    prop_oneof![
        prop::collection::vec(segment, 0..5)
            .prop_map(|segments| { segments.iter().map(|s| format!("/{s}")).collect::<String>() }),
        "\\PC{0,16}",
    ]
}

/// `old` and `new` values: mostly what the store sees, sometimes any JSON.
fn value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        "\\PC{0,12}".prop_map(Value::from),
        prop::sample::select(vec![
            "2024-01-10T09:00:00Z",
            "2000-01-02",
            "online",
            "paper",
            "en",
            "cy",
            "active",
            "removed",
            "Zoller",
            "Vallar",
            "GB",
            "not-a-date",
        ])
        .prop_map(Value::from),
    ];
    leaf.prop_recursive(2, 8, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..3).prop_map(Value::from),
            prop::collection::btree_map("[a-z]{1,6}", inner, 0..3)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn request() -> impl Strategy<Value = UpdateRequest> {
    (
        update_type(),
        prop::collection::vec((pointer(), value(), value()), 0..6),
    )
        .prop_map(|(update_type, changes)| UpdateRequest {
            update_type,
            changes: changes
                .into_iter()
                .map(|(key, old, new)| Change::new(key, old, new))
                .collect(),
        })
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 2_000,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn any_update_is_applied_or_refused_with_pointers_never_a_panic(request in request()) {
        let mut lpa = stored_lpa();
        match update::apply(&request, &mut lpa, &context()) {
            Ok(()) => {}
            Err(errors) => {
                prop_assert!(!errors.is_empty(), "a refusal says why");
                for error in &errors {
                    prop_assert!(error.source.starts_with('/'), "source {:?} is a JSON pointer", error.source);
                    prop_assert!(!error.detail.is_empty());
                }
            }
        }
    }

    #[test]
    fn the_same_update_on_the_same_lpa_always_gets_the_same_answer(request in request()) {
        let ctx = context();
        let mut first = stored_lpa();
        let mut second = first.clone();
        let a = update::apply(&request, &mut first, &ctx);
        let b = update::apply(&request, &mut second, &ctx);
        prop_assert_eq!(a, b);
        prop_assert_eq!(
            serde_json::to_value(&first).unwrap(),
            serde_json::to_value(&second).unwrap()
        );
    }

    #[test]
    fn a_correction_of_a_name_sets_any_non_blank_text_exactly(
        field in prop::sample::select(vec![
            ("/donor/firstNames", "Homer"), ("/donor/lastName", "Zoller"),
            ("/attorneys/0/firstNames", "Jake"), ("/attorneys/0/lastName", "Vallar"),
            ("/certificateProvider/firstNames", "Some"), ("/certificateProvider/lastName", "Provider"),
        ]),
        text in "[A-Za-z][A-Za-z '\\-]{0,30}",
    ) {
        let (key, old) = field;
        prop_assume!(text != old);
        let mut lpa = stored_lpa();
        let request = UpdateRequest {
            update_type: "CORRECTION".to_owned(),
            changes: vec![Change::new(key, json!(old), json!(text))],
        };

        update::apply(&request, &mut lpa, &context()).map_err(|e| TestCaseError::fail(format!("{e:?}")))?;

        let stored = serde_json::to_value(&lpa).unwrap();
        prop_assert_eq!(stored.pointer(key), Some(&json!(text)));
    }
}
