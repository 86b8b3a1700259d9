//! The caller's applications as a list page shows them: number, status and item names, community
//! and township names, dates and the nearest deadline, so the phone joins nothing.

use std::collections::HashMap;

use chrono::NaiveDate;
use entity::{aid_item, application, application_item, region};
use sea_orm::{ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use super::model::{ApplicationListQuery, ApplicationSummaryOut};
use super::service::{parse_cursor, scope_condition};
use crate::error::ApiError;
use crate::http::pagination::{self, Page};
use crate::vocab::Principal;
use crate::vocab::Role;
use crate::vocab::{ItemStatus, Status};

/// The caller's applications, newest first: residents their own, helpers what they filed and
/// their community's, reviewers and supervisors the submitted ones of their region; administrators
/// are refused (not case work).
pub async fn list(
    db: &DatabaseConnection,
    by: &Principal,
    query: ApplicationListQuery,
) -> Result<Page<ApplicationSummaryOut>, ApiError> {
    by.ensure_case_worker()?;
    let limit = pagination::limit(query.limit)?;
    let mut select = application::Entity::find().filter(scope_condition(by));
    if let Some(status) = query.status {
        select = select.filter(application::Column::Status.eq(status.as_str()));
    }
    if let Some(cursor) = query.cursor.as_deref() {
        let (at, id) = parse_cursor(cursor)?;
        select = select.filter(
            Condition::any()
                .add(application::Column::CreatedAt.lt(at))
                .add(Condition::all().add(application::Column::CreatedAt.eq(at)).add(application::Column::Id.lt(id))),
        );
    }
    let rows = select
        .order_by_desc(application::Column::CreatedAt)
        .order_by_desc(application::Column::Id)
        .limit(limit + 1)
        .all(db)
        .await?;
    let items = items_of(db, &rows).await?;
    let names = region_names(db, &rows).await?;
    let mut rows_out = Vec::with_capacity(rows.len());
    for row in rows {
        let status = Status::parse(&row.status).ok_or_else(|| ApiError::internal(format!("status {}", row.status)))?;
        let actor_role =
            Role::parse(&row.actor_role).ok_or_else(|| ApiError::internal(format!("role {}", row.actor_role)))?;
        rows_out.push((row, status, actor_role));
    }
    Ok(Page::from_rows(
        rows_out,
        limit,
        |(row, ..)| format!("{}~{}", row.created_at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true), row.id),
        |(row, status, actor_role)| {
            let mine = items.get(&row.id).map(Vec::as_slice).unwrap_or_default();
            let name = |code: &str| names.get(code).cloned().unwrap_or_default();
            ApplicationSummaryOut {
                items: mine.iter().map(|(item, _)| item.item_code.clone()).collect(),
                item_names: mine.iter().map(|(_, name)| name.clone()).collect(),
                next_due_date: next_due(mine),
                community_name: name(&row.community_code),
                township_name: name(&row.township_code),
                id: row.id,
                number: row.number,
                status,
                status_name: status.name_zh().to_owned(),
                community_code: row.community_code,
                actor_role,
                created_at: row.created_at,
                updated_at: row.updated_at,
                submitted_at: row.submitted_at,
                decided_at: row.decided_at,
            }
        },
    ))
}

/// The items of each application with their catalog names, in catalog order.
async fn items_of(
    db: &DatabaseConnection,
    rows: &[application::Model],
) -> Result<HashMap<Uuid, Vec<(application_item::Model, String)>>, ApiError> {
    let found = application_item::Entity::find()
        .find_also_related(aid_item::Entity)
        .filter(application_item::Column::ApplicationId.is_in(rows.iter().map(|r| r.id)))
        .order_by_asc(aid_item::Column::SortOrder)
        .all(db)
        .await?;
    let mut out: HashMap<Uuid, Vec<_>> = HashMap::new();
    for (item, catalog) in found {
        let name = catalog.map_or_else(|| item.item_code.clone(), |c| c.name);
        out.entry(item.application_id).or_default().push((item, name));
    }
    Ok(out)
}

/// The names of the communities and townships the rows are in.
async fn region_names(
    db: &DatabaseConnection,
    rows: &[application::Model],
) -> Result<HashMap<String, String>, ApiError> {
    let codes: Vec<&str> = rows.iter().flat_map(|r| [r.community_code.as_str(), r.township_code.as_str()]).collect();
    let found: Vec<(String, String)> = region::Entity::find()
        .select_only()
        .column(region::Column::Code)
        .column(region::Column::Name)
        .filter(region::Column::Code.is_in(codes))
        .into_tuple()
        .all(db)
        .await?;
    Ok(found.into_iter().collect())
}

/// The nearest legal deadline among the items still being decided.
fn next_due(items: &[(application_item::Model, String)]) -> Option<NaiveDate> {
    items
        .iter()
        .filter(|(item, _)| ItemStatus::parse(&item.status).is_some_and(|s| !s.is_final()))
        .filter_map(|(item, _)| item.due_date)
        .min()
}
