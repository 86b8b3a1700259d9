//! Warning rules as data: a district (or township) keeps its own, each a kind of check with its
//! parameters, the level of the leads it raises and their deadline. A rule is set by its code
//! (`PUT` creates or changes it, `active: false` switches it off); a threshold that makes no sense
//! is refused with the field and what to write.

use chrono::Utc;
use entity::warning_rule;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::ToSchema;
use uuid::Uuid;

use super::model::{RuleIn, RuleOut};
use crate::error::{ApiError, ErrorCode, FieldCode, FieldError, Message};
use crate::vocab::{Principal, RegionCode};

/// What a rule looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RuleKind {
    /// Out-of-pocket medical costs of one person in one month above `threshold_yuan`.
    MedicalExpenseMonth,
    /// At least `min_stays` hospital stays of one person in one month.
    HospitalStaysMonth,
    /// A new disability certificate of grade `max_grade` or more severe for someone living alone.
    DisabilityLivingAlone,
    /// The death of a recipient or of a member of a recipient household (stop or recompute aid).
    RecipientDeath,
    /// A member of a 低保 or 特困 household admitted to college without the `grant_item` grant.
    CollegeWithoutGrant,
    /// Someone in the monitoring pool registered as unemployed.
    UnemployedInPool,
}

impl RuleKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::MedicalExpenseMonth => "medical_expense_month",
            Self::HospitalStaysMonth => "hospital_stays_month",
            Self::DisabilityLivingAlone => "disability_living_alone",
            Self::RecipientDeath => "recipient_death",
            Self::CollegeWithoutGrant => "college_without_grant",
            Self::UnemployedInPool => "unemployed_in_pool",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        serde_json::from_value(json!(raw)).ok()
    }

    /// The department records it reads.
    pub fn record_kind(self) -> &'static str {
        match self {
            Self::MedicalExpenseMonth => "medical_expense",
            Self::HospitalStaysMonth => "hospital_stay",
            Self::DisabilityLivingAlone => "disability_certificate",
            Self::RecipientDeath => "death",
            Self::CollegeWithoutGrant => "college_admission",
            Self::UnemployedInPool => "unemployment",
        }
    }
}

/// How urgent a lead is (the dashboard's colours).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Red,
    Yellow,
    Green,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Red => "red",
            Self::Yellow => "yellow",
            Self::Green => "green",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        serde_json::from_value(json!(raw)).ok()
    }
}

/// A rule's parameters, checked.
#[derive(Debug, Clone, PartialEq)]
pub enum Params {
    MedicalExpenseMonth { threshold_fen: i64 },
    HospitalStaysMonth { min_stays: i64 },
    DisabilityLivingAlone { max_grade: i64 },
    RecipientDeath,
    CollegeWithoutGrant { grant_item: String },
    UnemployedInPool,
}

impl Params {
    /// Checks `raw` for `kind`; every problem is a field error under `params.`.
    pub fn check(kind: RuleKind, raw: &Value) -> Result<Self, Vec<FieldError>> {
        let refused = |field: &str, zh: &'static str| vec![threshold(field, zh)];
        match kind {
            RuleKind::MedicalExpenseMonth => {
                let fen =
                    raw.get("threshold_yuan").and_then(Value::as_f64).filter(|y| y.is_finite()).map(|y| y * 100.0);
                match fen.filter(|f| *f >= 1.0 && *f <= 1e10 && (f - f.round()).abs() < 1e-6) {
                    #[allow(clippy::cast_possible_truncation)]
                    Some(f) => Ok(Self::MedicalExpenseMonth { threshold_fen: f.round() as i64 }),
                    None => Err(refused(
                        "params.threshold_yuan",
                        "自付医疗费用门槛应为 0.01 至 1 亿元之间的金额(元,最多两位小数)",
                    )),
                }
            }
            RuleKind::HospitalStaysMonth => whole(raw, "min_stays", 1..=31, 1)
                .map(|n| Self::HospitalStaysMonth { min_stays: n })
                .ok_or_else(|| refused("params.min_stays", "每月住院次数门槛应为 1 至 31 之间的整数")),
            RuleKind::DisabilityLivingAlone => whole(raw, "max_grade", 1..=4, 4)
                .map(|n| Self::DisabilityLivingAlone { max_grade: n })
                .ok_or_else(|| refused("params.max_grade", "残疾等级应为 1 至 4 之间的整数(1 级最重)")),
            RuleKind::RecipientDeath => Ok(Self::RecipientDeath),
            RuleKind::CollegeWithoutGrant => raw
                .get("grant_item")
                .map_or(Some("education"), Value::as_str)
                .filter(|i| crate::catalog::service::is_item_code(i))
                .map(|i| Self::CollegeWithoutGrant { grant_item: i.to_owned() })
                .ok_or_else(|| refused("params.grant_item", "助学事项应为事项代码,如 education")),
            RuleKind::UnemployedInPool => Ok(Self::UnemployedInPool),
        }
    }

