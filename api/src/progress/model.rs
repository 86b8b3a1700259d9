//! What applicants and staff see of an application's progress, and the public status answer.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::vocab::DocumentType;
use crate::vocab::{ItemStatus, Status};

/// Where an application stands, what happened, and what comes next.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ProgressOut {
    pub application_id: Uuid,
    pub number: Option<String>,
    pub status: Status,
    /// The status in words, e.g. 调查核实中.
    pub status_name: String,
    /// Approved first on the emergency path (先批后补).
    pub emergency: bool,
    pub items: Vec<ProgressItemOut>,
    /// Oldest first.
    pub timeline: Vec<TimelineEntryOut>,
    pub next_step: NextStepOut,
    /// The latest deadline of the items still waiting for a decision.
    #[schema(value_type = Option<String>, format = Date)]
    pub expected_decision_date: Option<NaiveDate>,
    pub version: i32,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ProgressItemOut {
    pub code: String,
    pub name: String,
    pub status: ItemStatus,
    pub status_name: String,
    pub amount_fen: Option<i64>,
    /// The reasons of a rejection, in words.
    pub reasons: Vec<String>,
    #[schema(value_type = Option<String>, format = Date)]
    pub due_date: Option<NaiveDate>,
    /// `on_time`, `warning` or `overdue`.
    pub sla_state: String,
}

/// One step of the history (who by role, never by name; no internal findings).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TimelineEntryOut {
    /// `created`, `submitted`, `accepted`, `returned`, `supplemented`, `investigation`, `decided`,
    /// `emergency_approved`, `district_confirmed`, `closed`, `withdrawn`, ...
    pub kind: String,
    /// What happened, in words.
    pub title: String,
    pub from_status: Option<String>,
    pub to_status: Option<String>,
    pub actor_role: Option<String>,
    pub at: DateTime<Utc>,
    /// A note addressed to the applicant (what to bring, why refused).
    pub note: Option<String>,
}

/// Who acts next and how.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct NextStepOut {
    /// `applicant`, `township`, `district` or `none`.
    pub who: String,
    /// `complete_and_submit`, `supplement_materials`, `wait_for_acceptance`, `wait_for_investigation`,
    /// `wait_for_decision`, `wait_for_district`, `done`.
    pub code: String,
    pub message: String,
    /// Materials asked for.
    pub missing: Vec<DocumentType>,
    /// By when the applicant should act.
    #[schema(value_type = Option<String>, format = Date)]
    pub due_date: Option<NaiveDate>,
}

/// The public status query: the number printed on the receipt and the last four digits of the
/// phone given with the application. No account needed.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublicQueryIn {
    #[schema(example = "JZ-2026-500199-000123")]
    pub number: String,
    #[schema(example = "8000")]
    pub phone_tail: String,
}

/// The status only: no names, no amounts, no notes.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicProgressOut {
    pub number: String,
    pub status: Status,
    pub status_name: String,
    pub items: Vec<PublicItemOut>,
    #[schema(value_type = Option<String>, format = Date)]
    pub expected_decision_date: Option<NaiveDate>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PublicItemOut {
    pub name: String,
    pub status: ItemStatus,
    pub status_name: String,
}
