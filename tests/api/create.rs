use reqwest::Method;
use serde_json::json;
use testkit::fixture::{self, new_uid};
use testkit::{Consumer, expect_json, spawn_app};

#[tokio::test]
async fn put_answers_201_with_an_empty_object_and_stores_the_lpa_in_progress() {
    // Arrange
    let app = spawn_app().await;
    let uid = new_uid();

    // Act
    let response = app.put_lpa(&uid, &fixture::online_lpa()).await;

    // Assert
    assert_eq!(expect_json(response, 201).await, json!({}));
    let lpa = expect_json(app.get_lpa(&uid).await, 200).await;
    assert_eq!(lpa["uid"], uid);
    assert_eq!(lpa["status"], "in-progress");
    assert_eq!(lpa["donor"]["lastName"], "Zoller");
    assert!(
        lpa["updatedAt"]
            .as_str()
            .is_some_and(|t| !t.starts_with("0001"))
    );
}

#[tokio::test]
async fn put_of_an_existing_uid_is_refused_as_already_existing() {
    // Arrange
    let app = spawn_app().await;
    let uid = app.given_lpa().await;
    let mut variant = fixture::online_lpa();
    variant["language"] = json!("cy");

    // Act
    let response = app.put_lpa(&uid, &variant).await;

    // Assert
    let body = expect_json(response, 400).await;
    insta::assert_json_snapshot!("put_existing_uid", body);
    let stored = expect_json(app.get_lpa(&uid).await, 200).await;
    assert_eq!(stored["language"], "en", "the first LPA is kept");
}

#[tokio::test]
async fn online_lpa_with_missing_fields_is_refused_with_a_source_per_field() {
    // Arrange
    let app = spawn_app().await;
    let mut lpa = fixture::online_lpa();
    lpa["donor"]["firstNames"] = json!("");
    lpa["donor"]["address"]["country"] = json!("England");
    lpa["attorneys"][0]["dateOfBirth"] = json!("17/01/2001");
    lpa["lpaType"] = json!("health");

    // Act
    let response = app.put_lpa(&new_uid(), &lpa).await;

    // Assert
    let body = expect_json(response, 400).await;
    assert_eq!(body["code"], "INVALID_REQUEST");
    let sources: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["source"].as_str().unwrap())
        .collect();
    for expected in [
        "/lpaType",
        "/donor/firstNames",
        "/donor/address/country",
        "/attorneys/0/dateOfBirth",
    ] {
        assert!(
            sources.contains(&expected),
            "{expected} missing from {body}"
        );
    }
    insta::assert_json_snapshot!("put_online_invalid", body);
}

#[tokio::test]
async fn paper_lpa_with_gaps_is_stored_anyway_with_its_images() {
    // Arrange
    let app = spawn_app().await;
    let uid = new_uid();

    // Act
    let response = app.put_lpa(&uid, &fixture::paper_lpa_with_gaps()).await;

    // Assert
    expect_json(response, 201).await;
    let lpa = expect_json(app.get_lpa(&uid).await, 200).await;
    assert_eq!(lpa["channel"], "paper");
    assert_eq!(lpa["donor"]["firstNames"], "");
    let image = &lpa["restrictionsAndConditionsImages"][0];
    assert_eq!(image["path"], format!("{uid}/scans/rc_0_page1.png"));
    // SHA-256 of "hello world"
    assert_eq!(
        image["hash"],
        "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9"
    );
}

#[tokio::test]
async fn uids_of_both_formats_are_accepted() {
    // Arrange
    let app = spawn_app().await;

    for uid in ["M-0000-0000-0013", "M-789Q-P4DF-4UX3"] {
        // Act
        let response = app.put_lpa(uid, &fixture::online_lpa()).await;

        // Assert
        expect_json(response, 201).await;
        let lpa = expect_json(app.get_lpa(uid).await, 200).await;
        assert_eq!(lpa["uid"], uid);
    }
}

#[tokio::test]
async fn actors_sent_without_a_uid_are_given_a_v4_uuid() {
    // Arrange
    let app = spawn_app().await;
    let uid = new_uid();
    // A paper LPA: the store refuses an online one without actor UIDs (see conformance::create).
    let mut lpa = fixture::online_lpa();
    lpa["channel"] = json!("paper");
    lpa["donor"].as_object_mut().unwrap().remove("uid");
    lpa["attorneys"][0].as_object_mut().unwrap().remove("uid");

    // Act
    expect_json(app.put_lpa(&uid, &lpa).await, 201).await;

    // Assert
    let stored = expect_json(app.get_lpa(&uid).await, 200).await;
    for actor in [&stored["donor"]["uid"], &stored["attorneys"][0]["uid"]] {
        let parsed = uuid::Uuid::parse_str(actor.as_str().unwrap()).unwrap();
        assert_eq!(parsed.get_version_num(), 4);
    }
}

#[tokio::test]
async fn store_owned_fields_in_the_request_are_ignored() {
    // Arrange
    let app = spawn_app().await;
    let uid = new_uid();
    let mut lpa = fixture::online_lpa();
    lpa["status"] = json!("registered");
    lpa["uid"] = json!("M-9999-9999-9999");
    lpa["registrationDate"] = json!("2020-01-01T00:00:00Z");

    // Act
    expect_json(app.put_lpa(&uid, &lpa).await, 201).await;

    // Assert
    let stored = expect_json(app.get_lpa(&uid).await, 200).await;
    assert_eq!(stored["status"], "in-progress");
    assert_eq!(stored["uid"], uid);
    assert!(stored.get("registrationDate").is_none());
}

#[tokio::test]
async fn any_consumer_may_create_an_lpa() {
    // Arrange
    let app = spawn_app().await;
    let uid = new_uid();

    // Act
    let response = app
        .send(
            Consumer::Sirius,
            Method::PUT,
            &format!("/lpas/{uid}"),
            Some(&fixture::online_lpa()),
        )
        .await;

    // Assert
    expect_json(response, 201).await;
}

#[tokio::test]
async fn a_create_waits_on_the_database_at_most_the_bound_though_it_makes_two_calls() {
    // Arrange: each call to the database takes most of the bound, so a create's two calls
    // (is the UID free? then write) would together take nearly twice it.
    let app = spawn_app().await;
    let latency = testkit::TEST_DB_TIMEOUT - std::time::Duration::from_millis(100);
    let latency_ms = u64::try_from(latency.as_millis()).unwrap();
    app.set_database(json!({"state": "slow", "latency_ms": latency_ms}))
        .await;

    // Act
    let started = std::time::Instant::now();
    let response = app.put_lpa(&new_uid(), &fixture::online_lpa()).await;
    let took = started.elapsed();

    // Assert: answered within the bound (and a margin for a loaded machine), as unavailable.
    let margin = std::time::Duration::from_millis(1000);
    assert!(
        took < testkit::TEST_DB_TIMEOUT + margin,
        "answered after {took:?}, more than the {:?} bound",
        testkit::TEST_DB_TIMEOUT
    );
    assert_eq!(response.status(), 503);
    assert!(response.headers().contains_key("retry-after"));
}
