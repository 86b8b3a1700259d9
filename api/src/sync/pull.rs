//! What a helper's phone pulls: the records of their community (applications, check-in periods,
//! home-visit tasks) and the shared ones (aid items, regions), in order of the server's change
//! sequence, each as it is now or as a tombstone.
//!
//! The cursor is opaque to the phone: `<seq>` after the last change it got, or, during a full
//! sync, `<seq>:<since>` with `since` the sequence when the full sync began (the phone needs the
//! deletions from there on, not from `seq`). A cursor whose needed deletions were purged, or one
//! this server never gave, is answered 410 and the phone syncs afresh.

use std::collections::HashMap;

use entity::{aid_item, application, checkin_cycle, checkin_task, region, sync_change};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::json;
use uuid::Uuid;

use super::changes;
use super::model::{ChangeOut, MAX_PULL, PullOut, PullQuery, PulledKind};
use crate::applications::view::{self, Parts};
use crate::audit::AuditEvent;
use crate::checkins::tasks::People;
use crate::error::{ApiError, ErrorCode, FieldCode, FieldError, Message};
use crate::state::AppState;
use crate::vocab::Principal;

const DEFAULT_PULL: u64 = 500;

/// Where a phone stands: it has every change up to `seq`, and needs deletions from `since` on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Cursor {
    seq: i64,
    since: i64,
}

impl Cursor {
    fn parse(raw: &str) -> Option<Self> {
        if raw.len() > 40 {
            return None;
        }
        let (seq, since) = match raw.split_once(':') {
            Some((seq, since)) => (seq.parse().ok()?, since.parse().ok()?),
            None => {
                let seq = raw.parse().ok()?;
                (seq, seq)
            }
        };
        (seq >= 0 && since >= seq).then_some(Self { seq, since })
    }

    fn render(self) -> String {
        if self.since > self.seq { format!("{}:{}", self.seq, self.since) } else { self.seq.to_string() }
    }
}

pub async fn pull(state: &AppState, principal: &Principal, query: &PullQuery) -> Result<PullOut, ApiError> {
    let community = principal.region.as_ref().ok_or_else(|| ApiError::new(ErrorCode::Forbidden))?;
    let limit = match query.limit {
        None => DEFAULT_PULL,
        Some(n) if (1..=MAX_PULL).contains(&n) => n,
        Some(_) => {
            return Err(invalid(
                "limit",
                FieldCode::OutOfRange,
                "每页数量应在 1 到 1000 之间",
                "limit must be 1 to 1000",
            ));
        }
    };
    let given = match query.cursor.as_deref() {
        None | Some("") => None,
        Some(raw) => Some(Cursor::parse(raw).ok_or_else(|| {
            invalid("cursor", FieldCode::InvalidCursor, "同步位置无效,请从头完整同步", "Not a sync cursor; sync afresh")
        })?),
    };
    changes::number(&state.db).await?;
    let bounds = changes::bounds(&state.db).await?;
    let cursor = match given {
        None => Cursor { seq: 0, since: bounds.top },
        Some(c) if c.since < bounds.horizon || c.seq > bounds.top => {
            return Err(ApiError::new(ErrorCode::SyncCursorExpired));
        }
        Some(c) => c,
    };
    let mut find = sync_change::Entity::find()
        .filter(sync_change::Column::Seq.gt(cursor.seq))
        .filter(sync_change::Column::Seq.lte(bounds.top))
        .filter(
            Condition::any()
                .add(sync_change::Column::CommunityCode.is_null())
                .add(sync_change::Column::CommunityCode.starts_with(community.as_str())),
        );
    if cursor.seq < cursor.since {
        // A full sync: the phone holds nothing older, so older deletions mean nothing to it.
        find = find.filter(
            Condition::any().add(sync_change::Column::Deleted.eq(false)).add(sync_change::Column::Seq.gt(cursor.since)),
        );
    }
    let mut rows = find.order_by_asc(sync_change::Column::Seq).limit(limit + 1).all(&state.db).await?;
    let more = rows.len() as u64 > limit;
    rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    let next = match rows.last().and_then(|r| r.seq) {
        Some(last) if more => Cursor { seq: last, since: cursor.since.max(last) },
        _ => Cursor { seq: bounds.top, since: bounds.top },
    };
    let changes = Records::load(state, &rows).await?.changes(rows);
    AuditEvent::new("sync.pull")
        .by(principal)
        .details(json!({
            "community": community.as_str(),
            "changes": changes.len(),
            "applications": changes.iter().filter(|c| c.application.is_some()).count(),
        }))
        .record(&state.db)
        .await?;
    Ok(PullOut { cursor: next.render(), more, changes })
}

fn invalid(field: &'static str, code: FieldCode, zh: &'static str, en: &'static str) -> ApiError {
    ApiError::new(ErrorCode::InvalidQuery).with_errors(vec![FieldError::new(field, code, Message::new(zh, en))])
}

/// The current state of the records a page names, loaded a kind at a time.
#[derive(Default)]
struct Records {
    applications: HashMap<Uuid, crate::applications::model::ApplicationOut>,
    periods: HashMap<Uuid, crate::checkins::model::StaffPeriodOut>,
    tasks: HashMap<Uuid, crate::checkins::model::TaskOut>,
    aid_items: HashMap<String, crate::catalog::model::AidItemOut>,
    regions: HashMap<String, crate::regions::model::RegionOut>,
}

