//! Progress anyone concerned can follow (进度可查询): the applicant's view of an application, served
//! from the shared cache and invalidated by every change, kept in PostgreSQL by every change's
//! transaction, and the public status query.

pub(crate) mod batch;
mod build;
pub mod cache;
pub(crate) mod model;
pub(crate) mod routes;
pub(crate) mod service;
pub(crate) mod snapshot;

use uuid::Uuid;

use crate::state::AppState;
use crate::uow::UnitOfWork;

/// What a change to application `id` means for its progress page, registered with the change's
/// unit of work: the snapshot rebuilt once, just before the commit (from the last state, however
/// many steps changed it), and the cached answer deleted once after the commit.
pub fn changed(uow: &mut UnitOfWork, id: Uuid) {
    uow.before_commit(format!("progress.snapshot:{id}"), move |txn| Box::pin(snapshot::refresh(txn, id)));
    forget_cached(uow, id);
}

/// A change whose writer holds the application's final row, items and events (the submit): the
/// snapshot is written from them once before the commit, with nothing read back. Nothing was
/// cached for the draft, so there is no answer to delete.
pub fn changed_to(
    uow: &mut UnitOfWork,
    app: entity::application::Model,
    items: Vec<(entity::application_item::Model, Option<entity::aid_item::Model>)>,
    events: Vec<entity::application_event::Model>,
) {
    uow.before_commit(format!("progress.snapshot:{}", app.id), move |txn| {
        Box::pin(async move { snapshot::write(txn, &app, &items, &events).await })
    });
}

/// The events of application `id` as the progress timeline shows them.
pub async fn events(
    db: &impl sea_orm::ConnectionTrait,
    id: Uuid,
) -> Result<Vec<entity::application_event::Model>, crate::error::ApiError> {
    build::events(db, id).await
}

/// The cached progress answer of `id` deleted after the commit (the snapshot being written in the
/// transaction already, by code shared with the offline sync). A Redis that does not answer
/// leaves the key to the repair job (`cache::invalidate`).
pub fn forget_cached(uow: &mut UnitOfWork, id: Uuid) {
    uow.after_commit(format!("progress.cache:{id}"), move |state: &AppState| {
        Box::pin(async move {
            cache::invalidate(&state.cache, &state.db, id).await;
            Ok(())
        })
    });
}
