//! Files (e-mail attachments, uploads): kept under a content key, in a local
//! folder or in an S3-compatible object store shared by every instance.
//! Callers see put, get as a stream and delete; where the bytes live is
//! this module's business.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures_util::StreamExt;
use futures_util::stream::BoxStream;
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path;
use object_store::{
    ClientOptions, GetOptions, GetRange, ObjectStore, ObjectStoreExt, PutPayload, RetryConfig,
    WriteMultipart,
};
use sha2::{Digest, Sha256};

use crate::secret::Secret;

/// Where files are kept, as configured.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StorageConfig {
    /// `BIMTEK_STORAGE_DIR`.
    Folder(PathBuf),
    /// `BIMTEK_STORAGE_URL=s3://bucket/prefix` and its companions.
    S3(S3Config),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct S3Config {
    pub bucket: String,
    /// Keys are written under it; empty: the bucket's root.
    pub prefix: String,
    /// `None`: Amazon S3 itself, by region.
    pub endpoint: Option<url::Url>,
    pub region: String,
    /// `None`: the credentials of the environment (an instance role, AWS_* variables).
    pub credentials: Option<(String, Secret)>,
}

/// The key of a stored file: the SHA-256 of its bytes, in hex. The same
/// bytes stored twice are one file.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FileKey(String);

impl FileKey {
    pub fn of(bytes: &[u8]) -> FileKey {
        FileKey(format!("{:x}", Sha256::digest(bytes)))
    }

    /// The key of bytes hashed as they streamed by.
    pub fn hashed(hasher: Sha256) -> FileKey {
        FileKey(format!("{:x}", hasher.finalize()))
    }

