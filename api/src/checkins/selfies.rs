//! Reading a check-in photo. Selfies are biometric data (PIPL Art. 28: sensitive personal
//! information, read only where needed): the township reviewer of the check-in's township (who
//! confirms or doubts it) and a helper of the person's community while a home visit for that
//! person is open (who must recognise them at the door) may see it; every read is audited. Other
//! staff of the region — the district, helpers without such a task — get 403 `SELFIE_RESTRICTED`;
//! staff outside it 404.

use entity::{checkin, checkin_task};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use uuid::Uuid;

use super::review::reachable;
use super::tasks::OPEN;
use crate::audit::AuditEvent;
use crate::error::{ApiError, ErrorCode, Message};
use crate::state::AppState;
use crate::vocab::Principal;
use crate::vocab::Scope;

/// The selfie of a check-in, for those who decide on it (audited). Gone after the retention period.
pub async fn selfie(state: &AppState, principal: &Principal, id: Uuid) -> Result<Vec<u8>, ApiError> {
    let row = reachable(state, principal, id).await?;
    if !decides_on(state, principal, &row).await? {
        return Err(ApiError::new(ErrorCode::SelfieRestricted));
    }
    let key = row.selfie_key.ok_or_else(|| {
        ApiError::new(ErrorCode::NotFound).with_detail(Message::new(
            "该核验照片已按保存期限删除。",
            "This check-in photo was deleted at the end of its retention period.",
        ))
    })?;
    AuditEvent::new("checkin.selfie.read")
        .by(principal)
        .on("checkin", row.id)
        .in_region(Some(&row.township_code))
        .details(serde_json::json!({ "recipient_id": row.recipient_id }))
        .record(&state.db)
        .await?;
    Ok(state.storage.get(&key).await?)
}

/// Whether the caller decides on this check-in: the reviewer of its township, or a helper of its
/// community while a visit task for the person is open.
async fn decides_on(state: &AppState, principal: &Principal, row: &checkin::Model) -> Result<bool, ApiError> {
    match Scope::of(principal)? {
        Scope::Township(_) => Ok(true),
        Scope::District(_) => Ok(false),
        Scope::Community(community) => {
            let open = checkin_task::Entity::find()
                .filter(checkin_task::Column::SubjectIndex.eq(row.subject_index.as_str()))
                .filter(checkin_task::Column::CommunityCode.eq(community))
                .filter(checkin_task::Column::Status.eq(OPEN))
                .count(&state.db)
                .await?;
            Ok(open > 0)
        }
    }
}
