//! Files behind one storage: a local folder by default, an S3-compatible
//! object store shared by every instance when one is set.

use bimtek::integrations::storage::{FileKey, Storage, StorageError};
use bytes::Bytes;
use futures_util::StreamExt;

use crate::support::s3_server::{S3Server, files_under};
use crate::support::*;

/// A file of a few hundred kilobytes, so that it streams back in parts.
fn certificate() -> Bytes {
    let mut bytes = b"%PDF-1.7\n".to_vec();
    bytes.extend((0..300_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8));
    Bytes::from(bytes)
}

async fn streamed(storage: &Storage, key: &FileKey) -> Vec<u8> {
    let mut stream = storage.get(key).await.expect("the file is there");
    let mut bytes = Vec::new();
    while let Some(part) = stream.next().await {
        bytes.extend_from_slice(&part.expect("a part of the file"));
    }
    bytes
}

backend_tests!(a_file_is_stored_streamed_back_and_deleted_in_the_local_folder);
async fn a_file_is_stored_streamed_back_and_deleted_in_the_local_folder(backend: TestBackend) {
    let app = spawn_app(&backend).await;
    let file = certificate();
    let key = app.storage.put(file.clone()).await.unwrap();
    assert_eq!(
        key,
        FileKey::of(&file),
        "{app}: the key is the content's hash"
    );
    assert!(
        files_under(&app.storage_dir())
            .iter()
            .any(|path| path.ends_with(key.as_str())),
        "{app}: the file is in the folder: {:?}",
        files_under(&app.storage_dir())
    );
    assert_eq!(streamed(&app.storage, &key).await, file, "{app}");
    assert_eq!(app.storage.put(file.clone()).await.unwrap(), key, "{app}");

    app.storage.delete(&key).await.unwrap();
    assert!(
        !files_under(&app.storage_dir())
            .iter()
            .any(|path| path.ends_with(key.as_str())),
        "{app}: the file is gone from the folder"
    );
    assert_eq!(
        app.storage.get(&key).await.err(),
        Some(StorageError::Missing(key.clone())),
        "{app}"
    );
    app.storage
        .delete(&key)
        .await
        .expect("deleting twice is no error");
}

backend_tests!(instances_share_files_through_an_s3_compatible_store);
async fn instances_share_files_through_an_s3_compatible_store(backend: TestBackend) {
    let s3 = S3Server::start().await;
    let app = spawn_app_with(&backend, |s| s.storage = s3.config("bimtek/files")).await;
    let other_instance = Storage::open(&s3.config("bimtek/files")).await.unwrap();

    let file = certificate();
    let key = app.storage.put(file.clone()).await.unwrap();
    assert!(
        s3.objects()
            .iter()
            .any(|path| path.starts_with("bimtek/files") && path.ends_with(key.as_str())),
        "{app}: the object is in the bucket under the prefix: {:?}",
        s3.objects()
    );
    assert!(
        files_under(&app.storage_dir()).is_empty(),
        "{app}: nothing goes to the local folder"
    );
    assert_eq!(
        streamed(&other_instance, &key).await,
        file,
        "{app}: another instance streams the same bytes back"
    );

    other_instance.delete(&key).await.unwrap();
    assert!(
        !s3.objects().iter().any(|path| path.ends_with(key.as_str())),
        "{app}: the object is gone: {:?}",
        s3.objects()
    );
    assert_eq!(
        app.storage.get(&key).await.err(),
        Some(StorageError::Missing(key.clone())),
        "{app}"
    );
}
