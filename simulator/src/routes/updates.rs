//! `/lpas/{uid}/updates`: apply an update, read the change history.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use uuid::Uuid;

use crate::app::AppState;
use crate::auth::Caller;
use crate::model::{Lpa, Timestamp};
use crate::problem::ApiError;
use crate::store::{ChangeRecord, Event};
use crate::update::{self, Context, UpdateRequest};

use super::extract::JsonBody;

/// `POST /lpas/{uid}/updates`: 201 with the full updated LPA.
///
/// The check runs inside the store's atomic update, so of two concurrent updates with the same
/// `old`, the second sees the first's result and is refused as stale.
pub(crate) async fn create_update(
    State(state): State<AppState>,
    caller: Caller,
    Path(uid): Path<String>,
    JsonBody(request): JsonBody<UpdateRequest>,
) -> Result<(StatusCode, Json<Lpa>), ApiError> {
    let ctx = Context {
        author: caller.subject,
        now: Timestamp::now(),
    };
    let mut check = |lpa: &mut Lpa| {
        let mut candidate = lpa.clone();
        update::apply(&request, &mut candidate, &ctx)?;
        *lpa = candidate;
        let record = ChangeRecord {
            id: Uuid::new_v4().to_string(),
            uid: uid.clone(),
            applied: Timestamp::now_seconds(),
            author: ctx.author.clone(),
            update_type: request.update_type.clone(),
            changes: request.changes.clone(),
        };
        let event = Event::lpa_updated(&uid, &request.update_type, ctx.now);
        Ok((record, event))
    };
    let lpa = state.store.update(&uid, &mut check).await?;
    Ok((StatusCode::CREATED, Json(lpa)))
}

/// `GET /lpas/{uid}/updates`: the change log, most recent first; 404 when there is none.
pub(crate) async fn get_updates(
    State(state): State<AppState>,
    _caller: Caller,
    Path(uid): Path<String>,
) -> Result<Json<Vec<ChangeRecord>>, ApiError> {
    let records = state.store.changes(&uid).await?;
    if records.is_empty() {
        return Err(ApiError::NotFound);
    }
    Ok(Json(records))
}
