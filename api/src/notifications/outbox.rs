//! Writing notifications in the transaction of the change they announce.

use chrono::{DateTime, Utc};
use entity::{application, notification};
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, Set};
use serde_json::json;
use uuid::Uuid;

use crate::applications::status::Status;

pub const PENDING: &str = "pending";
pub const SENT: &str = "sent";
pub const FAILED: &str = "failed";
/// Nobody to send to (the applicant has no account), or they declined the subscription.
pub const SKIPPED: &str = "skipped";

/// Queues a progress message for the applicant of `app`, now in `status` after `kind`.
pub async fn enqueue(
    db: &impl ConnectionTrait,
    app: &application::Model,
    kind: &str,
    status: Status,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let payload = json!({
        "number": app.number,
        "kind": kind,
        "status": status,
        "status_name": status.name_zh(),
        "at": now,
    });
    notification::ActiveModel {
        id: Set(Uuid::now_v7()),
        application_id: Set(app.id),
        account_id: Set(app.subject_account_id),
        template: Set("progress".to_owned()),
        payload: Set(payload),
        status: Set(if app.subject_account_id.is_some() { PENDING } else { SKIPPED }.to_owned()),
        attempts: Set(0),
        next_attempt_at: Set(now),
        last_error: Set(app.subject_account_id.is_none().then(|| "no resident account to notify".to_owned())),
        sent_at: Set(None),
        created_at: Set(now),
    }
    .insert(db)
    .await
    .map(|_| ())
}
