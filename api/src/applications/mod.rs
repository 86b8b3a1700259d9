//! Applications: one household and the aid items it asks for, drafted by the resident or by a
//! helper on their behalf, with members, documents and signed authorizations, then submitted.

pub(crate) mod commands;
pub(crate) mod events;
pub(crate) mod list;
pub(crate) mod lookups;
pub(crate) mod members;
pub mod model;
pub(crate) mod number;
pub(crate) mod routes;
pub(crate) mod scoped;
pub(crate) mod service;
pub(crate) mod submit;
mod validate;
pub(crate) mod view;

pub use lookups::Lookups;
pub use scoped::{ScopedApplication, locked};

/// How a `VERSION_CONFLICT` names an application.
pub const APPLICATION: (&str, &str) = ("该申请", "The application");

/// Records an event of `scope`'s application by its caller, outside a status change.
pub async fn record_event(
    db: &impl sea_orm::ConnectionTrait,
    scope: &ScopedApplication,
    kind: &'static str,
    details: serde_json::Value,
) -> Result<(), sea_orm::DbErr> {
    events::record(db, scope.application().id, kind, None, scope.principal(), details).await
}
