//! A check-in, start to finish. Remote: the recipient asks for a challenge (the window must be
//! open), takes the selfie, and sends it with the nonce; the server takes the nonce (once),
//! checks the photo, looks for a replay, asks the verifier, and records the outcome with the
//! periods it completes, in one transaction after the photo is stored. Assisted: a helper of the
//! recipient's community records a home visit with a photo, possibly days later from an offline
//! phone; the visit's date decides which periods it completes.
//!
//! A retried request with the same check-in id gets the first answer again, never a second row.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use entity::{account, checkin, checkin_cycle, household_member, recipient};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set,
};
use serde_json::json;
use uuid::Uuid;

use super::challenge::{self, Challenge};
use super::cycles::{self, DONE, MISSED, PENDING};
use super::evidence::{self, Photo};
use super::model::{ChallengeOut, CheckinOut, PeriodRef};
use super::tasks;
use super::verifier::{self, Assurance, Subject, Verdict, VerifierError};
use crate::applications::model::PhotoWarningOut;
use crate::calendar;
use crate::error::{ApiError, ErrorCode, FieldCode, FieldError, Message};
use crate::infra::rate_limit::Limit;
use crate::pii::id_number::ID_PURPOSE;
use crate::state::AppState;
use crate::uow::UnitOfWork;
use crate::vocab::{Principal, Scope, in_share};

pub const PASSED: &str = "passed";
pub const FAILED: &str = "failed";
pub const REPLAYED: &str = "replayed_selfie";

/// A remote check-in as received.
pub struct RemoteInput {
    pub id: Uuid,
    pub nonce: String,
    pub captured_at: Option<DateTime<Utc>>,
    pub device: Option<String>,
    pub photo: Vec<u8>,
}

/// An assisted check-in as received.
pub struct AssistedInput {
    pub id: Uuid,
    pub performed_at: DateTime<Utc>,
    pub location_note: String,
    pub device: Option<String>,
    pub photo: Vec<u8>,
}

/// The recipient rows of a resident (active or suspended: a suspended one may prove they are alive).
async fn recipients_of(db: &DatabaseConnection, account_id: Uuid) -> Result<Vec<recipient::Model>, ApiError> {
    let rows = recipient::Entity::find().filter(recipient::Column::SubjectAccountId.eq(account_id)).all(db).await?;
    if rows.is_empty() {
        return Err(ApiError::new(ErrorCode::NotARecipient));
    }
    Ok(rows)
}

/// The periods of `recipient_ids` (one person's) a check-in on `day` completes: pending ones whose
/// window holds `day`, and (`late`: assisted check-ins) missed ones.
async fn periods_for(
    db: &DatabaseConnection,
    recipient_ids: &[Uuid],
    day: NaiveDate,
    late: bool,
) -> Result<Vec<checkin_cycle::Model>, ApiError> {
    let open = Condition::all()
        .add(checkin_cycle::Column::Status.eq(PENDING))
        .add(checkin_cycle::Column::OpensOn.lte(day))
        .add(checkin_cycle::Column::ClosesOn.gte(day));
    let which = if late { Condition::any().add(open).add(checkin_cycle::Column::Status.eq(MISSED)) } else { open };
    Ok(checkin_cycle::Entity::find()
        .filter(checkin_cycle::Column::RecipientId.is_in(recipient_ids.iter().copied()))
        .filter(which)
        .order_by_asc(checkin_cycle::Column::DueDate)
        .all(db)
        .await?)
}

/// `CHECKIN_NOT_DUE`, naming the next window when there is one.
async fn not_due(db: &DatabaseConnection, recipient_ids: &[Uuid]) -> ApiError {
    let next = checkin_cycle::Entity::find()
        .filter(checkin_cycle::Column::RecipientId.is_in(recipient_ids.iter().copied()))
        .filter(checkin_cycle::Column::Status.eq(PENDING))
        .order_by_asc(checkin_cycle::Column::OpensOn)
        .one(db)
        .await
        .ok()
        .flatten();
    let error = ApiError::new(ErrorCode::CheckinNotDue);
    match next {
        Some(period) => error.with_detail(Message::new(
            format!(
                "当前不在生存核验时间内。下次核验时间为 {} 至 {},届时请再办理。",
                period.opens_on, period.closes_on
            ),
            format!("No check-in is due now. The next window is {} to {}.", period.opens_on, period.closes_on),
        )),
        None => error,
    }
}

