//! argon2id with OWASP's parameters (19 MiB, 2 passes, 1 lane). Hashing
//! takes tens of milliseconds and 19 MiB by design, so a burst of sign-ins
//! must cost waiting, not memory: at most one hash per core runs at once,
//! each in a memory area kept for the next, and an attempt that cannot start
//! within a few seconds is turned away (`Error::Busy`) rather than queued.

use std::sync::{LazyLock, Mutex};
use std::time::Duration;

use argon2::password_hash::{
    Output, ParamsString, PasswordHash, Salt, SaltString, rand_core::OsRng,
};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use tokio::sync::Semaphore;

use crate::error::Error;

/// How long an attempt waits for a free hasher before it is turned away.
const WAIT_FOR_HASHER: Duration = Duration::from_secs(3);

fn params() -> Params {
    Params::new(19 * 1024, 2, 1, None).expect("valid parameters")
}

/// One permit per memory area; an area is taken with a permit and put back
/// after the hash, so there are never more areas than permits.
struct Hashers {
    permits: Semaphore,
    areas: Mutex<Vec<Vec<Block>>>,
}

static HASHERS: LazyLock<Hashers> = LazyLock::new(|| {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    Hashers {
        permits: Semaphore::new(cores),
        areas: Mutex::new(Vec::with_capacity(cores)),
    }
});

/// Runs `work` with a memory area on the blocking pool, once a hasher is free.
async fn with_area<T: Send + 'static>(
    work: impl FnOnce(&mut Vec<Block>) -> T + Send + 'static,
) -> Result<T, Error> {
    let permit = tokio::time::timeout(WAIT_FOR_HASHER, HASHERS.permits.acquire())
        .await
        .map_err(|_| Error::Busy)?
        .map_err(|_| Error::Busy)?;
    tokio::task::spawn_blocking(move || {
        let _permit = permit;
        let take = || {
            HASHERS
                .areas
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .pop()
        };
        let mut area = take().unwrap_or_default();
        let result = work(&mut area);
        HASHERS
            .areas
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(area);
        result
    })
    .await
    .map_err(|e| Error::Internal(e.to_string()))
}

/// The raw hash of `password` under these settings, computed in `area`.
fn compute(
    argon2: &Argon2<'_>,
    password: &[u8],
    salt: Salt<'_>,
    out: &mut [u8],
    area: &mut Vec<Block>,
) -> argon2::password_hash::Result<()> {
    area.resize(argon2.params().block_count(), Block::default());
    let mut salt_bytes = [0u8; 64];
    let salt = salt.decode_b64(&mut salt_bytes)?;
    argon2
        .hash_password_into_with_memory(password, salt, out, &mut area[..])
        .map_err(argon2::password_hash::Error::from)
}

pub async fn hash(password: String) -> Result<String, Error> {
    with_area(move |area| {
        let params = params();
        let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
        let salt = SaltString::generate(&mut OsRng);
        let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
        compute(&argon2, password.as_bytes(), salt.as_salt(), &mut out, area)?;
        let hash = PasswordHash {
            algorithm: Algorithm::Argon2id.ident(),
            version: Some(Version::V0x13.into()),
            params: ParamsString::try_from(&params)?,
            salt: Some(salt.as_salt()),
            hash: Some(Output::new(&out)?),
        };
        Ok(hash.to_string())
    })
    .await?
    .map_err(|e: argon2::password_hash::Error| Error::Internal(format!("hashing a password: {e}")))
}

/// Checks a password against a stored hash, or against a dummy when there
/// is none, so that an address without an account takes as long to refuse
/// as one with a wrong password. `Error::Busy` when no hasher came free.
pub async fn verify(password: String, stored: Option<String>) -> Result<bool, Error> {
    static DUMMY: LazyLock<String> = LazyLock::new(|| {
        use argon2::password_hash::PasswordHasher;
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params())
            .hash_password(
                b"no account has this password",
                &SaltString::generate(&mut OsRng),
            )
            .expect("hashing works")
            .to_string()
    });
    let exists = stored.is_some();
    with_area(move |area| {
        let stored = stored.unwrap_or_else(|| DUMMY.clone());
        exists && matches(password.as_bytes(), &stored, area).unwrap_or(false)
    })
    .await
}

fn matches(
    password: &[u8],
    stored: &str,
    area: &mut Vec<Block>,
) -> argon2::password_hash::Result<bool> {
    let hash = PasswordHash::new(stored)?;
    let (Some(salt), Some(expected)) = (hash.salt, hash.hash) else {
        return Ok(false);
    };
    let version = hash.version.map_or(Ok(Version::V0x13), Version::try_from)?;
    let argon2 = Argon2::new(
        Algorithm::try_from(hash.algorithm)?,
        version,
        Params::try_from(&hash)?,
    );
    let mut out = vec![0u8; expected.len()];
    compute(&argon2, password, salt, &mut out, area)?;
    // Output compares in constant time.
    Ok(Output::new(&out)? == expected)
}

#[cfg(test)]
mod tests {
    use super::*;
    use argon2::password_hash::PasswordVerifier;

    #[tokio::test]
    async fn hashes_verify_and_are_argon2id() {
        let stored = hash("perpustakaan-desa".into()).await.unwrap();
        assert!(
            stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{stored}"
        );
        // The standard verifier agrees: hashes stay readable by any argon2 code.
        let parsed = PasswordHash::new(&stored).unwrap();
        assert!(
            Argon2::default()
                .verify_password(b"perpustakaan-desa", &parsed)
                .is_ok()
        );
        assert!(
            verify("perpustakaan-desa".into(), Some(stored.clone()))
                .await
                .unwrap()
        );
        assert!(
            !verify("perpustakaan-kota".into(), Some(stored))
                .await
                .unwrap()
        );
        assert!(
            !verify("no account has this password".into(), None)
                .await
                .unwrap()
        );
    }
}
