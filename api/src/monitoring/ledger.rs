//! One ledger per person: every item they receive, whichever department pays it — approvals on
//! this platform (`recipients`) and aid other departments report (`aid_granted` imports). At
//! submit and at decision an item is checked against it: the same item already paid is a
//! `duplicate`, an item the catalogue marks as not to be held together is `exclusive`. The
//! findings are kept as flags reviewers see; they do not block, a reviewer decides.

use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use entity::{aid_flag, aid_item, department_record, household_member, recipient};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use uuid::Uuid;

use super::model::{AidFlagOut, LedgerEntryOut};
use crate::error::ApiError;

/// One thing a person receives.
#[derive(Debug, Clone)]
pub struct Entry {
    /// `recipient:<id>` or `record:<department record id>`.
    pub source: String,
    pub item_code: String,
    pub department: String,
    pub from: NaiveDate,
    pub until: Option<NaiveDate>,
    pub amount_fen: Option<i64>,
    pub application_id: Option<Uuid>,
}

impl From<Entry> for LedgerEntryOut {
    fn from(e: Entry) -> Self {
        Self {
            source: e.source,
            item_code: e.item_code,
            department: e.department,
            from: e.from,
            until: e.until,
            amount_fen: e.amount_fen,
            application_id: e.application_id,
        }
    }
}

/// What other departments pay the people among `indexes` and still pay on `today`.
pub async fn granted(
    db: &impl ConnectionTrait,
    indexes: &[String],
    today: NaiveDate,
) -> Result<HashMap<String, Vec<Entry>>, ApiError> {
    let rows = department_record::Entity::find()
        .filter(department_record::Column::Kind.eq("aid_granted"))
        .filter(department_record::Column::SubjectIndex.is_in(indexes.iter().cloned()))
        .order_by_asc(department_record::Column::OccurredOn)
        .all(db)
        .await?;
    let mut out: HashMap<String, Vec<Entry>> = HashMap::new();
    for row in rows {
        let text = |key: &str| row.details.get(key).and_then(serde_json::Value::as_str).unwrap_or_default().to_owned();
        let until = row.details.get("until").and_then(|v| serde_json::from_value::<NaiveDate>(v.clone()).ok());
        if until.is_some_and(|u| u < today) {
            continue;
        }
        out.entry(row.subject_index.clone()).or_default().push(Entry {
            source: format!("record:{}", row.id),
            item_code: text("item_code"),
            department: text("department"),
            from: row.occurred_on,
            until,
            amount_fen: row.amount_fen,
            application_id: None,
        });
    }
    Ok(out)
}

/// The aid catalogue, which the ledger reads for departments and exclusive pairs.
pub async fn catalog(db: &impl ConnectionTrait) -> Result<Vec<aid_item::Model>, ApiError> {
    Ok(aid_item::Entity::find().all(db).await?)
}

/// The whole running ledger of the people among `indexes`.
pub async fn of(
    db: &impl ConnectionTrait,
    catalog: &[aid_item::Model],
    indexes: &[String],
    today: NaiveDate,
) -> Result<HashMap<String, Vec<Entry>>, ApiError> {
    let departments: HashMap<&str, &str> = catalog.iter().map(|i| (i.code.as_str(), i.department.as_str())).collect();
    let mut out = HashMap::new();
    for chunk in indexes.chunks(super::people::CHUNK) {
        let mut part = granted(db, chunk, today).await?;
        let paid = recipient::Entity::find()
            .filter(recipient::Column::SubjectIndex.is_in(chunk.iter().cloned()))
            .filter(recipient::Column::Status.eq("active"))
            .all(db)
            .await?;
        for r in paid {
            part.entry(r.subject_index.clone()).or_default().push(Entry {
                source: format!("recipient:{}", r.id),
                department: departments.get(r.item_code.as_str()).copied().unwrap_or_default().to_owned(),
                item_code: r.item_code,
                from: r.start_date,
                until: None,
                amount_fen: Some(r.amount_fen),
                application_id: Some(r.application_id),
            });
        }
        out.extend(part);
    }
    Ok(out)
}

