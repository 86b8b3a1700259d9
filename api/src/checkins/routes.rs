use actix_multipart::Multipart;
use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::model::{
    AssistedCheckinForm, ChallengeOut, CheckinFiguresOut, CheckinMonthQuery, CheckinOut, CloseTaskIn, MyCheckinsOut,
    PeriodQuery, RecipientOut, RemoteCheckinForm, ResumeIn, ReviewIn, SampledCheckinOut, SampledQuery, StaffPeriodOut,
    SuspendIn, TaskOut, TaskQuery,
};
use super::service::{self, AssistedInput, RemoteInput};
use super::{figures, lists, payments, review, selfies, tasks};
use crate::auth::principal::{Authorized, HelpersOnly, ResidentOnly};
use crate::documents::routes::file_response;
use crate::error::{ApiError, FieldCode, FieldError, Message, Problem};
use crate::http::multipart::{self, Parts};
use crate::http::pagination::Page;
use crate::http::{JsonBody, Query};
use crate::state::SharedState;
use crate::vocab::Principal;

/// The caller's own check-in schedule: pending periods (with their windows) first, then the last
/// ones done or missed.
#[utoipa::path(
    tag = "checkins",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The schedule", body = MyCheckinsOut),
        (status = 403, description = "Not a resident, or receives no aid that asks for check-ins (`NOT_A_RECIPIENT`)", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/api/v1/checkins/mine")]
pub async fn get_my_checkins(
    state: SharedState,
    caller: Authorized<ResidentOnly>,
) -> Result<web::Json<MyCheckinsOut>, ApiError> {
    Ok(web::Json(lists::mine(&state, &caller.principal).await?))
}

/// Start a remote check-in: a single-use nonce (valid 5 minutes) and the liveness action to ask
/// for; with the WeChat verifier also the `verify_id` for `wx.requestFacialVerify`. Only while a
/// check-in window is open.
#[utoipa::path(
    tag = "checkins",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The challenge", body = ChallengeOut),
        (status = 403, description = "Not a resident, or not a recipient (`NOT_A_RECIPIENT`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No window open now (`CHECKIN_NOT_DUE`, the detail names the next one)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many challenges this hour", body = Problem, content_type = "application/problem+json"),
        (status = 502, description = "The verifier refused to start (`VERIFIER_ERROR`)", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The verifier is unavailable (`VERIFIER_UNAVAILABLE`)", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/api/v1/checkins/challenge")]
pub async fn start_checkin(
    state: SharedState,
    caller: Authorized<ResidentOnly>,
) -> Result<web::Json<ChallengeOut>, ApiError> {
    Ok(web::Json(service::challenge(&state, &caller.principal).await?))
}

/// Finish a remote check-in with the live selfie (`multipart/form-data`, the photo in `file`) and
/// the challenge's nonce. The photo must show a face, sharp and lit (the image pipeline's codes),
/// and must not be a picture of an earlier check-in, re-encoded or resized included
/// (`SELFIE_REPLAYED`: recorded as a failed check-in, the community is asked to visit). Then the
/// verifier: WeChat passes only on `errcode 0` and `verify_ret 10000`; its failure codes fail the
/// check-in (`FACE_VERIFICATION_FAILED`, recorded, a home-visit task opened); a verification the
/// phone did not finish is `FACE_VERIFICATION_INCOMPLETE` (nothing recorded). The local verifier
/// passes with low assurance; a share of those is sampled for a reviewer. A failure never stops a
/// payment. Sent again with the same `id`, the first answer comes back.
#[utoipa::path(
    tag = "checkins",
    security(("bearer" = [])),
    request_body(content = RemoteCheckinForm, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "Passed: the periods it completed, and in `warnings` the photo checks it failed without being refused", body = CheckinOut),
        (status = 200, description = "This check-in was recorded before (same `id`)", body = CheckinOut),
        (status = 400, description = "A malformed form", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a resident, or not a recipient (`NOT_A_RECIPIENT`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The `id` is another person's check-in", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Larger than `storage.max_upload_bytes`", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not a JPEG, PNG or WebP photo", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A missing or bad field, `CHECKIN_NOT_DUE`, `CHECKIN_CHALLENGE_EXPIRED`, `CHECKIN_CHALLENGE_INVALID` (unknown, used, or another person's), a photo refused (`FACE_NOT_FOUND`, `IMAGE_BLURRY`, `IMAGE_TOO_DARK`, `IMAGE_TOO_SMALL`, `FILE_CORRUPT`, `IMAGE_TOO_LARGE`), `SELFIE_REPLAYED`, `FACE_VERIFICATION_FAILED`, `FACE_VERIFICATION_INCOMPLETE`", body = Problem, content_type = "application/problem+json"),
        (status = 502, description = "The verifier answered something unusable (`VERIFIER_ERROR`)", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The verifier is unavailable (`VERIFIER_UNAVAILABLE`; the nonce stays valid) or too many photos in processing (`UPLOAD_BUSY`)", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/api/v1/checkins")]
