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
