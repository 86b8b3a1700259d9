//! Leads from raising to closing: the township sees its leads and hands each to a helper of one
//! of its communities, the helper visits and notes what they found, the township (or the helper)
//! closes it with an outcome. Every step names the version it changes (a stale one is 409), goes
//! only forward, and is audited; reading a lead (a person's name and their department records) is
//! audited too. Leads not closed by their deadline turn `overdue` and show on the district's list
//! and dashboard.

use chrono::{NaiveDate, Utc};
use entity::{account, lead};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::json;
use uuid::Uuid;

use super::model::{AssignLeadIn, CloseLeadIn, LeadOut, LeadQuery, VisitLeadIn};
use crate::audit::AuditEvent;
use crate::error::{ApiError, ErrorCode, FieldCode, FieldError, Message};
use crate::vocab::{Principal, Role, Scope};

/// Leads shown in one list (newest first).
const LIST_LIMIT: u64 = 1000;

/// Which leads a caller may see: a district supervisor their district's, a township reviewer their
/// township's, a helper those assigned to them. Residents none; administrators none (not case work).
fn visible(by: &Principal) -> Result<Condition, ApiError> {
    Ok(match Scope::of(by)? {
        Scope::Community(_) => Condition::all().add(lead::Column::AssignedTo.eq(by.account_id)),
        scope => {
            Condition::all().add(scope.filter_above_community(lead::Column::TownshipCode, lead::Column::DistrictCode))
        }
    })
}

/// Whether the caller runs the lead's township (its reviewer, the district above it).
fn manages(by: &Principal, lead: &lead::Model) -> bool {
    Scope::overseer(by).is_ok_and(|scope| scope.covers_township(&lead.township_code))
}

pub async fn list(db: &impl ConnectionTrait, by: &Principal, query: &LeadQuery) -> Result<Vec<LeadOut>, ApiError> {
    let mut select = lead::Entity::find().filter(visible(by)?);
    match query.status.as_deref() {
        None => select = select.filter(lead::Column::Status.ne("closed")),
        Some(s @ ("open" | "assigned" | "visited" | "closed")) => select = select.filter(lead::Column::Status.eq(s)),
        Some(_) => return Err(invalid_query("status 应为 open、assigned、visited 或 closed")),
    }
    if let Some(level) = query.level.as_deref() {
        if super::rules::Level::parse(level).is_none() {
            return Err(invalid_query("level 应为 red、yellow 或 green"));
        }
        select = select.filter(lead::Column::Level.eq(level));
    }
    match query.sla_state.as_deref() {
        None => {}
        Some(s @ ("on_time" | "overdue")) => select = select.filter(lead::Column::SlaState.eq(s)),
        Some(_) => return Err(invalid_query("sla_state 应为 on_time 或 overdue")),
    }
    if let Some(township) = query.township.as_deref() {
        select = select.filter(lead::Column::TownshipCode.eq(township));
    }
    let rows = select.order_by_desc(lead::Column::CreatedAt).limit(LIST_LIMIT).all(db).await?;
    if !rows.is_empty() && by.role.is_staff() {
        AuditEvent::new("lead.list")
            .by(by)
            .on("leads", rows.len())
            .in_region(by.region.as_ref().map(|r| r.as_str().to_owned()))
            .record(db)
            .await?;
    }
    Ok(rows.into_iter().map(LeadOut::from).collect())
}

fn invalid_query(zh: &'static str) -> ApiError {
    ApiError::new(ErrorCode::InvalidQuery).with_detail(Message::new(zh, "A query value is not one of the allowed"))
}

/// The lead, if the caller may see it (404 otherwise: whether it exists is not theirs to know).
async fn find(db: &impl ConnectionTrait, by: &Principal, id: Uuid) -> Result<lead::Model, ApiError> {
    lead::Entity::find_by_id(id).filter(visible(by)?).one(db).await?.ok_or_else(|| ApiError::new(ErrorCode::NotFound))
}

pub async fn get(db: &impl ConnectionTrait, by: &Principal, id: Uuid) -> Result<LeadOut, ApiError> {
    let row = find(db, by, id).await?;
    audit(db, "lead.read", by, &row, json!({})).await?;
    Ok(LeadOut::from(row))
}

async fn audit(
    db: &impl ConnectionTrait,
    action: &'static str,
    by: &Principal,
    row: &lead::Model,
    details: serde_json::Value,
) -> Result<(), ApiError> {
    AuditEvent::new(action)
        .by(by)
        .on("lead", row.id)
        .in_region(Some(&row.community_code))
        .details(details)
        .record(db)
        .await?;
    Ok(())
}

fn stale(row: &lead::Model, version: i32) -> Result<(), ApiError> {
    if row.version == version { Ok(()) } else { Err(conflict(row.version)) }
}

/// 409 `VERSION_CONFLICT` naming the lead.
fn conflict(version: i32) -> ApiError {
    ApiError::version_conflict(("该预警线索", "The lead"), serde_json::json!({ "version": version }))
}

fn wrong_step(zh: &'static str) -> ApiError {
    ApiError::new(ErrorCode::InvalidTransition).with_detail(Message::new(zh, "Not possible in the lead's state"))
}

/// Moves the lead from the version read; the row as it is now.
async fn save(
    db: &impl ConnectionTrait,
    row: &lead::Model,
    changes: Vec<(lead::Column, Expr)>,
) -> Result<lead::Model, ApiError> {
    let mut update = lead::Entity::update_many()
        .col_expr(lead::Column::Version, Expr::value(row.version + 1))
        .filter(lead::Column::Id.eq(row.id))
        .filter(lead::Column::Version.eq(row.version));
    for (column, value) in changes {
        update = update.col_expr(column, value);
    }
    if update.exec(db).await?.rows_affected == 0 {
        let now = lead::Entity::find_by_id(row.id).one(db).await?;
        return Err(conflict(now.map_or(row.version, |now| now.version)));
    }
    lead::Entity::find_by_id(row.id).one(db).await?.ok_or_else(|| ApiError::new(ErrorCode::NotFound))
}

