//! The harness's container image as teams that do not write Rust run it: `docker run` of the
//! simulator, its admin API for an outage rehearsal, a SIGKILL in queue mode with the outbox
//! on a volume, and `lpa-contracts verify` from inside the image.

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use testcontainers_modules::testcontainers::ImageExt;
use testkit::harness_image::{Harness, data_volume, image};
use testkit::process::{Finished, run_bounded};
use testkit::repository_root;
use testkit::{Consumer, fixture, install_crypto};

const ADMIN_TOKEN: &str = "image-test-token";

fn bearer(consumer: Consumer) -> String {
    format!(
        "Bearer {}",
        testkit::token(&simulator::auth::TokenRequest {
            issuer: consumer.issuer().to_owned(),
            subject: consumer.subject("image"),
            expires_in: Some(600),
            issued_offset: 0,
        })
    )
}

async fn put_lpa(client: &reqwest::Client, url: &str, uid: &str) -> reqwest::Response {
    client
        .put(format!("{url}/lpas/{uid}"))
        .header("X-Jwt-Authorization", bearer(Consumer::MakeRegister))
        .json(&fixture::online_lpa())
        .send()
        .await
        .unwrap()
}

async fn get_lpa(client: &reqwest::Client, url: &str, uid: &str) -> reqwest::Response {
    client
        .get(format!("{url}/lpas/{uid}"))
        .header("X-Jwt-Authorization", bearer(Consumer::UseAnLpa))
        .send()
        .await
        .unwrap()
}

