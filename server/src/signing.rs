//! Signed, expiring download links: HMAC-SHA256 over (job, file kind, expiry) with a
//! server key kept in the database, so links survive restarts and work across instances.

use app::model::JobId;
use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

#[derive(Clone)]
pub struct Signer {
    key: Vec<u8>,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Signer(<redacted>)")
    }
}

impl Signer {
    pub fn new(key: &[u8]) -> Self {
        Self { key: key.to_vec() }
    }

    fn mac(&self, id: JobId, kind: &str, expires: i64) -> HmacSha256 {
        // A key of any length is valid for HMAC; this cannot fail.
        let mut mac = HmacSha256::new_from_slice(&self.key).unwrap_or_else(|_| unreachable!());
        mac.update(format!("{id}\n{kind}\n{expires}").as_bytes());
        mac
    }

    pub fn sign(&self, id: JobId, kind: &str, expires: i64) -> String {
        hex::encode(self.mac(id, kind, expires).finalize().into_bytes())
    }

    /// Constant-time check of a signature.
    pub fn verify(&self, id: JobId, kind: &str, expires: i64, signature: &str) -> bool {
        match hex::decode(signature) {
            Ok(bytes) => self.mac(id, kind, expires).verify_slice(&bytes).is_ok(),
            Err(_) => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_bind_job_kind_and_expiry() {
        let signer = Signer::new(b"k");
        let id: JobId = "0193a1b2-0000-7000-8000-000000000001".parse().expect("id");
        let other: JobId = "0193a1b2-0000-7000-8000-000000000002".parse().expect("id");
        let sig = signer.sign(id, "target", 100);
        assert!(signer.verify(id, "target", 100, &sig));
        assert!(!signer.verify(id, "target", 101, &sig));
        assert!(!signer.verify(id, "source", 100, &sig));
        assert!(!signer.verify(other, "target", 100, &sig));
        assert!(!Signer::new(b"other").verify(id, "target", 100, &sig));
        assert!(!signer.verify(id, "target", 100, "zz"));
    }
}