pub async fn submit_checkin(
    state: SharedState,
    caller: Authorized<ResidentOnly>,
    form: Multipart,
) -> Result<HttpResponse, ApiError> {
    let parts = multipart::read(form, state.settings.storage.max_upload_bytes, 256).await?;
    let mut errors = Vec::new();
    let nonce = parts.text("nonce").map(str::to_owned);
    if nonce.is_none() {
        errors.push(field("nonce", "请先获取核验码(开始核验)", "Send the challenge's `nonce`"));
    }
    let id = optional_id(&parts, &mut errors);
    let captured_at = optional_time(&parts, "captured_at", &mut errors);
    let device = device(&parts, &mut errors);
    let photo = photo(parts.file, &mut errors);
    let (Some(nonce), Some(photo)) = (nonce, photo) else { return Err(ApiError::validation(errors)) };
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let input = RemoteInput { id: id.unwrap_or_else(Uuid::now_v7), nonce, captured_at, device, photo };
    let (out, created) = service::remote(&state, &caller.principal, input).await?;
    Ok(answer(out, created))
}

/// An assisted check-in: a helper of the recipient's community on a home visit, with a photo of
/// the visit showing the recipient's face, where and when it took place. Made offline and synced
/// later is fine: `performed_at` decides which periods it completes (up to
/// `checkins.assisted_max_age_days` back; missed periods included), and the same `id` sent twice
/// is recorded once. Closes the open visit tasks of those periods.
#[utoipa::path(
    tag = "checkins",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The recipient")),
    request_body(content = AssistedCheckinForm, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "Recorded: the periods it completed, and in `warnings` the photo checks it failed without being refused", body = CheckinOut),
        (status = 200, description = "Recorded before (same `id`)", body = CheckinOut),
        (status = 400, description = "A malformed form, or not a recipient id (`INVALID_PATH`)", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a helper", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such recipient in the helper's community", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The `id` is someone else's check-in", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Larger than `storage.max_upload_bytes`", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not a JPEG, PNG or WebP photo", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A missing or bad field (`performed_at` in the future or too old), `CHECKIN_NOT_DUE`, a photo refused (`FACE_NOT_FOUND`, `IMAGE_BLURRY`, `IMAGE_TOO_DARK`, `IMAGE_TOO_SMALL`, `FILE_CORRUPT`, `IMAGE_TOO_LARGE`), `SELFIE_REPLAYED`", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Too many photos in processing (`UPLOAD_BUSY`)", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/api/v1/recipients/{id}/checkins")]
pub async fn submit_assisted_checkin(
    state: SharedState,
    caller: Authorized<HelpersOnly>,
    path: web::Path<Uuid>,
    form: Multipart,
) -> Result<HttpResponse, ApiError> {
    let parts = multipart::read(form, state.settings.storage.max_upload_bytes, 1024).await?;
    let mut errors = Vec::new();
    let id = optional_id(&parts, &mut errors);
    let performed_at = optional_time(&parts, "performed_at", &mut errors);
    if performed_at.is_none() && !errors.iter().any(|e| e.field == "performed_at") {
        errors.push(field("performed_at", "请填写上门核验的时间", "Give `performed_at`, when the visit took place"));
    }
    let location_note = parts.text("location_note").map(str::to_owned);
    if location_note.as_ref().is_none_or(|n| n.chars().count() > 200) {
        errors.push(field(
            "location_note",
            "请填写上门地点(不超过 200 字)",
            "Give `location_note`, at most 200 characters",
        ));
    }
    let device = device(&parts, &mut errors);
    let photo = photo(parts.file, &mut errors);
    let (Some(performed_at), Some(location_note), Some(photo)) = (performed_at, location_note, photo) else {
        return Err(ApiError::validation(errors));
    };
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let input = AssistedInput { id: id.unwrap_or_else(Uuid::now_v7), performed_at, location_note, device, photo };
    let (out, created) = service::assisted(&state, &caller.principal, path.into_inner(), input).await?;
    Ok(answer(out, created))
}

fn answer(out: CheckinOut, created: bool) -> HttpResponse {
    if created { HttpResponse::Created().json(out) } else { HttpResponse::Ok().json(out) }
}

fn field(name: &str, zh: &str, en: &str) -> FieldError {
    FieldError::new(name.to_owned(), FieldCode::InvalidValue, Message::new(zh.to_owned(), en.to_owned()))
}

fn optional_id(parts: &Parts, errors: &mut Vec<FieldError>) -> Option<Uuid> {
    let text = parts.text("id")?;
    let id = Uuid::parse_str(text).ok();
    if id.is_none() {
        errors.push(field("id", "核验编号格式不对", "id must be a UUID"));
    }
    id
}

fn optional_time(parts: &Parts, name: &str, errors: &mut Vec<FieldError>) -> Option<DateTime<Utc>> {
    let text = parts.text(name)?;
    let time = DateTime::parse_from_rfc3339(text).ok().map(|t| t.with_timezone(&Utc));
    if time.is_none() {
        errors.push(field(
            name,
            "时间格式不对,应为 RFC 3339(如 2026-12-02T10:00:00+08:00)",
            "Give the time as RFC 3339",
        ));
    }
    time
}

fn device(parts: &Parts, errors: &mut Vec<FieldError>) -> Option<String> {
    let text = parts.text("device")?;
    if text.chars().count() > 200 {
        errors.push(field("device", "设备信息不超过 200 字", "device is at most 200 characters"));
    }
    Some(text.to_owned())
}

fn photo(file: Option<Vec<u8>>, errors: &mut Vec<FieldError>) -> Option<Vec<u8>> {
    let file = file.filter(|f| !f.is_empty());
    if file.is_none() {
        errors.push(field("file", "请拍摄照片后再提交", "Attach the photo in field `file`"));
    }
    file
}

/// Periods in the caller's reach by state: `due` (window open today), `upcoming`, `done`,
/// `missed`; helpers see their community, reviewers their township, supervisors their district.
/// Names come with masked ID numbers; the read is audited.
#[utoipa::path(
    tag = "checkins",
    security(("bearer" = [])),
    params(PeriodQuery),
    responses(
        (status = 200, description = "One page, by due date", body = Page<StaffPeriodOut>),
        (status = 400, description = "A query parameter is missing, unknown or malformed (`INVALID_QUERY`)", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a helper, reviewer or supervisor", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not a month (`INVALID_MONTH`)", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/api/v1/checkins/periods")]
pub async fn list_periods(
    state: SharedState,
    principal: Principal,
    query: Query<PeriodQuery>,
) -> Result<web::Json<Page<StaffPeriodOut>>, ApiError> {
    Ok(web::Json(lists::periods(&state, &principal, &query).await?))
}

/// Home-visit tasks (a missed or failed check-in, a doubted sample) in the caller's reach, oldest
/// due date first.
#[utoipa::path(
    tag = "checkins",
    security(("bearer" = [])),
    params(TaskQuery),
    responses(
        (status = 200, description = "The tasks", body = Vec<TaskOut>),
        (status = 400, description = "A query parameter is missing or unknown (`INVALID_QUERY`)", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a helper, reviewer or supervisor", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/api/v1/checkins/tasks")]
pub async fn list_checkin_tasks(
    state: SharedState,
    principal: Principal,
    query: Query<TaskQuery>,
) -> Result<web::Json<Vec<TaskOut>>, ApiError> {
    Ok(web::Json(tasks::list(&state, &principal, &query).await?))
}

/// Close a home-visit task with what the visit found, when no check-in could be done (if the
/// person is there, an assisted check-in closes the task instead). A helper of the community.
#[utoipa::path(
    tag = "checkins",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The task")),
    request_body = CloseTaskIn,
    responses(
        (status = 200, description = "Closed", body = TaskOut),
        (status = 400, description = "Not a task id (`INVALID_PATH`) or malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a helper, reviewer or supervisor", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such task in the helper's community", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Closed already (`INVALID_TRANSITION`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A note of fewer than 2 or more than 500 characters, or an unknown finding", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/api/v1/checkins/tasks/{id}/close")]
pub async fn close_checkin_task(
    state: SharedState,
    principal: Principal,
    id: web::Path<Uuid>,
    body: JsonBody<CloseTaskIn>,
) -> Result<web::Json<TaskOut>, ApiError> {
    Ok(web::Json(tasks::close(&state, &principal, id.into_inner(), body.0).await?))
}

/// A recipient's payment status and its suspensions and resumptions (staff in reach).
#[utoipa::path(
    tag = "checkins",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The recipient")),
    responses(
        (status = 200, description = "The recipient", body = RecipientOut),
        (status = 400, description = "Not a recipient id (`INVALID_PATH`)", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a helper, reviewer or supervisor", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such recipient in reach", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/api/v1/recipients/{id}")]
pub async fn get_recipient(
    state: SharedState,
    principal: Principal,
    id: web::Path<Uuid>,
) -> Result<web::Json<RecipientOut>, ApiError> {
    Ok(web::Json(payments::get(&state, &principal, id.into_inner()).await?))
}

/// Suspend a recipient's payment (township reviewer of the recipient's township), with a reason,
/// after the home visit: `task_id` names the visit task, closed with a finding or past its due
/// date. A check-in never does this by itself.
#[utoipa::path(
    tag = "checkins",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The recipient")),
    request_body = SuspendIn,
    responses(
        (status = 200, description = "Suspended", body = RecipientOut),
        (status = 400, description = "Not a recipient id (`INVALID_PATH`) or malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the township reviewer", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such recipient in reach", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Suspended already, or the visit has not happened and is not overdue (`INVALID_TRANSITION`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No note, an unknown reason, or a task of another recipient (`TASK_NOT_FOUND`)", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/api/v1/recipients/{id}/suspension")]
pub async fn suspend_recipient(
    state: SharedState,
    principal: Principal,
    id: web::Path<Uuid>,
    body: JsonBody<SuspendIn>,
) -> Result<web::Json<RecipientOut>, ApiError> {
    Ok(web::Json(payments::suspend(&state, &principal, id.into_inner(), body.0).await?))
}

/// Resume a suspended payment (township reviewer), with the grounds.
#[utoipa::path(
    tag = "checkins",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The recipient")),
    request_body = ResumeIn,
    responses(
        (status = 200, description = "Resumed", body = RecipientOut),
        (status = 400, description = "Not a recipient id (`INVALID_PATH`) or malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the township reviewer", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such recipient in reach", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not suspended (`INVALID_TRANSITION`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No note", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/api/v1/recipients/{id}/resumption")]
pub async fn resume_recipient(
    state: SharedState,
    principal: Principal,
    id: web::Path<Uuid>,
    body: JsonBody<ResumeIn>,
) -> Result<web::Json<RecipientOut>, ApiError> {
    Ok(web::Json(payments::resume(&state, &principal, id.into_inner(), body.0).await?))
}

/// Low-assurance passes sampled for a human look (township reviewer, district supervisor).
#[utoipa::path(
    tag = "checkins",
    security(("bearer" = [])),
    params(SampledQuery),
    responses(
        (status = 200, description = "The sampled check-ins, oldest first", body = Vec<SampledCheckinOut>),
        (status = 400, description = "A query parameter is unknown or malformed (`INVALID_QUERY`)", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a reviewer or supervisor", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/api/v1/checkins/samples")]
pub async fn list_checkin_samples(
    state: SharedState,
    principal: Principal,
    query: Query<SampledQuery>,
) -> Result<web::Json<Vec<SampledCheckinOut>>, ApiError> {
    Ok(web::Json(review::sampled(&state, &principal, &query).await?))
}

/// A township reviewer's verdict on a sampled check-in; `doubtful` opens a home-visit task.
#[utoipa::path(
    tag = "checkins",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The check-in")),
    request_body = ReviewIn,
    responses(
        (status = 200, description = "Recorded", body = SampledCheckinOut),
        (status = 400, description = "Not a check-in id (`INVALID_PATH`) or malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a township reviewer", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such check-in in reach", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not sampled, or reviewed already (`INVALID_TRANSITION`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "An unknown verdict", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/api/v1/checkins/{id}/review")]
pub async fn review_checkin(
    state: SharedState,
    principal: Principal,
    id: web::Path<Uuid>,
    body: JsonBody<ReviewIn>,
) -> Result<web::Json<SampledCheckinOut>, ApiError> {
    Ok(web::Json(review::decide(&state, &principal, id.into_inner(), body.0).await?))
}

/// The photo of a check-in, while it is kept: for the township reviewer of its township and for a
/// helper of the person's community while a home visit for them is open. Audited.
#[utoipa::path(
    tag = "checkins",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The check-in")),
    responses(
        (status = 200, description = "The JPEG", content_type = "image/jpeg", body = Vec<u8>),
        (status = 400, description = "Not a check-in id (`INVALID_PATH`)", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a helper or reviewer (`FORBIDDEN`; `ADMIN_NOT_CASE_WORKER` for an administrator), or staff of the region who do not decide on this check-in: the district, a helper without an open visit for the person (`SELFIE_RESTRICTED`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such check-in in reach, or its photo was purged after the retention period", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/api/v1/checkins/{id}/selfie")]
pub async fn get_checkin_selfie(
    state: SharedState,
    principal: Principal,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let bytes = selfies::selfie(&state, &principal, id.into_inner()).await?;
    Ok(file_response("image/jpeg".to_owned(), bytes))
}

/// A month's check-ins per township: due, done remotely, done with a helper, missed, failed,
/// suspended, and days from due date to check-in.
#[utoipa::path(
    tag = "checkins",
    security(("bearer" = [])),
    params(CheckinMonthQuery),
    responses(
        (status = 200, description = "The figures", body = CheckinFiguresOut),
        (status = 400, description = "A query parameter is missing or unknown (`INVALID_QUERY`)", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a supervisor or reviewer", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not a month (`INVALID_MONTH`)", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/api/v1/checkins/figures")]
pub async fn get_checkin_figures(
    state: SharedState,
    principal: Principal,
    query: Query<CheckinMonthQuery>,
) -> Result<web::Json<CheckinFiguresOut>, ApiError> {
    Ok(web::Json(figures::monthly(&state, &principal, &query.month).await?))
}