/// The resident's open periods now: the first recipient row with one, and all of them.
async fn open_now(
    state: &AppState,
    account_id: Uuid,
) -> Result<(recipient::Model, Vec<checkin_cycle::Model>), ApiError> {
    let recipients = recipients_of(&state.db, account_id).await?;
    let ids: Vec<Uuid> = recipients.iter().map(|r| r.id).collect();
    let open = periods_for(&state.db, &ids, calendar::today(), false).await?;
    let Some(first) = open.first() else { return Err(not_due(&state.db, &ids).await) };
    let recipient = recipients
        .into_iter()
        .find(|r| r.id == first.recipient_id)
        .ok_or_else(|| ApiError::internal("a period without its recipient"))?;
    Ok((recipient, open))
}

/// Issues a challenge: the window must be open; with WeChat, the `verify_id` comes with it.
pub async fn challenge(state: &AppState, principal: &Principal) -> Result<ChallengeOut, ApiError> {
    let settings = &state.settings.checkins;
    let (recipient, _) = open_now(state, principal.account_id).await?;
    let limit = Limit { limit: settings.challenges_per_hour, window: std::time::Duration::from_secs(3600) };
    state
        .limiter
        .hit("checkin-challenge", &principal.account_id.to_string(), limit)
        .await
        .map_err(|secs| ApiError::new(ErrorCode::RateLimited).with_retry_after(secs))?;
    let expires_at_ms = Utc::now().timestamp_millis()
        + i64::try_from(settings.challenge_ttl_secs.saturating_mul(1000)).unwrap_or(300_000);
    let nonce = challenge::new_nonce(expires_at_ms)?;
    let (action, prompt) = challenge::pick_action();
    let out_seq_no = Uuid::now_v7().simple().to_string();
    let verifier = verifier::of(state);
    let session = if verifier.needs_identity() {
        let identity = Identity::load(state, &recipient, principal.account_id).await?;
        verifier.begin(&identity.subject(&out_seq_no)).await.map_err(verifier_error)?
    } else {
        None
    };
    let kept = Challenge {
        account_id: principal.account_id,
        action: action.to_owned(),
        session: session.clone(),
        out_seq_no,
        expires_at_ms,
    };
    challenge::keep(&state.cache, &state.db, &nonce, &kept).await?;
    Ok(ChallengeOut {
        nonce,
        action: action.to_owned(),
        action_prompt: prompt.to_owned(),
        expires_at: kept.expires_at(),
        verifier: verifier.name().to_owned(),
        verify_id: session,
    })
}

/// A remote check-in; `Ok((out, true))` when recorded now, `false` for a retry of an earlier one.
pub async fn remote(
    state: &AppState,
    principal: &Principal,
    input: RemoteInput,
) -> Result<(CheckinOut, bool), ApiError> {
    if let Some(earlier) = earlier(state, principal, input.id).await? {
        return Ok((earlier, false));
    }
    let (recipient, periods) = open_now(state, principal.account_id).await?;
    let (cache, db) = (&state.cache, &state.db);
    let taken = challenge::take(cache, db, principal.account_id, &input.nonce).await?;
    let photo = match evidence::check(state, input.photo).await {
        Ok(photo) => photo,
        Err(err) => {
            // A photo to retake is not a reason to start over.
            challenge::give_back(cache, db, &input.nonce, &taken).await;
            return Err(err);
        }
    };
    let verifier = verifier::of(state);
    let attempt = Attempt {
        id: input.id,
        recipient: &recipient,
        actor: principal,
        mode: "remote",
        verifier: verifier.name(),
        assurance: verifier.assurance().as_str(),
        action: Some(taken.action.clone()),
        captured_at: input.captured_at,
        device: input.device,
        location_note: None,
        periods,
    };
    let (attempt, photo) = refuse_replay(state, attempt, photo).await?;
    let verdict = if verifier.needs_identity() {
        let identity = Identity::load(state, &recipient, principal.account_id).await?;
        verifier.confirm(&identity.subject(&taken.out_seq_no), taken.session.as_deref()).await
    } else {
        verifier.confirm(&Identity::none(&taken.out_seq_no), None).await
    };
    let verdict = match verdict {
        Ok(verdict) => verdict,
        Err(err) => {
            challenge::give_back(cache, db, &input.nonce, &taken).await;
            return Err(verifier_error(err));
        }
    };
    let outcome = match verdict {
        Verdict::Incomplete { reason } => {
            tracing::info!(%reason, "face verification did not finish on the phone");
            return Err(ApiError::new(ErrorCode::FaceVerificationIncomplete));
        }
        Verdict::Failed { reason, reference } => Outcome::Failed { reason, reference },
        Verdict::Passed { reference } => Outcome::Passed { reference },
    };
    let failed = matches!(outcome, Outcome::Failed { .. });
    let out = record(state, attempt, photo, outcome).await?;
    if failed {
        return Err(ApiError::new(ErrorCode::FaceVerificationFailed));
    }
    Ok((out, true))
}

