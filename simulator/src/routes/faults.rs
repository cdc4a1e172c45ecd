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

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, put};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use super::AppState;
use super::extract::AdminJson;
use crate::error::ApiError;
use crate::fault::{InstalledFault, Listing};

/// The fault routes, without their access rule (see [`super::control`]).
pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/__admin/faults", get(list).post(add).delete(clear))
        .route("/__admin/faults/{name}", get(get_one).delete(remove))
        .route("/__admin/fault-seed", put(reseed))
}

/// `POST /__admin/faults`.
async fn add(
    State(state): State<AppState>,
    AdminJson(value): AdminJson<Value>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
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
async fn list(State(state): State<AppState>) -> Json<Listing> {
    Json(state.faults.list())
}

/// `DELETE /__admin/faults`.
async fn clear(State(state): State<AppState>) -> StatusCode {
    state.faults.clear();
    tracing::info!("faults removed");
    StatusCode::NO_CONTENT
}

/// `GET /__admin/faults/{name}`.
async fn get_one(
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> Result<Json<InstalledFault>, ApiError> {
    state.faults.get(&name).map(Json).ok_or(ApiError::NotFound)
}

/// `DELETE /__admin/faults/{name}`.
async fn remove(
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
async fn reseed(
    State(state): State<AppState>,
    AdminJson(Seed { seed }): AdminJson<Seed>,
) -> Result<Json<Value>, ApiError> {
    state.faults.reseed(seed);
    Ok(Json(json!({ "seed": seed })))
}
