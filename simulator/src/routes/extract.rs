//! Request extractors that answer in the store's error body: the caller's JWT, the API's JSON
//! bodies and the admin routes' JSON bodies.

use axum::body::Bytes;
use axum::extract::{FromRef, FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use super::AppState;
use crate::auth::{Caller, JWT_HEADER, Verifier};
use crate::error::ApiError;
use crate::model::FieldError;
use crate::model::decode::GoDecode;

/// The outcome of the JWT check the journal layer made for this request, kept so that the
/// token is checked once per request.
#[derive(Clone, Debug)]
pub(super) struct CheckedJwt(pub(super) Result<Caller, String>);

impl<S> FromRequestParts<S> for Caller
where
    S: Send + Sync,
    Verifier: FromRef<S>,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        if let Some(CheckedJwt(checked)) = parts.extensions.get::<CheckedJwt>() {
            return checked.clone().map_err(ApiError::Unauthorised);
        }
        let header = parts
            .headers
            .get(JWT_HEADER)
            .and_then(|value| value.to_str().ok());
        Verifier::from_ref(state)
            .verify(header)
            .map_err(|e| ApiError::Unauthorised(e.to_string()))
    }
}

/// A JSON body, refused with 400 `INVALID_REQUEST` when it is not the JSON the route takes,
/// with 413 when it is over the body limit, and with 408 when it does not arrive within the
/// body read timeout. Any content type is accepted, as by the real store,
/// and the JSON is read by Go's rules (keys matched ignoring case, `null` as empty; see
/// [`crate::model::decode`]).
#[derive(Debug)]
pub(crate) struct JsonBody<T>(pub(crate) T);

impl<T: GoDecode> FromRequest<AppState> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let bytes = read_body(request, state).await?;
        T::from_go_json(&bytes)
            .map(JsonBody)
            .map_err(|e| ApiError::MalformedBody(e.to_string()))
    }
}

/// A JSON body of an admin or provider-state route: read within the same bounds as the API's
/// bodies, by serde's strict rules rather than Go's (these routes are the simulator's own),
/// and refused with 400 `INVALID_REQUEST` naming what is wrong.
#[derive(Debug)]
pub(crate) struct AdminJson<T>(pub(crate) T);

impl<T: DeserializeOwned> FromRequest<AppState> for AdminJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let bytes = read_body(request, state).await?;
        serde_json::from_slice(&bytes)
            .map(AdminJson)
            .map_err(|e| ApiError::Invalid(vec![FieldError::new("/", e.to_string())]))
    }
}

/// The whole body, within the body read timeout and the body limit.
pub(super) async fn read_body(request: Request, state: &AppState) -> Result<Bytes, ApiError> {
    let bound = state.limits.body_read_timeout;
    tokio::time::timeout(bound, Bytes::from_request(request, state))
        .await
        .map_err(|_elapsed| ApiError::Refused {
            status: StatusCode::REQUEST_TIMEOUT,
            detail: format!(
                "the request body did not arrive within {} ms",
                bound.as_millis()
            ),
        })?
        .map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::PayloadTooLarge {
                    limit: state.body_limit,
                }
            } else {
                ApiError::MalformedBody(rejection.body_text())
            }
        })
}
