//! `GET /health-check`: always 200, unauthenticated, touching nothing, as the real store's
//! API Gateway mock integration does.

use axum::Json;
use serde_json::{Value, json};

pub(crate) async fn health_check() -> Json<Value> {
    Json(json!({"status": "ok", "statusCode": 200}))
}
