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

use std::sync::{Arc, Mutex};

use cucumber::event::{ScenarioFinished, StepError};
use cucumber::writer::{self, Coloring, Stats as _};
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

/// Where the recovery reports go: `recovery-report.md` beside `junit.xml`, or
/// `NAME.recovery-report.md` beside a JUnit report named `NAME.xml`, so that runs writing
/// their reports to one folder (as `ci/consumer-under-test.sh` does) keep each other's.
fn recovery_report_path(junit: &std::path::Path) -> PathBuf {
    match junit.file_stem().and_then(|stem| stem.to_str()) {
        None | Some("junit") => junit.with_file_name("recovery-report.md"),
        Some(stem) => junit.with_file_name(format!("{stem}.recovery-report.md")),
    }
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

/// What failed in one scenario, for the recap printed after the summary: the scenario's place
/// in its feature file and the failing step's message, so the end of a long log (all a CI
/// page may show) names what failed.
fn failure(
    feature: &cucumber::gherkin::Feature,
    scenario: &cucumber::gherkin::Scenario,
    finished: &ScenarioFinished,
) -> Option<String> {
    let why = match finished {
        ScenarioFinished::StepPassed | ScenarioFinished::StepSkipped => return None,
        ScenarioFinished::BeforeHookFailed(info) => panic_text(info),
        ScenarioFinished::StepFailed(_, _, StepError::Panic(info)) => panic_text(info),
        ScenarioFinished::StepFailed(_, _, error) => error.to_string(),
    };
    let file = feature.path.as_deref().map_or_else(
        || feature.name.clone(),
        |path| {
            path.file_name().map_or_else(
                || path.display().to_string(),
                |name| name.to_string_lossy().into_owned(),
            )
        },
    );
    let why: String = why.lines().take(12).collect::<Vec<_>>().join("\n      ");
    Some(format!(
        "  {file}:{}: {}\n      {why}",
        scenario.position.line, scenario.name
    ))
}

/// A step's panic message (an `Err` from a step is reported as one).
fn panic_text(info: &cucumber::event::Info) -> String {
    (**info)
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| (**info).downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_else(|| "(no message)".to_owned())
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
    let recovery = recovery_report_path(&junit_path());
    if !only_prints {
        std::fs::write(
            &recovery,
            "# Recovery reports\n\nOne per scenario with a database outage, from the store's \
             `GET /__admin/report?format=markdown` as the scenario ended.\n",
        )
        .expect("the recovery report can be written");
        println!("Recovery reports: {}", recovery.display());
    }

    let failures: Arc<Mutex<Vec<String>>> = Arc::default();
    let failed = Arc::clone(&failures);
    let writer = world::LpaStore::cucumber()
        .with_writer(
            writer::Basic::raw(std::io::stdout(), Coloring::Auto, 0)
                .summarized()
                .tee::<world::LpaStore, _>(writer::JUnit::for_tee(report, 0))
                .normalized(),
        )
        .fail_on_skipped()
        .max_concurrent_scenarios(CONCURRENT_SCENARIOS)
        .after(move |feature, _, scenario, finished, world| {
            let title = format!("{}: {}", feature.name, scenario.name);
            let recovery = recovery.clone();
            if let Some(failure) = failure(feature, scenario, finished) {
                failed
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .push(failure);
            }
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
        .run(features)
        .await;
    if writer.execution_has_failed() {
        let failures = failures.lock().unwrap_or_else(|p| p.into_inner());
        if !failures.is_empty() {
            println!("\nFailed scenarios ({}):", failures.len());
            for failure in failures.iter() {
                println!("{failure}");
            }
        }
        let unlisted = writer.failed_steps().saturating_sub(failures.len());
        if unlisted > 0 {
            // `fail_on_skipped` fails a step no definition matches after the hook has run.
            println!(
                "\n{unlisted} more failed step(s), such as a step no definition matches: see above"
            );
        }
        if writer.hook_errors() > 0 {
            println!(
                "\n{} hook(s) failed (starting or stopping a scenario's store): see above",
                writer.hook_errors()
            );
        }
        if writer.parsing_errors() > 0 {
            println!(
                "\n{} feature file(s) could not be read: see above",
                writer.parsing_errors()
            );
        }
        std::process::exit(1);
    }
}
