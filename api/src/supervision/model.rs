use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

#[derive(Debug, Serialize, ToSchema)]
pub struct TicketOut {
    pub id: Uuid,
    /// `overdue`, `district_confirmation`, `rejection_review`, `sample_review`,
    /// `emergency_re_review`, `materials_overdue`.
    pub kind: String,
    pub application_id: Uuid,
    pub number: Option<String>,
    pub item_code: Option<String>,
    pub township_code: String,
    /// `open` or `closed`.
    pub status: String,
    pub opened_at: DateTime<Utc>,
    #[schema(value_type = Option<String>, format = Date)]
    pub due_date: Option<NaiveDate>,
    pub closed_at: Option<DateTime<Utc>>,
    pub outcome: Option<String>,
    /// Whether the district closes it (every kind but `materials_overdue`); the township answers.
    pub closed_by_district: bool,
    /// The township's explanation, once it answered.
    pub answer: Option<TicketAnswerOut>,
    #[schema(value_type = Object)]
    pub details: Value,
}

/// The township's explanation on a ticket the district closes (the latest one given).
#[derive(Debug, Serialize, ToSchema)]
pub struct TicketAnswerOut {
    pub explanation: String,
    pub answered_at: Option<DateTime<Utc>>,
    /// The township reviewer who answered.
    pub answered_by: Option<Uuid>,
}

/// The township's explanation: what it checked, why it decided so, what it did about the delay.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerTicketIn {
    #[schema(min_length = 2, max_length = 500, example = "受灾情况经村委会核实,补交的收入证明与申报一致")]
    pub explanation: String,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TicketQuery {
    /// `open` (default) or `closed`.
    pub status: Option<String>,
    pub kind: Option<String>,
    /// One township of the caller's district.
    pub township: Option<String>,
}

/// What was found when the ticket was looked at (a visit, a file check, a callback).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CloseTicketIn {
    #[schema(min_length = 2, max_length = 500, example = "入户核查属实,维持原决定")]
    pub outcome: String,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DeadlineQuery {
    /// `overdue` (default) or `warning`.
    pub state: Option<String>,
    pub township: Option<String>,
}

/// An item whose deadline is near (75% of its time used) or passed.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeadlineItemOut {
    pub application_id: Uuid,
    pub number: Option<String>,
    pub township_code: String,
    pub item_code: String,
    pub status: String,
    pub sla_state: String,
    #[schema(value_type = Option<String>, format = Date)]
    pub due_date: Option<NaiveDate>,
    /// Working days past the due date (0 while in warning).
    pub overdue_working_days: i32,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct MonthQuery {
    /// `YYYY-MM`, in China time.
    #[param(example = "2026-12")]
    pub month: String,
}

/// One month of a township's work.
#[derive(Debug, Serialize, ToSchema)]
pub struct TownshipFiguresOut {
    pub township_code: String,
    /// Submitted in the month.
    pub applications: u32,
    /// Decided in the month.
    pub decided: u32,
    /// Working days from submit to decision (the days waiting for the applicant not counted).
    pub average_working_days: Option<f64>,
    pub p90_working_days: Option<i32>,
    /// Approved items among the items decided in the month.
    pub approval_rate: Option<f64>,
    /// Items that went past their deadline in the month.
    pub overdue: u32,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FiguresOut {
    pub month: String,
    pub townships: Vec<TownshipFiguresOut>,
}

/// Draw the month's sample for every township of the caller's district.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SampleIn {
    #[schema(example = "2026-11")]
    pub month: String,
}

/// A township's sample: anyone can redraw it from `seed` and `population` (order the ids by
/// SHA-256 of `seed:id`, take the first `ceil(rate × n)`).
#[derive(Debug, Serialize, ToSchema)]
pub struct SampleOut {
    pub id: Uuid,
    pub township_code: String,
    pub month: String,
    pub rate_percent: i32,
    pub seed: String,
    pub population: Vec<Uuid>,
    pub chosen: Vec<Uuid>,
    pub created_at: DateTime<Utc>,
}
