//! Secrets: configured ones that never show in logs, new random ones for
//! links, forms and check-in codes, and the digest a table keeps instead of
//! the secret.

use rand::RngCore;
use sha2::{Digest, Sha256};

/// A value that must not show up in logs: `Debug` prints a placeholder.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// For clap's `value_parser`: any text is a secret.
    pub fn parse(raw: &str) -> Result<Secret, String> {
        Ok(Secret::new(raw))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(…)")
    }
}

/// The key that signs and encrypts session cookies; `Debug` shows none of it.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretKey(Vec<u8>);

impl SecretKey {
    pub fn new(bytes: Vec<u8>) -> SecretKey {
        SecretKey(bytes)
    }

    pub fn bytes(&self) -> &[u8] {
        &self.0
    }
}

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey(…)")
    }
}

/// 32 random bytes, URL-safe base64 (43 characters).
pub fn new_secret() -> String {
    use base64::Engine;
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// A short code of `digits` decimal digits (at most 19), each code equally
/// likely: one shown in a room for people to type. rand's thread generator
/// is a CSPRNG seeded from the operating system, as for the secrets above.
pub fn new_code(digits: usize) -> String {
    use rand::Rng;
    let n = rand::rng().random_range(0..10u64.pow(digits as u32));
    format!("{n:0digits$}")
}

/// A certificate's verify code: 26 characters of lower-case base32
/// (a–z, 2–7), 130 random bits, short enough for a QR code and a link,
/// too many to guess.
pub fn new_verify_code() -> String {
    use rand::Rng;
    const ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";
    let mut rng = rand::rng();
    (0..26)
        .map(|_| char::from(ALPHABET[rng.random_range(0..32)]))
        .collect()
}

pub fn digest(secret: &str) -> String {
    Sha256::digest(secret.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