/// An assisted check-in by a helper of the recipient's community.
pub async fn assisted(
    state: &AppState,
    principal: &Principal,
    recipient_id: Uuid,
    input: AssistedInput,
) -> Result<(CheckinOut, bool), ApiError> {
    let reach = Scope::of(principal)?;
    let recipient = recipient::Entity::find_by_id(recipient_id)
        .one(&state.db)
        .await?
        .filter(|r| {
            matches!(reach, Scope::Community(_)) && reach.covers(&r.community_code, &r.township_code, &r.district_code)
        })
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound))?;
    if let Some(earlier) = earlier(state, principal, input.id).await? {
        return Ok((earlier, false));
    }
    let settings = &state.settings.checkins;
    let now = Utc::now();
    let oldest = now - Duration::days(i64::from(settings.assisted_max_age_days));
    if input.performed_at > now + Duration::minutes(10) || input.performed_at < oldest {
        return Err(ApiError::validation(vec![FieldError::new(
            "performed_at",
            FieldCode::OutOfRange,
            Message::new(
                format!("上门核验时间不能晚于现在,也不能早于 {} 天前;请检查手机时间。", settings.assisted_max_age_days),
                format!(
                    "performed_at must not be in the future nor more than {} days ago; check the phone's clock.",
                    settings.assisted_max_age_days
                ),
            ),
        )]));
    }
    let day = (input.performed_at + Duration::hours(8)).date_naive();
    let same_person: Vec<Uuid> = recipient::Entity::find()
        .filter(recipient::Column::SubjectIndex.eq(&recipient.subject_index))
        .filter(recipient::Column::CommunityCode.eq(&recipient.community_code))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|r| r.id)
        .collect();
    let periods = periods_for(&state.db, &same_person, day, true).await?;
    if periods.is_empty() {
        return Err(not_due(&state.db, &same_person).await);
    }
    let photo = evidence::check(state, input.photo).await?;
    let attempt = Attempt {
        id: input.id,
        recipient: &recipient,
        actor: principal,
        mode: "assisted",
        verifier: "helper",
        assurance: "assisted",
        action: None,
        captured_at: Some(input.performed_at),
        device: input.device,
        location_note: Some(input.location_note),
        periods,
    };
    let (attempt, photo) = refuse_replay(state, attempt, photo).await?;
    Ok((record(state, attempt, photo, Outcome::Passed { reference: None }).await?, true))
}

/// `SELFIE_REPLAYED` when the photo is one of the person's earlier check-in photos again (then
/// recorded as a failed check-in, which opens a visit); otherwise the attempt and photo back.
async fn refuse_replay<'a>(
    state: &AppState,
    attempt: Attempt<'a>,
    photo: Photo,
) -> Result<(Attempt<'a>, Photo), ApiError> {
    let max = state.settings.checkins.replay_max_distance;
    if evidence::replay_of(&state.db, &attempt.recipient.subject_index, &photo, max).await?.is_none() {
        return Ok((attempt, photo));
    }
    record(state, attempt, photo, Outcome::Failed { reason: REPLAYED.to_owned(), reference: None }).await?;
    Err(ApiError::new(ErrorCode::SelfieReplayed))
}

/// The answer to a retried check-in: the same as the first time.
async fn earlier(state: &AppState, principal: &Principal, id: Uuid) -> Result<Option<CheckinOut>, ApiError> {
    let Some(row) = checkin::Entity::find_by_id(id).one(&state.db).await? else { return Ok(None) };
    if row.actor_id != principal.account_id {
        return Err(ApiError::new(ErrorCode::Conflict));
    }
    match row.failure_reason.as_deref() {
        _ if row.outcome == PASSED => Ok(Some(out(&state.db, row).await?)),
        Some(REPLAYED) => Err(ApiError::new(ErrorCode::SelfieReplayed)),
        _ => Err(ApiError::new(ErrorCode::FaceVerificationFailed)),
    }
}

