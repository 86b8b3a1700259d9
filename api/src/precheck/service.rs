//! Pre-check rules: stored per region, the nearest region's set applies, item codes must exist.

use chrono::Utc;
use entity::precheck_rule_set;
use sea_orm::{ActiveModelTrait, DatabaseConnection, EntityTrait, Set};
use serde_json::json;

use super::model::{HouseholdIn, PrecheckIn, PrecheckOut, RuleSetIn, RuleSetOut, SuggestionOut};
use super::rules::{self, Facts, HouseholdFacts, Rule};
use crate::audit::AuditEvent;
use crate::catalog::service as catalog;
use crate::error::{ApiError, FieldCode, FieldError, Message};
use crate::regions::service as regions;
use crate::request::{self, Lang};
use crate::uow::UnitOfWork;
use crate::vocab::{Principal, RegionCode};

/// The rule set that applies in `region`: its own, else the nearest one above it.
pub async fn effective(db: &DatabaseConnection, region: &RegionCode) -> Result<Option<RuleSetOut>, ApiError> {
    let mut next = Some(region.clone());
    while let Some(code) = next {
        if let Some(row) = precheck_rule_set::Entity::find_by_id(code.as_str()).one(db).await? {
            let rules: Vec<Rule> = serde_json::from_value(row.rules).map_err(ApiError::internal)?;
            return Ok(Some(RuleSetOut {
                region_code: row.region_code,
                dibao_standard_fen: row.dibao_standard_fen,
                rules,
                updated_at: row.updated_at,
            }));
        }
        next = code.parent();
    }
    Ok(None)
}

/// Suggests items for a household.
pub async fn run(db: &DatabaseConnection, input: &PrecheckIn) -> Result<PrecheckOut, ApiError> {
    check_household(input)?;
    let mut errors = Vec::new();
    let Some(community) = regions::community(db, &input.community_code, &mut errors).await? else {
        return Err(ApiError::validation(errors));
    };
    let set = effective(db, &community).await?.ok_or_else(|| {
        ApiError::validation(vec![FieldError::new(
            "community_code",
            FieldCode::NoPrecheckRules,
            Message::new(
                "当地尚未提供智能预判,请直接在事项列表中选择要申请的救助",
                "No pre-check is offered here yet; choose the aid from the list",
            ),
        )])
    })?;
    let facts = Facts::of(&HouseholdFacts::from(input), set.dibao_standard_fen);
    let catalog = catalog::list(db).await?;
    let matched = rules::evaluate(&set.rules, &facts);
    let suggested: Vec<&str> = matched.iter().map(|m| m.item.as_str()).collect();
    let suggestions = matched
        .iter()
        .filter_map(|m| {
            let item = catalog.iter().find(|i| i.code == m.item)?;
            let excludes = catalog
                .iter()
                .filter(|other| suggested.contains(&other.code.as_str()) && other.code != item.code)
                .filter(|other| item.excludes.contains(&other.code) || other.excludes.contains(&item.code))
                .map(|other| other.code.clone())
                .collect();
            Some(SuggestionOut {
                item_code: item.code.clone(),
                name: item.name.clone(),
                department: item.department.clone(),
                group: item.group,
                excludes,
                reasons: m.reasons.clone(),
                required_documents: item.required_documents.clone(),
            })
        })
        .collect();
    let notice = match request::current().lang {
        Lang::Zh => "预判结果仅供参考,是否符合条件以审核认定为准。",
        Lang::En => "A suggestion only: eligibility is decided by the review.",
    };
    Ok(PrecheckOut {
        rules_region_code: set.region_code,
        dibao_standard_fen: set.dibao_standard_fen,
        income_per_person_fen: facts.get(rules::Fact::IncomePerPersonFen) as i64,
        suggestions,
        notice: notice.to_owned(),
    })
}

fn check_household(input: &PrecheckIn) -> Result<(), ApiError> {
    let mut errors = Vec::new();
    if !(1..=20).contains(&input.members.len()) {
        errors.push(FieldError::new(
            "members",
            FieldCode::InvalidMembers,
            Message::new("请填写 1 到 20 位共同生活的家庭成员", "List 1 to 20 household members"),
        ));
    }
    for (i, member) in input.members.iter().enumerate() {
        if member.age > 130 {
            errors.push(FieldError::new(
                format!("members[{i}].age"),
                FieldCode::OutOfRange,
                Message::new("年龄应在 0 到 130 岁之间", "Use an age from 0 to 130"),
            ));
        }
        if !(0..=10_000_000_000).contains(&member.monthly_income_fen) {
            errors.push(FieldError::new(
                format!("members[{i}].monthly_income_fen"),
                FieldCode::OutOfRange,
                Message::new("月收入应为 0 到 1 亿元(以分计)", "Use 0 to 100 million yuan, in fen"),
            ));
        }
    }
    check_amounts(&input.household, &mut errors);
    if errors.is_empty() { Ok(()) } else { Err(ApiError::validation(errors)) }
}