    /// A key read back from the database; anything but 64 hex digits is
    /// refused, so no key names a path of its choosing.
    pub fn parse(raw: &str) -> Option<FileKey> {
        (raw.len() == 64 && raw.bytes().all(|b| b.is_ascii_hexdigit()))
            .then(|| FileKey(raw.to_ascii_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for FileKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum StorageError {
    #[error("file {0} is not in storage")]
    Missing(FileKey),
    /// The folder or the object store failed; trying later may help.
    #[error("storage: {0}")]
    Unavailable(String),
}

/// The bytes of a stored file, as they arrive.
pub type FileStream = BoxStream<'static, Result<Bytes, StorageError>>;

#[derive(Clone, Debug)]
pub struct Storage {
    store: Arc<dyn ObjectStore>,
    prefix: Path,
}

impl Storage {
    /// Opens the folder (creating it) or the bucket, and checks that it
    /// answers: a wrong setting stops the start with one line naming it.
    pub async fn open(config: &StorageConfig) -> Result<Storage, String> {
        match config {
            StorageConfig::Folder(dir) => {
                let setting = "BIMTEK_STORAGE_DIR";
                let shown = dir.display();
                std::fs::create_dir_all(dir)
                    .map_err(|e| format!("{setting}: cannot create {shown}: {e}"))?;
                let store = LocalFileSystem::new_with_prefix(dir)
                    .map_err(|e| format!("{setting}: cannot use {shown}: {e}"))?;
                let storage = Storage {
                    store: Arc::new(store),
                    prefix: Path::default(),
                };
                storage
                    .probe()
                    .await
                    .map_err(|e| format!("{setting}: cannot write to {shown}: {e}"))?;
                Ok(storage)
            }
            StorageConfig::S3(s3) => {
                let setting = "BIMTEK_STORAGE_URL";
                let storage = Storage {
                    store: Arc::new(s3_store(s3).map_err(|e| format!("{setting}: {e}"))?),
                    prefix: Path::from(s3.prefix.as_str()),
                };
                tokio::time::timeout(Duration::from_secs(20), storage.probe())
                    .await
                    .unwrap_or_else(|_| Err("no answer within 20 seconds".into()))
                    .map_err(|e| format!("{setting}: bucket {} cannot be used: {e}", s3.bucket))?;
                Ok(storage)
            }
        }
    }

    /// Stores the bytes; their key. Storing the same bytes again writes
    /// the same object.
    pub async fn put(&self, bytes: Bytes) -> Result<FileKey, StorageError> {
        let key = FileKey::of(&bytes);
        self.store
            .put(&self.path(&key), PutPayload::from(bytes))
            .await
            .map_err(unavailable)?;
        Ok(key)
    }

    /// Stores a file already on disk under its key (the SHA-256 of its
    /// bytes, taken as they were written), sending it in parts so that a
    /// large file never sits whole in memory; a key already stored is not
    /// sent again.
    pub async fn put_file(&self, key: &FileKey, file: std::fs::File) -> Result<(), StorageError> {
        use tokio::io::{AsyncReadExt, AsyncSeekExt};
        let path = self.path(key);
        if self.store.head(&path).await.is_ok() {
            return Ok(());
        }
        let upload = self.store.put_multipart(&path).await.map_err(unavailable)?;
        let mut writer = WriteMultipart::new_with_chunk_size(upload, PART_SIZE);
        let mut file = tokio::fs::File::from_std(file);
        let read_error = |e: std::io::Error| StorageError::Unavailable(e.to_string());
        file.seek(std::io::SeekFrom::Start(0))
            .await
            .map_err(read_error)?;
        let mut buffer = vec![0; 256 * 1024];
        loop {
            let read = file.read(&mut buffer).await.map_err(read_error)?;
            if read == 0 {
                break;
            }
            // One part on its way while the next fills: two parts' worth
            // of memory at most.
            writer.wait_for_capacity(1).await.map_err(unavailable)?;
            writer.write(&buffer[..read]);
        }
        writer.finish().await.map_err(unavailable)?;
        Ok(())
    }

    pub async fn get(&self, key: &FileKey) -> Result<FileStream, StorageError> {
        self.get_part(key, None).await
    }

    /// The bytes `range` of a stored file (its end excluded), or all of
    /// them.
    pub async fn get_part(
        &self,
        key: &FileKey,
        range: Option<std::ops::Range<u64>>,
    ) -> Result<FileStream, StorageError> {
        let options = GetOptions {
            range: range.map(GetRange::Bounded),
            ..GetOptions::default()
        };
        let found = self
            .store
            .get_opts(&self.path(key), options)
            .await
            .map_err(|e| match e {
                object_store::Error::NotFound { .. } => StorageError::Missing(key.clone()),
                e => unavailable(e),
            })?;
        Ok(found
            .into_stream()
            .map(|part| part.map_err(unavailable))
            .boxed())
    }

    /// The whole file, for a consumer that needs it at once (an e-mail).
    pub async fn read(&self, key: &FileKey) -> Result<Vec<u8>, StorageError> {
        let mut stream = self.get(key).await?;
        let mut bytes = Vec::new();
        while let Some(part) = stream.next().await {
            bytes.extend_from_slice(&part?);
        }
        Ok(bytes)
    }

    /// Removing a file that is not there is not an error.
    pub async fn delete(&self, key: &FileKey) -> Result<(), StorageError> {
        match self.store.delete(&self.path(key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(unavailable(e)),
        }
    }

    /// Spread over 256 folders, so that no folder grows too large to list.
    fn path(&self, key: &FileKey) -> Path {
        self.prefix
            .clone()
            .join("sha256")
            .join(&key.0[..2])
            .join(key.as_str())
    }

    async fn probe(&self) -> Result<(), String> {
        let key = self.put(Bytes::from_static(b"bimtek")).await;
        let key = key.map_err(|e| e.to_string())?;
        self.read(&key).await.map_err(|e| e.to_string())?;
        Ok(())
    }
}

/// The parts a large file is sent in: S3's smallest but for the last.
const PART_SIZE: usize = 5 * 1024 * 1024;

fn unavailable(e: object_store::Error) -> StorageError {
    StorageError::Unavailable(e.to_string().replace('\n', " "))
}

/// Path-style requests, so that any S3-compatible server answers without
/// a DNS name per bucket; plain HTTP is allowed only when the endpoint
/// says so.
fn s3_store(s3: &S3Config) -> Result<impl ObjectStore, String> {
    let mut builder = AmazonS3Builder::new()
        .with_bucket_name(&s3.bucket)
        .with_region(&s3.region)
        .with_retry(RetryConfig {
            max_retries: 3,
            retry_timeout: Duration::from_secs(30),
            ..RetryConfig::default()
        })
        .with_client_options(ClientOptions::new().with_timeout(Duration::from_secs(60)));
    if let Some(endpoint) = &s3.endpoint {
        builder = builder
            .with_endpoint(endpoint.as_str().trim_end_matches('/'))
            .with_allow_http(endpoint.scheme() == "http");
    }
    if let Some((key_id, secret)) = &s3.credentials {
        builder = builder
            .with_access_key_id(key_id)
            .with_secret_access_key(secret.expose());
    }
    builder.build().map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_the_hash_of_the_bytes_and_nothing_else_parses() {
        let key = FileKey::of(b"abc");
        assert_eq!(
            key.as_str(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(FileKey::parse(key.as_str()), Some(key));
        assert_eq!(FileKey::parse("../../etc/passwd"), None);
        assert_eq!(FileKey::parse(&"g".repeat(64)), None);
    }
}
