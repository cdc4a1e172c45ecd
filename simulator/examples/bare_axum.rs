//! The baseline of `ci/bench.sh compare`: bare axum on the same machine, answering the same
//! routes with the same LPA, serialised per request as the simulator does, with nothing else:
//! no JWT check, no journal, no faults, no store. What the simulator costs is measured against
//! this.
//!
//! Prints `listening on http://ADDRESS` and serves until killed.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{Value, json};
use simulator::model::Lpa;

/// The simulator's allocator, so that the comparison measures the simulator's own work.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let mut body = simulator::fixture::lpa();
    body["uid"] = json!("M-0000-0000-0000");
    body["status"] = json!("in-progress");
    body["updatedAt"] = json!("2024-01-01T00:00:00Z");
    let lpa: Arc<Lpa> = Arc::new(serde_json::from_value(body).expect("the fixture is a valid LPA"));
    let app = Router::new()
        .route(
            "/health-check",
            get(|| async { Json(json!({"status": "ok"})) }),
        )
        .route("/lpas/{uid}", get(one))
        .route("/lpas", post(many))
        .route("/lpas/{uid}/updates", post(update))
        .with_state(lpa);
    let listener = tokio::net::TcpListener::bind(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "127.0.0.1:0".to_owned()),
    )
    .await?;
    println!("listening on http://{}", listener.local_addr()?);
    axum::serve(listener, app).await
}

/// `GET /lpas/{uid}`: the LPA under the UID asked for.
async fn one(State(lpa): State<Arc<Lpa>>, Path(uid): Path<String>) -> Json<Lpa> {
    let mut lpa = (*lpa).clone();
    lpa.uid = uid;
    Json(lpa)
}

/// `POST /lpas`: the LPA once per UID asked for.
async fn many(State(lpa): State<Arc<Lpa>>, Json(body): Json<Value>) -> Json<Value> {
    let uids = body["uids"].as_array().cloned().unwrap_or_default();
    let lpas: Vec<Lpa> = uids
        .iter()
        .filter_map(Value::as_str)
        .map(|uid| {
            let mut lpa = (*lpa).clone();
            lpa.uid = uid.to_owned();
            lpa
        })
        .collect();
    Json(json!({ "lpas": lpas }))
}

/// `POST /lpas/{uid}/updates`: the LPA, as if the update had been applied.
async fn update(
    State(lpa): State<Arc<Lpa>>,
    Path(uid): Path<String>,
    Json(_update): Json<Value>,
) -> (axum::http::StatusCode, Json<Lpa>) {
    let mut lpa = (*lpa).clone();
    lpa.uid = uid;
    (axum::http::StatusCode::CREATED, Json(lpa))
}
