//! The words every domain uses: where an application stands, who is calling and in which region,
//! what a document is, what a note must hold. This module depends on nothing else of the api, so
//! every layer may use it and none of it can pull a domain along.

mod decision;
mod document;
mod note;
mod period;
mod principal;
mod region;
mod role;
mod sample;
mod scope;
mod status;

pub use decision::RejectReason;
pub use document::DocumentType;
pub use note::{NOTE_MAX_CHARS, NoteError, note};
pub use period::{BadMonth, MonthBounds, month_bounds, p90};
pub use principal::{Principal, Refusal};
pub use region::{RegionCode, RegionCodeError, RegionLevel};
pub use role::{HelperKind, Role};
pub use sample::in_share;
pub use scope::Scope;
pub use status::{ItemStatus, Relation, Status};
