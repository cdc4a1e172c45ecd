//! The consumers' contract scopes over HTTP (`--contracts DIR --scopes report|enforce`): the
//! layer that holds each caller of the API to its consumer's pact, and `GET /__admin/scopes`,
//! what each consumer did outside it.

use axum::Router;
use axum::body::Body;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::json;

use super::AppState;
use super::extract::CheckedJwt;
use crate::error::ApiError;
use crate::fault::RequestedUpdate;
use crate::scope::Operation;

/// `GET /__admin/scopes`.
pub(crate) fn router() -> Router<AppState> {
    Router::new().route("/__admin/scopes", get(report))
}

/// The tally since the start or the last reset; `{"mode": "off"}` when the simulator holds
/// no one to a contract.
async fn report(State(state): State<AppState>) -> Response {
    match &state.scopes {
        Some(watch) => axum::Json(watch.report()).into_response(),
        None => axum::Json(json!({
            "mode": "off",
            "consumers": [],
            "detail": "no contracts: start the simulator with --contracts DIR --scopes report|enforce"
        }))
        .into_response(),
    }
}

/// Holds a caller with a valid JWT to its consumer's scope: a call outside it is refused with
/// 403 before the handler runs (so before any write or queueing) when enforcing, and counted
/// when reporting; a successful answer's fields outside it are removed or counted. Callers
/// without a valid JWT are left to the handlers, which refuse them with 401.
pub(super) async fn keep_to_scope(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let Some(watch) = &state.scopes else {
        return next.run(request).await;
    };
    let Some(CheckedJwt(Ok(caller))) = request.extensions().get::<CheckedJwt>() else {
        return next.run(request).await;
    };
    let issuer = caller.issuer.clone();
    let route = request.extensions().get::<MatchedPath>().map_or_else(
        || request.uri().path().to_owned(),
        |m| m.as_str().to_owned(),
    );
    let method = request.method().as_str().to_owned();
    let presign = request.uri().query().is_some_and(|q| {
        q.split('&')
            .any(|p| p.split('=').next() == Some("presign-images"))
    });
    let update_type = request
        .extensions()
        .get::<RequestedUpdate>()
        .map(|update| update.0.clone());
    let operation = Operation::of_call(&method, &route, presign, update_type.as_deref());
    if let Err(detail) = watch.admit(&issuer, &operation) {
        return ApiError::Refused {
            status: StatusCode::FORBIDDEN,
            detail,
        }
        .into_response();
    }
    let response = next.run(request).await;
    // A queued write's receipt (202) is the simulator's own, and carries no LPA data.
    if !response.status().is_success() || response.status() == StatusCode::ACCEPTED {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return ApiError::Internal(anyhow::anyhow!(
            "the answer's body could not be read to check its fields"
        ))
        .into_response();
    };
    let Ok(mut answer) = serde_json::from_slice::<serde_json::Value>(&bytes) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    watch.answer(&issuer, &operation.answer_key(), &mut answer);
    let trimmed = serde_json::to_vec(&answer).unwrap_or_else(|_| bytes.to_vec());
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(trimmed))
}
