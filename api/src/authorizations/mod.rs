//! The authorization (授权书) for the economic check: versioned text, scope, signer, the
//! handwritten signature as a PNG, immutable once signed, revocation recorded.

pub mod model;
pub mod routes;
pub mod service;
pub mod text;