/// Hands the lead to a helper of one of its township's communities (again, before the visit).
pub async fn assign(
    db: &impl ConnectionTrait,
    by: &Principal,
    id: Uuid,
    input: AssignLeadIn,
) -> Result<LeadOut, ApiError> {
    let row = find(db, by, id).await?;
    if !manages(by, &row) {
        return Err(ApiError::new(ErrorCode::Forbidden));
    }
    stale(&row, input.version)?;
    if !matches!(row.status.as_str(), "open" | "assigned") {
        return Err(wrong_step("线索已走访或已办结,不能再分派"));
    }
    let helper = account::Entity::find_by_id(input.helper_id).one(db).await?;
    let fits = helper.as_ref().is_some_and(|h| {
        h.active
            && h.role == Role::Helper.as_str()
            && h.region_code.as_deref().is_some_and(|r| r.starts_with(&row.township_code))
    });
    if !fits {
        return Err(ApiError::new(ErrorCode::ValidationFailed).with_errors(vec![FieldError::new(
            "helper_id",
            FieldCode::NotATownshipHelper,
            Message::new("请选择本乡镇(街道)所辖社区的在岗社区工作人员", "Choose an active helper of this township"),
        )]));
    }
    let now = Utc::now();
    let saved = save(
        db,
        &row,
        vec![
            (lead::Column::Status, Expr::value("assigned")),
            (lead::Column::AssignedTo, Expr::value(Some(input.helper_id))),
            (lead::Column::AssignedAt, Expr::value(Some(now))),
        ],
    )
    .await?;
    audit(db, "lead.assign", by, &saved, json!({ "helper_id": input.helper_id })).await?;
    Ok(LeadOut::from(saved))
}

/// Records the home visit: by the helper it is assigned to, or the township.
pub async fn visit(
    db: &impl ConnectionTrait,
    by: &Principal,
    id: Uuid,
    input: VisitLeadIn,
) -> Result<LeadOut, ApiError> {
    let row = find(db, by, id).await?;
    if !(manages(by, &row) || row.assigned_to == Some(by.account_id)) {
        return Err(ApiError::new(ErrorCode::Forbidden));
    }
    stale(&row, input.version)?;
    let note = input.note.trim().to_owned();
    if note.chars().count() < 2 || note.chars().count() > 500 {
        return Err(ApiError::new(ErrorCode::ValidationFailed).with_errors(vec![FieldError::new(
            "note",
            FieldCode::InvalidNote,
            Message::new("请用 2 至 500 个字写明走访所见", "2 to 500 characters on what the visit found"),
        )]));
    }
    if row.status != "assigned" {
        return Err(wrong_step("请先将线索分派给社区工作人员,走访后再登记;已走访的线索不能重复登记"));
    }
    let saved = save(
        db,
        &row,
        vec![
            (lead::Column::Status, Expr::value("visited")),
            (lead::Column::VisitedAt, Expr::value(Some(Utc::now()))),
            (lead::Column::VisitNote, Expr::value(Some(note))),
        ],
    )
    .await?;
    audit(db, "lead.visit", by, &saved, json!({})).await?;
    Ok(LeadOut::from(saved))
}

/// Closes a visited lead with its outcome.
pub async fn close(
    db: &impl ConnectionTrait,
    by: &Principal,
    id: Uuid,
    input: CloseLeadIn,
) -> Result<LeadOut, ApiError> {
    let row = find(db, by, id).await?;
    if !(manages(by, &row) || row.assigned_to == Some(by.account_id)) {
        return Err(ApiError::new(ErrorCode::Forbidden));
    }
    stale(&row, input.version)?;
    let note = input.note.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty());
    if note.as_ref().is_some_and(|n| n.chars().count() > 500) {
        return Err(ApiError::new(ErrorCode::ValidationFailed).with_errors(vec![FieldError::new(
            "note",
            FieldCode::TooLong,
            Message::new("说明不能超过 500 个字", "At most 500 characters"),
        )]));
    }
    if row.status != "visited" {
        return Err(wrong_step("线索需先入户走访并登记,才能办结"));
    }
    let saved = save(
        db,
        &row,
        vec![
            (lead::Column::Status, Expr::value("closed")),
            (lead::Column::Outcome, Expr::value(Some(input.outcome.as_str()))),
            (lead::Column::OutcomeNote, Expr::value(note)),
            (lead::Column::ClosedAt, Expr::value(Some(Utc::now()))),
            (lead::Column::ClosedBy, Expr::value(Some(by.account_id))),
        ],
    )
    .await?;
    audit(db, "lead.close", by, &saved, json!({ "outcome": input.outcome.as_str() })).await?;
    Ok(LeadOut::from(saved))
}

/// Marks the leads past their deadline and not closed `overdue`; how many turned. Safe on several
/// nodes: one guarded statement.
pub async fn mark_overdue(db: &impl ConnectionTrait, today: NaiveDate) -> Result<u64, ApiError> {
    let moved = lead::Entity::update_many()
        .col_expr(lead::Column::SlaState, Expr::value("overdue"))
        .filter(lead::Column::SlaState.eq("on_time"))
        .filter(lead::Column::Status.ne("closed"))
        .filter(lead::Column::Deadline.lt(today))
        .exec(db)
        .await?;
    Ok(moved.rows_affected)
}
