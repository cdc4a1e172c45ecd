//! `/__admin/...`: what a consumer needs to see besides the API itself.
//!
//! - `GET /__admin/events?after=N`: the `lpa-updated` events the real store would have
//!   published, oldest first, so consumers can test their event handling.
//! - `GET /__admin/images/{path}`: the bytes behind a "presigned" image URL.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::IntoResponse;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::app::AppState;
use crate::problem::ApiError;

#[derive(Debug, Deserialize)]
pub(crate) struct EventsQuery {
    #[serde(default)]
    after: u64,
}

/// `GET /__admin/events`.
pub(crate) async fn events(
    State(state): State<AppState>,
    query: Result<Query<EventsQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let Query(query) = query.map_err(|e| ApiError::MalformedBody(e.body_text()))?;
    let events = state.store.events(query.after).await?;
    Ok(Json(json!({ "events": events })))
}

/// `GET /__admin/images/{*path}`.
pub(crate) async fn image(
    State(state): State<AppState>,
    Path(path): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    let bytes = state.store.image(&path).await?;
    Ok(([(header::CONTENT_TYPE, "application/octet-stream")], bytes))
}
