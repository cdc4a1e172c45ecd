//! The Pact Broker path, against a broker stand-in serving the HAL resources pact_verifier
//! walks (pacts for verification with selectors, a pending pact, and published results) and
//! the one the official CLI's `pact broker publish` calls (`pb:publish-contracts`, used by
//! [`super::publish`]).

use std::collections::BTreeMap;
use std::process::Output;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, http::HeaderMap};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde_json::{Value, json};
use testkit::process::SimProcess;

use super::committed_pacts;

/// A pact as the broker holds it: consumer, provider and consumer version.
type PactKey = (String, String, String);

#[derive(Clone, Default)]
pub(crate) struct Broker {
    pub(crate) base: String,
    /// The bearer token every request must carry, when set (as a broker with auth would).
    token: Option<String>,
    received: Arc<Mutex<Vec<(String, Value)>>>,
    /// The content of each published pact, decoded.
    published: Arc<Mutex<BTreeMap<PactKey, String>>>,
}

impl Broker {
    fn note(&self, what: &str, body: Value) {
        self.received.lock().unwrap().push((what.to_owned(), body));
    }

    pub(crate) fn received(&self, what: &str) -> Vec<Value> {
        self.received
            .lock()
            .unwrap()
            .iter()
            .filter(|(w, _)| w == what)
            .map(|(_, body)| body.clone())
            .collect()
    }

    /// The decoded content the broker holds for this consumer, provider and version.
    pub(crate) fn pact(&self, consumer: &str, provider: &str, version: &str) -> Option<String> {
        let key = (consumer.to_owned(), provider.to_owned(), version.to_owned());
        self.published.lock().unwrap().get(&key).cloned()
    }
}

