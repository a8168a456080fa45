use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::secrets;

/// The stored value of `name`, storing `make()` first when there is none.
/// Instances starting together agree: the first insert wins, the others
/// read it.
pub fn get_or_create(
    conn: &mut DbConnection,
    name: &str,
    make: impl FnOnce() -> String,
) -> QueryResult<String> {
    let read = |conn: &mut DbConnection| {
        secrets::table
            .find(name)
            .select(secrets::value)
            .first::<String>(conn)
            .optional()
    };
    if let Some(value) = read(conn)? {
        return Ok(value);
    }
    let inserted = conn.transaction(|conn| {
        diesel::insert_into(secrets::table)
            .values((secrets::name.eq(name), secrets::value.eq(make())))
            .execute(conn)
    });
    match inserted {
        Ok(_) => {}
        Err(error) if super::is_unique_violation(&error) => {}
        Err(error) => return Err(error),
    }
    read(conn)?.ok_or(diesel::result::Error::NotFound)
}
