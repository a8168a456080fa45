//! The official list of regions, read-only.

use crate::db::Db;
use crate::db::repo::regions as repo;
use crate::domain::region::Region;
use crate::error::Error;

pub async fn provinces(db: &Db) -> Result<Vec<Region>, Error> {
    db.run(|conn| Ok(repo::provinces(conn)?)).await
}

pub async fn within(db: &Db, province_code: &str) -> Result<Vec<Region>, Error> {
    let code = province_code.to_owned();
    db.run(move |conn| Ok(repo::within(conn, &code)?)).await
}

pub async fn find(db: &Db, code: &str) -> Result<Option<Region>, Error> {
    let code = code.to_owned();
    db.run(move |conn| Ok(repo::find(conn, &code)?)).await
}
