//! `GET /health-check`: always 200, unauthenticated, touching nothing, as the real store's
//! API Gateway mock integration does.

use axum::routing::get;
use axum::{Json, Router};

use super::AppState;
use serde_json::{Value, json};

/// The health-check route.
pub(crate) fn router() -> Router<AppState> {
    Router::new().route("/health-check", get(health_check))
}

async fn health_check() -> Json<Value> {
    Json(json!({"status": "ok", "statusCode": 200}))
}
