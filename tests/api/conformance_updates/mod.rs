//! The real store's own update tests (`lambda/update/*_test.go` and
//! `lambda/update/parse/changes_test.go` in ministryofjustice/opg-data-lpa-store), ported to
//! HTTP: each case sets up an LPA in the state the real test starts from, sends the update, and
//! checks the store's answer word for word. One module per real test file; each test names the
//! test (and case) it comes from.

mod actor_corrections;
mod appointment;
mod attorney_decisions;
mod attorney_opt_out;
mod attorney_sign;
mod certificate_provider_opt_out;
mod certificate_provider_sign;
mod change_attorneys;
mod confirm_identity;
mod correction;
mod crashes;
mod donor_withdraw_lpa;
mod opg_change_status;
mod paper_attorney_access_online;
mod paper_certificate_provider_access_online;
mod parse_changes;
mod post_registration_correction;
mod redundant;
mod register;
mod sever_restrictions;
mod statutory_waiting_period;
mod trust_corporation_opt_out;
mod trust_corporation_sign;
mod validate;

use reqwest::Response;
use serde_json::{Value, json};
use testkit::fixture::{self, new_uid};
use testkit::{TestApp, expect_json};

/// Creates the fixture online LPA, changed by `edit`, and returns its UID.
pub(crate) async fn given(app: &TestApp, edit: impl FnOnce(&mut Value)) -> String {
    let uid = new_uid();
    let mut lpa = fixture::online_lpa();
    edit(&mut lpa);
    expect_json(app.put_lpa(&uid, &lpa).await, 201).await;
    uid
}

/// Creates the fixture LPA on paper, changed by `edit`: the store keeps a paper LPA whatever
/// its validation finds, so a test can start from gaps an online LPA would be refused for.
pub(crate) async fn given_paper(app: &TestApp, edit: impl FnOnce(&mut Value)) -> String {
    given(app, |lpa| {
        lpa["channel"] = json!("paper");
        edit(lpa);
    })
    .await
}

/// Takes a fresh fixture LPA, signed by everyone where the status allows, to `status` by the updates the store allows.
pub(crate) async fn given_status(app: &TestApp, status: &str) -> String {
    // A certificate provider who has signed can no longer opt out.
    let uid = if status == "cannot-register" {
        app.given_lpa().await
    } else {
        app.given_signed_lpa().await
    };
    let waiting = ("STATUTORY_WAITING_PERIOD", json!(null));
    let register = ("REGISTER", json!(null));
    let steps = match status {
        "in-progress" => vec![],
        "statutory-waiting-period" => vec![waiting],
        "registered" => vec![waiting, register],
        "withdrawn" => vec![("DONOR_WITHDRAW_LPA", json!(null))],
        "cannot-register" => vec![("CERTIFICATE_PROVIDER_OPT_OUT", json!(null))],
        "do-not-register" => vec![
            waiting,
            (
                "OPG_STATUS_CHANGE",
                status_change("statutory-waiting-period", status),
            ),
        ],
        "cancelled" => vec![
            waiting,
            register,
            ("OPG_STATUS_CHANGE", status_change("registered", status)),
        ],
        "expired" => vec![("OPG_STATUS_CHANGE", status_change("in-progress", status))],
        other => panic!("no way to reach status {other}"),
    };
    for (update_type, changes) in steps {
        app.update_ok(&uid, update_type, changes).await;
    }
    let lpa = expect_json(app.get_lpa(&uid).await, 200).await;
    assert_eq!(
        lpa["status"], status,
        "the LPA should have reached {status}"
    );
    uid
}

/// The one change of an `OPG_STATUS_CHANGE`.
pub(crate) fn status_change(from: &str, to: &str) -> Value {
    json!([{"key": "/status", "old": from, "new": to}])
}

/// Asserts the store's `400 INVALID_REQUEST` answer and returns its `(source, detail)` pairs,
/// in order.
pub(crate) async fn refused(response: Response) -> Vec<(String, String)> {
    let body = expect_json(response, 400).await;
    assert_eq!(body["code"], "INVALID_REQUEST", "{body}");
    assert_eq!(body["detail"], "Invalid request", "{body}");
    body["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("a refusal lists its errors: {body}"))
        .iter()
        .map(|e| {
            let text = |field: &str| {
                e[field]
                    .as_str()
                    .unwrap_or_else(|| panic!("an error's {field} is a string: {body}"))
                    .to_owned()
            };
            (text("source"), text("detail"))
        })
        .collect()
}

/// `(source, detail)` pairs, for comparison with [`refused`].
pub(crate) fn errors(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected
        .iter()
        .map(|(source, detail)| ((*source).to_owned(), (*detail).to_owned()))
        .collect()
}

/// Sorted, for the real tests that compare with `ElementsMatch`.
pub(crate) fn sorted(mut errors: Vec<(String, String)>) -> Vec<(String, String)> {
    errors.sort();
    errors
}

/// A change a type that takes none cannot mistake for redundant (the real unit tests use an
/// empty change, which over HTTP the redundant-change rule catches first).
pub(crate) fn one_change() -> Value {
    json!([{"key": "/status", "old": null, "new": "registered"}])
}

/// One change of an update, `{key, old, new}`.
pub(crate) fn change(key: impl Into<String>, old: Value, new: Value) -> Value {
    let mut change = serde_json::Map::new();
    change.insert("key".to_owned(), Value::String(key.into()));
    change.insert("old".to_owned(), old);
    change.insert("new".to_owned(), new);
    Value::Object(change)
}

/// `POST /lpas/{uid}/updates` as Make and register acting for `actor` (opt-outs name the
/// actor by the token's subject).
pub(crate) async fn update_acting_for(
    app: &TestApp,
    uid: &str,
    actor: &str,
    update_type: &str,
    changes: Value,
) -> Response {
    let token = app.token_for(testkit::Consumer::MakeRegister, actor);
    app.client
        .post(app.url(&format!("/lpas/{uid}/updates")))
        .header("X-Jwt-Authorization", format!("Bearer {token}"))
        .json(&json!({"type": update_type, "changes": changes}))
        .send()
        .await
        .expect("the simulator should answer")
}
