//! CPU-heavy work (password hashing, image decoding) runs on the blocking pool, not on the async
//! workers, and keeps the request's tracing span so its log lines carry the request id.

/// The work did not finish: it panicked, or the runtime is shutting down.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct Interrupted(#[from] tokio::task::JoinError);

pub async fn run<T, F>(work: F) -> Result<T, Interrupted>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    let span = tracing::Span::current();
    Ok(tokio::task::spawn_blocking(move || span.in_scope(work)).await?)
}
