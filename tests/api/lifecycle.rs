use serde_json::json;
use testkit::{expect_json, fixture, spawn_app};

#[tokio::test]
async fn canonical_path_ends_registered_with_a_registration_date() {
    // Arrange
    let app = spawn_app().await;
    let uid = app.given_lpa().await;

    // Act: PUT → CERTIFICATE_PROVIDER_SIGN → ATTORNEY_SIGN → TRUST_CORPORATION_SIGN →
    // STATUTORY_WAITING_PERIOD → REGISTER
    for (update_type, changes) in fixture::signatures() {
        app.update_ok(&uid, update_type, changes).await;
    }
    let waiting = app
        .update_ok(&uid, "STATUTORY_WAITING_PERIOD", json!(null))
        .await;
    let registered = app.update_ok(&uid, "REGISTER", json!(null)).await;

    // Assert
    assert_eq!(waiting["status"], "statutory-waiting-period");
    assert_eq!(registered["status"], "registered");
    assert!(registered["registrationDate"].is_string());
    let fetched = expect_json(app.get_lpa(&uid).await, 200).await;
    assert_eq!(fetched, registered, "the update answers the stored LPA");
    insta::assert_json_snapshot!("canonical_path_registered", registered, {
        ".uid" => "[uid]",
        ".updatedAt" => "[created]",
        ".registrationDate" => "[registered]",
    });
}

#[tokio::test]
async fn perfect_is_accepted_as_the_old_name_of_the_waiting_period() {
    // Arrange
    let app = spawn_app().await;
    let uid = app.given_signed_lpa().await;

    // Act
    let lpa = app.update_ok(&uid, "PERFECT", json!([])).await;

    // Assert
    assert_eq!(lpa["status"], "statutory-waiting-period");
}

#[tokio::test]
async fn waiting_period_before_signatures_is_refused() {
    // Arrange
    let app = spawn_app().await;
    let uid = app.given_lpa().await;

    // Act
    let response = app
        .update(&uid, "STATUTORY_WAITING_PERIOD", json!(null))
        .await;

    // Assert
    insta::assert_json_snapshot!("waiting_period_unsigned", expect_json(response, 400).await);
}

#[tokio::test]
async fn register_in_the_wrong_status_is_refused() {
    // Arrange
    let app = spawn_app().await;
    let uid = app.given_signed_lpa().await;

    // Act
    let response = app.update(&uid, "REGISTER", json!(null)).await;

    // Assert
    insta::assert_json_snapshot!("register_wrong_status", expect_json(response, 400).await);
}

#[tokio::test]
async fn updated_at_is_not_changed_by_updates() {
    // Arrange
    let app = spawn_app().await;
    let uid = app.given_lpa().await;
    let created = expect_json(app.get_lpa(&uid).await, 200).await;

    // Act
    let (update_type, changes) = fixture::signatures().remove(0);
    let updated = app.update_ok(&uid, update_type, changes).await;

    // Assert
    assert_eq!(updated["updatedAt"], created["updatedAt"]);
}
