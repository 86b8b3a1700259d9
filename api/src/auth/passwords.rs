//! Staff passwords: argon2id hashes (OWASP parameters, the crate's defaults) computed off the async
//! workers, and the rules a new password must meet.

use std::sync::OnceLock;

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};

use crate::blocking;
use crate::error::{ApiError, FieldCode, FieldError, Message};

pub const MIN_LEN: usize = 10;
pub const MAX_LEN: usize = 128;

/// Passwords people pick first; refused even though they meet the other rules.
const COMMON: [&str; 10] = [
    "password123",
    "password1234",
    "1234567890a",
    "a1234567890",
    "qwerty12345",
    "abc1234567",
    "abcd123456",
    "admin12345",
    "woaini1314",
    "1qaz2wsx3edc",
];

/// Hashes `password` to an argon2id PHC string.
pub async fn hash(password: String) -> Result<String, ApiError> {
    blocking::run(move || hash_now(&password)).await?
}

/// Hashes synchronously, for the command line.
pub fn hash_now(password: &str) -> Result<String, ApiError> {
    Argon2::default().hash_password(password.as_bytes()).map(|hash| hash.to_string()).map_err(ApiError::internal)
}

/// Whether `password` matches `stored`. With no stored hash (unknown user) a dummy hash is checked,
/// so the answer takes as long either way and does not reveal whether the account exists.
pub async fn verify(password: String, stored: Option<String>) -> Result<bool, ApiError> {
    let matches = blocking::run(move || {
        let known = stored.is_some();
        let stored = stored.unwrap_or_else(|| dummy_hash().to_owned());
        let matches = PasswordHash::new(&stored)
            .is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok());
        known && matches
    })
    .await?;
    Ok(matches)
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash_now("jiuzhu-dummy-password-0").unwrap_or_default())
}

/// The rules for a new password: 10 to 128 characters, letters and digits, not the username, not
/// a well-known one. The error names `field`.
pub fn check_rules(field: &str, password: &str, username: &str) -> Result<(), ApiError> {
    let problem = |zh: &'static str, en: &'static str| {
        Err(ApiError::validation(vec![FieldError::new(field, FieldCode::WeakPassword, Message::new(zh, en))]))
    };
    let chars = password.chars().count();
    if chars < MIN_LEN {
        return problem("密码至少需要 10 位,请加长后再试", "Use at least 10 characters");
    }
    if chars > MAX_LEN {
        return problem("密码最多 128 位,请缩短后再试", "Use at most 128 characters");
    }
    if !password.chars().any(char::is_alphabetic) || !password.chars().any(|c| c.is_ascii_digit()) {
        return problem("密码需同时包含字母和数字", "Use both letters and digits");
    }
    let lower = password.to_lowercase();
    if username.chars().count() >= 3 && lower.contains(&username.to_lowercase()) {
        return problem("密码不能包含用户名", "The password must not contain the username");
    }
    if COMMON.contains(&lower.as_str()) {
        return problem("该密码过于常见,容易被猜中,请换一个", "This password is too common; choose another");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_only() {
        let stored = hash("correct horse 42".to_owned()).await.unwrap();
        assert!(stored.starts_with("$argon2id$"), "{stored}");
        assert!(verify("correct horse 42".to_owned(), Some(stored.clone())).await.unwrap());
        assert!(!verify("correct horse 43".to_owned(), Some(stored)).await.unwrap());
        assert!(!verify("jiuzhu-dummy-password-0".to_owned(), None).await.unwrap(), "no account, no match");
        assert!(!verify("x".to_owned(), Some("not a phc string".to_owned())).await.unwrap());
    }

    #[test]
    fn rules_refuse_weak_passwords_with_a_reason() {
        for weak in ["short1", "onlyletterslong", "1234567890123", "zhangwei2024x", "Password123"] {
            let err = check_rules("password", weak, "zhangwei").unwrap_err();
            assert_eq!(err.errors()[0].code, FieldCode::WeakPassword, "{weak}");
            assert_eq!(err.errors()[0].field, "password");
        }
        assert!(check_rules("password", &"a1".repeat(65), "u").is_err());
        assert!(check_rules("password", "长城2024很长的密码", "zhangwei").is_ok());
        assert!(check_rules("password", "Lanterns-at-dusk-7", "zhangwei").is_ok());
    }
}
