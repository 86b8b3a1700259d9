//! The monitoring API's request and response bodies.

use chrono::{DateTime, NaiveDate, Utc};
use entity::{lead, monitoring_subject, warning_rule};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::rules::{Level, RuleKind};

/// A warning rule to create or change (`PUT /api/v1/monitoring/rules/{code}`).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleIn {
    /// Where it applies: the caller's district (default) or one of its townships.
    #[schema(example = "500199")]
    pub region_code: Option<String>,
    #[schema(example = "大额自付医疗费用")]
    pub name: String,
    pub kind: RuleKind,
    /// `medical_expense_month`: `{"threshold_yuan": 5000}`; `hospital_stays_month`:
    /// `{"min_stays": 2}`; `disability_living_alone`: `{"max_grade": 2}` (1 is the most severe,
    /// default 4); `college_without_grant`: `{"grant_item": "education"}`; others: `{}`.
    #[schema(value_type = Object, example = json!({"threshold_yuan": 5000}))]
    #[serde(default = "empty_object")]
    pub params: Value,
    pub level: Level,
    /// Days the township has to visit after a lead is raised.
    #[schema(minimum = 1, maximum = 90, example = 7)]
    pub deadline_days: i32,
    #[serde(default = "yes")]
    pub active: bool,
    /// The version being changed (optional; a stale one is 409 `VERSION_CONFLICT`).
    pub version: Option<i32>,
}

fn empty_object() -> Value {
    Value::Object(serde_json::Map::new())
}

