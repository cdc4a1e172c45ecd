//! `/__pact/provider-states`: the state-change URL for Pact provider verification.
//!
//! - `POST` with `{"state", "params", "action"}` as pact_verifier sends it: `200` with the
//!   values a pact may inject (`{"uid": …}`), `400` for a state the simulator does not know or
//!   cannot set up, `500` when setting it up failed;
//! - `GET`: the states the simulator knows.
//!
//! `POST /_pact_state`, the real provider's path, is the same route, so a verification set up
//! for the real store needs only a different host.

use axum::Json;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::app::AppState;
use crate::problem::{FieldError, Problem};
use crate::provider_states::{KNOWN_STATES, ProviderStates, StateChange, StateError};

/// `POST /__pact/provider-states`.
pub(crate) async fn change(
    State(state): State<AppState>,
    body: Result<Json<StateChange>, JsonRejection>,
) -> Response {
    let change = match body {
        Ok(Json(change)) => change,
        Err(e) => {
            return refuse(
                StatusCode::BAD_REQUEST,
                "INVALID_REQUEST",
                "a state change is {\"state\": NAME, \"params\": {...}, \"action\": \"setup\" | \"teardown\"}",
                vec![FieldError::new("/", e.body_text())],
            );
        }
    };
    let states = ProviderStates::new(&state.gateway, state.database.as_ref(), &state.state_outage);
    match states.change(&change).await {
        Ok(values) => Json(values).into_response(),
        Err(e @ (StateError::Unknown(_) | StateError::Unsupported(_))) => {
            tracing::warn!(error = %e, "provider state refused");
            refuse(
                StatusCode::BAD_REQUEST,
                "INVALID_REQUEST",
                &e.to_string(),
                Vec::new(),
            )
        }
        Err(e @ StateError::Failed { .. }) => {
            tracing::error!(error = %e, "provider state failed");
            refuse(
                StatusCode::INTERNAL_SERVER_ERROR,
                "INTERNAL_SERVER_ERROR",
                &e.to_string(),
                Vec::new(),
            )
        }
    }
}

fn refuse(status: StatusCode, code: &str, detail: &str, errors: Vec<FieldError>) -> Response {
    let problem = Problem {
        code: code.to_owned(),
        detail: detail.to_owned(),
        errors,
    };
    (status, Json(problem)).into_response()
}

/// `GET /__pact/provider-states`.
pub(crate) async fn known() -> Json<Value> {
    Json(json!({ "states": KNOWN_STATES }))
}
