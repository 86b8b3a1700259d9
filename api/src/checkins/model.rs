//! What the check-in endpoints take and return.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::applications::model::PhotoWarningOut;

/// A challenge for one remote check-in: use its nonce within 5 minutes, once.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChallengeOut {
    pub nonce: String,
    /// The liveness action to ask for: `blink`, `turn_left`, `turn_right`, `open_mouth` or `nod`.
    pub action: String,
    /// The action as the phone shows it (Chinese).
    pub action_prompt: String,
    pub expires_at: DateTime<Utc>,
    /// `wechat` or `local` (or another configured provider).
    pub verifier: String,
    /// For `wechat`: the `verifyId` to pass to `wx.requestFacialVerify` before the selfie.
    pub verify_id: Option<String>,
}

/// The multipart form of a remote check-in (`wx.uploadFile`, the selfie in `file`).
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
pub struct RemoteCheckinForm {
    /// The live selfie: JPEG, PNG or WebP, one face, sharp and lit.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
    /// The nonce of the challenge.
    nonce: String,
    /// Made by the phone, so a retried check-in is recorded once; empty or absent: the server makes one.
    #[schema(value_type = Option<String>, pattern = "^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})?$")]
    id: Option<Uuid>,
    /// When the phone took the selfie (RFC 3339).
    captured_at: Option<DateTime<Utc>>,
    /// The phone and app (model, system, WeChat version), at most 200 characters.
    device: Option<String>,
}

/// The multipart form of an assisted check-in (a helper on a home visit; may arrive days later).
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
pub struct AssistedCheckinForm {
    /// A photo of the visit showing the recipient's face.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
    /// When the visit took place (RFC 3339): not in the future, at most `assisted_max_age_days` ago.
    performed_at: DateTime<Utc>,
    /// Where the visit took place (a note, not coordinates), at most 200 characters.
    location_note: String,
    /// Made by the phone, so a check-in synced twice is recorded once.
    #[schema(value_type = Option<String>, pattern = "^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})?$")]
    id: Option<Uuid>,
    device: Option<String>,
}

/// A period a check-in satisfied.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PeriodRef {
    pub recipient_id: Uuid,
    pub item_code: String,
    pub due_date: NaiveDate,
}

/// A check-in as recorded.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CheckinOut {
    pub id: Uuid,
    /// `passed` or `failed`.
    pub outcome: String,
    /// `remote` or `assisted`.
    pub mode: String,
    /// `wechat`, `local`, another provider, or `helper`.
    pub verifier: String,
    /// `high` (WeChat), `low` (local checks only: sampled for review), `assisted` (a helper saw the person).
    pub assurance: String,
    pub failure_reason: Option<String>,
    /// The periods this check-in completed.
    pub periods: Vec<PeriodRef>,
    /// Picked for a reviewer's look (low assurance only).
    pub sampled: bool,
    pub created_at: DateTime<Utc>,
    /// The next due date, if any.
    pub next_due: Option<NaiveDate>,
    /// Quality checks the photo failed without being refused (by default `IMAGE_OVEREXPOSED`),
    /// with how to take a better one next time. In the answer that recorded the check-in only: a
    /// retry with the same `id` answers without them.
    pub warnings: Vec<PhotoWarningOut>,
}

/// One period of a recipient's schedule, as the recipient sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PeriodOut {
    pub recipient_id: Uuid,
    pub item_code: String,
    pub due_date: NaiveDate,
    pub opens_on: NaiveDate,
    pub closes_on: NaiveDate,
    /// `pending`, `done` or `missed`.
    pub status: String,
    /// The window is open today.
    pub open_now: bool,
    pub done_at: Option<DateTime<Utc>>,
}

