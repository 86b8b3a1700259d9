//! Documents (photos and PDFs) attached to applications, stored through `infra::storage`, and the
//! resident's wallet for reuse. The image checks and normalisation come with the photo pipeline.

pub mod model;
pub mod routes;
pub mod service;
pub mod sniff;
