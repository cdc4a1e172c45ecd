//! `/lpas`: create, read one, read many, and the static (as-created) copy.

use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::gateway::{Freshness, Written};
use crate::model::FieldError;
use crate::model::decode::{GoDecode, Shape};
use crate::model::{Image, Lpa};
use crate::outbox::Operation;

use super::extract::JsonBody;

/// The most UIDs one `POST /lpas` may ask for (DynamoDB BatchGetItem's limit).
const MAX_UIDS: usize = 100;

/// The header that marks an answer from the last known state while the database is away.
pub(crate) const STALE_HEADER: &str = "x-lpa-store-stale";

/// `/lpas`, `/lpas/{uid}` and `/lpas/{uid}/static`.
pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/lpas", post(get_many))
        .route("/lpas/{uid}", get(get_lpa).put(put_lpa))
        .route("/lpas/{uid}/static", get(get_static))
}

/// The body of `POST /lpas`.
#[derive(Serialize)]
struct Many<'a> {
    lpas: Vec<&'a Lpa>,
}

/// A JSON answer, written into a buffer sized for an LPA at once rather than grown from a few
/// bytes as it is written.
pub(super) fn json<T: Serialize + ?Sized>(
    status: StatusCode,
    value: &T,
) -> Result<Response, ApiError> {
    let mut body = Vec::with_capacity(4096);
    serde_json::to_writer(&mut body, value).map_err(|e| {
        ApiError::Internal(anyhow::Error::new(e).context("Failed to write the answer"))
    })?;
    Ok((
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response())
}

/// 202 for a write kept in the outbox: the operation, and where to follow it.
pub(crate) fn accepted(operation: &Operation) -> Response {
    let status_url = format!("/__admin/operations/{}", operation.id);
    let body = json!({
        "operationId": operation.id,
        "status": operation.state,
        "statusUrl": status_url,
    });
    let mut response = (StatusCode::ACCEPTED, Json(body)).into_response();
    if let Ok(location) = HeaderValue::from_str(&status_url) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    response
}

/// Marks a response built from the last known state.
pub(crate) fn mark(mut response: Response, freshness: Freshness) -> Response {
    if freshness == Freshness::Stale {
        let headers = response.headers_mut();
        headers.insert(STALE_HEADER, HeaderValue::from_static("true"));
        headers.insert(
            header::WARNING,
            HeaderValue::from_static("110 lpa-sim \"Response is Stale\""),
        );
    }
    response
}

/// `PUT /lpas/{uid}`: 201 `{}`, or 202 when queued.
async fn put_lpa(
    State(state): State<AppState>,
    _caller: Caller,
    Path(uid): Path<String>,
    JsonBody(lpa): JsonBody<Lpa>,
) -> Result<Response, ApiError> {
    Ok(match state.gateway.create(&uid, lpa).await? {
        Written::Now(()) => (StatusCode::CREATED, Json(json!({}))).into_response(),
        Written::Queued(operation) => accepted(&operation),
    })
}

/// True when the query string has the `presign-images` flag (presence alone counts).
fn wants_presigned(query: Option<&str>) -> bool {
    query.is_some_and(|q| {
        q.split('&')
            .any(|pair| pair.split('=').next() == Some("presign-images"))
    })
}

/// Replaces image paths by URLs this simulator serves, standing in for presigned S3 URLs.
/// The URLs start with the configured public base URL, never with the caller's `Host`
/// header, so a caller cannot make the simulator hand out links to a host of its choosing.
fn presign(lpa: &mut Lpa, public_url: &str) {
    let lists = [
        &mut lpa.restrictions_and_conditions_images,
        &mut lpa.how_attorneys_make_decisions_details_images,
    ];
    for list in lists {
        for image in list.iter_mut() {
            if let Image::Stored { path, .. } = image {
                *path = format!("{public_url}/__admin/images/{path}");
            }
        }
    }
}

/// `GET /lpas/{uid}`.
async fn get_lpa(
    State(state): State<AppState>,
    _caller: Caller,
    Path(uid): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let (lpa, freshness) = state.gateway.get(&uid).await?;
    let response = if wants_presigned(query.as_deref()) {
        let mut lpa = Arc::unwrap_or_clone(lpa);
        presign(&mut lpa, &state.public_url);
        json(StatusCode::OK, &lpa)?
    } else {
        json(StatusCode::OK, &*lpa)?
    };
    Ok(mark(response, freshness))
}

#[derive(Debug, Deserialize)]
pub(crate) struct GetMany {
    uids: Option<Vec<String>>,
}

impl GoDecode for GetMany {
    const SHAPE: &'static Shape = &Shape::Object(&[("uids", &Shape::List(&Shape::Scalar))]);
}

/// `POST /lpas`: the LPAs that exist among `uids`; unknown UIDs are left out.
async fn get_many(
    State(state): State<AppState>,
    _caller: Caller,
    RawQuery(query): RawQuery,
    JsonBody(body): JsonBody<GetMany>,
) -> Result<Response, ApiError> {
    let Some(uids) = body.uids else {
        return Err(ApiError::Invalid(vec![FieldError::new(
            "/uids",
            "field is required",
        )]));
    };
    if uids.len() > MAX_UIDS {
        return Err(ApiError::Invalid(vec![FieldError::new(
            "/uids",
            format!("must not contain more than {MAX_UIDS} UIDs"),
        )]));
    }
    let (lpas, freshness) = state.gateway.get_many(&uids).await?;
    let response = if wants_presigned(query.as_deref()) {
        let lpas: Vec<Lpa> = lpas
            .into_iter()
            .map(|lpa| {
                let mut lpa = Arc::unwrap_or_clone(lpa);
                presign(&mut lpa, &state.public_url);
                lpa
            })
            .collect();
        json(
            StatusCode::OK,
            &Many {
                lpas: lpas.iter().collect(),
            },
        )?
    } else {
        json(
            StatusCode::OK,
            &Many {
                lpas: lpas.iter().map(|lpa| &**lpa).collect(),
            },
        )?
    };
    Ok(mark(response, freshness))
}

/// `GET /lpas/{uid}/static`: the LPA as first stored.
async fn get_static(
    State(state): State<AppState>,
    _caller: Caller,
    Path(uid): Path<String>,
) -> Result<Json<Lpa>, ApiError> {
    Ok(Json(state.gateway.store().get_static(&uid).await?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presign_flag_is_recognised_by_presence() {
        assert!(wants_presigned(Some("presign-images")));
        assert!(wants_presigned(Some("a=b&presign-images=")));
        assert!(!wants_presigned(Some("presign")));
        assert!(!wants_presigned(None));
    }
}
