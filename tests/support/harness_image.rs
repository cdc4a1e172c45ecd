//! The harness's own container image (`lpa-store-harness`, built by `ci/image.sh`), started
//! with testcontainers as the Postgres image is: for the tests of what teams that do not
//! write Rust run.
//!
//! A test that needs the image gets it built when it is missing (`ci/image.sh --if-missing`,
//! from the unoptimised binaries the tests build anyway, unless `LPA_IMAGE_PROFILE` says
//! otherwise): it never skips for want of it.

use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use testcontainers_modules::testcontainers::core::{IntoContainerPort, Mount, WaitFor};
use testcontainers_modules::testcontainers::runners::AsyncRunner;
use testcontainers_modules::testcontainers::{
    ContainerAsync, ContainerRequest, GenericImage, ImageExt,
};

/// The image's name; `latest` is the tag `ci/image.sh` also gives it.
pub const IMAGE: &str = "lpa-store-harness";

/// Builds the image once per test process when Docker does not have it.
///
/// # Panics
///
/// When `ci/image.sh` fails; its own output (on the test's stderr) says why.
pub fn ensure_built() {
    static BUILT: OnceLock<()> = OnceLock::new();
    BUILT.get_or_init(|| {
        let profile = std::env::var("LPA_IMAGE_PROFILE").unwrap_or_else(|_| "dev".to_owned());
        let status = Command::new("bash")
            .arg(crate::repository_root().join("ci/image.sh"))
            .arg("--if-missing")
            .env("LPA_IMAGE_PROFILE", profile)
            .stdout(Stdio::inherit())
            .stderr(Stdio::inherit())
            .status()
            .expect("ci/image.sh runs");
        assert!(status.success(), "ci/image.sh could not build the image");
    });
}

/// The image, ready to be configured: port 8080 exposed, ready once it prints its address.
pub fn image() -> ContainerRequest<GenericImage> {
    ensure_built();
    GenericImage::new(IMAGE, "latest")
        .with_exposed_port(8080.tcp())
        .with_wait_for(WaitFor::message_on_stdout("listening on"))
        .with_startup_timeout(Duration::from_secs(30))
}

/// A started container of the image, with the URL of its API on the host.
#[derive(Debug)]
pub struct Harness {
    /// The container.
    pub container: ContainerAsync<GenericImage>,
    /// `http://127.0.0.1:PORT`.
    pub url: String,
}

impl Harness {
    /// Starts `request` (from [`image`]) and finds its port.
    pub async fn start(request: ContainerRequest<GenericImage>) -> anyhow::Result<Self> {
        let container = request
            .start()
            .await
            .context("Failed to start the harness image (is Docker running? ci/docker.sh)")?;
        let port = container.get_host_port_ipv4(8080.tcp()).await?;
        Ok(Self {
            container,
            url: format!("http://127.0.0.1:{port}"),
        })
    }

    /// Kills the container's process at once (SIGKILL), as a crash would.
    pub fn kill_hard(&self) -> anyhow::Result<()> {
        let status = Command::new("docker")
            .args(["kill", "--signal", "KILL", self.container.id()])
            .stdout(Stdio::null())
            .status()
            .context("docker kill runs")?;
        anyhow::ensure!(status.success(), "docker kill failed");
        Ok(())
    }

    /// Waits (bounded) until the API answers its health check again, after a restart; the
    /// host port may change, so it is read again.
    pub async fn wait_until_serving(&mut self, bound: Duration) -> anyhow::Result<()> {
        let deadline = Instant::now() + bound;
        loop {
            if let Ok(port) = self.container.get_host_port_ipv4(8080.tcp()).await {
                self.url = format!("http://127.0.0.1:{port}");
                let answered = reqwest::get(format!("{}/health-check", self.url)).await;
                if answered.is_ok_and(|r| r.status() == 200) {
                    return Ok(());
                }
            }
            anyhow::ensure!(
                Instant::now() < deadline,
                "the harness did not serve within {bound:?}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

/// A named Docker volume mounted at the image's data folder, `/data`.
pub fn data_volume(name: &str) -> Mount {
    Mount::volume_mount(name, "/data")
}
