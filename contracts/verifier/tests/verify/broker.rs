//! The Pact Broker path, against a broker stand-in serving the HAL resources pact_verifier
//! walks: pacts for verification with selectors, a pending pact, and published results.

use std::process::Output;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Path, State};
use axum::routing::{get, post, put};
use axum::{Json, http::HeaderMap};
use serde_json::{Value, json};
use testkit::process::SimProcess;

use super::committed_pacts;

#[derive(Clone, Default)]
struct Broker {
    base: String,
    received: Arc<Mutex<Vec<(String, Value)>>>,
}

impl Broker {
    fn note(&self, what: &str, body: Value) {
        self.received.lock().unwrap().push((what.to_owned(), body));
    }

    fn received(&self, what: &str) -> Vec<Value> {
        self.received
            .lock()
            .unwrap()
            .iter()
            .filter(|(w, _)| w == what)
            .map(|(_, body)| body.clone())
            .collect()
    }
}

async fn root(State(broker): State<Broker>) -> Json<Value> {
    let base = &broker.base;
    Json(json!({"_links": {
        "pb:provider-pacts-for-verification": {
            "href": format!("{base}/pacts/provider/{{provider}}/for-verification"),
            "templated": true
        }
    }}))
}

async fn for_verification(State(broker): State<Broker>) -> Json<Value> {
    let base = &broker.base;
    Json(json!({"_links": {"self": {
        "href": format!("{base}/pacts/provider/data-lpa-store/for-verification")
    }}}))
}

async fn pacts_for_verification(
    State(broker): State<Broker>,
    Json(request): Json<Value>,
) -> Json<Value> {
    broker.note("for-verification", request);
    let base = &broker.base;
    Json(json!({"_embedded": {"pacts": [{
        "shortDescription": "latest from main",
        "verificationProperties": {
            "pending": true,
            "notices": [{"when": "before_verification", "text": "this pact is pending: its failures do not fail the build"}]
        },
        "_links": {"self": {"href": format!("{base}/pacts/use-an-lpa"), "name": "use-an-lpa"}}
    }]}}))
}

async fn pact(State(broker): State<Broker>) -> Json<Value> {
    let base = &broker.base;
    let text = std::fs::read_to_string(committed_pacts().join("use-an-lpa-data-lpa-store.json"))
        .expect("the committed pact");
    let mut pact: Value = serde_json::from_str(&text).expect("JSON");
    pact["_links"] = json!({
        "pb:publish-verification-results": {"href": format!("{base}/results")},
        "pb:provider": {"href": format!("{base}/pacticipants/data-lpa-store")}
    });
    Json(pact)
}

async fn provider(State(broker): State<Broker>) -> Json<Value> {
    let base = &broker.base;
    Json(json!({"_links": {
        "pb:branch-version": {
            "href": format!("{base}/pacticipants/data-lpa-store/branches/{{branch}}/versions/{{version}}"),
            "templated": true
        },
        "pb:version-tag": {
            "href": format!("{base}/pacticipants/data-lpa-store/versions/{{version}}/tags/{{tag}}"),
            "templated": true
        }
    }}))
}

async fn branch_version(
    State(broker): State<Broker>,
    Path((branch, version)): Path<(String, String)>,
) -> Json<Value> {
    broker.note("branch", json!({"branch": branch, "version": version}));
    Json(json!({}))
}

async fn version_tag(
    State(broker): State<Broker>,
    Path((version, tag)): Path<(String, String)>,
) -> Json<Value> {
    broker.note("tag", json!({"version": version, "tag": tag}));
    Json(json!({}))
}

async fn results(
    State(broker): State<Broker>,
    headers: HeaderMap,
    Json(results): Json<Value>,
) -> Json<Value> {
    let auth = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    broker.note("results", json!({"auth": auth, "body": results}));
    Json(json!({}))
}

