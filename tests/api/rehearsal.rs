//! What a rehearsal shows: the console page, the Prometheus metrics and the recovery report.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use simulator::Simulator;
use testkit::{TestApp, expect_json, spawn, spawn_on_all_interfaces};

/// A simulator on the in-memory store, queueing writes while its database is away.
async fn queueing_app() -> TestApp {
    let (store, switch) = simulator::outage::memory(testkit::TEST_DB_TIMEOUT);
    let (outbox, dir) = testkit::fresh_outbox();
    spawn(
        Simulator::new(store)
            .with_outage_switch(switch)
            .with_outbox(outbox),
    )
    .await
    .keeping_outbox_dir(dir)
}

async fn admin_get(app: &TestApp, path: &str) -> reqwest::Response {
    app.client.get(app.url(path)).send().await.unwrap()
}

fn sample<'a>(
    scrape: &'a prometheus_parse::Scrape,
    name: &str,
    labels: &[(&str, &str)],
) -> Option<&'a prometheus_parse::Sample> {
    scrape
        .samples
        .iter()
        .find(|s| s.metric == name && labels.iter().all(|(k, v)| s.labels.get(k) == Some(*v)))
}

fn value(sample: &prometheus_parse::Sample) -> f64 {
    match sample.value {
        prometheus_parse::Value::Counter(v)
        | prometheus_parse::Value::Gauge(v)
        | prometheus_parse::Value::Untyped(v) => v,
        _ => f64::NAN,
    }
}

async fn scrape(app: &TestApp) -> prometheus_parse::Scrape {
    let response = admin_get(app, "/__admin/metrics").await;
    assert_eq!(response.status(), 200);
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        content_type.starts_with("application/openmetrics-text"),
        "{content_type}"
    );
    let text = response.text().await.unwrap();
    let lines = text.lines().map(|l| Ok(l.to_owned()));
    prometheus_parse::Scrape::parse(lines).expect("the metrics parse")
}

#[tokio::test]
async fn the_metrics_count_requests_by_route_status_consumer_and_fault_and_show_the_database() {
    // Arrange
    let app = queueing_app().await;
    let uid = app.given_lpa().await;
    app.add_fault(
        json!({"name": "teapot", "kind": "status", "status": 418, "count": 1,
                         "selector": {"issuer": "opg.poas.use"}}),
    )
    .await;
    app.get_lpa(&uid).await;
    app.get_lpa(&uid).await;
    app.set_database(json!({"state": "offline"})).await;
    let queued = app
        .update(
            &uid,
            "CORRECTION",
            json!([{"key": "/donor/lastName", "old": "Zoller", "new": "Perkins"}]),
        )
        .await;
    assert_eq!(queued.status(), 202);

    // Act
    let metrics = scrape(&app).await;

    // Assert
    let read_ok = sample(
        &metrics,
        "lpa_sim_requests_total",
        &[
            ("route", "/lpas/:uid"),
            ("method", "GET"),
            ("status", "200"),
            ("consumer", "opg.poas.use"),
            ("fault", "none"),
        ],
    )
    .expect("the successful read is counted");
    assert_eq!(value(read_ok), 1.0);
    let faulted = sample(
        &metrics,
        "lpa_sim_requests_total",
        &[
            ("status", "418"),
            ("consumer", "opg.poas.use"),
            ("fault", "teapot"),
        ],
    )
    .expect("the faulted read is counted with its fault");
    assert_eq!(value(faulted), 1.0);
    let accepted = sample(
        &metrics,
        "lpa_sim_requests_total",
        &[
            ("route", "/lpas/:uid/updates"),
            ("status", "202"),
            ("consumer", "opg.poas.sirius"),
        ],
    )
    .expect("the queued write is counted");
    assert_eq!(value(accepted), 1.0);
    let latency = metrics
        .samples
        .iter()
        .find(|s| {
            s.metric == "lpa_sim_request_duration_seconds"
                && s.labels.get("consumer") == Some("opg.poas.use")
        })
        .expect("the reads' latency is a histogram");
    assert!(
        matches!(&latency.value, prometheus_parse::Value::Histogram(buckets) if !buckets.is_empty()),
        "{latency:?}"
    );
    let offline = sample(&metrics, "lpa_sim_database_state", &[("state", "offline")]).unwrap();
    let online = sample(&metrics, "lpa_sim_database_state", &[("state", "online")]).unwrap();
    assert_eq!((value(offline), value(online)), (1.0, 0.0));
    assert_eq!(
        value(sample(&metrics, "lpa_sim_outbox_pending", &[]).unwrap()),
        1.0
    );
}

