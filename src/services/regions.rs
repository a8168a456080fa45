//! The official list of regions, read-only.

use std::sync::Arc;

use crate::db::Db;
use crate::domain::region::Directory;
use crate::error::Error;

pub async fn directory(db: &Db) -> Result<Arc<Directory>, Error> {
    Ok(db.regions().await?)
}
