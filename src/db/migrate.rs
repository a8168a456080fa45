//! Embedded migrations, one folder per backend with identical names.

use diesel::prelude::*;
use diesel::sql_types::BigInt;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use super::DbConnection;

const SQLITE: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Any constant will do as long as every bimtek instance uses the same one.
const PG_MIGRATION_LOCK: i64 = 0x6269_6d74_656b; // "bimtek"

/// Applies pending migrations and returns how many ran. Instances starting
/// together take turns and the second finds nothing left to do: PostgreSQL
/// holds a session advisory lock; SQLite runs them all in one immediate
/// transaction, each migration a savepoint within it.
pub fn run(conn: &mut DbConnection) -> Result<usize, String> {
    match conn {
        DbConnection::Sqlite(conn) => conn
            .immediate_transaction(|conn| apply(conn, SQLITE).map_err(MigrationFailed))
            .map_err(|MigrationFailed(reason)| reason),
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

struct MigrationFailed(String);

impl From<diesel::result::Error> for MigrationFailed {
    fn from(error: diesel::result::Error) -> Self {
        MigrationFailed(error.to_string())
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
