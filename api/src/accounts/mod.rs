//! Accounts: the caller's own (`/me`) and staff administration.

pub mod model;
pub(crate) mod routes;
pub mod service;
mod validate;
