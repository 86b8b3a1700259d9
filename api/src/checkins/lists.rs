//! Schedules as people read them: a recipient their own periods; staff the periods in reach
//! (helpers their community, reviewers their township, supervisors their district), by state.

use chrono::NaiveDate;
use entity::{checkin_cycle, recipient};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use super::cycles::{DONE, MISSED, PENDING};
use super::model::{MyCheckinsOut, PeriodOut, PeriodQuery, PeriodState, StaffPeriodOut};
use super::tasks::People;
use crate::audit::AuditEvent;
use crate::calendar;
use crate::error::{ApiError, ErrorCode, FieldCode, FieldError, Message};
use crate::http::pagination::{self, Page};
use crate::state::AppState;
use crate::vocab::Principal;
use crate::vocab::Scope;

pub async fn mine(state: &AppState, principal: &Principal) -> Result<MyCheckinsOut, ApiError> {
    let recipients = recipient::Entity::find()
        .filter(recipient::Column::SubjectAccountId.eq(principal.account_id))
        .all(&state.db)
        .await?;
    if recipients.is_empty() {
        return Err(ApiError::new(ErrorCode::NotARecipient));
    }
    let today = calendar::today();
    let rows = checkin_cycle::Entity::find()
        .filter(checkin_cycle::Column::RecipientId.is_in(recipients.iter().map(|r| r.id)))
        .order_by_desc(checkin_cycle::Column::DueDate)
        .limit(24)
        .all(&state.db)
        .await?;
    let item = |id: Uuid| recipients.iter().find(|r| r.id == id).map(|r| r.item_code.clone()).unwrap_or_default();
    let mut periods: Vec<PeriodOut> = rows
        .into_iter()
        .map(|c| PeriodOut {
            recipient_id: c.recipient_id,
            item_code: item(c.recipient_id),
            open_now: c.status == PENDING && c.opens_on <= today && today <= c.closes_on,
            due_date: c.due_date,
            opens_on: c.opens_on,
            closes_on: c.closes_on,
            status: c.status,
            done_at: c.done_at,
        })
        .collect();
    periods.sort_by_key(|p| (p.status != PENDING, p.due_date));
    Ok(MyCheckinsOut { due_now: periods.iter().any(|p| p.open_now), periods })
}

pub async fn periods(
    state: &AppState,
    principal: &Principal,
    query: &PeriodQuery,
) -> Result<Page<StaffPeriodOut>, ApiError> {
    let reach = Scope::of(principal)?;
    let limit = pagination::limit(query.limit)?;
    let today = calendar::today();
    let mut find = checkin_cycle::Entity::find().filter(reach.filter(
        checkin_cycle::Column::CommunityCode,
        checkin_cycle::Column::TownshipCode,
        checkin_cycle::Column::DistrictCode,
    ));
    find = match query.state {
        PeriodState::Due => find
            .filter(checkin_cycle::Column::Status.eq(PENDING))
            .filter(checkin_cycle::Column::OpensOn.lte(today))
            .filter(checkin_cycle::Column::ClosesOn.gte(today)),
        PeriodState::Upcoming => {
            find.filter(checkin_cycle::Column::Status.eq(PENDING)).filter(checkin_cycle::Column::OpensOn.gt(today))
        }
        PeriodState::Done => find.filter(checkin_cycle::Column::Status.eq(DONE)),
        PeriodState::Missed => find.filter(checkin_cycle::Column::Status.eq(MISSED)),
    };
    if let Some(month) = &query.month {
        let bounds = crate::vocab::month_bounds(month)?;
        find = find
            .filter(checkin_cycle::Column::DueDate.gte(bounds.first))
            .filter(checkin_cycle::Column::DueDate.lt(bounds.next));
    }
    if let Some(cursor) = &query.cursor {
        let (due, id) = parse_cursor(cursor)?;
        find =
            find.filter(Condition::any().add(checkin_cycle::Column::DueDate.gt(due)).add(
                Condition::all().add(checkin_cycle::Column::DueDate.eq(due)).add(checkin_cycle::Column::Id.gt(id)),
            ));
    }
    let rows = find
        .order_by_asc(checkin_cycle::Column::DueDate)
        .order_by_asc(checkin_cycle::Column::Id)
        .limit(limit + 1)
        .all(&state.db)
        .await?;
    let people = People::load(&state.db, rows.iter().map(|c| c.recipient_id)).await?;
    AuditEvent::new("checkins.periods.list")
        .by(principal)
        .details(serde_json::json!({ "count": rows.len().min(usize::try_from(limit).unwrap_or(usize::MAX)) }))
        .record(&state.db)
        .await?;
    Ok(Page::from_rows(rows, limit, |c| format!("{}_{}", c.due_date, c.id), |c| people.period_out(c)))
}

fn parse_cursor(cursor: &str) -> Result<(NaiveDate, Uuid), ApiError> {
    cursor
        .split_once('_')
        .and_then(|(day, id)| Some((NaiveDate::parse_from_str(day, "%Y-%m-%d").ok()?, Uuid::parse_str(id).ok()?)))
        .ok_or_else(|| {
            ApiError::new(ErrorCode::InvalidQuery).with_errors(vec![FieldError::new(
                "cursor",
                FieldCode::InvalidCursor,
                Message::new("翻页参数无效,请从第一页重新查询", "Not a cursor of this list; start from the first page"),
            )])
        })
}