    /// As stored and shown.
    pub fn to_json(&self) -> Value {
        match self {
            #[allow(clippy::cast_precision_loss)]
            Self::MedicalExpenseMonth { threshold_fen } => json!({ "threshold_yuan": *threshold_fen as f64 / 100.0 }),
            Self::HospitalStaysMonth { min_stays } => json!({ "min_stays": min_stays }),
            Self::DisabilityLivingAlone { max_grade } => json!({ "max_grade": max_grade }),
            Self::CollegeWithoutGrant { grant_item } => json!({ "grant_item": grant_item }),
            Self::RecipientDeath | Self::UnemployedInPool => json!({}),
        }
    }
}

/// An integer parameter in `range`, `default` when absent.
fn whole(raw: &Value, key: &str, range: std::ops::RangeInclusive<i64>, default: i64) -> Option<i64> {
    match raw.get(key) {
        None => Some(default),
        Some(value) => value.as_i64().filter(|n| range.contains(n)),
    }
}

fn threshold(field: &str, zh: &'static str) -> FieldError {
    FieldError::new(field, FieldCode::InvalidThreshold, Message::new(zh, "A threshold out of range"))
}

/// A stored rule, checked again (rows written by this code always pass).
pub struct Rule {
    pub row: warning_rule::Model,
    pub kind: RuleKind,
    pub params: Params,
    pub level: Level,
}

impl Rule {
    pub fn of(row: warning_rule::Model) -> Option<Self> {
        let kind = RuleKind::parse(&row.kind)?;
        let params = Params::check(kind, &row.params).ok()?;
        let level = Level::parse(&row.level)?;
        Some(Self { row, kind, params, level })
    }
}

/// The active rules that read records of `record_kind`.
pub async fn active_for(db: &impl ConnectionTrait, record_kind: &str) -> Result<Vec<Rule>, ApiError> {
    let rows = warning_rule::Entity::find()
        .filter(warning_rule::Column::Active.eq(true))
        .order_by_asc(warning_rule::Column::CreatedAt)
        .all(db)
        .await?;
    Ok(rows.into_iter().filter_map(Rule::of).filter(|r| r.kind.record_kind() == record_kind).collect())
}

/// Creates or changes the rule `code` of the caller's region (or `input.region_code` inside it).
pub async fn put(db: &impl ConnectionTrait, by: &Principal, code: &str, input: RuleIn) -> Result<RuleOut, ApiError> {
    let mut errors = Vec::new();
    if !crate::catalog::service::is_item_code(code) {
        return Err(ApiError::new(ErrorCode::InvalidPath).with_detail(Message::new(
            "规则代码应为 2 至 32 位小写字母、数字或下划线",
            "A rule code of 2 to 32 of a-z, 0-9, _",
        )));
    }
    let region = match input.region_code.as_deref() {
        Some(raw) => match RegionCode::parse(raw) {
            Ok(region) if region.as_str().len() <= 9 => Some(region),
            _ => {
                errors.push(FieldError::new(
                    "region_code",
                    FieldCode::InvalidRegion,
                    Message::new("适用地区应为区县(6 位)或乡镇街道(9 位)代码", "A district or township code"),
                ));
                None
            }
        },
        None => by.region.clone(),
    };
    match &region {
        Some(region) => by.ensure_covers(region)?,
        // Only district supervisors, who have a region, write rules.
        None => return Err(ApiError::new(ErrorCode::Forbidden)),
    }
    let name = input.name.trim().to_owned();
    if name.chars().count() < 2 || name.chars().count() > 100 || name.chars().any(char::is_control) {
        errors.push(FieldError::new(
            "name",
            FieldCode::InvalidName,
            Message::new("规则名称应为 2 至 100 个字", "A name of 2 to 100 characters"),
        ));
    }
    if !(1..=90).contains(&input.deadline_days) {
        errors.push(FieldError::new(
            "deadline_days",
            FieldCode::InvalidDeadline,
            Message::new("核查期限应为 1 至 90 天", "Between 1 and 90 days"),
        ));
    }
    let params = match Params::check(input.kind, &input.params) {
        Ok(params) => Some(params),
        Err(mut more) => {
            errors.append(&mut more);
            None
        }
    };
    let (Some(region), Some(params), true) = (region, params, errors.is_empty()) else {
        return Err(ApiError::new(ErrorCode::ValidationFailed).with_errors(errors));
    };
    let now = Utc::now();
    let existing = warning_rule::Entity::find()
        .filter(warning_rule::Column::RegionCode.eq(region.as_str()))
        .filter(warning_rule::Column::Code.eq(code))
        .one(db)
        .await?;
    let row = match existing {
        Some(old) => {
            if input.version.is_some_and(|v| v != old.version) {
                return Err(conflict(old.version));
            }
            let updated = warning_rule::Entity::update_many()
                .col_expr(warning_rule::Column::Name, Expr::value(name.clone()))
                .col_expr(warning_rule::Column::Kind, Expr::value(input.kind.as_str()))
                .col_expr(warning_rule::Column::Params, Expr::value(params.to_json()))
                .col_expr(warning_rule::Column::Level, Expr::value(input.level.as_str()))
                .col_expr(warning_rule::Column::DeadlineDays, Expr::value(input.deadline_days))
                .col_expr(warning_rule::Column::Active, Expr::value(input.active))
                .col_expr(warning_rule::Column::Version, Expr::value(old.version + 1))
                .col_expr(warning_rule::Column::UpdatedAt, Expr::value(now))
                .filter(warning_rule::Column::Id.eq(old.id))
                .filter(warning_rule::Column::Version.eq(old.version))
                .exec(db)
                .await?;
            if updated.rows_affected == 0 {
                let now = warning_rule::Entity::find_by_id(old.id).one(db).await?;
                return Err(conflict(now.map_or(old.version, |now| now.version)));
            }
            warning_rule::Model {
                name,
                kind: input.kind.as_str().to_owned(),
                params: params.to_json(),
                level: input.level.as_str().to_owned(),
                deadline_days: input.deadline_days,
                active: input.active,
                version: old.version + 1,
                updated_at: now,
                ..old
            }
        }
        None => {
            let row = warning_rule::Model {
                id: Uuid::now_v7(),
                region_code: region.as_str().to_owned(),
                code: code.to_owned(),
                name,
                kind: input.kind.as_str().to_owned(),
                params: params.to_json(),
                level: input.level.as_str().to_owned(),
                deadline_days: input.deadline_days,
                active: input.active,
                version: 1,
                created_by: by.account_id,
                created_at: now,
                updated_at: now,
            };
            let inserted = warning_rule::Entity::insert(warning_rule::ActiveModel::from(row.clone()).reset_all())
                .on_conflict_do_nothing_on([warning_rule::Column::RegionCode, warning_rule::Column::Code])
                .exec_without_returning(db)
                .await?;
            if !matches!(inserted, sea_orm::TryInsertResult::Inserted(1)) {
                // Created at this very moment by someone else.
                return Err(conflict(1));
            }
            row
        }
    };
    Ok(RuleOut::from(row))
}

