//! The authorization (授权书) for the economic check: versioned text, scope, signer, the
//! handwritten signature as a PNG, immutable once signed, revocation recorded.

pub mod model;
pub(crate) mod routes;
pub(crate) mod service;
pub(crate) mod text;
