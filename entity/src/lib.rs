//! sea-orm entities, one module per table. Query helpers that take the caller's scope live beside
//! their entity.

pub mod audit_event;
