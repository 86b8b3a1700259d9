//! The file store behind one small interface: `put`, `get`, `delete` by key. Keys are made by the
//! server (`documents/2026/12/<random uuid>`), never from a file name, a client's id or personal
//! data. Two back ends:
//! - **local** (default): files under a directory; writes go to a temporary name and are renamed,
//!   so a crash never leaves half a file under a real key. One node only.
//! - **object**: any S3-compatible store through `object_store` (`storage.backend = "s3"`), which
//!   every node shares; a PUT is atomic there too.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use object_store::{ObjectStore, ObjectStoreExt};
use secrecy::ExposeSecret;

use crate::blocking;
use crate::config::{Settings, StorageBackend};

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("invalid storage key")]
    Key,
    #[error("not found")]
    NotFound,
    #[error("storage I/O failed: {0}")]
    Io(#[from] std::io::Error),
    #[error("object store: {0}")]
    Object(#[from] object_store::Error),
}

#[derive(Debug, thiserror::Error)]
pub enum StorageConfigError {
    #[error("存储配置错误 / storage.s3: {0}")]
    S3(String),
}

pub enum Storage {
    Local { root: PathBuf },
    Object { store: Arc<dyn ObjectStore>, prefix: String },
}

impl Storage {
    pub fn from_settings(settings: &Settings) -> Result<Self, StorageConfigError> {
        let storage = &settings.storage;
        match storage.backend {
            StorageBackend::Local => {
                let root = storage.local_dir.clone().unwrap_or_else(|| settings.data_dir.0.join("files"));
                Ok(Self::Local { root })
            }
            StorageBackend::S3 => {
                // object_store's HTTP client uses the process's rustls provider (ring, as everywhere).
                super::install_tls_provider();
                let s3 = &storage.s3;
                let bucket =
                    s3.bucket.as_deref().ok_or_else(|| StorageConfigError::S3("set storage.s3.bucket".into()))?;
                let mut builder = object_store::aws::AmazonS3Builder::from_env()
                    .with_bucket_name(bucket)
                    .with_region(&s3.region)
                    .with_allow_http(s3.allow_http);
                if let Some(endpoint) = &s3.endpoint {
                    builder = builder.with_endpoint(endpoint).with_virtual_hosted_style_request(false);
                }
                if let Some(id) = &s3.access_key_id {
                    builder = builder.with_access_key_id(id);
                }
                if let Some(secret) = &s3.secret_access_key {
                    builder = builder.with_secret_access_key(secret.expose_secret());
                }
                let store = builder.build().map_err(|e| StorageConfigError::S3(e.to_string()))?;
                let prefix = s3.prefix.clone().unwrap_or_default().trim_matches('/').to_owned();
                if !prefix.is_empty() && check_key(&prefix).is_err() {
                    return Err(StorageConfigError::S3(
                        "storage.s3.prefix: lower-case letters, digits, '-' and '/'".into(),
                    ));
                }
                Ok(Self::Object { store: Arc::new(store), prefix })
            }
        }
    }

    /// What the start-up log says about where files go.
    pub fn describe(&self) -> String {
        match self {
            Self::Local { root } => format!("local directory {}", root.display()),
            Self::Object { store, .. } => format!("object store {store}"),
        }
    }

    pub async fn put(&self, key: &str, bytes: Vec<u8>) -> Result<(), StorageError> {
        check_key(key).map_err(|()| StorageError::Key)?;
        match self {
            Self::Local { root } => {
                let path = root.join(key);
                blocking::run(move || write_atomically(&path, &bytes))
                    .await
                    .map_err(|_| StorageError::Io(interrupted()))?
            }
            Self::Object { store, prefix } => {
                store.put(&object_path(prefix, key), bytes::Bytes::from(bytes).into()).await?;
                Ok(())
            }
        }
    }

    pub async fn get(&self, key: &str) -> Result<Vec<u8>, StorageError> {
        check_key(key).map_err(|()| StorageError::Key)?;
        match self {
            Self::Local { root } => {
                let path = root.join(key);
                let read =
                    blocking::run(move || std::fs::read(path)).await.map_err(|_| StorageError::Io(interrupted()))?;
                read.map_err(|err| {
                    if err.kind() == std::io::ErrorKind::NotFound { StorageError::NotFound } else { err.into() }
                })
            }
            Self::Object { store, prefix } => match store.get(&object_path(prefix, key)).await {
                Ok(found) => Ok(found.bytes().await?.to_vec()),
                Err(object_store::Error::NotFound { .. }) => Err(StorageError::NotFound),
                Err(err) => Err(err.into()),
            },
        }
    }

    /// Removes the file; a missing one is not an error.
    pub async fn delete(&self, key: &str) -> Result<(), StorageError> {
        check_key(key).map_err(|()| StorageError::Key)?;
        match self {
            Self::Local { root } => {
                let path = root.join(key);
                let removed = blocking::run(move || std::fs::remove_file(path))
                    .await
                    .map_err(|_| StorageError::Io(interrupted()))?;
                match removed {
                    Err(err) if err.kind() != std::io::ErrorKind::NotFound => Err(err.into()),
                    _ => Ok(()),
                }
            }
            Self::Object { store, prefix } => match store.delete(&object_path(prefix, key)).await {
                Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
                Err(err) => Err(err.into()),
            },
        }
    }
}

fn object_path(prefix: &str, key: &str) -> object_store::path::Path {
    if prefix.is_empty() {
        object_store::path::Path::from(key)
    } else {
        object_store::path::Path::from(format!("{prefix}/{key}"))
    }
}

fn interrupted() -> std::io::Error {
    std::io::Error::other("the blocking task was cancelled")
}

/// Keys are `[a-z0-9-]` segments joined by `/`: nothing can climb out of the root.
fn check_key(key: &str) -> Result<(), ()> {
    let ok = !key.is_empty()
        && key.split('/').all(|seg| {
            !seg.is_empty() && seg.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        });
    if ok { Ok(()) } else { Err(()) }
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
        assert!(check_key("documents/2026/11/abc-1").is_ok());
        for bad in ["", "../etc/passwd", "a//b", "/abs", "a/./b", "UPPER", "a b"] {
            assert!(check_key(bad).is_err(), "{bad}");
        }
    }

    async fn round_trip(storage: &Storage) {
        storage.put("documents/x/one", b"hello".to_vec()).await.unwrap();
        assert_eq!(storage.get("documents/x/one").await.unwrap(), b"hello");
        storage.put("documents/x/one", b"again".to_vec()).await.unwrap();
        assert_eq!(storage.get("documents/x/one").await.unwrap(), b"again");
        storage.delete("documents/x/one").await.unwrap();
        assert!(matches!(storage.get("documents/x/one").await, Err(StorageError::NotFound)));
        storage.delete("documents/x/one").await.unwrap();
        assert!(matches!(storage.put("../escape", b"x".to_vec()).await, Err(StorageError::Key)));
    }

    #[tokio::test]
    async fn the_local_back_end_round_trips() {
        let root = std::env::temp_dir().join(format!("jiuzhu-storage-{}", uuid::Uuid::new_v4().simple()));
        round_trip(&Storage::Local { root: root.clone() }).await;
        std::fs::remove_dir_all(root).unwrap();
    }

    #[tokio::test]
    async fn the_object_store_back_end_round_trips() {
        let store = Arc::new(object_store::memory::InMemory::new());
        round_trip(&Storage::Object { store: store.clone(), prefix: "jiuzhu".into() }).await;
        let storage = Storage::Object { store: store.clone(), prefix: "jiuzhu".into() };
        storage.put("documents/a", b"x".to_vec()).await.unwrap();
        assert!(
            store.head(&object_store::path::Path::from("jiuzhu/documents/a")).await.is_ok(),
            "written under the prefix"
        );
    }

    #[test]
    fn an_s3_back_end_needs_a_bucket() {
        let mut settings = Settings::default();
        settings.storage.backend = StorageBackend::S3;
        assert!(Storage::from_settings(&settings).is_err());
        settings.storage.s3.bucket = Some("jiuzhu".into());
        settings.storage.s3.endpoint = Some("http://127.0.0.1:9000".into());
        settings.storage.s3.allow_http = true;
        assert!(matches!(Storage::from_settings(&settings), Ok(Storage::Object { .. })));
    }
}
