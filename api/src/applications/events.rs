//! The application's own history: one append-only row per change, in the transaction of the
//! change. Issue-7 review steps add their kinds here.

use chrono::Utc;
use entity::application_event;
use sea_orm::{ConnectionTrait, DbErr, EntityTrait, Set};
use serde_json::Value;
use uuid::Uuid;

use crate::vocab::Principal;
use crate::vocab::Status;

pub async fn record(
    db: &impl ConnectionTrait,
    application_id: Uuid,
    kind: &'static str,
    transition: Option<(Option<Status>, Status)>,
    by: &Principal,
    details: Value,
) -> Result<(), DbErr> {
    application_event::Entity::insert(application_event::ActiveModel {
        id: Set(Uuid::now_v7()),
        application_id: Set(application_id),
        kind: Set(kind.to_owned()),
        from_status: Set(transition.and_then(|(from, _)| from).map(|s| s.as_str().to_owned())),
        to_status: Set(transition.map(|(_, to)| to.as_str().to_owned())),
        actor_id: Set(Some(by.account_id)),
        actor_role: Set(Some(by.role.as_str().to_owned())),
        occurred_at: Set(Utc::now()),
        details: Set(details),
    })
    .exec_without_returning(db)
    .await
    .map(|_| ())
}
