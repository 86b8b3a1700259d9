//! Documents (photos and PDFs) attached to applications, stored through `infra::storage`, and the
//! resident's wallet for reuse. Photos pass through the pipeline first ([`photos`], `imaging`):
//! checked with guidance, normalised, fingerprinted; near-duplicates across households are
//! flagged for reviewers ([`flags`]).

pub(crate) mod flags;
pub(crate) mod imaging_errors;
pub mod model;
pub mod photos;
pub(crate) mod routes;
pub(crate) mod service;
pub mod sniff;

use sniff::FileKind;

/// What a document upload may be (a signature only a PNG).
pub const DOCUMENT_KINDS: [FileKind; 4] = [FileKind::Jpeg, FileKind::Png, FileKind::Webp, FileKind::Pdf];
