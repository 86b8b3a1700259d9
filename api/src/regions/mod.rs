//! The region tree: districts, townships and communities. Every staff permission is scoped by it.

pub mod model;
pub(crate) mod routes;
mod scoped;
pub mod service;

pub use scoped::ScopedRegion;
