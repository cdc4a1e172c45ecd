use reqwest::Method;
use serde_json::json;
use testkit::{Consumer, StoreChoice, expect_json, spawn_app_on};

#[tokio::test(flavor = "multi_thread")]
async fn restart_on_the_same_database_keeps_every_lpa_update_and_event() {
    // Arrange
    let mut app = spawn_app_on(StoreChoice::Postgres).await;
    let registered = app.given_signed_lpa().await;
    app.update_ok(&registered, "STATUTORY_WAITING_PERIOD", json!(null))
        .await;
    app.update_ok(&registered, "REGISTER", json!(null)).await;
    let fresh = app.given_lpa().await;
    let lpas_before = (
        expect_json(app.get_lpa(&registered).await, 200).await,
        expect_json(app.get_lpa(&fresh).await, 200).await,
    );
    let history_path = format!("/lpas/{registered}/updates");
    let history_before = expect_json(
        app.send(Consumer::Sirius, Method::GET, &history_path, None)
            .await,
        200,
    )
    .await;
    let static_path = format!("/lpas/{registered}/static");
    let static_before = expect_json(
        app.send(Consumer::Sirius, Method::GET, &static_path, None)
            .await,
        200,
    )
    .await;
    let events_before = app.events().await;

    // Act
    app.restart().await;

    // Assert
    let lpas_after = (
        expect_json(app.get_lpa(&registered).await, 200).await,
        expect_json(app.get_lpa(&fresh).await, 200).await,
    );
    assert_eq!(lpas_after, lpas_before);
    assert_eq!(lpas_after.0["status"], "registered");
    let history_after = expect_json(
        app.send(Consumer::Sirius, Method::GET, &history_path, None)
            .await,
        200,
    )
    .await;
    assert_eq!(history_after, history_before);
    assert_eq!(history_after.as_array().unwrap().len(), 6);
    let static_after = expect_json(
        app.send(Consumer::Sirius, Method::GET, &static_path, None)
            .await,
        200,
    )
    .await;
    assert_eq!(static_after, static_before);
    assert_eq!(app.events().await, events_before);
    assert_eq!(events_before.len(), 8, "two creates and six updates");
}
