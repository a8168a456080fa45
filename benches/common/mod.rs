//! What the Rust benchmarks share: settings from the environment and the
//! databases they run on (a fresh SQLite file, and a fresh PostgreSQL
//! database when `BIMTEK_BENCH_POSTGRES_URL` names a server).

use std::path::Path;

use bimtek::db::DatabaseUrl;
use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};

pub fn number(name: &str) -> Option<usize> {
    std::env::var(name).ok().and_then(|v| v.parse().ok())
}

pub struct BenchDatabase {
    pub label: &'static str,
    pub url: DatabaseUrl,
    /// The PostgreSQL server and the database to drop afterwards.
    created: Option<(String, String)>,
}

/// SQLite in `dir`, then PostgreSQL when a server is given; `name` tells
/// the benchmarks' databases apart.
pub fn databases(dir: &Path, name: &str) -> Vec<BenchDatabase> {
    let mut all = vec![BenchDatabase {
        label: "sqlite",
        url: DatabaseUrl::Sqlite(dir.join("bench.db")),
        created: None,
    }];
    if let Ok(server) = std::env::var("BIMTEK_BENCH_POSTGRES_URL") {
        let database = format!("bimtek_bench_{name}_{}", std::process::id());
        let mut admin = PgConnection::establish(&server).expect("PostgreSQL answers");
        admin
            .batch_execute(&format!("CREATE DATABASE {database}"))
            .unwrap();
        let mut url = url::Url::parse(&server).unwrap();
        url.set_path(&database);
        all.push(BenchDatabase {
            label: "postgres",
            url: DatabaseUrl::Postgres(url.to_string()),
            created: Some((server, database)),
        });
    }
    all
}

impl BenchDatabase {
    /// Drops the PostgreSQL database this run created.
    pub fn drop_created(self) {
        if let Some((server, database)) = self.created {
            let mut admin = PgConnection::establish(&server).unwrap();
            let _ =
                admin.batch_execute(&format!("DROP DATABASE IF EXISTS {database} WITH (FORCE)"));
        }
    }
}
