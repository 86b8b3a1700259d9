//! Catalog rules: codes and texts are checked, excluded items must exist, every change is audited.

use chrono::Utc;
use entity::aid_item::{self, Column};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set};
use serde_json::json;

use super::model::{AidItemIn, AidItemOut};
use crate::audit::AuditEvent;
use crate::error::{ApiError, ErrorCode, FieldCode, FieldError, Message};
use crate::uow::UnitOfWork;
use crate::vocab::Principal;

/// The active items, in display order.
pub async fn list(db: &DatabaseConnection) -> Result<Vec<AidItemOut>, ApiError> {
    let rows = aid_item::Entity::find()
        .filter(Column::Active.eq(true))
        .order_by_asc(Column::SortOrder)
        .order_by_asc(Column::Code)
        .all(db)
        .await?;
    Ok(rows.into_iter().map(AidItemOut::from).collect())
}

/// Item codes are 2 to 32 of `a-z`, `0-9`, `_`, starting with a letter: nothing else is looked up.
pub fn is_item_code(code: &str) -> bool {
    (2..=32).contains(&code.len())
        && code.bytes().next().is_some_and(|b| b.is_ascii_lowercase())
        && code.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

pub async fn get(db: &DatabaseConnection, code: &str) -> Result<AidItemOut, ApiError> {
    if !is_item_code(code) {
        return Err(ApiError::new(ErrorCode::NotFound));
    }
    aid_item::Entity::find_by_id(code)
        .one(db)
        .await?
        .map(AidItemOut::from)
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound))
}

/// Whether `put` created the item or replaced it.
pub enum Saved {
    Created(AidItemOut),
    Replaced(AidItemOut),
}

/// Creates or replaces the item `code`. `by` is `None` for the command line.
pub async fn put(
    db: &DatabaseConnection,
    by: Option<&Principal>,
    code: &str,
    input: AidItemIn,
) -> Result<Saved, ApiError> {
    let mut errors = validate(code, &input);
    let mut excludes = input.excludes.clone();
    excludes.sort();
    excludes.dedup();
    if !excludes.is_empty() && errors.is_empty() {
        let known = aid_item::Entity::find().filter(Column::Code.is_in(excludes.clone())).all(db).await?;
        for (i, other) in input.excludes.iter().enumerate() {
            if other == code || !known.iter().any(|row| &row.code == other) {
                errors.push(FieldError::new(
                    format!("excludes[{i}]"),
                    FieldCode::UnknownItem,
                    Message::new(format!("互斥事项 {other} 不存在"), format!("There is no other item {other}")),
                ));
            }
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let uow = UnitOfWork::begin(db).await?;
    let txn = uow.txn();
    let existing = aid_item::Entity::find_by_id(code).one(txn).await?;
    let row = aid_item::ActiveModel {
        code: Set(code.to_owned()),
        name: Set(input.name.trim().to_owned()),
        department: Set(input.department.trim().to_owned()),
        group_code: Set(input.group.map(|g| g.as_str().to_owned())),
        excludes: Set(json!(excludes)),
        conditions: Set(input.conditions.trim().to_owned()),
        required_documents: Set(json!(input.required_documents)),
        time_limit_working_days: Set(input.time_limit_working_days),
        approval_level: Set(input.approval_level.as_str().to_owned()),
        amount_rule: Set(input.amount_rule.map(|r| r.trim().to_owned()).filter(|r| !r.is_empty())),
        sort_order: Set(input.sort_order),
        active: Set(input.active),
        updated_at: Set(Utc::now()),
    };
    let row = match existing {
        Some(_) => row.update(txn).await?,
        None => row.insert(txn).await?,
    };
    AuditEvent::new("catalog.item_saved").by_opt(by).on("aid_item", code).record(txn).await?;
    uow.commit(&()).await?;
    Ok(if existing.is_some() { Saved::Replaced(row.into()) } else { Saved::Created(row.into()) })
}

fn validate(code: &str, input: &AidItemIn) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if !is_item_code(code) {
        errors.push(FieldError::new(
            "code",
            FieldCode::InvalidCode,
            Message::new(
                "事项编码应为 2 到 32 位小写字母、数字或下划线",
                "Use 2 to 32 lower-case letters, digits or underscores",
            ),
        ));
    }
    for (field, value, max) in
        [("name", &input.name, 64), ("department", &input.department, 64), ("conditions", &input.conditions, 2000)]
    {
        let chars = value.trim().chars().count();
        if chars == 0 || chars > max {
            errors.push(FieldError::new(
                field,
                FieldCode::InvalidText,
                Message::new(format!("请填写 1 到 {max} 个字"), format!("Enter 1 to {max} characters")),
            ));
        }
    }
    if input.amount_rule.as_ref().is_some_and(|r| r.chars().count() > 500) {
        errors.push(FieldError::new(
            "amount_rule",
            FieldCode::InvalidText,
            Message::new("金额规则最多 500 个字", "Use at most 500 characters"),
        ));
    }
    let mut seen = std::collections::HashSet::new();
    if input.required_documents.is_empty() || !input.required_documents.iter().all(|d| seen.insert(*d)) {
        errors.push(FieldError::new(
            "required_documents",
            FieldCode::InvalidValue,
            Message::new("请列出所需材料,且不要重复", "List the required documents, each once"),
        ));
    }
    if !(1..=365).contains(&input.time_limit_working_days) {
        errors.push(FieldError::new(
            "time_limit_working_days",
            FieldCode::OutOfRange,
            Message::new("办理时限应为 1 到 365 个工作日", "Use 1 to 365 working days"),
        ));
    }
    errors
}
