use reqwest::Method;
use serde_json::json;
use testkit::{Consumer, expect_json, fixture, spawn_app};

#[tokio::test]
async fn change_history_lists_updates_newest_first_with_author_and_changes() {
    // Arrange
    let app = spawn_app().await;
    let uid = app.given_lpa().await;
    let signatures = fixture::signatures();
    for (update_type, changes) in &signatures[..2] {
        app.update_ok(&uid, update_type, changes.clone()).await;
    }

    // Act
    let response = app
        .send(
            Consumer::Sirius,
            Method::GET,
            &format!("/lpas/{uid}/updates"),
            None,
        )
        .await;

    // Assert
    let records = expect_json(response, 200).await;
    let records = records.as_array().unwrap();
    assert_eq!(records.len(), 2);
    assert_eq!(records[0]["type"], "ATTORNEY_SIGN");
    assert_eq!(records[1]["type"], "CERTIFICATE_PROVIDER_SIGN");
    assert_eq!(records[1]["changes"], signatures[0].1);
    assert_eq!(records[0]["author"], "urn:opg:sirius:users:34");
    assert_eq!(records[0]["uid"], uid);
    let applied = records[0]["applied"].as_str().unwrap();
    assert!(
        !applied.contains('.'),
        "applied has second precision: {applied}"
    );
    insta::assert_json_snapshot!("change_history", records[1], {
        ".id" => "[id]",
        ".uid" => "[uid]",
        ".applied" => "[applied]",
    });
}

#[tokio::test]
async fn change_history_of_an_lpa_never_updated_is_not_found() {
    // Arrange
    let app = spawn_app().await;
    let uid = app.given_lpa().await;

    // Act
    let response = app
        .send(
            Consumer::Sirius,
            Method::GET,
            &format!("/lpas/{uid}/updates"),
            None,
        )
        .await;

    // Assert
    expect_json(response, 404).await;
}

#[tokio::test]
async fn refused_updates_leave_no_trace_in_the_history() {
    // Arrange
    let app = spawn_app().await;
    let uid = app.given_lpa().await;

    // Act
    let response = app.update(&uid, "REGISTER", json!(null)).await;

    // Assert
    expect_json(response, 400).await;
    let history = app
        .send(
            Consumer::Sirius,
            Method::GET,
            &format!("/lpas/{uid}/updates"),
            None,
        )
        .await;
    expect_json(history, 404).await;
}
