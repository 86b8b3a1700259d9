//! The monitoring pool: who is watched, why, since when and on what basis. Rejected applicants
//! enter from the review; the other groups from `monitoring_subject` imports, in the import's
//! transaction. The township and district list their part, and can ask for the people who get no
//! aid at all (no missed aid).

use std::collections::{HashMap, HashSet};

use chrono::{Months, NaiveDate, Utc};
use entity::{department_record, monitoring_subject, region};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set, TryInsertResult};
use serde_json::Value;
use uuid::Uuid;

use super::model::{SubjectOut, SubjectQuery};
use super::people;
use crate::audit::AuditEvent;
use crate::error::{ApiError, ErrorCode, Message};
use crate::vocab::Principal;
use crate::vocab::Scope;

/// People shown in one list.
const LIST_LIMIT: u64 = 5000;

/// What a pool import did: people added, and rows naming a community the platform does not know.
#[derive(Debug, Default, Clone, Copy)]
pub struct Added {
    pub added: i64,
    pub unknown_community: i64,
}

/// Puts the people of a `monitoring_subject` import into the pool (once per group and source).
pub async fn from_import(db: &impl ConnectionTrait, import_id: Uuid, review_months: u32) -> Result<Added, ApiError> {
    let records = department_record::Entity::find()
        .filter(department_record::Column::ImportId.eq(import_id))
        .filter(department_record::Column::Kind.eq("monitoring_subject"))
        .all(db)
        .await?;
    let text =
        |r: &department_record::Model, key: &str| r.details.get(key).and_then(Value::as_str).unwrap_or("").to_owned();
    let communities: HashSet<String> = records.iter().map(|r| text(r, "community_code")).collect();
    let known: HashSet<String> = region::Entity::find()
        .filter(region::Column::Code.is_in(communities))
        .filter(region::Column::Level.eq("community"))
        .all(db)
        .await?
        .into_iter()
        .map(|r| r.code)
        .collect();
    let mut added = Added::default();
    let now = Utc::now();
    let mut rows = Vec::new();
    for r in &records {
        let community = text(r, "community_code");
        if !known.contains(&community) {
            added.unknown_community += 1;
            continue;
        }
        let review = r
            .details
            .get("review_date")
            .and_then(|v| serde_json::from_value::<NaiveDate>(v.clone()).ok())
            .or_else(|| r.occurred_on.checked_add_months(Months::new(review_months)))
            .unwrap_or(r.occurred_on);
        rows.push(monitoring_subject::ActiveModel {
            id: Set(Uuid::now_v7()),
            subject_index: Set(r.subject_index.clone()),
            group_code: Set(text(r, "group")),
            reason: Set(text(r, "reason")),
            source_ref: Set(format!("import:{}", r.source_ref)),
            application_id: Set(None),
            township_code: Set(community.get(..9).unwrap_or_default().to_owned()),
            community_code: Set(community),
            review_date: Set(review),
            consent_basis: Set(text(r, "consent_basis")),
            name: Set(text(r, "name")),
            id_number_masked: Set(text(r, "id_number_masked")),
            created_at: Set(now),
        });
    }
    for chunk in rows.chunks(500) {
        let inserted = monitoring_subject::Entity::insert_many(chunk.to_vec())
            .on_conflict_do_nothing_on([
                monitoring_subject::Column::GroupCode,
                monitoring_subject::Column::SubjectIndex,
                monitoring_subject::Column::SourceRef,
            ])
            .exec_without_returning(db)
            .await?;
        if let TryInsertResult::Inserted(n) = inserted {
            added.added += i64::try_from(n).unwrap_or(i64::MAX);
        }
    }
    Ok(added)
}

/// The pool of the caller's district or township, with what each person receives.
pub async fn list(
    db: &impl ConnectionTrait,
    by: &Principal,
    query: &SubjectQuery,
) -> Result<Vec<SubjectOut>, ApiError> {
    let area = Scope::overseer(by)?;
    let mut select =
        monitoring_subject::Entity::find().filter(area.filter_by_township(monitoring_subject::Column::TownshipCode));
    if let Some(group) = query.group.as_deref() {
        if super::groups::name_zh(group).is_none() {
            return Err(ApiError::new(ErrorCode::InvalidQuery)
                .with_detail(Message::new("group 应为八类监测对象之一,如 left_aid", "One of the eight groups")));
        }
        select = select.filter(monitoring_subject::Column::GroupCode.eq(group));
    }
    if let Some(township) = query.township.as_deref() {
        select = select.filter(monitoring_subject::Column::TownshipCode.eq(township));
    }
    let nothing = match query.receiving.as_deref() {
        None => false,
        Some("none") => true,
        Some(_) => {
            return Err(ApiError::new(ErrorCode::InvalidQuery)
                .with_detail(Message::new("receiving 只能为 none", "Only `none` is allowed")));
        }
    };
    let rows = select.order_by_asc(monitoring_subject::Column::CreatedAt).limit(LIST_LIMIT).all(db).await?;
    let receiving = receiving(db, &rows).await?;
    let out: Vec<SubjectOut> = rows
        .into_iter()
        .map(|s| {
            let items = receiving.get(&s.subject_index).cloned().unwrap_or_default();
            SubjectOut::of(s, items)
        })
        .filter(|s| !nothing || s.receiving.is_empty())
        .collect();
    if !out.is_empty() {
        AuditEvent::new("monitoring.pool.list")
            .by(by)
            .on("monitoring_subjects", out.len())
            .in_region(by.region.as_ref().map(|r| r.as_str().to_owned()))
            .record(db)
            .await?;
    }
    Ok(out)
}

/// What each person of `rows` (or their household) receives now.
pub async fn receiving(
    db: &impl ConnectionTrait,
    rows: &[monitoring_subject::Model],
) -> Result<HashMap<String, Vec<String>>, ApiError> {
    let mut indexes: Vec<String> = rows.iter().map(|s| s.subject_index.clone()).collect();
    indexes.sort_unstable();
    indexes.dedup();
    let known = people::find(db, &indexes).await?;
    Ok(known
        .into_iter()
        .map(|(index, p)| {
            let mut items: Vec<String> =
                p.own_items.into_iter().chain(p.household_items).chain(p.granted_items).collect();
            items.sort_unstable();
            items.dedup();
            (index, items)
        })
        .collect())
}
