//! Community service points and their QR codes: scan to apply.

pub(crate) mod model;
pub(crate) mod routes;
mod scoped;
pub(crate) mod service;
pub mod token;

pub use scoped::ScopedServicePoint;
