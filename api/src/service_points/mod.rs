//! Community service points and their QR codes: scan to apply.

pub mod model;
pub mod routes;
mod scoped;
pub mod service;
pub mod token;

pub use scoped::ScopedServicePoint;
