//! `/__admin/faults`: HTTP faults on the store API, set live.
//!
//! - `POST /__admin/faults`: one fault, or an array of them, added together or not at all;
//!   201 with what was installed (names given where left out);
//! - `GET /__admin/faults`: the faults in force, in the order they are tried, and the seed;
//! - `DELETE /__admin/faults`: remove them all;
//! - `GET /__admin/faults/{name}`, `DELETE /__admin/faults/{name}`: one fault;
//! - `PUT /__admin/fault-seed` with `{"seed": N}`: restart the random source from `N`.
//!
//! The fields of a fault are in `docs/faults.md` and in [`crate::fault::FaultSpec`].

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::app::AppState;
use crate::fault::{InstalledFault, Listing};
use crate::problem::{ApiError, FieldError};

fn body<T>(body: Result<Json<T>, JsonRejection>) -> Result<T, ApiError> {
    body.map(|Json(value)| value)
        .map_err(|e| ApiError::Invalid(vec![FieldError::new("/", e.body_text())]))
}

/// `POST /__admin/faults`.
pub(crate) async fn add(
    State(state): State<AppState>,
    request: Result<Json<Value>, JsonRejection>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let value = body(request)?;
    let added = state
        .faults
        .add_json(&value, "")
        .map_err(ApiError::Invalid)?;
    for fault in &added {
        tracing::info!(
            name = fault.name(),
            kind = fault.spec.kind.name(),
            "fault added"
        );
    }
    Ok((StatusCode::CREATED, Json(json!({ "faults": added }))))
}

/// `GET /__admin/faults`.
pub(crate) async fn list(State(state): State<AppState>) -> Json<Listing> {
    Json(state.faults.list())
}

/// `DELETE /__admin/faults`.
pub(crate) async fn clear(State(state): State<AppState>) -> StatusCode {
    state.faults.clear();
    tracing::info!("faults removed");
    StatusCode::NO_CONTENT
}

/// `GET /__admin/faults/{name}`.
pub(crate) async fn get(
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> Result<Json<InstalledFault>, ApiError> {
    state.faults.get(&name).map(Json).ok_or(ApiError::NotFound)
}

/// `DELETE /__admin/faults/{name}`.
pub(crate) async fn remove(
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> Result<StatusCode, ApiError> {
    if state.faults.remove(&name) {
        tracing::info!(%name, "fault removed");
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::NotFound)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Seed {
    seed: u64,
}

/// `PUT /__admin/fault-seed`.
pub(crate) async fn reseed(
    State(state): State<AppState>,
    request: Result<Json<Seed>, JsonRejection>,
) -> Result<Json<Value>, ApiError> {
    let Seed { seed } = body(request)?;
    state.faults.reseed(seed);
    Ok(Json(json!({ "seed": seed })))
}
