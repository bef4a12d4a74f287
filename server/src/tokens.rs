//! Secrets: API keys, session tokens and sign-in links are random, prefixed, and stored
//! only as SHA-256 hashes. A fast hash is right here: the tokens carry 192 bits of
//! randomness, so there is nothing for a slow password hash to protect.

use rand::RngCore;
use sha2::{Digest, Sha256};

/// API keys start with this, so that secret scanners and users can recognise them.
pub const API_KEY_PREFIX: &str = "ccj_";

/// A new random token: `prefix` + 48 hex digits.
pub fn random_token(prefix: &str) -> String {
    let mut bytes = [0u8; 24];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!("{prefix}{}", hex::encode(bytes))
}

/// The hash under which a token is stored and looked up.
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.trim().as_bytes()))
}

/// A short, non-secret label for a key, to tell keys apart in listings.
pub fn key_label(key: &str) -> String {
    key.chars().take(API_KEY_PREFIX.len() + 6).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_prefixed_and_hashed() {
        let (a, b) = (random_token(API_KEY_PREFIX), random_token(API_KEY_PREFIX));
        assert_ne!(a, b);
        assert!(a.starts_with("ccj_") && a.len() == 52, "{a}");
        assert_eq!(hash_token(&a), hash_token(&format!(" {a}\n")));
        assert_ne!(hash_token(&a), hash_token(&b));
        assert_eq!(key_label(&a).len(), 10);
    }
}
