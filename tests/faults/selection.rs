//! Which requests a fault strikes: selectors, counts and seeded probabilities.

use reqwest::Method;
use serde_json::json;
use testkit::{Consumer, TestApp, expect_json};

use super::{app, app_with_seed};

async fn status_of(app: &TestApp, consumer: Consumer, uid: &str) -> u16 {
    app.send(consumer, Method::GET, &format!("/lpas/{uid}"), None)
        .await
        .status()
        .as_u16()
}

#[tokio::test]
async fn a_fault_aimed_at_one_consumer_spares_the_others() {
    // Arrange
    let app = app().await;
    let uid = app.given_lpa().await;
    app.add_fault(json!({"kind": "status", "status": 500,
                         "selector": {"issuer": "opg.poas.use"}}))
        .await;

    // Act
    let use_an_lpa = status_of(&app, Consumer::UseAnLpa, &uid).await;
    let sirius = status_of(&app, Consumer::Sirius, &uid).await;
    let makeregister = status_of(&app, Consumer::MakeRegister, &uid).await;

    // Assert
    assert_eq!((use_an_lpa, sirius, makeregister), (500, 200, 200));
}

#[tokio::test]
async fn route_method_and_path_selectors_each_narrow_the_fault() {
    // Arrange
    let app = app().await;
    let first = app.given_lpa().await;
    let second = app.given_lpa().await;
    app.add_fault(json!([
        {"kind": "status", "status": 502, "selector": {"route": "/lpas/{uid}/updates", "method": "GET"}},
        {"kind": "status", "status": 504, "selector": {"path": format!("/lpas/{second}/static")}}
    ]))
    .await;
    let app = &app;
    let get = |path: String| async move {
        app.send(Consumer::Sirius, Method::GET, &path, None)
            .await
            .status()
            .as_u16()
    };

    // Act
    let statuses = [
        get(format!("/lpas/{first}/updates")).await,
        get(format!("/lpas/{first}")).await,
        get(format!("/lpas/{first}/static")).await,
        get(format!("/lpas/{second}/static")).await,
        get("/health-check".to_owned()).await,
    ];

    // Assert
    assert_eq!(statuses, [502, 200, 200, 504, 200]);
}

#[tokio::test]
async fn a_counted_fault_strikes_that_many_times_then_removes_itself() {
    // Arrange
    let app = app().await;
    let uid = app.given_lpa().await;
    app.add_fault(json!({"name": "twice", "kind": "status", "status": 500, "count": 2}))
        .await;

    // Act
    let mut statuses = Vec::new();
    for _ in 0..4 {
        statuses.push(status_of(&app, Consumer::UseAnLpa, &uid).await);
    }

    // Assert
    assert_eq!(statuses, [500, 500, 200, 200]);
    assert_eq!(app.faults().await["faults"], json!([]));
}

async fn sequence(app: &TestApp, uid: &str) -> Vec<u16> {
    let mut statuses = Vec::new();
    for _ in 0..40 {
        statuses.push(status_of(app, Consumer::UseAnLpa, uid).await);
    }
    statuses
}

const COIN: fn() -> serde_json::Value = || {
    json!({"kind": "status", "status": 503, "probability": 0.5,
           "selector": {"route": "/lpas/{uid}"}})
};

#[tokio::test]
async fn seeded_probability_faults_give_the_same_sequence_on_two_runs() {
    // Arrange
    let first = app_with_seed(2026).await;
    let second = app_with_seed(2026).await;
    let other = app_with_seed(2027).await;
    let mut uids = Vec::new();
    for app in [&first, &second, &other] {
        uids.push(app.given_lpa().await);
        app.add_fault(COIN()).await;
    }

    // Act
    let a = sequence(&first, &uids[0]).await;
    let b = sequence(&second, &uids[1]).await;
    let c = sequence(&other, &uids[2]).await;

    // Assert
    assert_eq!(a, b, "the same seed repeats the run");
    assert_ne!(a, c, "another seed gives another run");
    let failed = a.iter().filter(|s| **s == 503).count();
    assert!(
        (8..=32).contains(&failed),
        "{failed} of 40 at probability 0.5"
    );
    assert!(a.iter().all(|s| [200, 503].contains(s)), "{a:?}");
}

