//! One test per update type over HTTP, then the refusals every type shares.

use reqwest::Method;
use serde_json::{Value, json};
use testkit::fixture::{
    self, ATTORNEY_UID, REPLACEMENT_ATTORNEY_UID, TRUST_CORPORATION_UID, new_uid,
};
use testkit::{Consumer, TestApp, expect_json, spawn_app};

async fn create(app: &TestApp, edit: impl FnOnce(&mut Value)) -> String {
    let uid = new_uid();
    let mut lpa = fixture::online_lpa();
    edit(&mut lpa);
    expect_json(app.put_lpa(&uid, &lpa).await, 201).await;
    uid
}

async fn registered(app: &TestApp) -> String {
    let uid = app.given_signed_lpa().await;
    app.update_ok(&uid, "STATUTORY_WAITING_PERIOD", json!(null))
        .await;
    app.update_ok(&uid, "REGISTER", json!(null)).await;
    uid
}

fn note_types(lpa: &Value) -> Vec<&str> {
    lpa["notes"]
        .as_array()
        .map(|notes| notes.iter().filter_map(|n| n["type"].as_str()).collect())
        .unwrap_or_default()
}

#[tokio::test]
async fn certificate_provider_sign_records_signature_and_channel_switch() {
    let app = spawn_app().await;
    let uid = app.given_lpa().await;
    let (update_type, changes) = fixture::signatures().remove(0);

    let lpa = app.update_ok(&uid, update_type, changes).await;

    let cp = &lpa["certificateProvider"];
    assert_eq!(cp["signedAt"], "2024-01-10T09:00:00Z");
    assert_eq!(cp["channel"], "online");
    assert_eq!(cp["email"], "provider@example.com");
}

#[tokio::test]
async fn attorney_sign_by_uid_signs_that_attorney() {
    let app = spawn_app().await;
    let uid = app.given_lpa().await;
    let changes = json!([{"key": format!("/attorneys/{REPLACEMENT_ATTORNEY_UID}/signedAt"), "old": null, "new": "2024-02-01T10:00:00Z"}]);

    let lpa = app.update_ok(&uid, "ATTORNEY_SIGN", changes).await;

    assert_eq!(lpa["attorneys"][1]["signedAt"], "2024-02-01T10:00:00Z");
    assert!(lpa["attorneys"][0].get("signedAt").is_none());
}

#[tokio::test]
async fn trust_corporation_sign_records_signatory_and_company_number() {
    let app = spawn_app().await;
    let uid = app.given_lpa().await;
    let (update_type, changes) = fixture::signatures().remove(3);

    let lpa = app.update_ok(&uid, update_type, changes).await;

    let tc = &lpa["trustCorporations"][0];
    assert_eq!(tc["companyNumber"], "666123322");
    assert_eq!(tc["signatories"][0]["lastName"], "Natory");
    assert_eq!(tc["signatories"][0]["signedAt"], "2024-01-12T09:00:00Z");
    assert_eq!(tc["channel"], "online");
}

#[tokio::test]
async fn certificate_provider_opt_out_makes_the_lpa_unregistrable() {
    let app = spawn_app().await;
    let uid = app.given_lpa().await;

    let lpa = app
        .update_ok(&uid, "CERTIFICATE_PROVIDER_OPT_OUT", json!(null))
        .await;

    assert_eq!(lpa["status"], "cannot-register");
}

#[tokio::test]
async fn attorney_opt_out_removes_the_attorney_named_by_the_token() {
    let app = spawn_app().await;
    let uid = app.given_lpa().await;
    let body = json!({"type": "ATTORNEY_OPT_OUT", "changes": null});
    let response = app
        .client
        .post(app.url(&format!("/lpas/{uid}/updates")))
        .header(
            "X-Jwt-Authorization",
            format!(
                "Bearer {}",
                app.token_for(Consumer::MakeRegister, ATTORNEY_UID)
            ),
        )
        .json(&body)
        .send()
        .await
        .unwrap();

    let lpa = expect_json(response, 201).await;
    assert_eq!(lpa["attorneys"][0]["status"], "removed");
    assert_eq!(lpa["attorneys"][1]["status"], "inactive");
}

