//! `/__admin/...`: what a consumer or QA needs besides the API itself.
//!
//! - `GET /__admin/events?after=N`: the `lpa-updated` events the real store would have
//!   published, oldest first, so consumers can test their event handling;
//! - `GET /__admin/health`: the truth about the database (200 when it answers, 503 when not),
//!   unlike `/health-check`, which always answers 200 as the real store does;
//! - `GET /__admin/outbox`, `GET /__admin/operations`, `GET /__admin/operations/{id}`: queued
//!   writes and what became of them;
//! - `GET /__admin/requests?after=N`, `DELETE /__admin/requests`: the journal of requests;
//! - `GET /__admin/metrics`: Prometheus metrics (see the `metrics` module);
//! - `GET /__admin/database`, `PUT /__admin/database`: the database's condition (online,
//!   offline, hung, slow, flapping), applied for real at the network (Postgres) or on the
//!   in-memory store's calls; `PUT /__admin/database/consumers/{issuer}`: the same for one
//!   consumer only, by a path to the database of its own;
//! - `/__admin/faults...`: HTTP faults on the API (see the `faults` routes);
//! - `POST /__admin/reset`: back to normal — database online, HTTP faults removed and their
//!   random source restarted from its seed, journal and the scopes' tally cleared.

use axum::Json;
use axum::Router;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};

use super::AppState;
use super::extract::AdminJson;
use crate::error::ApiError;
use crate::metrics::Snapshot;
use crate::model::FieldError;
use crate::outage::{DbCondition, OutageError};
use crate::outbox::OperationState;

/// The admin routes, without their access rule (see [`super::control`]).
pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/__admin/events", get(events))
        .route("/__admin/health", get(health))
        .route("/__admin/database", get(database).put(set_database))
        .route(
            "/__admin/database/consumers/{issuer}",
            axum::routing::put(set_consumer_database),
        )
        .route("/__admin/reset", post(reset))
        .route("/__admin/outbox", get(outbox))
        .route("/__admin/operations", get(operations))
        .route("/__admin/operations/{id}", get(operation))
        .route("/__admin/requests", get(requests).delete(clear_requests))
        .route("/__admin/metrics", get(metrics))
}

#[derive(Debug, Deserialize)]
pub(crate) struct AfterQuery {
    #[serde(default)]
    after: u64,
}

fn after(query: Result<Query<AfterQuery>, QueryRejection>) -> Result<u64, ApiError> {
    query.map(|Query(q)| q.after).map_err(|e| {
        ApiError::Invalid(vec![FieldError::new(
            "/after",
            format!("must be a whole number: {}", e.body_text()),
        )])
    })
}

/// `GET /__admin/events`.
async fn events(
    State(state): State<AppState>,
    query: Result<Query<AfterQuery>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let events = state.gateway.store().events(after(query)?).await?;
    Ok(Json(json!({ "events": events })))
}

/// `GET /__admin/health`.
async fn health(State(state): State<AppState>) -> Response {
    let report = state.gateway.health().await;
    let status = if report.database == "up" {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(report)).into_response()
}

/// `GET /__admin/outbox`: the mode the store meets an outage in (`queue` or `fail-fast`,
/// which a provider state can switch), and the pending operations, oldest first.
async fn outbox(State(state): State<AppState>) -> Json<Value> {
    let mode = if state.gateway.outage().queueing() {
        "queue"
    } else {
        "fail-fast"
    };
    let pending: Vec<_> = state
        .gateway
        .outbox()
        .map(crate::outbox::Outbox::operations)
        .unwrap_or_default()
        .into_iter()
        .filter(|o| o.state == OperationState::Queued)
        .collect();
    Json(json!({"mode": mode, "pending": pending}))
}

/// `GET /__admin/operations`: every operation accepted while the database was away.
async fn operations(State(state): State<AppState>) -> Json<Value> {
    let operations = state
        .gateway
        .outbox()
        .map(crate::outbox::Outbox::operations)
        .unwrap_or_default();
    Json(json!({ "operations": operations }))
}