/// The rules that apply in the caller's region: those of its district and townships for a district
/// supervisor, those of the district and the township for a township reviewer.
pub async fn list(db: &impl ConnectionTrait, by: &Principal) -> Result<Vec<RuleOut>, ApiError> {
    let rows = warning_rule::Entity::find().order_by_asc(warning_rule::Column::CreatedAt).all(db).await?;
    let mine = |code: &str| {
        by.region.as_ref().is_some_and(|own| code.starts_with(own.as_str()) || own.as_str().starts_with(code))
    };
    Ok(rows.into_iter().filter(|r| mine(&r.region_code)).map(RuleOut::from).collect())
}

/// 409 `VERSION_CONFLICT` naming the warning rule.
fn conflict(version: i32) -> ApiError {
    ApiError::version_conflict(("该预警规则", "The warning rule"), serde_json::json!({ "version": version }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_are_checked_per_kind() {
        let ok = Params::check(RuleKind::MedicalExpenseMonth, &json!({ "threshold_yuan": 5000.5 }));
        assert_eq!(ok, Ok(Params::MedicalExpenseMonth { threshold_fen: 500_050 }));
        for bad in [
            json!({}),
            json!({ "threshold_yuan": -1 }),
            json!({ "threshold_yuan": 0 }),
            json!({ "threshold_yuan": "5000" }),
            json!({ "threshold_yuan": 1.234 }),
        ] {
            let errors = Params::check(RuleKind::MedicalExpenseMonth, &bad).err().unwrap_or_default();
            assert_eq!(errors.len(), 1, "{bad}");
            assert_eq!(errors[0].field, "params.threshold_yuan");
            assert_eq!(errors[0].code, FieldCode::InvalidThreshold);
        }
        assert_eq!(
            Params::check(RuleKind::DisabilityLivingAlone, &json!({})),
            Ok(Params::DisabilityLivingAlone { max_grade: 4 })
        );
        assert!(Params::check(RuleKind::DisabilityLivingAlone, &json!({ "max_grade": 5 })).is_err());
        assert!(Params::check(RuleKind::HospitalStaysMonth, &json!({ "min_stays": 0 })).is_err());
        assert_eq!(
            Params::check(RuleKind::CollegeWithoutGrant, &json!({})),
            Ok(Params::CollegeWithoutGrant { grant_item: "education".to_owned() })
        );
    }

    #[test]
    fn stored_params_read_back_the_same() {
        let params = Params::MedicalExpenseMonth { threshold_fen: 123_456 };
        assert_eq!(Params::check(RuleKind::MedicalExpenseMonth, &params.to_json()), Ok(params));
    }
}