#[tokio::test]
async fn attorney_opt_out_from_sirius_is_refused_for_its_five_part_subject() {
    let app = spawn_app().await;
    let uid = app.given_lpa().await;

    let response = app.update(&uid, "ATTORNEY_OPT_OUT", json!(null)).await;

    let body = expect_json(response, 400).await;
    assert_eq!(body["errors"][0]["source"], "/author");
}

#[tokio::test]
async fn trust_corporation_opt_out_removes_the_trust_corporation() {
    let app = spawn_app().await;
    let uid = app.given_lpa().await;
    let response = app
        .client
        .post(app.url(&format!("/lpas/{uid}/updates")))
        .header(
            "X-Jwt-Authorization",
            format!(
                "Bearer {}",
                app.token_for(Consumer::MakeRegister, TRUST_CORPORATION_UID)
            ),
        )
        .json(&json!({"type": "TRUST_CORPORATION_OPT_OUT"}))
        .send()
        .await
        .unwrap();

    let lpa = expect_json(response, 201).await;
    assert_eq!(lpa["trustCorporations"][0]["status"], "removed");
}

#[tokio::test]
async fn donor_confirm_identity_records_the_check() {
    let app = spawn_app().await;
    let uid = app.given_lpa().await;
    let changes = json!([
        {"key": "/donor/identityCheck/type", "old": null, "new": "one-login"},
        {"key": "/donor/identityCheck/checkedAt", "old": null, "new": "2024-01-05T10:00:00Z"}
    ]);

    let lpa = app.update_ok(&uid, "DONOR_CONFIRM_IDENTITY", changes).await;

    assert_eq!(
        lpa["donor"]["identityCheck"],
        json!({"checkedAt": "2024-01-05T10:00:00Z", "type": "one-login"})
    );
}

#[tokio::test]
async fn certificate_provider_confirm_identity_records_the_check() {
    let app = spawn_app().await;
    let uid = app.given_lpa().await;
    let changes = json!([
        {"key": "/certificateProvider/identityCheck/type", "old": null, "new": "opg-paper-id"},
        {"key": "/certificateProvider/identityCheck/checkedAt", "old": null, "new": "2024-01-05T10:00:00Z"}
    ]);

    let lpa = app
        .update_ok(&uid, "CERTIFICATE_PROVIDER_CONFIRM_IDENTITY", changes)
        .await;

    assert_eq!(
        lpa["certificateProvider"]["identityCheck"]["type"],
        "opg-paper-id"
    );
}

#[tokio::test]
async fn opg_status_change_cancels_a_registered_lpa() {
    let app = spawn_app().await;
    let uid = registered(&app).await;

    let lpa = app
        .update_ok(
            &uid,
            "OPG_STATUS_CHANGE",
            json!([{"key": "/status", "old": "registered", "new": "cancelled"}]),
        )
        .await;

    assert_eq!(lpa["status"], "cancelled");
}

#[tokio::test]
async fn opg_status_change_to_a_status_not_set_by_hand_is_refused() {
    let app = spawn_app().await;
    let uid = app.given_lpa().await;

    let response = app
        .update(
            &uid,
            "OPG_STATUS_CHANGE",
            json!([{"key": "/status", "old": "in-progress", "new": "registered"}]),
        )
        .await;

    insta::assert_json_snapshot!("status_change_refused", expect_json(response, 400).await);
}

#[tokio::test]
async fn donor_withdraw_withdraws_an_lpa_in_progress() {
    let app = spawn_app().await;
    let uid = app.given_lpa().await;

    let lpa = app.update_ok(&uid, "DONOR_WITHDRAW_LPA", json!(null)).await;

    assert_eq!(lpa["status"], "withdrawn");
}

