//! A bound on the images decoded at once on this node: each holds tens of megabytes and a core.
//! Callers wait for a turn up to `queue_wait`; past that the upload is answered 503 with
//! `Retry-After`, so a burst degrades into retries instead of exhausting memory. The bound is per
//! node by nature (it guards this node's memory and cores), so it needs no shared store.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Semaphore;

use crate::blocking;
use crate::error::{ApiError, ErrorCode};

pub struct ImageGate {
    permits: Arc<Semaphore>,
    queue_wait: Duration,
}

impl ImageGate {
    pub fn new(in_flight: usize, queue_wait: Duration) -> Self {
        Self { permits: Arc::new(Semaphore::new(in_flight.max(1))), queue_wait }
    }

    /// Runs `work` on the blocking pool (tracing span kept) once a turn is free.
    pub async fn run<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let permit = tokio::time::timeout(self.queue_wait, self.permits.clone().acquire_owned())
            .await
            .map_err(|_| ApiError::new(ErrorCode::UploadBusy).with_retry_after(3))?
            .map_err(ApiError::internal)?;
        let out = blocking::run(work).await;
        drop(permit);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_full_gate_answers_busy_after_the_wait() {
        let gate = Arc::new(ImageGate::new(1, Duration::from_millis(50)));
        let (started_tx, started_rx) = std::sync::mpsc::channel();
        let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
        let slow = {
            let gate = gate.clone();
            tokio::spawn(async move {
                gate.run(move || {
                    let _ = started_tx.send(());
                    let _ = release_rx.recv();
                })
                .await
            })
        };
        tokio::task::spawn_blocking(move || started_rx.recv()).await.unwrap().unwrap();
        let busy = gate.run(|| ()).await.unwrap_err();
        assert_eq!(busy.code(), ErrorCode::UploadBusy);
        release_tx.send(()).unwrap();
        slow.await.unwrap().unwrap();
        gate.run(|| ()).await.unwrap();
    }
}
