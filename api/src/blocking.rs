//! CPU-heavy work (password hashing, image decoding) runs on the blocking pool, not on the async
//! workers, and keeps the request's tracing span so its log lines carry the request id.

use crate::error::ApiError;

pub async fn run<T, F>(work: F) -> Result<T, ApiError>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    let span = tracing::Span::current();
    tokio::task::spawn_blocking(move || span.in_scope(work)).await.map_err(ApiError::internal)
}