enum Outcome {
    Passed { reference: Option<String> },
    Failed { reason: String, reference: Option<String> },
}

struct Attempt<'a> {
    id: Uuid,
    recipient: &'a recipient::Model,
    actor: &'a Principal,
    mode: &'static str,
    verifier: &'static str,
    assurance: &'static str,
    action: Option<String>,
    captured_at: Option<DateTime<Utc>>,
    device: Option<String>,
    location_note: Option<String>,
    periods: Vec<checkin_cycle::Model>,
}

/// Stores the photo, then writes the check-in and what follows from it in one transaction: a pass
/// completes the periods (and closes their open visit tasks, and schedules the next period); a
/// failure counts against the periods and opens a visit task.
async fn record(
    state: &AppState,
    attempt: Attempt<'_>,
    photo: Photo,
    outcome: Outcome,
) -> Result<CheckinOut, ApiError> {
    let Photo { stored, sha256, phash, warnings } = photo;
    let selfie_key = evidence::store(state, stored).await?;
    let settings = &state.settings.checkins;
    let now = Utc::now();
    let today = calendar::today();
    let recipient = attempt.recipient;
    let (passed, reason, reference) = match outcome {
        Outcome::Passed { reference } => (true, None, reference),
        Outcome::Failed { reason, reference } => (false, Some(reason), reference),
    };
    let sampled = passed
        && attempt.assurance == Assurance::Low.as_str()
        && sampled(attempt.id, settings.sample_low_assurance_percent);
    let uow = UnitOfWork::begin(&state.db).await?;
    let txn = uow.txn();
    let row = checkin::ActiveModel {
        id: Set(attempt.id),
        recipient_id: Set(recipient.id),
        subject_index: Set(recipient.subject_index.clone()),
        actor_id: Set(attempt.actor.account_id),
        actor_role: Set(attempt.actor.role.as_str().to_owned()),
        mode: Set(attempt.mode.to_owned()),
        verifier: Set(attempt.verifier.to_owned()),
        assurance: Set(attempt.assurance.to_owned()),
        outcome: Set(if passed { PASSED } else { FAILED }.to_owned()),
        failure_reason: Set(reason),
        provider_ref: Set(reference),
        action: Set(attempt.action),
        captured_at: Set(attempt.captured_at),
        device: Set(attempt.device.map(|d| json!({ "text": d.chars().take(200).collect::<String>() }))),
        location_note: Set(attempt.location_note),
        selfie_key: Set(Some(selfie_key)),
        selfie_sha256: Set(sha256),
        phash: Set(phash.cast_signed()),
        selfie_purged_at: Set(None),
        sampled: Set(sampled),
        review_verdict: Set(None),
        reviewed_by: Set(None),
        reviewed_at: Set(None),
        community_code: Set(recipient.community_code.clone()),
        township_code: Set(recipient.township_code.clone()),
        district_code: Set(recipient.district_code.clone()),
        created_at: Set(now),
    }
    .insert(txn)
    .await?;
    for period in &attempt.periods {
        if passed {
            let done = checkin_cycle::Entity::update_many()
                .col_expr(checkin_cycle::Column::Status, Expr::value(DONE))
                .col_expr(checkin_cycle::Column::DoneAt, Expr::value(Some(now)))
                .col_expr(checkin_cycle::Column::DoneMode, Expr::value(Some(attempt.mode)))
                .col_expr(checkin_cycle::Column::CheckinId, Expr::value(Some(row.id)))
                .filter(checkin_cycle::Column::Id.eq(period.id))
                .filter(checkin_cycle::Column::Status.is_in([PENDING, MISSED]))
                .exec(txn)
                .await?;
            if done.rows_affected == 1 {
                tasks::close_for_period(txn, period.id, attempt.actor.account_id, now).await?;
                if let Some(owner) = recipient::Entity::find_by_id(period.recipient_id).one(txn).await? {
                    cycles::schedule_next(txn, settings, &owner, today).await?;
                }
            }
        } else {
            checkin_cycle::Entity::update_many()
                .col_expr(
                    checkin_cycle::Column::FailedAttempts,
                    Expr::col(checkin_cycle::Column::FailedAttempts).add(Expr::val(1)),
                )
                .filter(checkin_cycle::Column::Id.eq(period.id))
                .exec(txn)
                .await?;
            let due = today + Duration::days(i64::from(settings.task_days));
            tasks::open(txn, tasks::FAILED, period, Some(row.id), due).await?;
        }
    }
    uow.commit(state).await?;
    let out = out(&state.db, row).await?;
    Ok(CheckinOut { warnings: warnings.into_iter().map(PhotoWarningOut::from).collect(), ..out })
}

