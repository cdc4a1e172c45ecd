//! The rehearsal console in a real browser: headless Chromium (Debian's package, installed by
//! `ci/chromium.sh` when missing, so the test never skips) loads the console of a running
//! `lpa-sim serve`, takes the database offline with the page's button, adds and removes a fault
//! with the page's form, and the test checks both the page and the simulator. A screenshot of
//! the console during the outage is kept under the target directory (`console/`), and with
//! `LPA_UPDATE_SCREENSHOT=1` also written to `docs/console-during-outage.png` for the README.
//!
//! Chromium is driven over the Chrome DevTools Protocol, on its WebSocket, with `tungstenite`.

mod cdp;

use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::path::PathBuf;
use std::time::Duration;

use serde_json::{Value, json};
use testkit::process::SimProcess;

use cdp::Browser;

const PAGE_BOUND: Duration = Duration::from_secs(15);

/// A plain HTTP/1.1 exchange with the simulator: `(status, body)`.
fn http(
    address: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, String) {
    let host = address.trim_start_matches("http://");
    let mut stream = TcpStream::connect(host).expect("the simulator accepts connections");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(body);
    stream.write_all(request.as_bytes()).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status = response[9..12].parse().unwrap_or(0);
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    (status, body)
}

fn use_an_lpa_token() -> String {
    simulator::auth::issue(
        simulator::auth::DEFAULT_SECRET,
        &simulator::auth::TokenRequest {
            issuer: "opg.poas.use".to_owned(),
            subject: "urn:opg:poas:use:users:browser-test".to_owned(),
            expires_in: Some(600),
            issued_offset: 0,
        },
    )
    .unwrap()
}

fn screenshot_path() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| testkit::repository_root().join("target"));
    target.join("console").join("console-during-outage.png")
}

#[test]
fn the_console_takes_the_database_offline_with_its_button_and_shows_the_outage() {
    // Arrange: a simulator with an LPA, read once by Use an LPA; the console open on it.
    let sim = SimProcess::start(&["--db-timeout-ms", "500"]).expect("lpa-sim serve starts");
    let (status, _) = http(
        &sim.address,
        "POST",
        "/__pact/provider-states",
        &[("Content-Type", "application/json")],
        r#"{"state": "An LPA with UID {uid} exists", "params": {"uid": "M-0000-1111-2222"}}"#,
    );
    assert!(
        (200..300).contains(&status),
        "the provider state is set up: {status}"
    );
    let bearer = format!("Bearer {}", use_an_lpa_token());
    let read = || {
        http(
            &sim.address,
            "GET",
            "/lpas/M-0000-1111-2222",
            &[("X-Jwt-Authorization", &bearer)],
            "",
        )
        .0
    };
    assert_eq!(read(), 200);
    let mut browser = Browser::launch().expect("headless Chromium starts");
    browser
        .open(&format!("{}/__admin/", sim.address))
        .expect("the console loads");
    browser
        .wait_until(
            "document.getElementById('db-state').textContent === 'online'",
            PAGE_BOUND,
        )
        .expect("the console shows the database online");

    // Act: the Offline button, then a read that meets the outage.
    browser
        .evaluate("document.querySelector('button[data-db=\"offline\"]').click(), true")
        .unwrap();
    browser
        .wait_until(
            "document.getElementById('db-state').textContent === 'offline'",
            PAGE_BOUND,
        )
        .expect("the console shows the database offline");
    let during = read();
    browser
        .wait_until(
            "[...document.querySelectorAll('#request-rows td')].some(td => td.textContent === '503')
             && document.querySelectorAll('#timeline rect.band').length > 0",
            PAGE_BOUND,
        )
        .expect("the console shows the 503 and marks the outage on the timeline");
    let png = browser.screenshot().expect("a screenshot");

    // Assert: the simulator's own state agrees with the page.
    assert_eq!(during, 503);
    let (_, database) = http(&sim.address, "GET", "/__admin/database", &[], "");
    let database: Value = serde_json::from_str(&database).unwrap();
    assert_eq!(database["condition"]["state"], "offline");
    let badge = browser
        .evaluate("getComputedStyle(document.getElementById('database-badge')).backgroundColor")
        .unwrap();
    assert_eq!(badge, json!("rgb(198, 40, 40)"), "the badge turns red");
    assert!(
        png.len() > 10_000 && png.starts_with(b"\x89PNG"),
        "a real PNG"
    );
    let path = screenshot_path();
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, &png).unwrap();
    println!("screenshot: {}", path.display());
    if std::env::var("LPA_UPDATE_SCREENSHOT").as_deref() == Ok("1") {
        std::fs::write(
            testkit::repository_root().join("docs/console-during-outage.png"),
            &png,
        )
        .unwrap();
    }
}

#[test]
fn the_console_adds_a_fault_with_its_form_and_removes_it_with_its_button() {
    // Arrange
    let sim = SimProcess::start(&[]).expect("lpa-sim serve starts");
    let mut browser = Browser::launch().expect("headless Chromium starts");
    browser
        .open(&format!("{}/__admin/", sim.address))
        .expect("the console loads");
    browser
        .wait_until(
            "document.getElementById('db-state').textContent === 'online'",
            PAGE_BOUND,
        )
        .unwrap();

    // Act: a 503 for Use an LPA, three times, through the form.
    browser
        .evaluate(
            "const form = document.getElementById('fault-form');
             form.kind.value = 'status'; form.status.value = '503';
             form.issuer.value = 'opg.poas.use'; form.count.value = '3';
             form.querySelector('button[type=submit]').click(); true",
        )
        .unwrap();
    browser
        .wait_until(
            "document.querySelectorAll('#fault-rows button[data-remove]').length === 1",
            PAGE_BOUND,
        )
        .expect("the fault is listed");
    let (_, added) = http(&sim.address, "GET", "/__admin/faults", &[], "");
    browser
        .evaluate("document.querySelector('#fault-rows button[data-remove]').click(), true")
        .unwrap();
    browser
        .wait_until(
            "document.querySelectorAll('#fault-rows button[data-remove]').length === 0",
            PAGE_BOUND,
        )
        .expect("the fault is gone from the page");
    let (_, removed) = http(&sim.address, "GET", "/__admin/faults", &[], "");

    // Assert
    let added: Value = serde_json::from_str(&added).unwrap();
    let fault = &added["faults"][0];
    assert_eq!(fault["kind"], "status");
    assert_eq!(fault["status"], 503);
    assert_eq!(fault["count"], 3);
    assert_eq!(fault["selector"], json!({"issuer": "opg.poas.use"}));
    let removed: Value = serde_json::from_str(&removed).unwrap();
    assert_eq!(removed["faults"], json!([]));
}
