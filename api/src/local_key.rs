//! Keys a bare single-machine run makes once and keeps in its data directory (mode 0600), so that
//! what they protect survives a restart: the personal-data keys and the token-signing key.
//! Production takes its keys from configuration instead.

use std::path::Path;

/// The text of the key file at `path`, made by `make` (and written with mode 0600) when absent.
/// Two processes starting at once both read the one that was written first.
pub fn read_or_create(path: &Path, make: impl FnOnce() -> std::io::Result<String>) -> std::io::Result<String> {
    if !path.exists() {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        match write_private(path, &make()?) {
            Err(err) if err.kind() != std::io::ErrorKind::AlreadyExists => return Err(err),
            _ => {}
        }
    }
    std::fs::read_to_string(path)
}

/// `len` random bytes.
pub fn random_bytes(len: usize) -> std::io::Result<Vec<u8>> {
    let mut bytes = vec![0u8; len];
    getrandom::fill(&mut bytes).map_err(|e| std::io::Error::other(e.to_string()))?;
    Ok(bytes)
}

#[cfg(unix)]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)?;
    file.write_all(text.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new().write(true).create_new(true).open(path)?;
    file.write_all(text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_made_once_private_and_then_reused() {
        let dir = std::env::temp_dir().join(format!("jiuzhu-key-{}", uuid::Uuid::new_v4().simple()));
        let path = dir.join("nested").join("key");
        let first = read_or_create(&path, || Ok("one".to_owned())).unwrap();
        let second = read_or_create(&path, || Ok("two".to_owned())).unwrap();
        assert_eq!((first.as_str(), second.as_str()), ("one", "one"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