#[tokio::test]
async fn made_up_paths_are_counted_as_other_so_the_metrics_stay_bounded() {
    let app = testkit::spawn_app().await;
    for n in 0..5 {
        admin_get(&app, &format!("/no/such/path/{n}")).await;
    }

    let metrics = scrape(&app).await;

    let other = sample(
        &metrics,
        "lpa_sim_requests_total",
        &[("route", "other"), ("status", "404")],
    )
    .expect("unknown paths are counted together");
    assert_eq!(value(other), 5.0);
}

#[tokio::test]
async fn the_recovery_report_shows_each_outage_its_answers_recovery_and_writes() {
    // Arrange: an outage in queue mode, two writes accepted during it, then the database back.
    let app = queueing_app().await;
    let uid = app.given_lpa().await;
    app.set_database(json!({"state": "offline"})).await;
    for (old, new) in [("Zoller", "Perkins"), ("Perkins", "Smith")] {
        let answer = app
            .update(
                &uid,
                "CORRECTION",
                json!([{"key": "/donor/lastName", "old": old, "new": new}]),
            )
            .await;
        assert_eq!(answer.status(), 202);
    }
    app.set_database(json!({"state": "online"})).await;
    app.wait_until_outbox_empty(Duration::from_secs(10)).await;
    let read = app.get_lpa(&uid).await;
    assert_eq!(read.status(), 200);

    // Act
    let report = expect_json(admin_get(&app, "/__admin/report").await, 200).await;
    let markdown = admin_get(&app, "/__admin/report?format=markdown").await;

    // Assert
    let outages = report["outages"].as_array().unwrap();
    assert_eq!(outages.len(), 1, "{report}");
    let outage = &outages[0];
    assert_eq!(outage["condition"], "offline");
    assert_eq!(outage["source"], "set");
    assert!(outage["endedAt"].is_string() && outage["lastedMs"].as_i64().unwrap() >= 0);
    assert_eq!(outage["answers"]["opg.poas.sirius"]["202"], 2, "{report}");
    assert_eq!(
        outage["writes"],
        json!({"accepted": 2, "applied": 2, "failed": 0, "pending": 0, "lost": 0})
    );
    assert!(
        outage["firstSuccessAfterMs"].as_i64().unwrap() >= 0,
        "{report}"
    );
    assert!(outage["drainedAfterMs"].as_i64().unwrap() >= 0, "{report}");
    assert_eq!(report["recovered"], true);
    assert_eq!(markdown.status(), 200);
    let text = markdown.text().await.unwrap();
    assert!(
        text.starts_with("# Recovery report") && text.contains("| 1 | offline (set) |"),
        "{text}"
    );
}

#[tokio::test]
async fn a_reset_forgets_the_outages_that_ended() {
    let app = testkit::spawn_app().await;
    app.set_database(json!({"state": "hung"})).await;
    app.set_database(json!({"state": "online"})).await;

    let before = expect_json(admin_get(&app, "/__admin/report").await, 200).await;
    let reset = app
        .client
        .post(app.url("/__admin/reset"))
        .send()
        .await
        .unwrap();
    let after = expect_json(admin_get(&app, "/__admin/report").await, 200).await;

    assert_eq!(before["outages"].as_array().unwrap().len(), 1);
    assert_eq!(reset.status(), 204);
    assert_eq!(after["outages"], json!([]));
}