impl Records {
    async fn load(state: &AppState, rows: &[sync_change::Model]) -> Result<Self, ApiError> {
        let ids = |kind: PulledKind| -> Vec<Uuid> {
            rows.iter()
                .filter(|r| !r.deleted && PulledKind::parse(&r.entity) == Some(kind))
                .filter_map(|r| Uuid::parse_str(&r.entity_id).ok())
                .collect()
        };
        let codes = |kind: PulledKind| -> Vec<String> {
            rows.iter()
                .filter(|r| !r.deleted && PulledKind::parse(&r.entity) == Some(kind))
                .map(|r| r.entity_id.clone())
                .collect()
        };
        let db = &state.db;
        let mut records = Self::default();
        let wanted = ids(PulledKind::Application);
        if !wanted.is_empty() {
            let apps =
                application::Entity::find().filter(application::Column::Id.is_in(wanted.clone())).all(db).await?;
            let mut parts = Parts::load_many(db, &wanted).await?;
            for app in apps {
                let own = parts.remove(&app.id).unwrap_or_default();
                records.applications.insert(app.id, view::assemble(app, own));
            }
        }
        let wanted = ids(PulledKind::CheckinPeriod);
        let periods = if wanted.is_empty() {
            Vec::new()
        } else {
            checkin_cycle::Entity::find().filter(checkin_cycle::Column::Id.is_in(wanted)).all(db).await?
        };
        let wanted = ids(PulledKind::CheckinTask);
        let tasks = if wanted.is_empty() {
            Vec::new()
        } else {
            checkin_task::Entity::find().filter(checkin_task::Column::Id.is_in(wanted)).all(db).await?
        };
        if !periods.is_empty() || !tasks.is_empty() {
            let people =
                People::load(db, periods.iter().map(|c| c.recipient_id).chain(tasks.iter().map(|t| t.recipient_id)))
                    .await?;
            records.periods = periods.into_iter().map(|c| (c.id, people.period_out(c))).collect();
            records.tasks = tasks.into_iter().map(|t| (t.id, people.task_out(t))).collect();
        }
        let wanted = codes(PulledKind::AidItem);
        if !wanted.is_empty() {
            let items = aid_item::Entity::find().filter(aid_item::Column::Code.is_in(wanted)).all(db).await?;
            records.aid_items = items.into_iter().map(|i| (i.code.clone(), i.into())).collect();
        }
        let wanted = codes(PulledKind::Region);
        if !wanted.is_empty() {
            let found = region::Entity::find().filter(region::Column::Code.is_in(wanted)).all(db).await?;
            records.regions = found.into_iter().map(|r| (r.code.clone(), r.into())).collect();
        }
        Ok(records)
    }

    /// The page's changes; a record gone since its change was logged reads as a tombstone.
    fn changes(mut self, rows: Vec<sync_change::Model>) -> Vec<ChangeOut> {
        rows.into_iter()
            .filter_map(|row| {
                let entity = PulledKind::parse(&row.entity)?;
                let mut change = ChangeOut {
                    seq: row.seq?,
                    entity,
                    id: row.entity_id,
                    deleted: true,
                    application: None,
                    checkin_period: None,
                    checkin_task: None,
                    aid_item: None,
                    region: None,
                };
                if !row.deleted {
                    let uuid = Uuid::parse_str(&change.id).ok();
                    match entity {
                        PulledKind::Application => {
                            change.application = uuid.and_then(|id| self.applications.remove(&id))
                        }
                        PulledKind::CheckinPeriod => {
                            change.checkin_period = uuid.and_then(|id| self.periods.remove(&id))
                        }
                        PulledKind::CheckinTask => change.checkin_task = uuid.and_then(|id| self.tasks.remove(&id)),
                        PulledKind::AidItem => change.aid_item = self.aid_items.remove(&change.id),
                        PulledKind::Region => change.region = self.regions.remove(&change.id),
                    }
                    change.deleted = change.application.is_none()
                        && change.checkin_period.is_none()
                        && change.checkin_task.is_none()
                        && change.aid_item.is_none()
                        && change.region.is_none();
                }
                // SQLite names UUIDs in plain hex; the phone always gets the hyphenated form.
                if let Some(id) = Uuid::parse_str(&change.id).ok().filter(|_| entity_has_uuid(entity)) {
                    change.id = id.to_string();
                }
                Some(change)
            })
            .collect()
    }
}

fn entity_has_uuid(kind: PulledKind) -> bool {
    matches!(kind, PulledKind::Application | PulledKind::CheckinPeriod | PulledKind::CheckinTask)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_refuse_nonsense() {
        for raw in ["0", "17", "5:40"] {
            assert_eq!(Cursor::parse(raw).map(Cursor::render).as_deref(), Some(raw));
        }
        assert_eq!(Cursor::parse("7"), Some(Cursor { seq: 7, since: 7 }));
        let long = "0".repeat(41);
        for raw in ["-1", "abc", "5:3", "5:", ":5", "1:2:3", long.as_str()] {
            assert_eq!(Cursor::parse(raw), None, "{raw}");
        }
    }
}