/// `GET /__admin/operations/{id}`.
async fn operation(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<crate::outbox::Operation>, ApiError> {
    state
        .gateway
        .outbox()
        .and_then(|outbox| outbox.operation(&id))
        .map(Json)
        .ok_or(ApiError::NotFound)
}

/// `GET /__admin/requests`.
async fn requests(
    State(state): State<AppState>,
    query: Result<Query<AfterQuery>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let requests = state.journal.since(after(query)?);
    Ok(Json(json!({ "requests": requests })))
}

/// `DELETE /__admin/requests`.
async fn clear_requests(State(state): State<AppState>) -> StatusCode {
    state.journal.clear();
    StatusCode::NO_CONTENT
}

fn no_switch(error: OutageError) -> ApiError {
    ApiError::Invalid(vec![FieldError::new("/", error.to_string())])
}

/// A condition's fields checked, as both database routes take it.
fn checked(condition: &DbCondition) -> Result<(), ApiError> {
    condition
        .validate()
        .map_err(|reason| ApiError::Invalid(vec![FieldError::new("/", reason)]))
}

fn condition(state: &AppState) -> Result<Json<Value>, ApiError> {
    let outage = state.gateway.outage();
    let (condition, via) = outage.condition().map_err(no_switch)?;
    let consumers = outage.conditions_by_consumer();
    Ok(Json(
        json!({"condition": condition, "via": via, "consumers": consumers}),
    ))
}

/// `PUT /__admin/database/consumers/{issuer}`: a condition, as `PUT /__admin/database` takes
/// it, for the consumer signing as `issuer` only; its calls reach the database by a path of
/// their own, the others' stay as they are.
async fn set_consumer_database(
    State(state): State<AppState>,
    Path(issuer): Path<String>,
    AdminJson(condition): AdminJson<DbCondition>,
) -> Result<Json<Value>, ApiError> {
    checked(&condition)?;
    state
        .gateway
        .outage()
        .set_condition_for(&issuer, condition)
        .await
        .map_err(no_switch)?;
    self::condition(&state)
}

/// `GET /__admin/database`.
async fn database(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    condition(&state)
}

/// `PUT /__admin/database`: `{"state": "online" | "offline" | "hung"}`,
/// `{"state": "slow", "latency_ms": N}` or `{"state": "flapping", "period_ms": N}`.
async fn set_database(
    State(state): State<AppState>,
    AdminJson(condition): AdminJson<DbCondition>,
) -> Result<Json<Value>, ApiError> {
    checked(&condition)?;
    state
        .gateway
        .outage()
        .set_condition(condition)
        .map_err(no_switch)?;
    self::condition(&state)
}

/// `GET /__admin/metrics`: Prometheus metrics, in the OpenMetrics text format.
async fn metrics(State(state): State<AppState>) -> Response {
    let mut now = Snapshot {
        database: state
            .gateway
            .outage()
            .condition()
            .ok()
            .and_then(|(condition, _)| serde_json::to_value(condition).ok())
            .and_then(|value| value["state"].as_str().map(str::to_owned)),
        ..Snapshot::default()
    };
    if let Some(outbox) = state.gateway.outbox() {
        for operation in outbox.operations() {
            match operation.state {
                OperationState::Queued => now.outbox_pending += 1,
                OperationState::Applied => now.outbox_applied += 1,
                OperationState::Failed => now.outbox_failed += 1,
            }
        }
    }
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        state.metrics.encode(&now),
    )
        .into_response()
}

/// `POST /__admin/reset`.
async fn reset(State(state): State<AppState>) -> StatusCode {
    state.gateway.end_outage().await;
    state.gateway.outage().clear_history();
    state.faults.reset();
    state.journal.clear();
    if let Some(scopes) = &state.scopes {
        scopes.reset();
    }
    StatusCode::NO_CONTENT
}