fn authorization(headers: &HeaderMap) -> String {
    headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// Refuses a request without the broker's token, as a broker with bearer auth does.
async fn require_token(State(broker): State<Broker>, request: Request, next: Next) -> Response {
    if let Some(token) = &broker.token {
        let given = authorization(request.headers());
        if given != format!("Bearer {token}") {
            broker.note(
                "refused",
                json!({"path": request.uri().path(), "auth": given}),
            );
            let body = json!({"error": "The bearer token is not valid for this broker"});
            return (StatusCode::UNAUTHORIZED, Json(body)).into_response();
        }
    }
    next.run(request).await
}

async fn root(State(broker): State<Broker>, headers: HeaderMap) -> Json<Value> {
    broker.note("index", json!({"auth": authorization(&headers)}));
    let base = &broker.base;
    Json(json!({"_links": {
        "pb:provider-pacts-for-verification": {
            "href": format!("{base}/pacts/provider/{{provider}}/for-verification"),
            "templated": true
        },
        "pb:publish-contracts": {
            "href": format!("{base}/contracts/publish"),
            "title": "Publish contracts",
            "templated": false
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
    broker.note(
        "results",
        json!({"auth": authorization(&headers), "body": results}),
    );
    Json(json!({}))
}

/// A refusal in the broker's shape: `errors` by field, and for a conflict the `notices` too.
fn refuse(status: StatusCode, field: &str, text: &str) -> Response {
    let mut body = json!({"errors": {field: [text]}});
    if status == StatusCode::CONFLICT {
        body["notices"] = json!([{"type": "error", "text": text}]);
    }
    (status, Json(body)).into_response()
}

fn text(value: &Value) -> String {
    value.as_str().unwrap_or_default().to_owned()
}

/// The contracts of a publication, decoded, or why the broker refuses them.
fn check_contracts(
    broker: &Broker,
    request: &Value,
) -> Result<Vec<(PactKey, String)>, (StatusCode, String)> {
    let consumer = text(&request["pacticipantName"]);
    let version = text(&request["pacticipantVersionNumber"]);
    let mut accepted = Vec::new();
    for contract in request["contracts"].as_array().into_iter().flatten() {
        let provider = text(&contract["providerName"]);
        let content = BASE64
            .decode(text(&contract["content"]))
            .ok()
            .and_then(|bytes| String::from_utf8(bytes).ok())
            .filter(|content| serde_json::from_str::<Value>(content).is_ok())
            .ok_or((
                StatusCode::BAD_REQUEST,
                "content is not base64 JSON".to_owned(),
            ))?;
        if text(&contract["consumerName"]) != consumer {
            let message = "consumerName must match pacticipantName".to_owned();
            return Err((StatusCode::BAD_REQUEST, message));
        }
        if broker
            .pact(&consumer, &provider, &version)
            .is_some_and(|held| held != content)
        {
            let message = format!(
                "Cannot change the content of the pact for {consumer} version {version} \
                 and provider {provider}, as race conditions will cause unreliable results \
                 for can-i-deploy. Each pact must be published with a unique consumer \
                 version number."
            );
            return Err((StatusCode::CONFLICT, message));
        }
        accepted.push(((consumer.clone(), provider, version.clone()), content));
    }
    Ok(accepted)
}

/// The results of a publication in the shape of pact_broker's
/// `PublishContractsResultsDecorator`, which the CLI parses to print the notices.
fn publish_results(base: &str, request: &Value, published: &[PactKey]) -> Value {
    let consumer = text(&request["pacticipantName"]);
    let version = text(&request["pacticipantVersionNumber"]);
    let pacticipant = format!("{base}/pacticipants/{consumer}");
    let version_href = format!("{pacticipant}/versions/{version}");
    let pact_href = |(consumer, provider, version): &PactKey| {
        format!("{base}/pacts/provider/{provider}/consumer/{consumer}/version/{version}")
    };
    let notices: Vec<Value> = published
        .iter()
        .map(|key| {
            let (consumer, provider, version) = key;
            let href = pact_href(key);
            let text = format!(
                "Pact published for {consumer} version {version} and provider {provider}: {href}"
            );
            json!({"type": "success", "text": text})
        })
        .collect();
    let contracts: Vec<Value> = published
        .iter()
        .map(|key| json!({"title": "Pact", "name": key.1, "href": pact_href(key)}))
        .collect();
    let tags: Vec<Value> = request["tags"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|tag| json!({"name": tag}))
        .collect();
    json!({
        "notices": notices,
        "logs": [],
        "_embedded": {
            "pacticipant": {"name": consumer, "_links": {"self": {"href": pacticipant}}},
            "version": {"number": version, "_links": {"self": {
                "href": version_href, "name": version, "title": "Version"
            }}}
        },
        "_links": {
            "pb:pacticipant": {"title": "Pacticipant", "name": consumer, "href": pacticipant},
            "pb:pacticipant-version": {
                "title": "Pacticipant version", "name": version, "href": version_href
            },
            "pb:pacticipant-version-tags": tags,
            "pb:contracts": contracts
        }
    })
}

/// `POST /contracts/publish`, as pact_broker's `PublishContracts` resource: every contract's
/// content is base64 JSON for the named consumer; a pact already published for the same
/// consumer version with other content is a `409` (the broker's default, which keeps
/// can-i-deploy reliable; the stand-in does not merge); otherwise `200` with the results.
async fn publish_contracts(
    State(broker): State<Broker>,
    headers: HeaderMap,
    Json(request): Json<Value>,
) -> Response {
    broker.note(
        "publish",
        json!({"auth": authorization(&headers), "body": request}),
    );
    let accepted = match check_contracts(&broker, &request) {
        Ok(accepted) => accepted,
        Err((status, message)) => return refuse(status, "contracts", &message),
    };
    let keys: Vec<PactKey> = accepted.iter().map(|(key, _)| key.clone()).collect();
    broker.published.lock().unwrap().extend(accepted);
    Json(publish_results(&broker.base, &request, &keys)).into_response()
}

/// A broker that asks for no token.
async fn start_broker() -> Broker {
    serve(None).await
}

/// A broker that refuses, with a `401`, any request without `Bearer TOKEN`.
pub(crate) async fn start_broker_with_token(token: &str) -> Broker {
    serve(Some(token.to_owned())).await
}

async fn serve(token: Option<String>) -> Broker {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let broker = Broker {
        base: format!("http://{}", listener.local_addr().unwrap()),
        token,
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
        .route("/contracts/publish", post(publish_contracts))
        .layer(middleware::from_fn_with_state(
            broker.clone(),
            require_token,
        ))
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
