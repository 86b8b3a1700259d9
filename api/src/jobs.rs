//! Background jobs every node runs. Each is safe with several nodes at once: the deadline scan
//! changes a row only from the state it read (a guarded update) and opens tickets under a unique
//! key (leads likewise turn overdue in one guarded statement); the check-in scan likewise (periods move to `missed` once, tasks under a unique key);
//! notifications are claimed with `FOR UPDATE SKIP LOCKED`; cache repair, clearing kept refresh answers past their window, the selfie purge and
//! the sync tombstone purge (under a lock) delete keys, files and rows, which is harmless twice. Tests switch them off (`jobs.enabled`) and run them with a controlled clock.

use std::time::Duration;

use chrono::Utc;

use crate::state::SharedState;
use crate::{checkins, monitoring, notifications, progress, supervision, sync, uploads};

pub fn spawn(state: SharedState) {
    if !notifications::sender::SubscribeSender::of(&state).is_configured() {
        tracing::warn!(
            "WeChat app id and secret are not set: progress notifications stay queued in the outbox until they are"
        );
    }
    let every = Duration::from_millis(state.settings.jobs.outbox_every_ms.max(100));
    let outbox = state.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        loop {
            tick.tick().await;
            if let Err(err) = notifications::deliver::deliver_due(&outbox, Utc::now()).await {
                tracing::warn!(error = %err, "notification delivery failed; retrying on the next tick");
            }
            if let Err(err) = progress::cache::repair(&outbox.cache, &outbox.db).await {
                tracing::warn!(error = %err, "cache repair failed; retrying on the next tick");
            }
            let window =
                chrono::Duration::try_seconds(i64::try_from(outbox.settings.auth.refresh_replay_secs).unwrap_or(0));
            if let Some(cutoff) = window.and_then(|w| Utc::now().checked_sub_signed(w))
                && let Err(err) = crate::auth::replay::clear_before(&outbox.db, cutoff).await
            {
                tracing::warn!(error = %err, "clearing kept refresh answers failed; retrying on the next tick");
            }
        }
    });
    let every = Duration::from_secs(state.settings.jobs.deadlines_every_secs.max(10));
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        loop {
            tick.tick().await;
            let today = crate::calendar::today();
            match supervision::deadlines::scan(&state, today).await {
                Ok(report) if report.changed() => tracing::info!(?report, "deadline scan"),
                Ok(_) => {}
                Err(err) => tracing::warn!(error = %err, "deadline scan failed; retrying on the next tick"),
            }
            match monitoring::leads::mark_overdue(&state.db, today).await {
                Ok(0) => {}
                Ok(overdue) => tracing::info!(overdue, "leads past their deadline marked overdue"),
                Err(err) => tracing::warn!(error = %err, "lead deadline scan failed; retrying on the next tick"),
            }
            match checkins::jobs::scan(&state, today).await {
                Ok(report) if report.changed() => tracing::info!(?report, "check-in scan"),
                Ok(_) => {}
                Err(err) => tracing::warn!(error = %err, "check-in scan failed; retrying on the next tick"),
            }
            let retention = chrono::Duration::days(i64::from(state.settings.sync.tombstone_retention_days));
            match sync::changes::purge(&state.db, (Utc::now() - retention).timestamp_millis()).await {
                Ok(0) => {}
                Ok(purged) => tracing::info!(purged, "sync tombstones past their retention deleted"),
                Err(err) => tracing::warn!(error = %err, "sync tombstone purge failed; retrying on the next tick"),
            }
            match crate::http::idempotency::purge(&state.db, state.settings.sync.idempotency_hours).await {
                Ok(0) => {}
                Ok(purged) => tracing::info!(purged, "idempotency keys past their retention deleted"),
                Err(err) => tracing::warn!(error = %err, "idempotency key purge failed; retrying on the next tick"),
            }
            match uploads::service::expire(&state, Utc::now()).await {
                Ok(0) => {}
                Ok(deleted) => tracing::info!(deleted, "unfinished or unlinked uploads past their expiry deleted"),
                Err(err) => tracing::warn!(error = %err, "upload expiry failed; retrying on the next tick"),
            }
            match checkins::jobs::purge_selfies(&state, Utc::now()).await {
                Ok(0) => {}
                Ok(purged) => tracing::info!(purged, "check-in photos past their retention deleted"),
                Err(err) => tracing::warn!(error = %err, "check-in photo purge failed; retrying on the next tick"),
            }
        }
    });
}