/// The recipient's own schedule.
#[derive(Debug, Serialize, ToSchema)]
pub struct MyCheckinsOut {
    /// Pending periods first, then the last ones done or missed.
    pub periods: Vec<PeriodOut>,
    /// Whether a check-in can be done now.
    pub due_now: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PeriodState {
    /// Pending with the window open today.
    Due,
    /// Pending, window not open yet.
    Upcoming,
    Done,
    Missed,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PeriodQuery {
    #[param(inline)]
    pub state: PeriodState,
    /// Only periods due in this month (`YYYY-MM`).
    pub month: Option<String>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// 1 to 200, default 50.
    pub limit: Option<u64>,
}

/// A period as staff see it, with the person's name and masked ID number.
#[derive(Debug, Serialize, ToSchema)]
pub struct StaffPeriodOut {
    pub id: Uuid,
    pub recipient_id: Uuid,
    pub name: String,
    pub id_number_masked: String,
    pub item_code: String,
    pub recipient_status: String,
    pub community_code: String,
    pub due_date: NaiveDate,
    pub opens_on: NaiveDate,
    pub closes_on: NaiveDate,
    pub status: String,
    pub done_at: Option<DateTime<Utc>>,
    pub done_mode: Option<String>,
    pub failed_attempts: i32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    Open,
    Closed,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TaskQuery {
    #[param(inline)]
    pub status: TaskStatus,
}

/// A home visit owed to a recipient.
#[derive(Debug, Serialize, ToSchema)]
pub struct TaskOut {
    pub id: Uuid,
    /// `missed`, `failed` or `doubtful` (a reviewer doubted a sampled check-in).
    pub kind: String,
    pub recipient_id: Uuid,
    pub name: String,
    pub id_number_masked: String,
    pub item_code: String,
    pub community_code: String,
    pub cycle_id: Option<Uuid>,
    pub checkin_id: Option<Uuid>,
    /// The visit is due by this day.
    pub due_date: NaiveDate,
    pub status: String,
    /// `checked_in` (an assisted check-in closed it), or what the helper found.
    pub outcome: Option<String>,
    pub note: Option<String>,
    pub created_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
}

/// What a helper found on a visit where no check-in could be done (if the person is there, do an
/// assisted check-in instead: it closes the task).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum VisitFinding {
    Deceased,
    Detained,
    MovedAway,
    NotFound,
    Other,
}

impl VisitFinding {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Deceased => "deceased",
            Self::Detained => "detained",
            Self::MovedAway => "moved_away",
            Self::NotFound => "not_found",
            Self::Other => "other",
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CloseTaskIn {
    pub finding: VisitFinding,
    /// What was seen, who was met: 2 to 500 characters.
    pub note: String,
}

/// Why a reviewer stops a payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SuspendReason {
    Deceased,
    Detained,
    MovedAway,
    NotFound,
    NoLongerEligible,
    Other,
}

impl SuspendReason {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Deceased => "deceased",
            Self::Detained => "detained",
            Self::MovedAway => "moved_away",
            Self::NotFound => "not_found",
            Self::NoLongerEligible => "no_longer_eligible",
            Self::Other => "other",
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SuspendIn {
    pub reason: SuspendReason,
    /// 2 to 500 characters.
    pub note: String,
    /// The home-visit task this follows: closed with a finding, or past its due date.
    pub task_id: Uuid,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResumeIn {
    /// Why payment starts again: 2 to 500 characters.
    pub note: String,
}

/// A suspension or resumption.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecipientActionOut {
    pub action: String,
    pub reason: String,
    pub note: Option<String>,
    pub task_id: Option<Uuid>,
    pub actor_id: Uuid,
    pub created_at: DateTime<Utc>,
}

/// A recipient's payment status and its history.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecipientOut {
    pub id: Uuid,
    pub item_code: String,
    pub amount_fen: i64,
    /// `active` or `suspended`.
    pub status: String,
    pub community_code: String,
    pub actions: Vec<RecipientActionOut>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The selfie shows the recipient alive: nothing more to do.
    Confirmed,
    /// In doubt: a home-visit task is opened.
    Doubtful,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewIn {
    pub verdict: Verdict,
    pub note: Option<String>,
}

/// A sampled check-in as a reviewer sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct SampledCheckinOut {
    pub id: Uuid,
    pub recipient_id: Uuid,
    pub name: String,
    pub id_number_masked: String,
    pub verifier: String,
    pub assurance: String,
    pub created_at: DateTime<Utc>,
    /// Whether the selfie is still kept (`GET /api/v1/checkins/{id}/selfie`).
    pub selfie_kept: bool,
    pub review_verdict: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SampledQuery {
    /// `true`: only those nobody looked at yet (the default); `false`: all sampled.
    pub pending: Option<bool>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CheckinMonthQuery {
    /// `YYYY-MM`.
    pub month: String,
}

/// One township's check-ins in a month.
#[derive(Debug, Serialize, ToSchema)]
pub struct TownshipCheckinFiguresOut {
    pub township_code: String,
    /// Periods due this month.
    pub due: u64,
    pub done_remote: u64,
    pub done_assisted: u64,
    pub missed: u64,
    /// Periods due this month with at least one failed attempt.
    pub failed: u64,
    /// Payments suspended this month.
    pub suspended: u64,
    /// From the due date to the check-in, in days (negative: before the due date).
    pub average_days_due_to_done: Option<f64>,
    pub p90_days_due_to_done: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CheckinFiguresOut {
    pub month: String,
    pub townships: Vec<TownshipCheckinFiguresOut>,
}