#[tokio::test]
async fn the_console_page_and_its_assets_are_served_from_the_binary_with_a_strict_policy() {
    let app = testkit::spawn_app().await;

    for (path, kind) in [
        ("/__admin/", "text/html"),
        ("/__admin/console.js", "text/javascript"),
        ("/__admin/console.css", "text/css"),
    ] {
        let response = admin_get(&app, path).await;

        assert_eq!(response.status(), 200, "{path}");
        let headers = response.headers().clone();
        assert!(
            headers["content-type"].to_str().unwrap().starts_with(kind),
            "{path}"
        );
        assert!(
            headers["content-security-policy"]
                .to_str()
                .unwrap()
                .contains("default-src 'self'")
        );
        let body = response.text().await.unwrap();
        assert!(
            !body.contains("https://") && !body.contains("http://"),
            "{path} loads nothing from elsewhere"
        );
    }
}

async fn log_in(
    browser: &reqwest::Client,
    app: &TestApp,
    token: &str,
) -> reqwest::Result<reqwest::Response> {
    browser
        .post(app.url("/__admin/login"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("token={token}"))
        .send()
        .await
}

#[tokio::test]
async fn with_an_admin_token_the_console_needs_a_login_and_the_cookie_opens_the_admin_api() {
    // Arrange: a shared address, with a token; a client that sends no token of its own.
    let app = spawn_on_all_interfaces(
        Simulator::in_memory().with_admin_token(Some("s3cret".into())),
        None,
    )
    .await;
    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();

    // Act
    let without = browser.get(app.url("/__admin/")).send().await.unwrap();
    let wrong = log_in(&browser, &app, "guess").await.unwrap();
    let right = log_in(&browser, &app, "s3cret").await.unwrap();
    let cookie = right.headers()["set-cookie"].to_str().unwrap().to_owned();
    let pair = cookie.split(';').next().unwrap().to_owned();
    let with_cookie = browser
        .get(app.url("/__admin/faults"))
        .header("cookie", &pair)
        .send()
        .await
        .unwrap();

    // Assert
    assert_eq!(without.status(), StatusCode::UNAUTHORIZED);
    expect_json(wrong, 401).await;
    assert_eq!(right.status(), StatusCode::SEE_OTHER);
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    assert_eq!(with_cookie.status(), StatusCode::OK);
}

#[tokio::test]
async fn the_metrics_the_report_and_the_console_follow_the_admin_access_rule() {
    let app = spawn_on_all_interfaces(Simulator::in_memory(), None).await;

    for path in ["/__admin/metrics", "/__admin/report", "/__admin/"] {
        let response = app
            .client
            .request(Method::GET, app.url(path))
            .send()
            .await
            .unwrap();
        let problem: Value = expect_json(response, 403).await;
        assert_eq!(problem["code"], "FORBIDDEN", "{path}");
    }
}

#[tokio::test]
async fn a_database_hung_for_one_consumer_holds_its_requests_only_and_a_reset_ends_it() {
    // Arrange
    let app = testkit::spawn_app().await;
    let uid = app.given_lpa().await;
    let response = app
        .client
        .put(app.url("/__admin/database/consumers/opg.poas.use"))
        .json(&json!({"state": "hung"}))
        .send()
        .await
        .unwrap();
    expect_json(response, 200).await;

    // Act
    let held = app.get_lpa(&uid).await.status();
    let sirius = app
        .send(
            testkit::Consumer::Sirius,
            Method::GET,
            &format!("/lpas/{uid}"),
            None,
        )
        .await
        .status();
    let report = expect_json(admin_get(&app, "/__admin/report").await, 200).await;
    let reset = app
        .client
        .post(app.url("/__admin/reset"))
        .send()
        .await
        .unwrap();
    let after = app.get_lpa(&uid).await.status();

    // Assert
    assert_eq!(held, 503);
    assert_eq!(sirius, 200);
    let outage = &report["outages"][0];
    assert_eq!(outage["consumer"], "opg.poas.use", "{report}");
    assert_eq!(outage["condition"], "hung");
    assert_eq!(reset.status(), 204);
    assert_eq!(after, 200);
}
