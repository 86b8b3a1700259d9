//! The unit of work: one command's database transaction, and what has to happen once when it
//! commits.
//!
//! **Who owns the transaction (the one rule).** A command's unit of work is begun by its service
//! entry point — the function a handler, a job or the command line calls to carry out one command
//! — with [`UnitOfWork::begin`], and finished there with one [`UnitOfWork::commit`]. Handlers never
//! begin one, and neither does code below the entry point: that code takes `uow.txn()` for its
//! reads and writes, or `&mut UnitOfWork` when it has an effect to register. Dropping a unit of
//! work without committing it rolls it back, and then none of its effects run. (The offline sync
//! batch is one unit of work for all its ops; the code it shares with the online path takes
//! `uow.txn()`, and a savepoint inside it is a savepoint, not a second owner.)
//!
//! **Effects.** What a change implies besides its own rows is registered here, not called by hand
//! at each site, under a key that makes it run once per unit of work however many steps ask for
//! it:
//! - [`UnitOfWork::before_commit`]: writes that belong to the same transaction and only need the
//!   last state (the progress snapshot of an application), run in order just before the commit;
//!   an error there rolls everything back and is the command's error.
//! - [`UnitOfWork::after_commit`]: what must only see committed data (deleting a cached answer),
//!   run in order after the commit. A failure is logged and never turns the committed write into
//!   an error: each such effect has its own repair path (`progress::cache::repair`).
//!
//! **What effects reach.** Online, `commit(state)` hands the effects the app state. A service that
//! is also called where there is no app state (a seed, the command line, a test) and takes only the
//! database begins a `UnitOfWork<()>` and commits it with `commit(&())`; its effects capture what
//! they need (a cache handle) when they are registered.
//!
//! The module knows no domain: effects are boxed closures registered by the domains themselves
//! (`progress::changed`).

use std::collections::HashSet;

use futures_util::future::BoxFuture;
use sea_orm::{DatabaseConnection, DatabaseTransaction, TransactionTrait};

use crate::error::ApiError;
use crate::state::AppState;

/// A write inside the transaction, run just before the commit.
pub type BeforeCommit = Box<dyn for<'t> FnOnce(&'t DatabaseTransaction) -> BoxFuture<'t, Result<(), ApiError>> + Send>;

/// An effect after the commit, given what it needs to reach (the app state online).
pub type AfterCommit<C> = Box<dyn for<'c> FnOnce(&'c C) -> BoxFuture<'c, Result<(), ApiError>> + Send>;

/// One command's transaction and its registered effects (see the module doc for the rule).
#[must_use = "a unit of work that is not committed rolls back"]
pub struct UnitOfWork<C = AppState> {
    txn: DatabaseTransaction,
    keys: HashSet<String>,
    before: Vec<(String, BeforeCommit)>,
    after: Vec<(String, AfterCommit<C>)>,
}

impl<C> UnitOfWork<C> {
    /// Begins the command's transaction: called once, by the command's service entry point.
    pub async fn begin(db: &DatabaseConnection) -> Result<Self, ApiError> {
        Ok(Self { txn: db.begin().await?, keys: HashSet::new(), before: Vec::new(), after: Vec::new() })
    }

    /// The transaction, for the reads and writes of the command.
    pub fn txn(&self) -> &DatabaseTransaction {
        &self.txn
    }

