//! The database pool: PostgreSQL in production and CI, an SQLite file as the embedded default.

use std::time::{Duration, Instant};

use migration::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseBackend, DatabaseConnection, DbErr, TransactionTrait,
};
use secrecy::{ExposeSecret, SecretString};

use crate::config::{Settings, redact_url};

/// Any number will do as long as every node uses the same one.
const MIGRATION_LOCK_KEY: i64 = 0x6a69_757a_6875; // "jiuzhu"

#[derive(Debug, thiserror::Error)]
pub enum DbStartError {
    #[error(
        "无法连接数据库 / cannot connect to the database at {url}: {source}. \
         Set DATABASE_URL (or JIUZHU__DATABASE__URL) to a reachable postgres:// or sqlite:// URL."
    )]
    Connect { url: String, source: DbErr },
    #[error("cannot create the data directory {path}: {source}. Set JIUZHU__DATA_DIR to a writable directory.")]
    DataDir { path: String, source: std::io::Error },
    #[error("数据库迁移失败 / database migration failed: {0}")]
    Migrate(DbErr),
}

/// Opens the pool and checks that the database answers.
pub async fn connect(settings: &Settings) -> Result<DatabaseConnection, DbStartError> {
    let url = settings.database_url();
    if let Some(dir) =
        sqlite_path(&url).and_then(|path| std::path::Path::new(path).parent()).filter(|dir| !dir.as_os_str().is_empty())
    {
        std::fs::create_dir_all(dir)
            .map_err(|source| DbStartError::DataDir { path: dir.display().to_string(), source })?;
    }
    let db = &settings.database;
    let mut options = ConnectOptions::new(url.expose_secret().to_owned());
    options
        .max_connections(db.max_connections)
        .min_connections(db.min_connections)
        .connect_timeout(db.connect_timeout())
        .acquire_timeout(db.acquire_timeout())
        // Only a connection idle long enough to have been dropped (by the server, a proxy, a
        // firewall) is pinged before use; a busy one goes straight to its query, saving a round
        // trip per request.
        .test_before_acquire_if_idle_for(Duration::from_secs(db.ping_idle_after_secs))
        .sqlx_logging(false);
    let connect_error = |source| DbStartError::Connect { url: redact_url(&url), source };
    let conn = Database::connect(options).await.map_err(connect_error)?;
    if conn.get_database_backend() == DatabaseBackend::Sqlite {
        // WAL lets readers proceed during a write; the setting is kept in the file.
        conn.execute_unprepared("PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON;").await.map_err(connect_error)?;
    }
    ping(&conn).await.map_err(connect_error)?;
    Ok(conn)
}

fn sqlite_path(url: &SecretString) -> Option<&str> {
    let rest = url.expose_secret().strip_prefix("sqlite:")?;
    let rest = rest.trim_start_matches("//");
    let path = rest.split('?').next()?;
    (!path.is_empty() && path != ":memory:").then_some(path)
}

/// Applies pending migrations. On PostgreSQL they run in one transaction under an advisory lock,
/// so several nodes starting at once apply each migration exactly once.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbStartError> {
    let run = async {
        if db.get_database_backend() == DatabaseBackend::Postgres {
            let txn = db.begin().await?;
            txn.execute_unprepared(&format!("SELECT pg_advisory_xact_lock({MIGRATION_LOCK_KEY})")).await?;
            Migrator::up(&txn, None).await?;
            txn.commit().await
        } else {
            Migrator::up(db, None).await
        }
    };
    run.await.map_err(DbStartError::Migrate)
}

/// Round-trips a trivial query; returns how long it took.
pub async fn ping(db: &DatabaseConnection) -> Result<Duration, DbErr> {
    let started = Instant::now();
    db.execute_unprepared("SELECT 1").await?;
    Ok(started.elapsed())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_paths_are_found_in_urls() {
        assert_eq!(sqlite_path(&"sqlite://data/jiuzhu.db?mode=rwc".into()), Some("data/jiuzhu.db"));
        assert_eq!(sqlite_path(&"sqlite:///var/lib/j.db".into()), Some("/var/lib/j.db"));
        assert_eq!(sqlite_path(&"sqlite::memory:".into()), None);
        assert_eq!(sqlite_path(&"postgres://localhost/j".into()), None);
    }
}
