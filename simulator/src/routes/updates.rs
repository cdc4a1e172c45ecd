//! `/lpas/{uid}/updates`: apply an update, read the change history.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::{Json, Router};

use super::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::gateway::Written;
use crate::model::UpdateRequest;
use crate::store::ChangeRecord;

use super::extract::JsonBody;
use super::lpas::{accepted, json};

/// `/lpas/{uid}/updates`.
pub(crate) fn router() -> Router<AppState> {
    Router::new().route("/lpas/{uid}/updates", get(get_updates).post(create_update))
}

/// `POST /lpas/{uid}/updates`: 201 with the full updated LPA, or 202 when queued.
///
/// The check runs inside the store's atomic update, so of two concurrent updates with the same
/// `old`, the second sees the first's result and is refused as stale.
async fn create_update(
    State(state): State<AppState>,
    caller: Caller,
    Path(uid): Path<String>,
    JsonBody(request): JsonBody<UpdateRequest>,
) -> Result<Response, ApiError> {
    Ok(
        match state.gateway.update(&uid, request, caller.subject).await? {
            Written::Now(lpa) => json(StatusCode::CREATED, &*lpa)?,
            Written::Queued(operation) => accepted(&operation),
        },
    )
}

/// `GET /lpas/{uid}/updates`: the change log, most recent first; 404 when there is none.
async fn get_updates(
    State(state): State<AppState>,
    _caller: Caller,
    Path(uid): Path<String>,
) -> Result<Json<Vec<ChangeRecord>>, ApiError> {
    let records = state.gateway.store().changes(&uid).await?;
    if records.is_empty() {
        return Err(ApiError::NotFound);
    }
    Ok(Json(records))
}
