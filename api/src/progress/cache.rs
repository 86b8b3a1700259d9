//! Progress answers in the shared cache (Redis), cache-aside: a read fills the entry, every
//! change deletes it in the request that made the change, after its commit, so the same user never
//! reads a stale answer. An entry is the access facts on the first line (who may read it) and the
//! answer's JSON after it, served as stored.
//!
//! When Redis is down the answer comes from PostgreSQL, the same bytes. A change made while Redis
//! is down cannot delete the old entry: its key goes to `cache_repairs` in PostgreSQL, and the
//! repair job deletes it once Redis answers again (entries also expire after
//! `review.progress_cache_secs`). Entries are copies (`Cache::with_copies`): a Redis that comes
//! back, or restarts from an older dump, serves none until they were all dropped, so the old
//! status is never answered in the meantime. Keys hold the application id only.

use std::time::Duration;

use chrono::Utc;
use entity::cache_repair;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::applications::scoped::may_read_facts;
use crate::infra::cache::Cache;
use crate::vocab::Principal;

/// Who may read an entry: the same facts `may_read` uses on the row.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Access {
    pub subject_account_id: Option<Uuid>,
    pub actor_account_id: Uuid,
    pub community_code: String,
    pub status: String,
}

impl Access {
    pub fn of(app: &entity::application::Model) -> Self {
        Self {
            subject_account_id: app.subject_account_id,
            actor_account_id: app.actor_account_id,
            community_code: app.community_code.clone(),
            status: app.status.clone(),
        }
    }

    pub fn allows(&self, principal: &Principal) -> bool {
        may_read_facts(principal, self.subject_account_id, self.actor_account_id, &self.community_code, &self.status)
    }
}

/// The prefix of every progress key: copies of database state (`Cache::with_copies`).
pub const KEY_PREFIX: &str = "progress:";

pub fn key(application_id: Uuid) -> String {
    format!("{KEY_PREFIX}{}", application_id.simple())
}

/// The cached entry, when Redis has one and answers.
pub async fn get(cache: &Cache, application_id: Uuid) -> Option<(Access, Vec<u8>)> {
    let raw = cache.get(&key(application_id)).await.ok()??;
    decode(raw)
}

pub async fn put(cache: &Cache, application_id: Uuid, access: &Access, body: &[u8], ttl: Duration) {
    if let Ok(entry) = encode(access, body) {
        // A failed fill only costs the next reader a database read.
        let _ = cache.set(&key(application_id), &entry, ttl).await;
    }
}

/// Deletes the entry after a change; when Redis does not answer, leaves the key for the repair job.
pub async fn invalidate(cache: &Cache, db: &DatabaseConnection, application_id: Uuid) {
    let key = key(application_id);
    if cache.delete(&key).await.is_ok() {
        return;
    }
    let row = cache_repair::ActiveModel { key: Set(key.clone()), created_at: Set(Utc::now()) };
    let saved = cache_repair::Entity::insert(row)
        .on_conflict_do_nothing_on([cache_repair::Column::Key])
        .exec_without_returning(db)
        .await;
    if let Err(err) = saved {
        tracing::error!(error = %err, key = %key, "could not record a cache key to repair");
    }
}

/// Deletes the keys left by changes made while Redis was down; the number repaired. Safe on
/// several nodes: deleting twice is harmless.
pub async fn repair(cache: &Cache, db: &DatabaseConnection) -> Result<usize, sea_orm::DbErr> {
    let pending = cache_repair::Entity::find().order_by_asc(cache_repair::Column::CreatedAt).limit(500).all(db).await?;
    let mut repaired = Vec::new();
    for row in pending {
        if cache.delete(&row.key).await.is_err() {
            break;
        }
        repaired.push(row.key);
    }
    if !repaired.is_empty() {
        cache_repair::Entity::delete_many().filter(cache_repair::Column::Key.is_in(repaired.clone())).exec(db).await?;
    }
    Ok(repaired.len())
}

fn encode(access: &Access, body: &[u8]) -> Result<Vec<u8>, serde_json::Error> {
    let mut entry = serde_json::to_vec(access)?;
    entry.push(b'\n');
    entry.extend_from_slice(body);
    Ok(entry)
}

fn decode(mut raw: Vec<u8>) -> Option<(Access, Vec<u8>)> {
    let split = raw.iter().position(|b| *b == b'\n')?;
    let access = serde_json::from_slice(&raw[..split]).ok()?;
    // The body is the tail: moved out without copying it.
    raw.drain(..=split);
    Some((access, raw))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_round_trip_and_garbage_is_a_miss() {
        let access = Access {
            subject_account_id: None,
            actor_account_id: Uuid::nil(),
            community_code: "500199001001".into(),
            status: "submitted".into(),
        };
        let entry = encode(&access, br#"{"a":1}"#).unwrap();
        let (back, body) = decode(entry).unwrap();
        assert_eq!(back.community_code, "500199001001");
        assert_eq!(body, br#"{"a":1}"#);
        assert!(decode(b"no newline".to_vec()).is_none());
        assert!(decode(b"{bad}\n{}".to_vec()).is_none());
    }
}
