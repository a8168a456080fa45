//! A real S3-compatible server (s3s-fs: S3 over HTTP, objects as files in
//! a temporary folder) on 127.0.0.1, with signed requests, for the
//! storage tests. Stops with the test's runtime.

use std::path::{Path, PathBuf};

use bimtek::integrations::storage::{S3Config, StorageConfig};
use bimtek::secret::Secret;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto::Builder;
use s3s::auth::SimpleAuth;
use s3s::service::S3ServiceBuilder;
use tempfile::TempDir;
use tokio::net::TcpListener;

const BUCKET: &str = "bimtek-files";
const ACCESS_KEY_ID: &str = "bimtek-test";
const SECRET_ACCESS_KEY: &str = "a-secret-for-the-test-server";

pub struct S3Server {
    pub endpoint: String,
    root: TempDir,
}

impl S3Server {
    /// Serves one bucket until the test ends.
    pub async fn start() -> S3Server {
        let root = tempfile::tempdir().expect("a temporary folder");
        std::fs::create_dir(root.path().join(BUCKET)).expect("the bucket's folder");
        let fs = s3s_fs::FileSystem::new(root.path()).expect("s3s-fs opens its folder");
        let mut builder = S3ServiceBuilder::new(fs);
        builder.set_auth(SimpleAuth::from_single(ACCESS_KEY_ID, SECRET_ACCESS_KEY));
        let service = builder.build();
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let service = service.clone();
                tokio::spawn(async move {
                    let _ = Builder::new(TokioExecutor::new())
                        .serve_connection(TokioIo::new(socket), service)
                        .await;
                });
            }
        });
        S3Server { endpoint, root }
    }

    /// The settings of an instance that keeps its files under `prefix`.
    pub fn config(&self, prefix: &str) -> StorageConfig {
        StorageConfig::S3(S3Config {
            bucket: BUCKET.into(),
            prefix: prefix.into(),
            endpoint: Some(self.endpoint.parse().unwrap()),
            region: "us-east-1".into(),
            credentials: Some((ACCESS_KEY_ID.into(), Secret::new(SECRET_ACCESS_KEY))),
        })
    }

    /// The files the server holds, as paths inside the bucket.
    pub fn objects(&self) -> Vec<PathBuf> {
        files_under(&self.root.path().join(BUCKET))
    }
}

/// Every file below `dir`, relative to it, in order.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(next) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&next) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else {
                found.push(path.strip_prefix(dir).unwrap().to_path_buf());
            }
        }
    }
    found.sort();
    found
}