/// Whether a low-assurance pass goes to a reviewer: a fixed share, by a hash of its id.
pub fn sampled(id: Uuid, percent: u8) -> bool {
    in_share(&format!("checkin-sample:{id}"), percent)
}

/// A check-in as the API shows it, with the periods it completed and the next due date.
pub async fn out(db: &impl sea_orm::ConnectionTrait, row: checkin::Model) -> Result<CheckinOut, ApiError> {
    let periods = checkin_cycle::Entity::find()
        .filter(checkin_cycle::Column::CheckinId.eq(row.id))
        .order_by_asc(checkin_cycle::Column::DueDate)
        .all(db)
        .await?;
    let recipient_ids: Vec<Uuid> = periods.iter().map(|p| p.recipient_id).chain([row.recipient_id]).collect();
    let recipients =
        recipient::Entity::find().filter(recipient::Column::Id.is_in(recipient_ids.clone())).all(db).await?;
    let item = |id: Uuid| recipients.iter().find(|r| r.id == id).map(|r| r.item_code.clone()).unwrap_or_default();
    let next_due = checkin_cycle::Entity::find()
        .filter(checkin_cycle::Column::RecipientId.is_in(recipient_ids))
        .filter(checkin_cycle::Column::Status.eq(PENDING))
        .order_by_asc(checkin_cycle::Column::DueDate)
        .one(db)
        .await?
        .map(|c| c.due_date);
    Ok(CheckinOut {
        id: row.id,
        outcome: row.outcome,
        mode: row.mode,
        verifier: row.verifier,
        assurance: row.assurance,
        failure_reason: row.failure_reason,
        periods: periods
            .iter()
            .map(|p| PeriodRef { recipient_id: p.recipient_id, item_code: item(p.recipient_id), due_date: p.due_date })
            .collect(),
        sampled: row.sampled,
        created_at: row.created_at,
        next_due,
        warnings: Vec::new(),
    })
}

/// The person as a verifier needs them: the applicant's name and ID number (decrypted here, for
/// the call only) and the resident's openid.
struct Identity {
    name: String,
    id_number: String,
    openid: Option<String>,
}

impl Identity {
    async fn load(state: &AppState, recipient: &recipient::Model, account_id: Uuid) -> Result<Self, ApiError> {
        let member = household_member::Entity::find_by_id(recipient.member_id)
            .one(&state.db)
            .await?
            .ok_or_else(|| ApiError::internal("a recipient without its member"))?;
        let sealed = crate::pii::cipher::Sealed { key_id: member.id_number_key_id, blob: member.id_number_cipher };
        let id_number = state.pii.open(ID_PURPOSE, &sealed).map_err(ApiError::internal)?;
        let openid = account::Entity::find_by_id(account_id).one(&state.db).await?.and_then(|a| a.wechat_openid);
        Ok(Self { name: member.name, id_number, openid })
    }

    fn none(out_seq_no: &str) -> Subject<'_> {
        Subject { name: "", id_number: "", openid: None, out_seq_no }
    }

    fn subject<'a>(&'a self, out_seq_no: &'a str) -> Subject<'a> {
        Subject { name: &self.name, id_number: &self.id_number, openid: self.openid.as_deref(), out_seq_no }
    }
}

fn verifier_error(err: VerifierError) -> ApiError {
    match err {
        VerifierError::Unavailable(why) => {
            ApiError::new(ErrorCode::VerifierUnavailable).with_retry_after(30).with_source(why)
        }
        VerifierError::Refused(why) => ApiError::new(ErrorCode::VerifierError).with_source(why),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn about_the_configured_share_of_low_assurance_passes_is_sampled() {
        let picked = (0..2000).filter(|_| sampled(Uuid::new_v4(), 10)).count();
        assert!((120..=280).contains(&picked), "{picked} of 2000");
        assert!(!sampled(Uuid::new_v4(), 0));
        assert!(sampled(Uuid::new_v4(), 100));
    }
}