#[tokio::test]
async fn correction_changes_the_donor_name_and_leaves_a_note() {
    let app = spawn_app().await;
    let uid = app.given_lpa().await;

    let lpa = app
        .update_ok(
            &uid,
            "CORRECTION",
            json!([{"key": "/donor/lastName", "old": "Zoller", "new": "Perkins"}]),
        )
        .await;

    assert_eq!(lpa["donor"]["lastName"], "Perkins");
    assert_eq!(note_types(&lpa), vec!["DONOR_NAME_CHANGE_V1"]);
    assert_eq!(lpa["notes"][0]["values"]["newName"], "Homer Perkins");
}

#[tokio::test]
async fn correction_of_a_registered_lpa_is_refused() {
    let app = spawn_app().await;
    let uid = registered(&app).await;

    let response = app
        .update(
            &uid,
            "CORRECTION",
            json!([{"key": "/donor/lastName", "old": "Zoller", "new": "Perkins"}]),
        )
        .await;

    expect_json(response, 400).await;
}

#[tokio::test]
async fn post_registration_correction_changes_a_registered_lpa() {
    let app = spawn_app().await;
    let uid = registered(&app).await;

    let lpa = app
        .update_ok(
            &uid,
            "POST_REGISTRATION_CORRECTION",
            json!([{"key": "/donor/lastName", "old": "Zoller", "new": "Perkins"}]),
        )
        .await;

    assert_eq!(lpa["donor"]["lastName"], "Perkins");
    assert_eq!(lpa["status"], "registered");
}

#[tokio::test]
async fn correction_with_no_changes_is_refused() {
    let app = spawn_app().await;
    let uid = app.given_lpa().await;

    let response = app.update(&uid, "CORRECTION", json!([])).await;

    let body = expect_json(response, 400).await;
    assert_eq!(
        body["errors"],
        json!([{"source": "/changes", "detail": "no changes provided"}])
    );
}

#[tokio::test]
async fn change_attorneys_removes_one_and_brings_in_the_replacement() {
    let app = spawn_app().await;
    let uid = app.given_lpa().await;

    let lpa = app
        .update_ok(
            &uid,
            "CHANGE_ATTORNEYS",
            json!([
                {"key": "/attorneys/0/status", "old": "active", "new": "removed"},
                {"key": format!("/attorneys/{REPLACEMENT_ATTORNEY_UID}/status"), "old": "inactive", "new": "active"}
            ]),
        )
        .await;

    assert_eq!(lpa["attorneys"][0]["status"], "removed");
    assert_eq!(lpa["attorneys"][1]["status"], "active");
    let mut notes = note_types(&lpa);
    notes.sort_unstable();
    assert_eq!(
        notes,
        vec!["ATTORNEY_REMOVED_V1", "REPLACEMENT_ATTORNEY_ENABLED_V1"]
    );
}

#[tokio::test]
async fn change_attorneys_cannot_bring_back_a_removed_attorney() {
    let app = spawn_app().await;
    let uid = app.given_lpa().await;
    app.update_ok(
        &uid,
        "CHANGE_ATTORNEYS",
        json!([{"key": "/attorneys/0/status", "old": "active", "new": "removed"}]),
    )
    .await;

    let response = app
        .update(
            &uid,
            "CHANGE_ATTORNEYS",
            json!([{"key": "/attorneys/0/status", "old": "removed", "new": "active"}]),
        )
        .await;

    expect_json(response, 400).await;
}

#[tokio::test]
async fn attorney_decisions_records_who_cannot_decide_jointly() {
    let app = spawn_app().await;
    let uid = create(&app, |lpa| {
        lpa["howAttorneysMakeDecisions"] = json!("jointly-for-some-severally-for-others");
        lpa["howAttorneysMakeDecisionsDetails"] = json!("Jointly for the house");
    })
    .await;

    let lpa = app
        .update_ok(
            &uid,
            "ATTORNEY_DECISIONS",
            json!([{"key": "/attorneys/0/cannotMakeJointDecisions", "old": false, "new": true}]),
        )
        .await;

    assert_eq!(lpa["attorneys"][0]["cannotMakeJointDecisions"], true);
}

