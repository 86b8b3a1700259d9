//! The aid catalog: what can be applied for, on what conditions, with which documents, decided by
//! whom and how fast. Readable without an account; admins maintain it.

pub(crate) mod model;
pub(crate) mod routes;
pub mod seed;
pub(crate) mod service;
