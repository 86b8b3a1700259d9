//! Writing notifications in the transaction of the change they announce (progress), or of the
//! scan that opened a check-in window (reminders).

use chrono::{DateTime, NaiveDate, Utc};
use entity::{application, notification};
use sea_orm::{ConnectionTrait, DbErr, EntityTrait, Set};
use serde_json::json;
use uuid::Uuid;

use crate::vocab::Status;

pub const PENDING: &str = "pending";
pub const SENT: &str = "sent";
pub const FAILED: &str = "failed";
/// Nobody to send to (the applicant has no account), or they declined the subscription.
pub const SKIPPED: &str = "skipped";

/// The template of progress messages, and of check-in reminders.
pub const PROGRESS: &str = "progress";
pub const CHECKIN_REMINDER: &str = "checkin_reminder";

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
    insert(db, app.id, app.subject_account_id, PROGRESS, payload, now).await
}

/// Queues a reminder that the check-in window of a recipient (of `application_id`) opened.
pub async fn enqueue_checkin_reminder(
    db: &impl ConnectionTrait,
    application_id: Uuid,
    account_id: Option<Uuid>,
    number: &str,
    due: NaiveDate,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let payload = json!({ "number": number, "kind": "checkin_due", "status_name": "待核验", "at": due.to_string() });
    insert(db, application_id, account_id, CHECKIN_REMINDER, payload, now).await
}

async fn insert(
    db: &impl ConnectionTrait,
    application_id: Uuid,
    account_id: Option<Uuid>,
    template: &str,
    payload: serde_json::Value,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    notification::Entity::insert(notification::ActiveModel {
        id: Set(Uuid::now_v7()),
        application_id: Set(application_id),
        account_id: Set(account_id),
        template: Set(template.to_owned()),
        payload: Set(payload),
        status: Set(if account_id.is_some() { PENDING } else { SKIPPED }.to_owned()),
        attempts: Set(0),
        next_attempt_at: Set(now),
        last_error: Set(account_id.is_none().then(|| "no resident account to notify".to_owned())),
        sent_at: Set(None),
        created_at: Set(now),
    })
    .exec_without_returning(db)
    .await
    .map(|_| ())
}
