use serde_json::json;
use testkit::{expect_json, fixture, spawn_app};

#[tokio::test]
async fn every_write_publishes_lpa_updated_with_its_change_type() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let uid = app.given_lpa().await;
    let (update_type, changes) = fixture::signatures().remove(0);
    app.update_ok(&uid, update_type, changes).await;
    expect_json(app.update(&uid, "REGISTER", json!(null)).await, 400).await;

    // Assert
    let events = app.events().await;
    let summary: Vec<_> = events
        .iter()
        .map(|e| {
            (
                e["detailType"].clone(),
                e["detail"].clone(),
                e["source"].clone(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            (
                json!("lpa-updated"),
                json!({"uid": uid, "changeType": "CREATE"}),
                json!("opg.poas.lpastore")
            ),
            (
                json!("lpa-updated"),
                json!({"uid": uid, "changeType": "CERTIFICATE_PROVIDER_SIGN"}),
                json!("opg.poas.lpastore")
            ),
        ],
        "a refused update publishes nothing"
    );
}

#[tokio::test]
async fn events_can_be_read_from_a_sequence_number_on() {
    // Arrange
    let app = spawn_app().await;
    app.given_lpa().await;
    let second = app.given_lpa().await;

    // Act
    let response = app
        .client
        .get(app.url("/__admin/events?after=1"))
        .send()
        .await
        .unwrap();

    // Assert
    let body = expect_json(response, 200).await;
    let events = body["events"].as_array().unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["sequence"], 2);
    assert_eq!(events[0]["detail"]["uid"], second);
}

#[tokio::test]
async fn a_bad_events_query_is_a_clear_400() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let response = app
        .client
        .get(app.url("/__admin/events?after=soon"))
        .send()
        .await
        .unwrap();

    // Assert
    let body = expect_json(response, 400).await;
    assert_eq!(body["code"], "INVALID_REQUEST");
}
