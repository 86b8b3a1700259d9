//! How failures of the layers below the web answer over HTTP. `infra` and `blocking` keep their
//! own error types and never see `ApiError`; this edge maps them, so `?` still works in handlers
//! and services: a missing file is 404 `NOT_FOUND`, any other storage failure 503, blocking work
//! that did not finish an opaque 500.

use crate::blocking::Interrupted;
use crate::error::{ApiError, ErrorCode};
use crate::infra::storage::StorageError;

impl From<StorageError> for ApiError {
    fn from(err: StorageError) -> Self {
        match err {
            StorageError::NotFound => ApiError::new(ErrorCode::NotFound),
            other => ApiError::unavailable(other),
        }
    }
}

impl From<Interrupted> for ApiError {
    fn from(err: Interrupted) -> Self {
        ApiError::internal(err)
    }
}
