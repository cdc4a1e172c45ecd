//! `/__pact/provider-states`: the state-change URL for Pact provider verification.
//!
//! - `POST` with `{"state", "params", "action"}` as pact_verifier sends it: `200` with the
//!   values a pact may inject (`{"uid": …}`), `400` for a state the simulator does not know or
//!   cannot set up, `500` when setting it up failed;
//! - `GET`: the states the simulator knows.
//!
//! `POST /_pact_state`, the real provider's path, is the same route, so a verification set up
//! for the real store needs only a different host.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{Value, json};

use super::AppState;
use super::extract::AdminJson;
use crate::error::ApiError;
use crate::provider_states::{CATALOGUE, StateChange, StateError};

/// The state-change routes, without their access rule (see [`super::control`]).
pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/__pact/provider-states", get(known).post(change))
        .route("/_pact_state", post(change))
}

/// `POST /__pact/provider-states`.
async fn change(
    State(state): State<AppState>,
    body: Result<AdminJson<StateChange>, ApiError>,
) -> Result<Json<Value>, ApiError> {
    let AdminJson(change) = body.map_err(|e| match e {
        ApiError::Invalid(errors) => ApiError::Explained {
            detail: "a state change is {\"state\": NAME, \"params\": {...}, \"action\": \"setup\" | \"teardown\"}".to_owned(),
            errors,
        },
        other => other,
    })?;
    state
        .provider_states
        .change(&change)
        .await
        .map(Json)
        .map_err(|e| match e {
            StateError::Unknown(_) | StateError::Unsupported(_) => ApiError::Explained {
                detail: e.to_string(),
                errors: Vec::new(),
            },
            StateError::Failed { .. } => ApiError::Refused {
                status: StatusCode::INTERNAL_SERVER_ERROR,
                detail: e.to_string(),
            },
        })
}

/// `GET /__pact/provider-states`.
async fn known() -> Json<Value> {
    let states: Vec<_> = CATALOGUE.iter().map(|known| known.pattern).collect();
    let catalogue: Vec<_> = CATALOGUE
        .iter()
        .map(|known| json!({"state": known.pattern, "holds": known.holds}))
        .collect();
    Json(json!({ "states": states, "catalogue": catalogue }))
}
