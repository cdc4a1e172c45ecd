use std::collections::HashSet;

use futures_util::future::join_all;
use serde_json::{Value, json};
use testkit::{StoreChoice, TestApp, expect_json, spawn_app_on};

const WRITERS: usize = 8;
const NAMES_EACH: usize = 3;

/// Each writer renames the donor NAMES_EACH times, reading the current name as `old` and
/// retrying when another writer got there first.
async fn writer(app: &TestApp, uid: &str, writer: usize) -> usize {
    let mut conflicts = 0;
    for n in 0..NAMES_EACH {
        let name = format!("Writer{writer}Name{n}");
        for attempt in 0.. {
            assert!(attempt < 200, "writer {writer} starved");
            let lpa = expect_json(app.get_lpa(uid).await, 200).await;
            let current = lpa["donor"]["lastName"].clone();
            let changes = json!([{"key": "/donor/lastName", "old": current, "new": name}]);
            let response = app.update(uid, "CORRECTION", changes).await;
            match response.status().as_u16() {
                201 => break,
                400 => {
                    let body: Value = response.json().await.unwrap();
                    assert_eq!(body["errors"][0]["detail"], "does not match existing value");
                    conflicts += 1;
                }
                other => panic!("unexpected status {other}"),
            }
        }
    }
    conflicts
}

#[tokio::test(flavor = "multi_thread")]
async fn concurrent_renames_each_win_once_and_the_change_log_is_a_gapless_chain() {
    // Arrange
    let app = spawn_app_on(StoreChoice::Postgres).await;
    let uid = app.given_lpa().await;

    // Act
    let conflicts: usize = futures_join(&app, &uid).await;

    // Assert: every rename is in the log exactly once, and each one's `old` is the `new` of the
    // one before it, so no update was lost or applied on top of a stale read.
    let history = app.get_updates(&uid).await;
    let history = expect_json(history, 200).await;
    let mut records: Vec<&Value> = history.as_array().unwrap().iter().collect();
    records.reverse();
    assert_eq!(records.len(), WRITERS * NAMES_EACH);
    let mut previous = json!("Zoller");
    let mut seen = HashSet::new();
    for record in &records {
        let change = &record["changes"][0];
        assert_eq!(
            change["old"], previous,
            "a rename was applied on a stale read"
        );
        assert!(
            seen.insert(change["new"].as_str().unwrap().to_owned()),
            "duplicate rename"
        );
        previous = change["new"].clone();
    }
    let lpa = expect_json(app.get_lpa(&uid).await, 200).await;
    assert_eq!(lpa["donor"]["lastName"], previous);
    assert!(
        conflicts > 0,
        "the writers should have collided at least once"
    );
}

async fn futures_join(app: &TestApp, uid: &str) -> usize {
    let writers = (0..WRITERS).map(|w| writer(app, uid, w));
    join_all(writers).await.into_iter().sum()
}

/// Renames the donor until the LPA is gone; returns how many renames were applied.
async fn rename_until_removed(app: &TestApp, uid: &str) -> usize {
    let mut applied = 0;
    for n in 0.. {
        assert!(n < 500, "the LPA was never removed");
        let read = app.get_lpa(uid).await;
        let current = match read.status().as_u16() {
            200 => read.json::<Value>().await.unwrap()["donor"]["lastName"].clone(),
            404 => return applied,
            other => panic!("unexpected status {other} reading the LPA"),
        };
        let changes =
            json!([{"key": "/donor/lastName", "old": current, "new": format!("Name{n}")}]);
        match app
            .update(uid, "CORRECTION", changes)
            .await
            .status()
            .as_u16()
        {
            201 => applied += 1,
            // Another writer got there first, or the LPA was removed meanwhile.
            400 | 404 => {}
            other => panic!("unexpected status {other} updating the LPA"),
        }
    }
    applied
}

#[tokio::test(flavor = "multi_thread")]
async fn removing_an_lpa_while_it_is_being_updated_never_fails_and_leaves_nothing_behind() {
    // Arrange
    let app = spawn_app_on(StoreChoice::Postgres).await;
    let uid = "M-0000-7777-8888";
    let exists = format!("An LPA with UID {uid} exists");
    let gone = format!("An LPA with UID {uid} does not exist");

    for _ in 0..5 {
        expect_json(app.provider_state(&exists, "setup").await, 200).await;

        // Act: writers keep correcting while the provider state removes the LPA.
        let writers = join_all((0..4).map(|_| rename_until_removed(&app, uid)));
        let removal = async {
            // Once the writers are at work: the first correction is in the history.
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
            loop {
                let history = app.get_updates(uid).await;
                if history.status() == 200 {
                    break;
                }
                assert!(
                    std::time::Instant::now() < deadline,
                    "no writer got through"
                );
                tokio::time::sleep(std::time::Duration::from_millis(5)).await;
            }
            app.provider_state(&gone, "setup").await
        };
        let (applied, removal) = tokio::join!(writers, removal);

        // Assert
        let status = removal.status();
        assert_eq!(status, 200, "{}", removal.text().await.unwrap_or_default());
        assert!(
            applied.iter().sum::<usize>() > 0,
            "the writers ran before the removal"
        );
        expect_json(app.get_lpa(uid).await, 404).await;
        let history = app.get_updates(uid).await;
        expect_json(history, 404).await;
    }
}
