//! `/lpas`: create, read one, read many, and the static (as-created) copy.

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use base64::Engine;
use serde::Deserialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::app::AppState;
use crate::auth::Caller;
use crate::create;
use crate::model::{Image, Lpa, Timestamp};
use crate::problem::{ApiError, FieldError};
use crate::store::{Event, ImageObject, NewLpa, StoreError};

use super::extract::JsonBody;

/// The most UIDs one `POST /lpas` may ask for (DynamoDB BatchGetItem's limit).
const MAX_UIDS: usize = 100;

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound(_) => Self::NotFound,
            StoreError::AlreadyExists(_) => Self::AlreadyExists,
            StoreError::Rejected(errors) => Self::Invalid(errors),
            StoreError::Unavailable(reason) => Self::Unavailable {
                reason,
                retry_after_secs: 5,
            },
            StoreError::Other(e) => Self::Internal(e),
        }
    }
}

/// `PUT /lpas/{uid}`: 201 `{}`.
pub(crate) async fn put_lpa(
    State(state): State<AppState>,
    _caller: Caller,
    Path(uid): Path<String>,
    JsonBody(lpa): JsonBody<Lpa>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    match state.store.get(&uid).await {
        Ok(_) => return Err(ApiError::AlreadyExists),
        Err(StoreError::NotFound(_)) => {}
        Err(e) => return Err(e.into()),
    }
    let now = Timestamp::now();
    let prepared = create::prepare(lpa, &uid, now).map_err(ApiError::Invalid)?;
    if !prepared.paper_findings.is_empty() {
        tracing::info!(%uid, findings = ?prepared.paper_findings, "paper LPA stored with validation findings");
    }
    let mut lpa = prepared.lpa;
    let mut images = Vec::new();
    store_images(
        &uid,
        "rc",
        &mut lpa.restrictions_and_conditions_images,
        &mut images,
    )?;
    store_images(
        &uid,
        "amd",
        &mut lpa.how_attorneys_make_decisions_details_images,
        &mut images,
    )?;
    let event = Event::lpa_updated(&uid, "CREATE", now);
    state.store.create(NewLpa { lpa, images, event }).await?;
    Ok((StatusCode::CREATED, Json(json!({}))))
}

/// Replaces uploaded images by their object paths and hashes, collecting the bytes to store.
fn store_images(
    uid: &str,
    prefix: &str,
    list: &mut [Image],
    objects: &mut Vec<ImageObject>,
) -> Result<(), ApiError> {
    let field = if prefix == "rc" {
        "restrictionsAndConditionsImages"
    } else {
        "howAttorneysMakeDecisionsDetailsImages"
    };
    for (i, image) in list.iter_mut().enumerate() {
        let Image::Upload { filename, data } = image else {
            continue;
        };
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(data.as_bytes())
            .map_err(|_| {
                ApiError::Invalid(vec![FieldError::new(
                    format!("/{field}/{i}/data"),
                    "invalid format",
                )])
            })?;
        let path = format!("{uid}/scans/{prefix}_{i}_{filename}");
        let hash = format!("{:x}", Sha256::digest(&bytes));
        objects.push(ImageObject {
            path: path.clone(),
            bytes,
        });
        *image = Image::Stored { path, hash };
    }
    Ok(())
}

/// True when the query string has the `presign-images` flag (presence alone counts).
fn wants_presigned(query: Option<&str>) -> bool {
    query.is_some_and(|q| {
        q.split('&')
            .any(|pair| pair.split('=').next() == Some("presign-images"))
    })
}

/// Replaces image paths by URLs this simulator serves, standing in for presigned S3 URLs.
fn presign(lpa: &mut Lpa, headers: &HeaderMap) {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    let lists = [
        &mut lpa.restrictions_and_conditions_images,
        &mut lpa.how_attorneys_make_decisions_details_images,
    ];
    for list in lists {
        for image in list.iter_mut() {
            if let Image::Stored { path, .. } = image {
                *path = format!("http://{host}/__admin/images/{path}");
            }
        }
    }
}

/// `GET /lpas/{uid}`.
pub(crate) async fn get_lpa(
    State(state): State<AppState>,
    _caller: Caller,
    Path(uid): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Json<Lpa>, ApiError> {
    let mut lpa = state.store.get(&uid).await?;
    if wants_presigned(query.as_deref()) {
        presign(&mut lpa, &headers);
    }
    Ok(Json(lpa))
}

#[derive(Debug, Deserialize)]
pub(crate) struct GetMany {
    uids: Option<Vec<String>>,
}

/// `POST /lpas`: the LPAs that exist among `uids`; unknown UIDs are left out.
pub(crate) async fn get_many(
    State(state): State<AppState>,
    _caller: Caller,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    JsonBody(body): JsonBody<GetMany>,
) -> Result<Json<Value>, ApiError> {
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
    let mut lpas = state.store.get_many(&uids).await?;
    if wants_presigned(query.as_deref()) {
        lpas.iter_mut().for_each(|lpa| presign(lpa, &headers));
    }
    Ok(Json(json!({ "lpas": lpas })))
}

/// `GET /lpas/{uid}/static`: the LPA as first stored.
pub(crate) async fn get_static(
    State(state): State<AppState>,
    _caller: Caller,
    Path(uid): Path<String>,
) -> Result<Json<Lpa>, ApiError> {
    Ok(Json(state.store.get_static(&uid).await?))
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