async fn start_broker() -> Broker {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let broker = Broker {
        base: format!("http://{}", listener.local_addr().unwrap()),
        ..Broker::default()
    };
    let app = Router::new()
        .route("/", get(root))
        .route(
            "/pacts/provider/data-lpa-store/for-verification",
            get(for_verification).post(pacts_for_verification),
        )
        .route("/pacts/use-an-lpa", get(pact))
        .route("/pacticipants/data-lpa-store", get(provider))
        .route(
            "/pacticipants/data-lpa-store/branches/{branch}/versions/{version}",
            put(branch_version),
        )
        .route(
            "/pacticipants/data-lpa-store/versions/{version}/tags/{tag}",
            put(version_tag),
        )
        .route("/results", post(results))
        .with_state(broker.clone());
    tokio::spawn(async move { axum::serve(listener, app).await });
    broker
}

async fn lpa_contracts(args: Vec<String>) -> Output {
    tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_lpa-contracts"))
            .arg("verify")
            .args(&args)
            .env("PACT_DO_NOT_TRACK", "true")
            .output()
            .expect("lpa-contracts runs")
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn broker_pacts_are_selected_verified_as_pending_and_the_results_published() {
    // Arrange: a provider that breaks one of Use an LPA's interactions.
    let broker = start_broker().await;
    let faults =
        std::env::temp_dir().join(format!("lpa-broker-faults-{}.json", uuid::Uuid::new_v4()));
    std::fs::write(
        &faults,
        r#"[{"kind": "status", "status": 500, "selector": {"path": "/lpas/M-0000-4444-3333"}}]"#,
    )
    .unwrap();
    let sim = SimProcess::start(&["--faults", faults.to_str().unwrap()]).expect("lpa-sim starts");
    let args: Vec<String> = [
        "--provider-url",
        &sim.address,
        "--state-change-url",
        &format!("{}/__pact/provider-states", sim.address),
        "--broker-url",
        &broker.base,
        "--broker-token",
        "secret-token",
        "--consumer-version-selectors",
        r#"{"mainBranch": true}"#,
        "--consumer-version-selectors",
        r#"{"deployedOrReleased": true}"#,
        "--enable-pending",
        "--include-wip-pacts-since",
        "2026-01-01",
        "--publish",
        "--provider-version",
        "abc123",
        "--provider-branch",
        "main",
        "--provider-tags",
        "ci",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();

    // Act
    let output = lpa_contracts(args).await;

    // Assert: the failure is pending, so the run passes and says so.
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.contains("PENDING use-an-lpa: a request for an LPA that does not exist"),
        "{stdout}"
    );
    assert!(stdout.contains("1 pending failures"), "{stdout}");
    assert!(stdout.contains("notice: this pact is pending"), "{stdout}");

    // Asked twice with the same options: which consumers have pacts, then by pact_verifier
    // for the one consumer found.
    let requests = broker.received("for-verification");
    assert_eq!(requests.len(), 2, "{requests:?}");
    for request in &requests {
        assert_eq!(
            request["consumerVersionSelectors"],
            json!([{"mainBranch": true}, {"deployedOrReleased": true}])
        );
        assert_eq!(request["includePendingStatus"], true);
        assert_eq!(request["includeWipPactsSince"], "2026-01-01");
        assert_eq!(request["providerVersionBranch"], "main");
    }
    assert!(stdout.contains("of use-an-lpa"), "{stdout}");

    let published = broker.received("results");
    assert_eq!(published.len(), 1, "results published once");
    assert_eq!(published[0]["auth"], "Bearer secret-token");
    assert_eq!(published[0]["body"]["success"], false);
    assert_eq!(published[0]["body"]["providerApplicationVersion"], "abc123");
    assert_eq!(
        broker.received("branch"),
        [json!({"branch": "main", "version": "abc123"})]
    );
    assert_eq!(
        broker.received("tag"),
        [json!({"version": "abc123", "tag": "ci"})]
    );
    std::fs::remove_file(&faults).ok();
}
