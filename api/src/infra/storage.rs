//! The file store behind one small interface: `put`, `get`, `delete` by key. Keys are made by the
//! server (`documents/2026/11/<uuid>`), never from a file name or personal data. The local back end
//! writes to a temporary name and renames, so a crash never leaves half a file under a real key.
//! An S3-compatible back end joins it with the document-photo pipeline; nodes then share files.

use std::path::{Path, PathBuf};

use crate::blocking;
use crate::config::Settings;
use crate::error::ApiError;

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("invalid storage key")]
    Key,
    #[error("not found")]
    NotFound,
    #[error("storage I/O failed: {0}")]
    Io(#[from] std::io::Error),
}

impl From<StorageError> for ApiError {
    fn from(err: StorageError) -> Self {
        match err {
            StorageError::NotFound => ApiError::new(crate::error::ErrorCode::NotFound),
            other => ApiError::unavailable(other),
        }
    }
}

pub enum Storage {
    Local { root: PathBuf },
}

impl Storage {
    pub fn from_settings(settings: &Settings) -> Self {
        let root = settings.storage.local_dir.clone().unwrap_or_else(|| settings.data_dir.0.join("files"));
        Self::Local { root }
    }

    pub async fn put(&self, key: &str, bytes: Vec<u8>) -> Result<(), StorageError> {
        let Self::Local { root } = self;
        let path = local_path(root, key)?;
        blocking::run(move || write_atomically(&path, &bytes)).await.map_err(|_| StorageError::Io(interrupted()))?
    }

    pub async fn get(&self, key: &str) -> Result<Vec<u8>, StorageError> {
        let Self::Local { root } = self;
        let path = local_path(root, key)?;
        let read = blocking::run(move || std::fs::read(path)).await.map_err(|_| StorageError::Io(interrupted()))?;
        read.map_err(|err| if err.kind() == std::io::ErrorKind::NotFound { StorageError::NotFound } else { err.into() })
    }

    pub async fn delete(&self, key: &str) -> Result<(), StorageError> {
        let Self::Local { root } = self;
        let path = local_path(root, key)?;
        let removed =
            blocking::run(move || std::fs::remove_file(path)).await.map_err(|_| StorageError::Io(interrupted()))?;
        match removed {
            Err(err) if err.kind() != std::io::ErrorKind::NotFound => Err(err.into()),
            _ => Ok(()),
        }
    }
}

fn interrupted() -> std::io::Error {
    std::io::Error::other("the blocking task was cancelled")
}

/// Keys are `[a-z0-9-]` segments joined by `/`: nothing can climb out of the root.
fn local_path(root: &Path, key: &str) -> Result<PathBuf, StorageError> {
    let ok = !key.is_empty()
        && key.split('/').all(|seg| {
            !seg.is_empty() && seg.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        });
    if ok { Ok(root.join(key)) } else { Err(StorageError::Key) }
}

fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), StorageError> {
    use std::io::Write;
    let dir = path.parent().ok_or(StorageError::Key)?;
    std::fs::create_dir_all(dir)?;
    let tmp = path.with_extension(format!("tmp-{}", uuid::Uuid::new_v4().simple()));
    let mut file = std::fs::File::create(&tmp)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    std::fs::rename(&tmp, path)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_cannot_leave_the_root() {
        let root = Path::new("/srv/files");
        assert!(local_path(root, "documents/2026/11/abc-1").is_ok());
        for bad in ["", "../etc/passwd", "a//b", "/abs", "a/./b", "UPPER", "a b"] {
            assert!(local_path(root, bad).is_err(), "{bad}");
        }
    }

    #[tokio::test]
    async fn put_get_delete_round_trip() {
        let root = std::env::temp_dir().join(format!("jiuzhu-storage-{}", uuid::Uuid::new_v4().simple()));
        let storage = Storage::Local { root: root.clone() };
        storage.put("documents/x/one", b"hello".to_vec()).await.unwrap();
        assert_eq!(storage.get("documents/x/one").await.unwrap(), b"hello");
        storage.delete("documents/x/one").await.unwrap();
        assert!(matches!(storage.get("documents/x/one").await, Err(StorageError::NotFound)));
        storage.delete("documents/x/one").await.unwrap();
        std::fs::remove_dir_all(root).unwrap();
    }
}
