//! Which records fall in a fixed share, reproducibly: the 10% sample, escalated rejections,
//! sampled check-ins.

use sha2::{Digest, Sha256};

/// Whether the record named by `key` falls in a fixed `percent` share: decided by a hash of the
/// key, so the choice is reproducible and cannot be steered (escalated rejections, sampled
/// check-ins).
pub fn in_share(key: &str, percent: u8) -> bool {
    let digest = Sha256::digest(key.as_bytes());
    u16::from_be_bytes([digest[0], digest[1]]) % 100 < u16::from(std::cmp::Ord::min(percent, 100))
}
