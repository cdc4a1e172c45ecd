use testkit::{expect_json, spawn_app};

#[tokio::test]
async fn health_check_answers_ok_without_a_token() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let response = app
        .client
        .get(app.url("/health-check"))
        .send()
        .await
        .unwrap();

    // Assert
    let body = expect_json(response, 200).await;
    assert_eq!(body, serde_json::json!({"status": "ok", "statusCode": 200}));
}
