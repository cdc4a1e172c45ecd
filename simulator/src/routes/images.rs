//! `GET /__admin/images/{*path}`: the bytes behind a "presigned" image URL, the simulator's
//! stand-in for S3. Data of the LPA, not control: served to a store JWT or the admin token.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;

use super::AppState;
use crate::error::ApiError;

/// The image route, without its access rule (see [`super::control`]).
pub(crate) fn router() -> Router<AppState> {
    Router::new().route("/__admin/images/{*path}", get(image))
}

/// `GET /__admin/images/{*path}`.
async fn image(
    State(state): State<AppState>,
    Path(path): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    let bytes = state.gateway.store().image(&path).await?;
    Ok(([(header::CONTENT_TYPE, "application/octet-stream")], bytes))
}
