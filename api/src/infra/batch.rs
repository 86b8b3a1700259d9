//! Reads in batches (the DataLoader pattern): under load, the reads waiting at one moment go out
//! as one load (one `WHERE id IN (…)` query, say) instead of one round trip each. Nothing waits
//! for a batch to fill: a batch is what queued while the previous ones were in flight, so a lone
//! read goes out at once. What a batch loads is the caller's to say (`progress::batch` reads
//! progress snapshots with it).

use std::collections::HashMap;
use std::fmt::Display;
use std::hash::Hash;
use std::sync::Arc;

use tokio::sync::{Semaphore, mpsc, oneshot};

type Reply<V> = oneshot::Sender<Result<Option<V>, String>>;

/// The largest batch, and how many batches may be in flight at once.
const MAX_BATCH: usize = 128;
const IN_FLIGHT: usize = 4;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum BatchError {
    /// The batching task is gone (the runtime is shutting down).
    #[error("the batch reader stopped")]
    Stopped,
    /// The batch holding this read ended without an answer for it.
    #[error("the batch reader dropped a read")]
    Dropped,
    /// The load of the batch failed, with its error.
    #[error("{0}")]
    Failed(String),
}

/// Reads values of type `V` by key `K`, a batch at a time.
pub struct BatchReader<K, V> {
    queue: mpsc::Sender<(K, Reply<V>)>,
}

impl<K, V> Clone for BatchReader<K, V> {
    fn clone(&self) -> Self {
        Self { queue: self.queue.clone() }
    }
}

impl<K, V> BatchReader<K, V>
where
    K: Clone + Ord + Hash + Send + 'static,
    V: Clone + Send + 'static,
{
    /// Starts the batching task on the current runtime; `load` is given the distinct keys of a
    /// batch, sorted, and answers the values it found.
    pub fn spawn<L, F, E>(load: L) -> Self
    where
        L: Fn(Vec<K>) -> F + Send + Sync + 'static,
        F: Future<Output = Result<HashMap<K, V>, E>> + Send + 'static,
        E: Display + 'static,
    {
        let (queue, requests) = mpsc::channel(4096);
        tokio::spawn(run(Arc::new(load), requests));
        Self { queue }
    }

    /// The value of `key`, when there is one.
    pub async fn read(&self, key: K) -> Result<Option<V>, BatchError> {
        let (reply, answer) = oneshot::channel();
        self.queue.send((key, reply)).await.map_err(|_| BatchError::Stopped)?;
        match answer.await {
            Ok(Ok(found)) => Ok(found),
            Ok(Err(error)) => Err(BatchError::Failed(error)),
            Err(_) => Err(BatchError::Dropped),
        }
    }
}

async fn run<K, V, L, F, E>(load: Arc<L>, mut requests: mpsc::Receiver<(K, Reply<V>)>)
where
    K: Clone + Ord + Hash + Send + 'static,
    V: Clone + Send + 'static,
    L: Fn(Vec<K>) -> F + Send + Sync + 'static,
    F: Future<Output = Result<HashMap<K, V>, E>> + Send + 'static,
    E: Display + 'static,
{
    let slots = Arc::new(Semaphore::new(IN_FLIGHT));
    loop {
        let Ok(permit) = slots.clone().acquire_owned().await else { return };
        let Some(first) = requests.recv().await else { return };
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match requests.try_recv() {
                Ok(next) => batch.push(next),
                Err(_) => break,
            }
        }
        let mut keys: Vec<K> = batch.iter().map(|(key, _)| key.clone()).collect();
        keys.sort_unstable();
        keys.dedup();
        let loading = load(keys);
        tokio::spawn(async move {
            answer(loading.await.map_err(|error| error.to_string()), batch);
            drop(permit);
        });
    }
}

fn answer<K: Hash + Eq, V: Clone>(loaded: Result<HashMap<K, V>, String>, batch: Vec<(K, Reply<V>)>) {
    match loaded {
        Ok(found) => {
            for (key, reply) in batch {
                let _ = reply.send(Ok(found.get(&key).cloned()));
            }
        }
        Err(error) => {
            for (_, reply) in batch {
                let _ = reply.send(Err(error.clone()));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    #[tokio::test]
    async fn reads_waiting_together_share_a_load_and_each_gets_its_own_answer() {
        let loads = Arc::new(AtomicUsize::new(0));
        let counted = loads.clone();
        let reader = BatchReader::spawn(move |keys: Vec<u32>| {
            counted.fetch_add(1, Ordering::SeqCst);
            async move { Ok::<_, String>(keys.into_iter().filter(|k| k % 2 == 0).map(|k| (k, k * 10)).collect()) }
        });
        let reads = (0..20).map(|i| reader.read(i % 5));
        let answers = futures_util::future::join_all(reads).await;
        for (i, answer) in answers.into_iter().enumerate() {
            let key = u32::try_from(i % 5).unwrap();
            assert_eq!(answer, Ok((key % 2 == 0).then_some(key * 10)), "read {i}");
        }
        assert!(loads.load(Ordering::SeqCst) < 20, "some reads were batched");
    }

    #[tokio::test]
    async fn a_failed_load_fails_every_read_of_its_batch() {
        let reader = BatchReader::<u32, u32>::spawn(|_| async { Err("database down") });
        assert_eq!(reader.read(1).await, Err(BatchError::Failed("database down".to_owned())));
    }
}