#[tokio::test]
async fn attorney_decisions_is_refused_when_attorneys_act_jointly() {
    let app = spawn_app().await;
    let uid = app.given_lpa().await;

    let response = app
        .update(
            &uid,
            "ATTORNEY_DECISIONS",
            json!([{"key": "/attorneys/0/cannotMakeJointDecisions", "old": false, "new": true}]),
        )
        .await;

    expect_json(response, 400).await;
}

#[tokio::test]
async fn severance_replaces_restrictions_and_leaves_a_note() {
    let app = spawn_app().await;
    let uid = create(&app, |lpa| {
        lpa["restrictionsAndConditions"] = json!("Do not sell the house. Consult my sister.");
    })
    .await;

    let lpa = app
        .update_ok(
            &uid,
            "SEVER_RESTRICTIONS_AND_CONDITIONS",
            json!([{"key": "/restrictionsAndConditions", "old": "Do not sell the house. Consult my sister.", "new": "Consult my sister."}]),
        )
        .await;

    assert_eq!(lpa["restrictionsAndConditions"], "Consult my sister.");
    assert_eq!(
        note_types(&lpa),
        vec!["SEVER_RESTRICTIONS_AND_CONDITIONS_V1"]
    );
}

#[tokio::test]
async fn paper_certificate_provider_continuing_online_gets_an_email() {
    let app = spawn_app().await;
    let uid = app.given_lpa().await;

    let lpa = app
        .update_ok(
            &uid,
            "PAPER_CERTIFICATE_PROVIDER_ACCESS_ONLINE",
            json!([{"key": "/certificateProvider/email", "old": "", "new": "provider@example.com"}]),
        )
        .await;

    assert_eq!(lpa["certificateProvider"]["email"], "provider@example.com");
}

#[tokio::test]
async fn paper_attorney_continuing_online_gets_an_email() {
    let app = spawn_app().await;
    let uid = app.given_lpa().await;

    let lpa = app
        .update_ok(
            &uid,
            "PAPER_ATTORNEY_ACCESS_ONLINE",
            json!([{"key": format!("/attorneys/{ATTORNEY_UID}/email"), "old": null, "new": "jake@example.com"}]),
        )
        .await;

    assert_eq!(lpa["attorneys"][0]["email"], "jake@example.com");
}

// Refusals shared by every type.

#[tokio::test]
async fn update_of_an_unknown_uid_is_not_found_before_any_validation() {
    let app = spawn_app().await;

    let response = app
        .update(
            &new_uid(),
            "A_TYPE",
            json!([{"key": "/a/key", "old": "x", "new": "x"}]),
        )
        .await;

    insta::assert_json_snapshot!("update_unknown_uid", expect_json(response, 404).await);
}

#[tokio::test]
async fn stale_old_value_is_refused() {
    let app = spawn_app().await;
    let uid = app.given_lpa().await;

    let response = app
        .update(
            &uid,
            "CORRECTION",
            json!([{"key": "/donor/lastName", "old": "Smith", "new": "Perkins"}]),
        )
        .await;

    insta::assert_json_snapshot!("stale_old", expect_json(response, 400).await);
}

#[tokio::test]
async fn redundant_change_is_refused() {
    let app = spawn_app().await;
    let uid = app.given_lpa().await;

    let response = app
        .update(
            &uid,
            "CERTIFICATE_PROVIDER_SIGN",
            json!([
                {"key": "/certificateProvider/signedAt", "old": null, "new": "2024-01-10T09:00:00Z"},
                {"key": "/certificateProvider/channel", "old": "paper", "new": "paper"}
            ]),
        )
        .await;

    insta::assert_json_snapshot!("redundant_change", expect_json(response, 400).await);
}

#[tokio::test]
async fn unknown_type_is_refused() {
    let app = spawn_app().await;
    let uid = app.given_lpa().await;

    let response = app
        .update(
            &uid,
            "A_TYPE",
            json!([{"key": "/a/key", "old": "old", "new": "new"}]),
        )
        .await;

    insta::assert_json_snapshot!("unknown_type", expect_json(response, 400).await);
}

