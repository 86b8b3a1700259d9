use actix_web::{get, post, web};
use uuid::Uuid;

use super::model::{
    ConflictOut, ConflictQuery, PullOut, PullQuery, PushIn, PushOut, ResolveIn, StatusOut, StatusQuery,
};
use super::{conflicts, pull, push};
use crate::auth::principal::{Authorized, HelpersOnly};
use crate::error::{ApiError, Problem};
use crate::http::{JsonBody, Query};
use crate::state::SharedState;
use crate::vocab::Principal;

/// Push operations made offline (a helper's phone), up to 500 per batch, each answered:
/// `applied` (with the new version), `duplicate` (seen before: the first answer, in `original`),
/// `conflict` (the record changed on the server since `base_version`: kept in the conflict queue;
/// or `OP_ID_REUSED`: the same op id with other content, nothing overwritten), `rejected` (a
/// stable `code` and field `errors`, e.g. `UPLOAD_NOT_FOUND` for an upload that was never
/// created: do not retry) or `retry_later` (a gap in the sequence, `SEQUENCE_GAP` with
/// `expected_seq`, and every op after it; a photo whose upload is not whole,
/// `UPLOAD_NOT_FINISHED`, and the later ops naming one of its records, `WAITING_FOR_EARLIER_OP`
/// with `waiting_for`, while the other ops go on; or the server could not apply it now,
/// `RETRY_LATER`, and every op after it). Ops are applied in `seq` order; one bad op does not
/// block the rest; workflow fields are never set by a push (a `withdraw` op is the online
/// withdraw step, with its checks). Resend every op not answered for good, in `seq` order.
#[utoipa::path(
    tag = "sync",
    security(("bearer" = [])),
    request_body = PushIn,
    responses(
        (status = 200, description = "One result per operation, in sequence order", body = PushOut),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a helper, or the device id is another account's", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Larger than the JSON body limit", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No operations or more than 500 (`BATCH_SIZE`), an operation without its fields, an `op` sync does not take (`UNSUPPORTED_OP`, naming those it takes), a `seq` below 1 or `data` that is not an object", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/api/v1/sync/push")]
pub async fn sync_push(
    state: SharedState,
    caller: Authorized<HelpersOnly>,
    body: JsonBody<PushIn>,
) -> Result<web::Json<PushOut>, ApiError> {
    Ok(web::Json(push::push(&state, &caller.principal, body.0).await?))
}

/// The changes a helper's phone may hold, in order of the server's change sequence, a page at a
/// time: their community's applications (ID numbers masked), check-in periods and home-visit
/// tasks, the aid items and the regions, each as it is now, or as a tombstone (`deleted`).
/// Without a cursor: a full sync (no tombstones). Pull again with the returned `cursor` while
/// `more` is true; later, pull with the last cursor to get what changed since.
#[utoipa::path(
    tag = "sync",
    security(("bearer" = [])),
    params(PullQuery),
    responses(
        (status = 200, description = "A page of changes", body = PullOut),
        (status = 400, description = "A cursor this server does not write, or a limit out of 1 to 1000 (`INVALID_QUERY`)", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a helper", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "The cursor is older than the kept deletions, or not this server's (`SYNC_CURSOR_EXPIRED`): push what is unsent, then sync afresh without a cursor", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/api/v1/sync/pull")]
pub async fn sync_pull(
    state: SharedState,
    caller: Authorized<HelpersOnly>,
    query: Query<PullQuery>,
) -> Result<web::Json<PullOut>, ApiError> {
    Ok(web::Json(pull::pull(&state, &caller.principal, &query).await?))
}

/// What the server has answered for a device: after a lost answer, ask with `after` set to the
/// last `seq` the phone heard an answer for (or below the first unanswered op); every kept answer
/// above it comes back as first given (an `applied`, a `rejected`, a `conflict`), and the ops not
/// listed are to be sent again.
#[utoipa::path(
    tag = "sync",
    security(("bearer" = [])),
    params(StatusQuery),
    responses(
        (status = 200, description = "The device's standing", body = StatusOut),
        (status = 400, description = "A missing or malformed `device_id`, or an `after` below 0 (`INVALID_QUERY`)", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a helper", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No push from this device by the caller yet", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/api/v1/sync/status")]
pub async fn sync_status(
    state: SharedState,
    caller: Authorized<HelpersOnly>,
    query: Query<StatusQuery>,
) -> Result<web::Json<StatusOut>, ApiError> {
    Ok(web::Json(push::status(&state, &caller.principal, &query).await?))
}

/// The conflict queue: a helper's own conflicts, or those of a reviewer's or supervisor's region.
#[utoipa::path(
    tag = "sync",
    security(("bearer" = [])),
    params(ConflictQuery),
    responses(
        (status = 200, description = "The conflicts, oldest first", body = Vec<ConflictOut>),
        (status = 400, description = "A missing or unknown `status` (`INVALID_QUERY`)", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a helper, reviewer or supervisor", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/api/v1/sync/conflicts")]
pub async fn list_sync_conflicts(
    state: SharedState,
    principal: Principal,
    query: Query<ConflictQuery>,
) -> Result<web::Json<Vec<ConflictOut>>, ApiError> {
    Ok(web::Json(conflicts::list(&state, &principal, &query).await?))
}

/// Resolve a kept conflict: the change was made again on the server's version, or discarded.
#[utoipa::path(
    tag = "sync",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The conflict")),
    request_body = ResolveIn,
    responses(
        (status = 200, description = "Resolved", body = ConflictOut),
        (status = 400, description = "Not a conflict id (`INVALID_PATH`) or malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a helper, reviewer or supervisor", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such conflict for the caller", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Resolved already (`INVALID_TRANSITION`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A note of fewer than 2 or more than 500 characters, or an unknown resolution", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/api/v1/sync/conflicts/{id}/resolve")]
pub async fn resolve_sync_conflict(
    state: SharedState,
    principal: Principal,
    id: web::Path<Uuid>,
    body: JsonBody<ResolveIn>,
) -> Result<web::Json<ConflictOut>, ApiError> {
    Ok(web::Json(conflicts::resolve(&state, &principal, id.into_inner(), body.0).await?))
}