/// Whether holding `a` and `b` together is refused by the catalogue (either side may say so).
fn exclusive(catalog: &[aid_item::Model], a: &str, b: &str) -> bool {
    let excludes = |x: &str, y: &str| {
        catalog.iter().find(|i| i.code == x).is_some_and(|i| {
            serde_json::from_value::<Vec<String>>(i.excludes.clone()).unwrap_or_default().iter().any(|e| e == y)
        })
    };
    excludes(a, b) || excludes(b, a)
}

/// A check of items applied for against the ledger.
pub struct Check<'a> {
    pub application_id: Uuid,
    /// The blind indexes of the household's members.
    pub people: &'a [String],
    pub items: &'a [String],
    /// `submit` or `decision`.
    pub stage: &'static str,
    pub today: NaiveDate,
}

/// Records a flag for every ledger entry of a member (other than from this application) that
/// duplicates or excludes an item; returns the number of flags found (recorded once).
pub async fn flag(db: &impl ConnectionTrait, check: Check<'_>) -> Result<usize, ApiError> {
    if check.people.is_empty() || check.items.is_empty() {
        return Ok(0);
    }
    let catalog = catalog(db).await?;
    let ledger = of(db, &catalog, check.people, check.today).await?;
    let mut rows = Vec::new();
    for (index, entries) in &ledger {
        for entry in entries.iter().filter(|e| e.application_id != Some(check.application_id)) {
            for item in check.items {
                let kind = if *item == entry.item_code {
                    "duplicate"
                } else if exclusive(&catalog, item, &entry.item_code) {
                    "exclusive"
                } else {
                    continue;
                };
                rows.push(aid_flag::ActiveModel {
                    id: Set(Uuid::now_v7()),
                    application_id: Set(check.application_id),
                    item_code: Set(item.clone()),
                    subject_index: Set(index.clone()),
                    kind: Set(kind.to_owned()),
                    stage: Set(check.stage.to_owned()),
                    other_source: Set(entry.source.clone()),
                    other_item_code: Set(entry.item_code.clone()),
                    other_department: Set(entry.department.clone()),
                    other_from: Set(entry.from),
                    created_at: Set(Utc::now()),
                });
            }
        }
    }
    let found = rows.len();
    if found > 0 {
        aid_flag::Entity::insert_many(rows)
            .on_conflict_do_nothing_on([
                aid_flag::Column::ApplicationId,
                aid_flag::Column::ItemCode,
                aid_flag::Column::OtherSource,
                aid_flag::Column::Stage,
            ])
            .exec_without_returning(db)
            .await?;
    }
    Ok(found)
}

/// An application's flags, with the member each is about (by name), for reviewers.
pub async fn flags_of(db: &impl ConnectionTrait, application_id: Uuid) -> Result<Vec<AidFlagOut>, ApiError> {
    let names: HashMap<String, String> = household_member::Entity::find()
        .filter(household_member::Column::ApplicationId.eq(application_id))
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.id_number_index, m.name))
        .collect();
    let rows = aid_flag::Entity::find()
        .filter(aid_flag::Column::ApplicationId.eq(application_id))
        .order_by_asc(aid_flag::Column::CreatedAt)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|f| AidFlagOut {
            member_name: names.get(&f.subject_index).cloned().unwrap_or_default(),
            item_code: f.item_code,
            kind: f.kind,
            stage: f.stage,
            other_source: f.other_source,
            other_item_code: f.other_item_code,
            other_department: f.other_department,
            other_from: f.other_from,
            found_at: f.created_at,
        })
        .collect())
}

/// The pairs among one person's `entries` that must not be held together, and items held twice.
pub fn conflicts(catalog: &[aid_item::Model], entries: &[Entry]) -> Vec<String> {
    let mut out = Vec::new();
    for (i, a) in entries.iter().enumerate() {
        for b in &entries[i + 1..] {
            let found = if a.item_code == b.item_code {
                format!("{} x2", a.item_code)
            } else if exclusive(catalog, &a.item_code, &b.item_code) {
                format!("{}+{}", a.item_code, b.item_code)
            } else {
                continue;
            };
            if !out.contains(&found) {
                out.push(found);
            }
        }
    }
    out
}