    /// Registers a write to run in the transaction just before the commit, once per `key`.
    pub fn before_commit<F>(&mut self, key: String, write: F)
    where
        F: for<'t> FnOnce(&'t DatabaseTransaction) -> BoxFuture<'t, Result<(), ApiError>> + Send + 'static,
    {
        if self.keys.insert(format!("before:{key}")) {
            self.before.push((key, Box::new(write)));
        }
    }

    /// Registers an effect to run once after the commit, once per `key`; never after a rollback.
    pub fn after_commit<F>(&mut self, key: String, effect: F)
    where
        F: for<'c> FnOnce(&'c C) -> BoxFuture<'c, Result<(), ApiError>> + Send + 'static,
    {
        if self.keys.insert(format!("after:{key}")) {
            self.after.push((key, Box::new(effect)));
        }
    }

    /// Runs the registered writes, commits, then runs the effects. An effect that fails is logged:
    /// the write is committed and stays the answer.
    pub async fn commit(self, context: &C) -> Result<(), ApiError> {
        let Self { txn, before, after, .. } = self;
        for (_, write) in before {
            write(&txn).await?;
        }
        txn.commit().await?;
        for (key, effect) in after {
            if let Err(err) = effect(context).await {
                tracing::error!(error = ?err, effect = %key, "an effect after a commit failed; its repair job takes over");
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use sea_orm::{ConnectionTrait, Database};

    use super::*;

    /// What the effects saw: their names, in the order they ran.
    #[derive(Default)]
    struct Seen(Mutex<Vec<String>>);

    fn note(uow: &mut UnitOfWork<Seen>, key: &str) {
        let name = key.to_owned();
        uow.after_commit(key.to_owned(), move |seen: &Seen| {
            Box::pin(async move {
                seen.0.lock().map_err(|_| ApiError::internal("poisoned"))?.push(name);
                Ok(())
            })
        });
    }

    async fn database() -> DatabaseConnection {
        // One connection: every connection to `:memory:` is a database of its own.
        let mut options = sea_orm::ConnectOptions::new("sqlite::memory:");
        options.max_connections(1).min_connections(1).sqlx_logging(false);
        let db = Database::connect(options).await.unwrap();
        db.execute_unprepared("CREATE TABLE t (v INTEGER)").await.unwrap();
        db
    }

    #[tokio::test]
    async fn effects_run_once_after_the_commit_and_never_after_a_rollback() {
        let db = database().await;
        let seen = Seen::default();

        let mut uow = UnitOfWork::<Seen>::begin(&db).await.unwrap();
        uow.txn().execute_unprepared("INSERT INTO t VALUES (1)").await.unwrap();
        note(&mut uow, "invalidate:a");
        note(&mut uow, "invalidate:b");
        note(&mut uow, "invalidate:a");
        assert!(seen.0.lock().unwrap().is_empty(), "nothing runs before the commit");
        uow.commit(&seen).await.unwrap();
        assert_eq!(*seen.0.lock().unwrap(), ["invalidate:a", "invalidate:b"]);

        let mut uow = UnitOfWork::<Seen>::begin(&db).await.unwrap();
        uow.txn().execute_unprepared("INSERT INTO t VALUES (2)").await.unwrap();
        note(&mut uow, "invalidate:c");
        drop(uow);
        assert_eq!(seen.0.lock().unwrap().len(), 2, "a rolled-back unit of work runs no effect");
        let rows =
            db.query_all_raw(sea_orm::Statement::from_string(db.get_database_backend(), "SELECT v FROM t")).await;
        assert_eq!(rows.unwrap().len(), 1);
    }

    #[tokio::test]
    async fn writes_before_the_commit_run_once_in_the_transaction_and_failed_effects_are_logged() {
        let db = database().await;
        let seen = Seen::default();
        let mut uow = UnitOfWork::<Seen>::begin(&db).await.unwrap();
        for _ in 0..3 {
            uow.before_commit("snapshot:a".into(), |txn| {
                Box::pin(async move {
                    txn.execute_unprepared("INSERT INTO t VALUES (7)").await?;
                    Ok(())
                })
            });
        }
        uow.after_commit("fails".into(), |_: &Seen| Box::pin(async { Err(ApiError::internal("redis is down")) }));
        note(&mut uow, "after");
        uow.commit(&seen).await.expect("a failed effect is not the command's error");
        assert_eq!(*seen.0.lock().unwrap(), ["after"]);
        let rows =
            db.query_all_raw(sea_orm::Statement::from_string(db.get_database_backend(), "SELECT v FROM t")).await;
        assert_eq!(rows.unwrap().len(), 1, "the write registered three times ran once");
    }

    #[tokio::test]
    async fn a_failed_write_before_the_commit_rolls_back_and_runs_no_effect() {
        let db = database().await;
        let seen = Seen::default();
        let mut uow = UnitOfWork::<Seen>::begin(&db).await.unwrap();
        uow.txn().execute_unprepared("INSERT INTO t VALUES (1)").await.unwrap();
        uow.before_commit("broken".into(), |txn| {
            Box::pin(async move {
                txn.execute_unprepared("INSERT INTO missing VALUES (1)").await?;
                Ok(())
            })
        });
        note(&mut uow, "after");
        assert!(uow.commit(&seen).await.is_err());
        assert!(seen.0.lock().unwrap().is_empty());
        let rows =
            db.query_all_raw(sea_orm::Statement::from_string(db.get_database_backend(), "SELECT v FROM t")).await;
        assert!(rows.unwrap().is_empty());
    }
}