#[tokio::test]
async fn unknown_key_is_refused_as_unexpected() {
    let app = spawn_app().await;
    let uid = app.given_lpa().await;

    let response = app
        .update(
            &uid,
            "CERTIFICATE_PROVIDER_SIGN",
            json!([
                {"key": "/certificateProvider/signedAt", "old": null, "new": "2024-01-10T09:00:00Z"},
                {"key": "/certificateProvider/favouriteColour", "old": null, "new": "green"}
            ]),
        )
        .await;

    insta::assert_json_snapshot!("unknown_key", expect_json(response, 400).await);
}

#[tokio::test]
async fn signing_twice_is_refused() {
    let app = spawn_app().await;
    let uid = app.given_lpa().await;
    let (update_type, changes) = fixture::signatures().remove(1);
    app.update_ok(&uid, update_type, changes).await;

    let response = app
        .update(
            &uid,
            "ATTORNEY_SIGN",
            json!([{"key": "/attorneys/0/signedAt", "old": "2024-01-11T09:00:00Z", "new": "2024-03-01T09:00:00Z"}]),
        )
        .await;

    insta::assert_json_snapshot!("signing_twice", expect_json(response, 400).await);
}

#[tokio::test]
async fn missing_required_key_is_named_in_full() {
    let app = spawn_app().await;
    let uid = app.given_lpa().await;

    let response = app
        .update(
            &uid,
            "ATTORNEY_SIGN",
            json!([{"key": "/attorneys/0/mobile", "old": null, "new": "0777"}]),
        )
        .await;

    let body = expect_json(response, 400).await;
    assert_eq!(
        body["errors"],
        json!([{"source": "/changes", "detail": "missing /attorneys/0/signedAt"}])
    );
}

#[tokio::test]
async fn a_refused_update_changes_nothing() {
    let app = spawn_app().await;
    let uid = app.given_lpa().await;
    let before = expect_json(app.get_lpa(&uid).await, 200).await;

    app.update(
        &uid,
        "CERTIFICATE_PROVIDER_SIGN",
        json!([
            {"key": "/certificateProvider/signedAt", "old": null, "new": "2024-01-10T09:00:00Z"},
            {"key": "/certificateProvider/email", "old": "wrong", "new": "a@example.com"}
        ]),
    )
    .await;

    let after = expect_json(app.get_lpa(&uid).await, 200).await;
    assert_eq!(before, after);
}

#[tokio::test]
async fn concurrent_updates_with_the_same_old_value_have_exactly_one_winner() {
    let app = spawn_app().await;
    let uid = app.given_lpa().await;
    let surnames = [
        "Perkins", "Simpson", "Flanders", "Szyslak", "Gumble", "Wiggum",
    ];

    let responses = futures_join_all(&app, &uid, &surnames).await;

    let won: Vec<_> = responses.iter().filter(|s| **s == 201).collect();
    assert_eq!(won.len(), 1, "statuses: {responses:?}");
    assert_eq!(
        responses.iter().filter(|s| **s == 400).count(),
        surnames.len() - 1
    );
    let history = app
        .send(
            Consumer::Sirius,
            Method::GET,
            &format!("/lpas/{uid}/updates"),
            None,
        )
        .await;
    assert_eq!(expect_json(history, 200).await.as_array().unwrap().len(), 1);
}

async fn futures_join_all(app: &TestApp, uid: &str, surnames: &[&str]) -> Vec<u16> {
    let mut handles = Vec::new();
    for surname in surnames {
        let request = app
            .client
            .post(app.url(&format!("/lpas/{uid}/updates")))
            .header("X-Jwt-Authorization", format!("Bearer {}", app.token(Consumer::Sirius)))
            .json(&json!({"type": "CORRECTION", "changes": [{"key": "/donor/lastName", "old": "Zoller", "new": surname}]}));
        handles.push(tokio::spawn(async move {
            request.send().await.map(|r| r.status().as_u16())
        }));
    }
    let mut statuses = Vec::new();
    for handle in handles {
        statuses.push(handle.await.unwrap().unwrap());
    }
    statuses
}