fn yes() -> bool {
    true
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RuleOut {
    pub id: Uuid,
    pub region_code: String,
    pub code: String,
    pub name: String,
    pub kind: String,
    #[schema(value_type = Object)]
    pub params: Value,
    /// `red`, `yellow` or `green`.
    pub level: String,
    pub deadline_days: i32,
    pub active: bool,
    pub version: i32,
    pub updated_at: DateTime<Utc>,
}

impl From<warning_rule::Model> for RuleOut {
    fn from(r: warning_rule::Model) -> Self {
        Self {
            id: r.id,
            region_code: r.region_code,
            code: r.code,
            name: r.name,
            kind: r.kind,
            params: r.params,
            level: r.level,
            deadline_days: r.deadline_days,
            active: r.active,
            version: r.version,
            updated_at: r.updated_at,
        }
    }
}

/// A lead: who (name and masked ID number), why (the rule and the department records), how
/// urgent, by when, and where it stands.
#[derive(Debug, Serialize, ToSchema)]
pub struct LeadOut {
    pub id: Uuid,
    pub rule_id: Uuid,
    pub rule_kind: String,
    /// `red`, `yellow` or `green`.
    pub level: String,
    /// `2026-11` for a month's figure, the record's date for a one-off event.
    pub period: String,
    pub name: String,
    pub id_number_masked: String,
    pub community_code: String,
    pub township_code: String,
    /// `open`, `assigned`, `visited` or `closed`.
    pub status: String,
    /// `on_time` or `overdue` (not closed by its deadline).
    pub sla_state: String,
    #[schema(value_type = String, format = Date)]
    pub deadline: NaiveDate,
    /// `value` (the month's total in fen, or the count), `records_total` and up to 20 `records`.
    #[schema(value_type = Object)]
    pub evidence: Value,
    pub assigned_to: Option<Uuid>,
    pub assigned_at: Option<DateTime<Utc>>,
    pub visited_at: Option<DateTime<Utc>>,
    pub visit_note: Option<String>,
    pub outcome: Option<String>,
    pub outcome_note: Option<String>,
    pub closed_at: Option<DateTime<Utc>>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
}

impl From<lead::Model> for LeadOut {
    fn from(l: lead::Model) -> Self {
        Self {
            id: l.id,
            rule_id: l.rule_id,
            rule_kind: l.rule_kind,
            level: l.level,
            period: l.period,
            name: l.name,
            id_number_masked: l.id_number_masked,
            community_code: l.community_code,
            township_code: l.township_code,
            status: l.status,
            sla_state: l.sla_state,
            deadline: l.deadline,
            evidence: l.evidence,
            assigned_to: l.assigned_to,
            assigned_at: l.assigned_at,
            visited_at: l.visited_at,
            visit_note: l.visit_note,
            outcome: l.outcome,
            outcome_note: l.outcome_note,
            closed_at: l.closed_at,
            version: l.version,
            created_at: l.created_at,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct LeadQuery {
    /// `open`, `assigned`, `visited` or `closed`; default: all but closed.
    pub status: Option<String>,
    /// `red`, `yellow` or `green`.
    pub level: Option<String>,
    /// `overdue` for the leads past their deadline.
    pub sla_state: Option<String>,
    /// One township of the caller's district.
    pub township: Option<String>,
}

/// Hand a lead to a helper of the township.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignLeadIn {
    pub helper_id: Uuid,
    pub version: i32,
}

/// The home visit (by the helper it was assigned to, or the township).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VisitLeadIn {
    #[schema(min_length = 2, max_length = 500, example = "入户走访,患者住院治疗,家庭自付费用较高")]
    pub note: String,
    pub version: i32,
}

/// What came of a lead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LeadOutcome {
    /// The person applied for aid (give `application_id` when there is one here).
    Applied,
    /// Looked at: no aid needed.
    NotNeeded,
    /// Passed to a charity (慈善帮扶).
    ReferredToCharity,
}

impl LeadOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Applied => "applied",
            Self::NotNeeded => "not_needed",
            Self::ReferredToCharity => "referred_to_charity",
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CloseLeadIn {
    pub outcome: LeadOutcome,
    #[schema(max_length = 500)]
    pub note: Option<String>,
    pub version: i32,
}

/// Someone in the monitoring pool.
#[derive(Debug, Serialize, ToSchema)]
pub struct SubjectOut {
    pub id: Uuid,
    pub group_code: String,
    pub group_name: String,
    pub name: String,
    pub id_number_masked: String,
    pub reason: String,
    /// Where the entry came from (`application:<id>:<item>`, `import:<file>:<ref>`).
    pub source_ref: String,
    pub community_code: String,
    pub township_code: String,
    #[schema(value_type = String, format = Date)]
    pub review_date: NaiveDate,
    pub consent_basis: String,
    /// Items the person (or their household) receives now, from any department.
    pub receiving: Vec<String>,
    pub created_at: DateTime<Utc>,
}

impl SubjectOut {
    pub fn of(s: monitoring_subject::Model, receiving: Vec<String>) -> Self {
        Self {
            id: s.id,
            group_name: super::groups::name_zh(&s.group_code).unwrap_or_default().to_owned(),
            group_code: s.group_code,
            name: s.name,
            id_number_masked: s.id_number_masked,
            reason: s.reason,
            source_ref: s.source_ref,
            community_code: s.community_code,
            township_code: s.township_code,
            review_date: s.review_date,
            consent_basis: s.consent_basis,
            receiving,
            created_at: s.created_at,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SubjectQuery {
    /// One of the eight groups.
    pub group: Option<String>,
    /// One township of the caller's district.
    pub township: Option<String>,
    /// `none`: only people who get no aid at all (no missed aid).
    pub receiving: Option<String>,
}

/// Look up one person's ledger (the ID number in the body, never in the URL).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LedgerLookupIn {
    #[schema(example = "500101199001011234")]
    pub id_number: String,
    /// Why the caller looks up a person beyond their reach (no application, aid or pool entry in
    /// their township or district): 2 to 500 characters, audited and shown to the district.
    #[schema(min_length = 2, max_length = 500, example = "申请人称曾在其他区县领取低保,核实是否仍在领取")]
    pub reason: Option<String>,
}

/// A look-up beyond the caller's reach, as the district sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct LedgerLookupOut {
    pub at: DateTime<Utc>,
    pub actor_id: Option<Uuid>,
    pub actor_name: String,
    pub actor_role: String,
    /// The region of the one who looked (their township, or the district).
    pub region_code: String,
    pub reason: String,
    pub id_number_masked: String,
    /// How many ledger entries the answer held.
    pub entries: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LedgerEntryOut {
    /// `recipient:<id>` (approved here) or `record:<id>` (another department's file).
    pub source: String,
    pub item_code: String,
    pub department: String,
    #[schema(value_type = String, format = Date)]
    pub from: NaiveDate,
    #[schema(value_type = Option<String>, format = Date)]
    pub until: Option<NaiveDate>,
    pub amount_fen: Option<i64>,
    pub application_id: Option<Uuid>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LedgerOut {
    pub id_number_masked: String,
    pub entries: Vec<LedgerEntryOut>,
    /// Pairs the person holds that the catalogue says must not be held together, or the same item
    /// twice: `dibao+tekun`, `education x2`.
    pub conflicts: Vec<String>,
}

/// Aid a member already gets that duplicates or excludes an item applied for.
#[derive(Debug, Serialize, ToSchema)]
pub struct AidFlagOut {
    pub item_code: String,
    /// `duplicate` or `exclusive`.
    pub kind: String,
    /// `submit` or `decision`.
    pub stage: String,
    pub member_name: String,
    pub other_source: String,
    pub other_item_code: String,
    pub other_department: String,
    #[schema(value_type = String, format = Date)]
    pub other_from: NaiveDate,
    pub found_at: DateTime<Utc>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct LeadMonthQuery {
    /// `YYYY-MM` (China time).
    #[param(example = "2026-11")]
    pub month: String,
}

/// Counts by level.
#[derive(Debug, Default, Serialize, ToSchema)]
pub struct LevelCounts {
    pub red: u32,
    pub yellow: u32,
    pub green: u32,
}

impl LevelCounts {
    pub fn add(&mut self, level: &str) {
        match level {
            "red" => self.red += 1,
            "yellow" => self.yellow += 1,
            _ => self.green += 1,
        }
    }
}

/// A township's month of leads.
#[derive(Debug, Default, Serialize, ToSchema)]
pub struct LeadFiguresOut {
    pub township_code: String,
    /// Leads raised in the month, by level.
    pub raised: LevelCounts,
    /// Of those, visited so far.
    pub visited: u32,
    /// Hours from a lead to its visit: average and median over the visited ones.
    pub average_hours_to_visit: Option<f64>,
    pub median_hours_to_visit: Option<f64>,
    pub applied: u32,
    pub not_needed: u32,
    pub referred_to_charity: u32,
    /// Past their deadline without being closed.
    pub overdue: u32,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LeadFiguresMonthOut {
    pub month: String,
    pub townships: Vec<LeadFiguresOut>,
}

/// The district dashboard: open leads by colour, per township and in all.
#[derive(Debug, Serialize, ToSchema)]
pub struct DashboardOut {
    pub open: LevelCounts,
    pub overdue: u32,
    /// People in the monitoring pool, and those of them who get no aid at all.
    pub pool: u32,
    pub pool_receiving_nothing: u32,
    pub townships: Vec<TownshipDashboardOut>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TownshipDashboardOut {
    pub township_code: String,
    pub open: LevelCounts,
    pub overdue: u32,
}