/// Household amounts are 0 to 1 billion yuan.
pub fn check_amounts(household: &HouseholdIn, errors: &mut Vec<FieldError>) {
    for (field, value) in [
        ("household.assets_fen", household.assets_fen),
        ("household.medical_expense_fen", household.medical_expense_fen),
    ] {
        if !(0..=100_000_000_000).contains(&value) {
            errors.push(FieldError::new(
                field,
                FieldCode::OutOfRange,
                Message::new("金额应为 0 到 10 亿元(以分计)", "Use 0 to 1 billion yuan, in fen"),
            ));
        }
    }
}

/// Stores `region`'s rules; `Ok((set, true))` when the region had none of its own.
pub async fn put(
    db: &DatabaseConnection,
    by: Option<&Principal>,
    region: &RegionCode,
    input: RuleSetIn,
) -> Result<(RuleSetOut, bool), ApiError> {
    validate(db, &input).await?;
    let uow = UnitOfWork::begin(db).await?;
    let txn = uow.txn();
    let existing = precheck_rule_set::Entity::find_by_id(region.as_str()).one(txn).await?;
    let row = precheck_rule_set::ActiveModel {
        region_code: Set(region.as_str().to_owned()),
        dibao_standard_fen: Set(input.dibao_standard_fen),
        rules: Set(json!(input.rules)),
        updated_at: Set(Utc::now()),
    };
    let row = if existing.is_some() { row.update(txn).await? } else { row.insert(txn).await? };
    AuditEvent::new("precheck.rules_saved")
        .by_opt(by)
        .on("precheck_rules", region.as_str())
        .in_region(Some(region.as_str()))
        .details(json!({ "rules": input.rules.len(), "dibao_standard_fen": input.dibao_standard_fen }))
        .record(txn)
        .await?;
    uow.commit(&()).await?;
    let out = RuleSetOut {
        region_code: row.region_code,
        dibao_standard_fen: row.dibao_standard_fen,
        rules: input.rules,
        updated_at: row.updated_at,
    };
    Ok((out, existing.is_none()))
}

async fn validate(db: &DatabaseConnection, input: &RuleSetIn) -> Result<(), ApiError> {
    let catalog = catalog::list(db).await?;
    let mut errors = Vec::new();
    if !(1..=10_000_000).contains(&input.dibao_standard_fen) {
        errors.push(FieldError::new(
            "dibao_standard_fen",
            FieldCode::OutOfRange,
            Message::new("低保标准应为每人每月 1 分到 10 万元之间", "Use 1 fen to 100,000 yuan per person and month"),
        ));
    }
    if input.rules.len() > 200 {
        errors.push(FieldError::new(
            "rules",
            FieldCode::TooMany,
            Message::new("每个地区最多 200 条规则", "Use at most 200 rules"),
        ));
    }
    for (i, rule) in input.rules.iter().enumerate() {
        if !catalog.iter().any(|item| item.code == rule.item) {
            errors.push(FieldError::new(
                format!("rules[{i}].item"),
                FieldCode::UnknownItem,
                Message::new(
                    format!("事项 {} 不在事项目录中", rule.item),
                    format!("No item {} in the catalog", rule.item),
                ),
            ));
        }
        if rule.all.is_empty() && rule.any.is_empty() || rule.all.len() > 20 || rule.any.len() > 20 {
            errors.push(FieldError::new(
                format!("rules[{i}]"),
                FieldCode::InvalidRule,
                Message::new("每条规则需要 1 到 20 个条件", "A rule needs 1 to 20 conditions"),
            ));
        }
        for (list, conditions) in [("all", &rule.all), ("any", &rule.any)] {
            for (j, condition) in conditions.iter().enumerate() {
                let reason_ok = condition.reason.as_ref().is_none_or(|r| r.chars().count() <= 200);
                if !condition.value.is_finite() || !reason_ok {
                    errors.push(FieldError::new(
                        format!("rules[{i}].{list}[{j}]"),
                        FieldCode::InvalidCondition,
                        Message::new(
                            "条件的数值须为有限数,理由最多 200 个字",
                            "Use a finite value and a reason of at most 200 characters",
                        ),
                    ));
                }
            }
        }
    }
    if errors.is_empty() { Ok(()) } else { Err(ApiError::validation(errors)) }
}
