//! Passwords as Argon2id PHC strings (the crate's defaults: 19 MiB, 2 passes).

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use std::sync::LazyLock;

/// Shortest password accepted: NIST SP 800-63B's minimum for chosen secrets.
pub const MIN_LEN: usize = 8;
/// Longest: enough for any passphrase, and a bound on the hashing work one request asks for.
pub const MAX_LEN: usize = 256;

/// Hashes `password` with a fresh salt.
pub fn hash(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        // Only a salt or parameters out of range fail, and ours are the crate's own.
        .expect("argon2 hashes with its default parameters")
}

/// Whether `password` matches `stored`. A malformed `stored` matches nothing.
pub fn verify(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// Spends the time of one verification on nothing.
// why: a sign-in for an unknown email would otherwise answer faster than one
// with a wrong password, telling an attacker which emails have accounts.
pub fn verify_nobody(password: &str) {
    static NOBODY: LazyLock<String> = LazyLock::new(|| hash("no account has this password"));
    verify(password, &NOBODY);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_only() {
        let stored = hash("correct horse");
        assert!(stored.starts_with("$argon2id$"));
        assert!(verify("correct horse", &stored));
        assert!(!verify("correct horsf", &stored));
        assert!(!verify("correct horse", "not a hash"));
        assert_ne!(stored, hash("correct horse"), "every hash has its own salt");
    }
}