async fn admin(client: &reqwest::Client, url: &str, path: &str, body: Value) -> reqwest::Response {
    client
        .put(format!("{url}{path}"))
        .bearer_auth(ADMIN_TOKEN)
        .json(&body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_image_serves_the_store_and_keeps_its_admin_routes_closed_without_a_token() {
    // Arrange
    install_crypto();
    let harness = Harness::start(image()).await.unwrap();
    let client = reqwest::Client::new();
    let uid = fixture::new_uid();

    // Act
    let health = client
        .get(format!("{}/health-check", harness.url))
        .send()
        .await
        .unwrap();
    let created = put_lpa(&client, &harness.url, &uid).await;
    let read = get_lpa(&client, &harness.url, &uid).await;
    let admin = client
        .get(format!("{}/__admin/faults", harness.url))
        .send()
        .await
        .unwrap();

    let stopped = std::process::Command::new("docker")
        .args(["stop", "--time", "10", harness.container.id()])
        .output()
        .expect("docker stop runs");
    let exit_code = std::process::Command::new("docker")
        .args([
            "inspect",
            "--format",
            "{{.State.ExitCode}}",
            harness.container.id(),
        ])
        .output()
        .expect("docker inspect runs");

    // Assert
    assert_eq!(health.status(), 200);
    assert_eq!(created.status(), 201);
    assert_eq!(read.status(), 200);
    assert_eq!(
        admin.status(),
        403,
        "0.0.0.0 is not loopback: admin needs a token"
    );
    assert!(stopped.status.success());
    assert_eq!(
        String::from_utf8_lossy(&exit_code.stdout).trim(),
        "0",
        "SIGTERM from docker stop ends the simulator gracefully"
    );
}

#[tokio::test]
async fn an_outage_rehearsal_runs_through_the_images_admin_api_with_its_token() {
    // Arrange
    install_crypto();
    let harness = Harness::start(image().with_env_var("LPA_SIM_ADMIN_TOKEN", ADMIN_TOKEN))
        .await
        .unwrap();
    let client = reqwest::Client::new();
    let uid = fixture::new_uid();
    assert_eq!(put_lpa(&client, &harness.url, &uid).await.status(), 201);

    // Act
    let offline = admin(
        &client,
        &harness.url,
        "/__admin/database",
        json!({"state": "offline"}),
    )
    .await;
    let during = get_lpa(&client, &harness.url, &uid).await;
    let retry_after = during.headers().get("retry-after").cloned();
    let online = admin(
        &client,
        &harness.url,
        "/__admin/database",
        json!({"state": "online"}),
    )
    .await;
    let after = get_lpa(&client, &harness.url, &uid).await;

    // Assert
    assert_eq!(offline.status(), 200);
    assert_eq!(during.status(), 503);
    assert!(retry_after.is_some(), "503 with Retry-After");
    assert_eq!(online.status(), 200);
    assert_eq!(after.status(), 200);
}

#[tokio::test]
async fn writes_queued_in_the_image_survive_a_sigkill_through_the_outbox_volume() {
    // Arrange: queue mode, the outbox on a named volume, the database away.
    install_crypto();
    let volume = format!("lpa-harness-outbox-{}", uuid::Uuid::new_v4().simple());
    let mut harness = Harness::start(
        image()
            .with_env_var("LPA_SIM_ADMIN_TOKEN", ADMIN_TOKEN)
            .with_env_var("LPA_SIM_ON_DB_OFFLINE", "queue")
            .with_env_var("LPA_SIM_OUTBOX", "/data/outbox")
            .with_mount(data_volume(&volume)),
    )
    .await
    .unwrap();
    let client = reqwest::Client::new();
    admin(
        &client,
        &harness.url,
        "/__admin/database",
        json!({"state": "offline"}),
    )
    .await;
    let uids: Vec<String> = (0..5).map(|_| fixture::new_uid()).collect();
    let mut accepted = 0;
    for uid in &uids {
        if put_lpa(&client, &harness.url, uid).await.status() == 202 {
            accepted += 1;
        }
    }

    // Act: the process is killed, and the container started again on the same volume.
    harness.kill_hard().unwrap();
    harness.container.start().await.unwrap();
    harness
        .wait_until_serving(Duration::from_secs(30))
        .await
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(15);
    let mut applied = 0;
    while Instant::now() < deadline {
        applied = 0;
        for uid in &uids {
            if get_lpa(&client, &harness.url, uid).await.status() == 200 {
                applied += 1;
            }
        }
        if applied == uids.len() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    std::process::Command::new("docker")
        .args(["volume", "rm", "-f", &volume])
        .output()
        .ok();

    // Assert
    assert_eq!(accepted, uids.len(), "every write was accepted for later");
    assert_eq!(
        applied,
        uids.len(),
        "every accepted write was applied after the restart"
    );
}

#[tokio::test]
async fn the_images_verifier_passes_every_committed_pact_against_its_own_simulator() {
    // Arrange
    testkit::harness_image::ensure_built();
    let pacts = repository_root().join("contracts/pacts");

    // Act
    let output = std::process::Command::new("docker")
        .args(["run", "--rm", "-v"])
        .arg(format!("{}:/pacts:ro", pacts.display()))
        .args([
            testkit::harness_image::IMAGE,
            "lpa-contracts",
            "verify",
            "--simulator",
            "--pacts",
            "/pacts",
        ])
        .output()
        .expect("docker runs");

    // Assert
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("PASSED: 45 passed, 0 failed"), "{stdout}");
}

/// A compose project brought down (with its volumes) however the test ends.
struct ComposeProject {
    compose: String,
    file: std::path::PathBuf,
    name: String,
    port: u16,
}

impl ComposeProject {
    fn run(&self, args: &[&str], bound: Duration) -> anyhow::Result<Finished> {
        let mut command = std::process::Command::new(&self.compose);
        command
            .args(["-p", &self.name, "-f"])
            .arg(&self.file)
            .args(args)
            .env("LPA_STORE_PORT", self.port.to_string())
            .env("LPA_SIM_ADMIN_TOKEN", ADMIN_TOKEN);
        run_bounded(command, bound)
    }
}

impl Drop for ComposeProject {
    fn drop(&mut self) {
        if let Err(e) = self.run(
            &["down", "-v", "--remove-orphans"],
            Duration::from_secs(120),
        ) {
            eprintln!("the compose project could not be brought down: {e:#}");
        }
    }
}

#[test]
fn the_compose_recipe_comes_up_verifies_the_pacts_and_goes_down() {
    // Arrange
    testkit::harness_image::ensure_built();
    let compose = std::process::Command::new("bash")
        .arg(repository_root().join("ci/compose.sh"))
        .output()
        .expect("ci/compose.sh runs");
    assert!(
        compose.status.success(),
        "ci/compose.sh could not provide docker-compose"
    );
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let project = ComposeProject {
        compose: String::from_utf8(compose.stdout).unwrap().trim().to_owned(),
        file: repository_root().join("examples/compose/docker-compose.yml"),
        name: format!("lpatest{}", uuid::Uuid::new_v4().simple()),
        port,
    };

    // Act
    let up = project
        .run(&["up", "-d", "lpa-store"], Duration::from_secs(180))
        .unwrap();
    let verified = project
        .run(&["run", "--rm", "verify-pacts"], Duration::from_secs(300))
        .unwrap();
    let health = std::net::TcpStream::connect(("127.0.0.1", port)).is_ok();

    // Assert
    assert!(up.status.success(), "{}", up.output);
    assert!(verified.status.success(), "{}", verified.output);
    assert!(
        verified.output.contains("PASSED: 45 passed, 0 failed"),
        "{}",
        verified.output
    );
    assert!(health, "the store's API is published on the host port");
}
