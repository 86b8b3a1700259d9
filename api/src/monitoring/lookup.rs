//! Looking up one person's ledger by ID number. A reviewer or supervisor reads the ledger of a
//! person in their reach — someone with a submitted application, aid or a pool entry in their
//! township or district — or of anyone else only with a stated reason, which is audited and listed
//! for the district (`reasons`). Without a reason, a person beyond reach gets the same 404
//! `PERSON_NOT_IN_REACH` as an unknown number, so the endpoint tells nobody who exists elsewhere.

use std::collections::HashMap;

use entity::{account, application, audit_event, household_member, monitoring_subject, recipient};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::{Value, json};
use uuid::Uuid;

use super::ledger;
use super::model::{LedgerLookupIn, LedgerLookupOut, LedgerOut};
use crate::audit::AuditEvent;
use crate::error::{ApiError, ErrorCode};
use crate::pii::id_number::IdNumber;
use crate::pii::id_number::{ID_PURPOSE, id_number_error};
use crate::state::AppState;
use crate::vocab::{Principal, Scope};

/// The audit action of a look-up beyond the caller's reach, made with a stated reason.
pub const BEYOND_REACH: &str = "ledger.read_beyond_reach";
/// Look-ups beyond reach listed at once.
const REASONS_LIMIT: u64 = 500;

pub async fn lookup(state: &AppState, by: &Principal, input: LedgerLookupIn) -> Result<LedgerOut, ApiError> {
    let today = crate::calendar::today();
    let id_number = IdNumber::parse(&input.id_number, today)
        .map_err(|err| ApiError::new(ErrorCode::ValidationFailed).with_errors(vec![id_number_error(err)]))?;
    let reason = match input.reason.as_deref() {
        Some(raw) => crate::error::field_note("reason", Some(raw), 2)?,
        None => None,
    };
    let index = state.pii.blind_index(ID_PURPOSE, id_number.expose());
    let in_reach = in_reach(&state.db, by, &index).await?;
    if !in_reach && reason.is_none() {
        return Err(ApiError::new(ErrorCode::PersonNotInReach));
    }
    let catalog = ledger::catalog(&state.db).await?;
    let mut ledgers = ledger::of(&state.db, &catalog, std::slice::from_ref(&index), today).await?;
    let entries = ledgers.remove(&index).unwrap_or_default();
    let conflicts = ledger::conflicts(&catalog, &entries);
    AuditEvent::new(if in_reach { "ledger.read" } else { BEYOND_REACH })
        .by(by)
        .on("person", &index[..16.min(index.len())])
        .in_region(by.region.as_ref().map(|r| r.as_str().to_owned()))
        .details(json!({
            "entries": entries.len(),
            "reason": reason,
            "id_number_masked": id_number.masked(),
        }))
        .record(&state.db)
        .await?;
    Ok(LedgerOut {
        id_number_masked: id_number.masked(),
        entries: entries.into_iter().map(Into::into).collect(),
        conflicts,
    })
}

/// Whether the person has a submitted application, aid or a pool entry in the caller's region.
async fn in_reach(db: &impl ConnectionTrait, by: &Principal, index: &str) -> Result<bool, ApiError> {
    let Ok(scope) = Scope::overseer(by) else { return Ok(false) };
    let pool = monitoring_subject::Entity::find()
        .filter(monitoring_subject::Column::SubjectIndex.eq(index))
        .filter(scope.filter_by_township(monitoring_subject::Column::TownshipCode))
        .count(db)
        .await?;
    let paid = recipient::Entity::find()
        .filter(recipient::Column::SubjectIndex.eq(index))
        .filter(scope.filter_by_township(recipient::Column::TownshipCode))
        .count(db)
        .await?;
    if pool + paid > 0 {
        return Ok(true);
    }
    let applications: Vec<Uuid> = household_member::Entity::find()
        .select_only()
        .column(household_member::Column::ApplicationId)
        .filter(household_member::Column::IdNumberIndex.eq(index))
        .into_tuple()
        .all(db)
        .await?;
    let submitted = application::Entity::find()
        .filter(application::Column::Id.is_in(applications))
        .filter(application::Column::Status.ne("draft"))
        .filter(scope.filter_by_township(application::Column::TownshipCode))
        .count(db)
        .await?;
    Ok(submitted > 0)
}

/// The look-ups beyond reach made in the caller's district (by its townships' reviewers and its
/// supervisors), newest first, at most `REASONS_LIMIT`: who, when, why, about whom (masked).
pub async fn reasons(db: &impl ConnectionTrait, by: &Principal) -> Result<Vec<LedgerLookupOut>, ApiError> {
    let district =
        by.region.as_ref().map(|r| r.as_str().to_owned()).ok_or_else(|| ApiError::new(ErrorCode::Forbidden))?;
    let rows = audit_event::Entity::find()
        .filter(audit_event::Column::Action.eq(BEYOND_REACH))
        .filter(audit_event::Column::RegionCode.starts_with(district.as_str()))
        .order_by_desc(audit_event::Column::OccurredAt)
        .limit(REASONS_LIMIT)
        .all(db)
        .await?;
    let actors: Vec<Uuid> = rows.iter().filter_map(|r| r.actor_id).collect();
    let names: HashMap<Uuid, String> = account::Entity::find()
        .filter(account::Column::Id.is_in(actors))
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.id, a.display_name))
        .collect();
    Ok(rows
        .into_iter()
        .map(|r| {
            let text = |key: &str| r.details.get(key).and_then(Value::as_str).unwrap_or_default().to_owned();
            LedgerLookupOut {
                at: r.occurred_at,
                actor_id: r.actor_id,
                actor_name: r.actor_id.and_then(|id| names.get(&id).cloned()).unwrap_or_default(),
                actor_role: r.actor_role.unwrap_or_default(),
                region_code: r.region_code.unwrap_or_default(),
                reason: text("reason"),
                id_number_masked: text("id_number_masked"),
                entries: r.details.get("entries").and_then(Value::as_u64).unwrap_or_default(),
            }
        })
        .collect())
}
