//! A bound on the images decoded at once on this node, in turns (each takes a core) and in memory
//! (each reserves what its decode will hold, estimated from the header by
//! [`super::pipeline::cost`]). Callers wait for both up to `queue_wait`; past that the upload is
//! answered 503 with `Retry-After`, so a burst degrades into retries instead of exhausting memory.
//! The bound is per node by nature (it guards this node's memory and cores), so it needs no
//! shared store.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Semaphore;

use crate::blocking;
use crate::error::{ApiError, ErrorCode};

const MIB: u64 = 1 << 20;

pub struct ImageGate {
    turns: Arc<Semaphore>,
    /// One permit a MiB of the memory budget.
    memory: Arc<Semaphore>,
    memory_mib: u32,
    queue_wait: Duration,
}

impl ImageGate {
    /// `in_flight` images at once, holding `memory_budget` bytes between them.
    pub fn new(in_flight: usize, memory_budget: u64, queue_wait: Duration) -> Self {
        let memory_mib = u32::try_from(memory_budget / MIB).unwrap_or(u32::MAX).max(1);
        Self {
            turns: Arc::new(Semaphore::new(in_flight.max(1))),
            memory: Arc::new(Semaphore::new(memory_mib as usize)),
            memory_mib,
            queue_wait,
        }
    }

    /// Runs `work` on the blocking pool (tracing span kept) once a turn and `cost` bytes of the
    /// budget are free; both are held until it ends. A cost over the whole budget takes all of it.
    pub async fn run<T, F>(&self, cost: u64, work: F) -> Result<T, ApiError>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let mib = u32::try_from(cost.div_ceil(MIB)).unwrap_or(u32::MAX).clamp(1, self.memory_mib);
        let permits = async {
            let memory = self.memory.clone().acquire_many_owned(mib).await?;
            let turn = self.turns.clone().acquire_owned().await?;
            Ok::<_, tokio::sync::AcquireError>((memory, turn))
        };
        let permits = tokio::time::timeout(self.queue_wait, permits)
            .await
            .map_err(|_| ApiError::new(ErrorCode::UploadBusy).with_retry_after(3))?
            .map_err(ApiError::internal)?;
        let out = blocking::run(work).await.map_err(ApiError::from);
        drop(permits);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Holds `cost` bytes of `gate` until `release` says; returns once the work has started.
    async fn occupy(
        gate: &Arc<ImageGate>,
        cost: u64,
    ) -> (tokio::task::JoinHandle<Result<(), ApiError>>, std::sync::mpsc::Sender<()>) {
        let (started_tx, started_rx) = std::sync::mpsc::channel();
        let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
        let gate = gate.clone();
        let task = tokio::spawn(async move {
            gate.run(cost, move || {
                let _ = started_tx.send(());
                let _ = release_rx.recv();
            })
            .await
        });
        tokio::task::spawn_blocking(move || started_rx.recv()).await.unwrap().unwrap();
        (task, release_tx)
    }

    #[tokio::test]
    async fn the_memory_budget_in_use_answers_busy_though_turns_are_free() {
        let gate = Arc::new(ImageGate::new(4, 80 * MIB, Duration::from_millis(50)));
        let (big, release) = occupy(&gate, 60 * MIB).await;
        let busy = gate.run(30 * MIB, || ()).await.unwrap_err();
        assert_eq!(busy.code(), ErrorCode::UploadBusy);
        gate.run(20 * MIB, || ()).await.unwrap();
        release.send(()).unwrap();
        big.await.unwrap().unwrap();
        gate.run(30 * MIB, || ()).await.unwrap();
        // More than the whole budget takes all of it rather than waiting for ever.
        gate.run(500 * MIB, || ()).await.unwrap();
    }

    #[tokio::test]
    async fn a_full_gate_answers_busy_after_the_wait() {
        let gate = Arc::new(ImageGate::new(1, 80 * MIB, Duration::from_millis(50)));
        let (slow, release) = occupy(&gate, MIB).await;
        let busy = gate.run(MIB, || ()).await.unwrap_err();
        assert_eq!(busy.code(), ErrorCode::UploadBusy);
        release.send(()).unwrap();
        slow.await.unwrap().unwrap();
        gate.run(MIB, || ()).await.unwrap();
    }
}