#[tokio::test]
async fn a_reset_restarts_the_sequence_from_the_seed() {
    // Arrange
    let app = app_with_seed(99).await;
    let uid = app.given_lpa().await;
    app.add_fault(COIN()).await;
    let before = sequence(&app, &uid).await;

    // Act
    let reset = app
        .client
        .post(app.url("/__admin/reset"))
        .send()
        .await
        .unwrap();
    assert_eq!(reset.status(), 204);
    app.add_fault(COIN()).await;
    let after = sequence(&app, &uid).await;

    // Assert
    assert_eq!(before, after);
    let listing = app.faults().await;
    assert_eq!(listing["seed"], 99);
    assert_eq!(
        listing["faults"][0]["applied"],
        after.iter().filter(|s| **s == 503).count()
    );
}

#[tokio::test]
async fn a_new_seed_set_live_gives_that_seeds_sequence() {
    // Arrange
    let reference = app_with_seed(5).await;
    let app = app_with_seed(6).await;
    let reference_uid = reference.given_lpa().await;
    let uid = app.given_lpa().await;
    reference.add_fault(COIN()).await;
    app.add_fault(COIN()).await;

    // Act
    let reseeded = app
        .client
        .put(app.url("/__admin/fault-seed"))
        .json(&json!({"seed": 5}))
        .send()
        .await
        .unwrap();
    expect_json(reseeded, 200).await;

    // Assert
    assert_eq!(
        sequence(&app, &uid).await,
        sequence(&reference, &reference_uid).await
    );
}

#[tokio::test]
async fn a_fault_aimed_at_one_update_type_spares_the_others_and_every_read() {
    // Arrange
    let app = app().await;
    let uid = app.given_lpa().await;
    app.add_fault(
        json!({"kind": "status", "status": 503, "retry_after_secs": 2,
                         "selector": {"update_type": "CORRECTION"}}),
    )
    .await;

    // Act
    let correction = app
        .update(
            &uid,
            "CORRECTION",
            json!([{"key": "/donor/lastName", "old": "Zoller", "new": "Perkins"}]),
        )
        .await;
    let other = app
        .update(
            &uid,
            "OPG_STATUS_CHANGE",
            json!([{"key": "/status", "old": "in-progress", "new": "cannot-register"}]),
        )
        .await;
    let read = app.get_lpa(&uid).await;

    // Assert
    assert_eq!(correction.status(), 503);
    assert_eq!(correction.headers()["retry-after"], "2");
    assert_ne!(other.status(), 503, "another update type meets no fault");
    assert_eq!(read.status(), 200);
}

#[tokio::test]
async fn a_fault_aimed_at_one_user_spares_the_same_consumers_other_users() {
    // Arrange: two Make and register users, each acting as a different actor.
    let app = app().await;
    let uid = app.given_lpa().await;
    let aimed = Consumer::MakeRegister.subject("aimed-user");
    app.add_fault(json!({"kind": "status", "status": 418, "selector": {"subject": aimed}}))
        .await;
    let read_as = |actor: &'static str| {
        let token = app.token_for(Consumer::MakeRegister, actor);
        let request = app
            .client
            .get(app.url(&format!("/lpas/{uid}")))
            .header("X-Jwt-Authorization", format!("Bearer {token}"));
        async move { request.send().await.unwrap().status() }
    };

    // Act
    let theirs = read_as("aimed-user").await;
    let another = read_as("someone-else").await;

    // Assert
    assert_eq!(theirs, 418);
    assert_eq!(another, 200);
}
