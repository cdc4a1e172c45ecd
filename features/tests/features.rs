//! The downtime scenarios of the LPA store, written in Gherkin (`features/features/*.feature`)
//! and run by cucumber against the simulator on a real Postgres in a container, with the
//! consumers played by the typed client.
//!
//! Run with `cargo test -p features --test features [-- --tags @downtime | --name "..."]`;
//! the README's QA section says more. libtest's own flags (`--nocapture`,
//! `--test-threads`) are not understood here: this is cucumber's runner, not libtest's.
//!
//! Layout:
//! - `world`: one scenario's state ([`world::LpaStore`]);
//! - `store`: the store under test (a simulator on its own Postgres container);
//! - `answer`: what a consumer was answered, and reports of expected against actual;
//! - `under_test`: a team's own service as the consumer under test, from a TOML file;
//! - `journal`: the store's request journal, and judgements of a consumer's behaviour from it;
//! - `steps`: the step definitions, one module per domain thing.

mod answer;
mod journal;
mod steps;
mod store;
mod under_test;
mod world;

use std::path::PathBuf;

use cucumber::writer::{self, Coloring};
use cucumber::{World as _, WriterExt as _};
use futures_util::FutureExt as _;

/// Scenarios in flight at once. Each mostly waits on its own container or on a database
/// bound, so more run at once than there are cores.
const CONCURRENT_SCENARIOS: usize = 8;

/// Where the JUnit report goes: `LPA_FEATURES_JUNIT`, else `cucumber/junit.xml` in the target
/// directory this runner was built in (`$CARGO_TARGET_DIR`, or `target/` in the workspace).
fn junit_path() -> PathBuf {
    if let Some(path) = std::env::var_os("LPA_FEATURES_JUNIT") {
        return PathBuf::from(path);
    }
    let target = std::env::current_exe()
        .ok()
        .and_then(|exe| Some(exe.parent()?.parent()?.parent()?.to_path_buf()))
        .unwrap_or_else(|| PathBuf::from("target"));
    target.join("cucumber").join("junit.xml")
}

/// Appends the store's recovery report to `path` under `title`, when it shows an outage. A
/// report that cannot be had is noted, not fatal: the scenario's own steps judge the store.
async fn append_recovery_report(
    path: &std::path::Path,
    title: &str,
    admin: &reqwest::Client,
    store: &store::StoreUnderTest,
) {
    let Ok(address) = store.address() else {
        return;
    };
    let text = match admin
        .get(format!("{address}/__admin/report?format=markdown"))
        .send()
        .await
    {
        Ok(response) => response.text().await.unwrap_or_default(),
        Err(error) => format!("(no report: {error})"),
    };
    if text.contains("No database outage") {
        return;
    }
    let body = text
        .trim_start_matches("# Recovery report")
        .trim_start()
        .replace("\n## ", "\n### ");
    let section = format!("\n## {title}\n\n{body}");
    use std::io::Write as _;
    if let Ok(mut file) = std::fs::OpenOptions::new().append(true).open(path) {
        file.write_all(section.as_bytes()).ok();
    }
}

#[tokio::main]
async fn main() {
    // Cucumber reports a failing step with its message, next to the step. The default panic
    // hook would also print a backtrace of the runner's futures for each (with RUST_BACKTRACE
    // set), pages of it, burying the report QA reads; one line is enough.
    std::panic::set_hook(Box::new(|info| eprintln!("{info}")));
    // When the workspace is built together, pact's crates give reqwest a rustls without a
    // crypto provider, and building an HTTP client would panic; an error here means one is
    // installed already, which is all that is needed.
    let _ = rustls::crypto::ring::default_provider().install_default();
    // `--help` and `--version` only print; they must not empty an earlier run's report.
    let only_prints = std::env::args()
        .skip(1)
        .any(|arg| matches!(arg.as_str(), "-h" | "--help" | "-V" | "--version"));
    let report: Box<dyn std::io::Write> = if only_prints {
        Box::new(std::io::sink())
    } else {
        let junit = junit_path();
        if let Some(dir) = junit.parent() {
            std::fs::create_dir_all(dir).expect("the JUnit report's folder can be created");
        }
        println!("JUnit report: {}", junit.display());
        Box::new(std::fs::File::create(&junit).expect("the JUnit report can be written"))
    };
    // Read when the runner starts, not when it was built, so a runner built in another checkout
    // that shares the target directory still reads this checkout's features.
    let features = std::env::var_os("CARGO_MANIFEST_DIR")
        .map_or_else(|| env!("CARGO_MANIFEST_DIR").into(), PathBuf::from)
        .join("features");

    // The recovery report of every scenario with an outage, beside the JUnit report.
    let recovery = junit_path().with_file_name("recovery-report.md");
    if !only_prints {
        std::fs::write(
            &recovery,
            "# Recovery reports\n\nOne per scenario with a database outage, from the store's \
             `GET /__admin/report?format=markdown` as the scenario ended.\n",
        )
        .expect("the recovery report can be written");
        println!("Recovery reports: {}", recovery.display());
    }

    world::LpaStore::cucumber()
        .with_writer(
            writer::Basic::raw(std::io::stdout(), Coloring::Auto, 0)
                .summarized()
                .tee::<world::LpaStore, _>(writer::JUnit::for_tee(report, 0))
                .normalized(),
        )
        .fail_on_skipped()
        .max_concurrent_scenarios(CONCURRENT_SCENARIOS)
        .after(move |feature, _, scenario, _, world| {
            let title = format!("{}: {}", feature.name, scenario.name);
            let recovery = recovery.clone();
            async move {
                if let Some(world) = world {
                    // The service first: it must not outlive the store it calls.
                    drop(world.under_test.take());
                    if let Some(store) = world.store.take() {
                        append_recovery_report(&recovery, &title, &world.admin, &store).await;
                        store.shut_down().await;
                    }
                }
            }
            .boxed_local()
        })
        .run_and_exit(features)
        .await;
}
