//! Writes the append-only audit log (`audit_events`): sign-ins, failed sign-ins, role and region
//! changes, staff reads of personal files. Callers pass the transaction of the change they record,
//! so a change and its audit row land together or not at all. `details` never holds ID numbers.

use chrono::Utc;
use entity::audit_event;
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, Set};
use serde_json::Value;
use uuid::Uuid;

use crate::request;
use crate::vocab::Principal;

/// One thing that happened, about to be written.
pub struct AuditEvent {
    pub action: &'static str,
    pub actor_id: Option<Uuid>,
    pub actor_role: Option<&'static str>,
    pub target_type: Option<&'static str>,
    pub target_id: Option<String>,
    pub region_code: Option<String>,
    pub details: Value,
}

impl AuditEvent {
    pub fn new(action: &'static str) -> Self {
        Self {
            action,
            actor_id: None,
            actor_role: None,
            target_type: None,
            target_id: None,
            region_code: None,
            details: Value::Object(serde_json::Map::new()),
        }
    }

    pub fn by(mut self, principal: &Principal) -> Self {
        self.actor_id = Some(principal.account_id);
        self.actor_role = Some(principal.role.as_str());
        self
    }

    /// `by` when there is a signed-in actor; the command line has none.
    pub fn by_opt(self, principal: Option<&Principal>) -> Self {
        match principal {
            Some(principal) => self.by(principal),
            None => self,
        }
    }

    pub fn on(mut self, target_type: &'static str, target_id: impl ToString) -> Self {
        self.target_type = Some(target_type);
        self.target_id = Some(target_id.to_string());
        self
    }

    pub fn in_region(mut self, region: Option<impl ToString>) -> Self {
        self.region_code = region.map(|r| r.to_string());
        self
    }

    pub fn details(mut self, details: Value) -> Self {
        self.details = details;
        self
    }

    /// Inserts the row, tagged with the current request id.
    pub async fn record(self, db: &impl ConnectionTrait) -> Result<(), DbErr> {
        let request_id = Some(request::current().request_id).filter(|id| !id.is_empty());
        audit_event::ActiveModel {
            id: Set(Uuid::now_v7()),
            occurred_at: Set(Utc::now()),
            actor_id: Set(self.actor_id),
            actor_role: Set(self.actor_role.map(str::to_owned)),
            action: Set(self.action.to_owned()),
            target_type: Set(self.target_type.map(str::to_owned)),
            target_id: Set(self.target_id),
            region_code: Set(self.region_code),
            request_id: Set(request_id),
            details: Set(self.details),
        }
        .insert(db)
        .await
        .map(|_| ())
    }
}
