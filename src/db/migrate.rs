//! Embedded migrations, one folder per backend with identical names.

use diesel::prelude::*;
use diesel::sql_types::BigInt;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use super::DbConnection;

const SQLITE: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Any constant will do as long as every bimtek instance uses the same one.
const PG_MIGRATION_LOCK: i64 = 0x6269_6d74_656b; // "bimtek"

/// Applies pending migrations and returns how many ran. On PostgreSQL this
/// holds a session advisory lock, so instances starting together take turns
/// and the second finds nothing left to do.
pub fn run(conn: &mut DbConnection) -> Result<usize, String> {
    match conn {
        DbConnection::Sqlite(conn) => apply(conn, SQLITE),
        DbConnection::Pg(conn) => {
            let lock = |sql: &str, conn: &mut PgConnection| {
                diesel::sql_query(sql)
                    .bind::<BigInt, _>(PG_MIGRATION_LOCK)
                    .execute(conn)
                    .map_err(|e| e.to_string())
            };
            lock("SELECT pg_advisory_lock($1)", conn)?;
            let applied = apply(conn, POSTGRES);
            lock("SELECT pg_advisory_unlock($1)", conn)?;
            applied
        }
    }
}

fn apply<C>(conn: &mut C, migrations: EmbeddedMigrations) -> Result<usize, String>
where
    C: MigrationHarness<C::Backend> + Connection,
{
    conn.run_pending_migrations(migrations)
        .map(|versions| versions.len())
        .map_err(|e| e.to_string())
}
