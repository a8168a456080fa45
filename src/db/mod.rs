//! The database: one connection type over SQLite and PostgreSQL, a pool, and
//! the one way the rest of the program touches it ([`Db::run`]), which keeps
//! diesel's blocking calls off the async executor.

pub mod migrate;
pub mod models;
pub mod repo;
pub mod schema;
pub mod states;
mod wakeup;
mod writer;

pub use wakeup::{Wakeup, wake_workers_on_commit};

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Semaphore;

use crate::domain::region::Directory;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::{self, ManageConnection};

#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Pg(PgConnection),
    Sqlite(SqliteConnection),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgresql",
        }
    }
}

/// Where the data lives, parsed from `BIMTEK_DATABASE_URL`.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    Sqlite(PathBuf),
    Postgres(String),
}

impl DatabaseUrl {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err("is empty".into());
        }
        if raw.starts_with("postgres://") || raw.starts_with("postgresql://") {
            url::Url::parse(raw).map_err(|e| format!("is not a valid PostgreSQL URL ({e})"))?;
            return Ok(DatabaseUrl::Postgres(raw.to_owned()));
        }
        if let Some(path) = raw.strip_prefix("sqlite://") {
            if path.is_empty() {
                return Err("sqlite:// needs a file path, e.g. sqlite://bimtek.db".into());
            }
            return Ok(DatabaseUrl::Sqlite(PathBuf::from(path)));
        }
        if let Some((scheme, _)) = raw.split_once("://") {
            return Err(format!(
                "unsupported scheme \"{scheme}\" (use a file path, sqlite://PATH or postgres://…)"
            ));
        }
        Ok(DatabaseUrl::Sqlite(PathBuf::from(raw)))
    }

    pub fn backend(&self) -> Backend {
        match self {
            DatabaseUrl::Sqlite(_) => Backend::Sqlite,
            DatabaseUrl::Postgres(_) => Backend::Postgres,
        }
    }
}

/// Shown in logs and messages: never the password.
impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DatabaseUrl::Sqlite(path) => write!(f, "sqlite://{}", path.display()),
            DatabaseUrl::Postgres(raw) => match url::Url::parse(raw) {
                Ok(mut url) => {
                    if url.password().is_some() {
                        let _ = url.set_password(Some("***"));
                    }
                    write!(f, "{url}")
                }
                Err(_) => f.write_str("postgres://…"),
            },
        }
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// Opens connections for the pool. SQLite settings are per connection, so
/// they are applied here rather than once.
pub struct Manager {
    url: DatabaseUrl,
}

impl ManageConnection for Manager {
    type Connection = DbConnection;
    type Error = ConnectionError;

    fn connect(&self) -> Result<DbConnection, ConnectionError> {
        match &self.url {
            DatabaseUrl::Postgres(url) => Ok(DbConnection::Pg(PgConnection::establish(url)?)),
            DatabaseUrl::Sqlite(path) => {
                let mut conn = SqliteConnection::establish(&path.to_string_lossy())?;
                // busy_timeout first: switching to WAL itself needs the write lock.
                conn.batch_execute(
                    "PRAGMA busy_timeout = 10000;
                     PRAGMA journal_mode = WAL;
                     PRAGMA synchronous = NORMAL;
                     PRAGMA foreign_keys = ON;",
                )
                .map_err(ConnectionError::CouldntSetupConfiguration)?;
                Ok(DbConnection::Sqlite(conn))
            }
        }
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), ConnectionError> {
        conn.batch_execute("SELECT 1")
            .map_err(ConnectionError::CouldntSetupConfiguration)
    }

    /// A connection that failed (the server restarted, the network broke)
    /// is dropped after that query instead of being tested before every
    /// checkout, which would cost PostgreSQL a round trip per request.
    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        use diesel::r2d2::R2D2Connection;
        match conn {
            DbConnection::Pg(pg) => pg.is_broken(),
            DbConnection::Sqlite(sqlite) => sqlite.is_broken(),
        }
    }
}

pub type Pool = r2d2::Pool<Manager>;

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("no database connection available: {0}")]
    Pool(#[from] r2d2::PoolError),
    #[error("database query failed: {0}")]
    Query(#[from] diesel::result::Error),
    #[error("database task was cancelled")]
    Cancelled,
    #[error("database commit failed: {0}")]
    Commit(String),
}

#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("BIMTEK_DATABASE_URL: the folder {0} does not exist")]
    MissingFolder(PathBuf),
    #[error("BIMTEK_DATABASE_URL: cannot open {url}: {reason}")]
    Connect { url: DatabaseUrl, reason: String },
    #[error("BIMTEK_DATABASE_URL: migrating {url} failed: {reason}")]
    Migrate { url: DatabaseUrl, reason: String },
}

/// The handle services use. Cloning is cheap.
#[derive(Clone)]
pub struct Db {
    pool: Pool,
    backend: Backend,
    /// One permit per pooled connection. Work waits here, asynchronously and
    /// first come first served, rather than on a blocking thread parked in
    /// the pool, whose wake-ups are not fair: under load some requests
    /// starved for seconds (measured on PostgreSQL at 64 connections).
    permits: Arc<Semaphore>,
    /// SQLite only: the one thread that writes (see [`writer`]).
    writer: Option<writer::Writer>,
    /// The official region list: seed data from a migration, which the
    /// program never changes, so it is read once per database.
    regions: Arc<tokio::sync::OnceCell<Arc<Directory>>>,
    /// Rung when work that queued a job has committed.
    wakeup: Wakeup,
}

impl Db {
    /// Opens (creating a SQLite file if needed), migrates, and pools. A new
    /// SQLite file that could not be set up is removed again, so a failed
    /// start leaves nothing half-created behind.
    pub fn open(url: &DatabaseUrl, pool_size: u32) -> Result<Db, OpenError> {
        let created = match url {
            DatabaseUrl::Sqlite(path) => {
                let folder = path.parent().filter(|p| !p.as_os_str().is_empty());
                if let Some(folder) = folder
                    && !folder.is_dir()
                {
                    return Err(OpenError::MissingFolder(folder.to_path_buf()));
                }
                // Created here, atomically: an instance starting beside
                // this one never counts the other's new file as its own.
                let fresh = std::fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .open(path)
                    .is_ok();
                fresh.then(|| path.clone())
            }
            DatabaseUrl::Postgres(_) => None,
        };
        let opened = Self::open_existing(url, pool_size);
        if let (Err(_), Some(path)) = (&opened, created) {
            remove_sqlite_files(&path);
        }
        opened
    }

    fn open_existing(url: &DatabaseUrl, pool_size: u32) -> Result<Db, OpenError> {
        let manager = Manager { url: url.clone() };
        let connect_error = |reason: String| OpenError::Connect {
            url: url.clone(),
            reason,
        };
        let mut conn = manager
            .connect()
            .map_err(|e| connect_error(one_line(&e.to_string())))?;
        migrate::run(&mut conn).map_err(|reason| OpenError::Migrate {
            url: url.clone(),
            reason: one_line(&reason),
        })?;
        drop(conn);
        let pool = r2d2::Pool::builder()
            .max_size(pool_size)
            .min_idle(Some(1))
            .test_on_check_out(false)
            .connection_timeout(Duration::from_secs(10))
            .build(manager)
            .map_err(|e| connect_error(one_line(&e.to_string())))?;
        let wakeup = Wakeup::default();
        let writer = match url {
            DatabaseUrl::Sqlite(_) => Some(
                writer::Writer::start(Manager { url: url.clone() }, wakeup.clone())
                    .map_err(|e| connect_error(format!("cannot start the writer thread: {e}")))?,
            ),
            DatabaseUrl::Postgres(_) => None,
        };
        Ok(Db {
            pool,
            backend: url.backend(),
            permits: Arc::new(Semaphore::new(pool_size as usize)),
            writer,
            regions: Arc::default(),
            wakeup,
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// What a job worker of this process waits on besides its poll.
    pub fn wakeup(&self) -> &Wakeup {
        &self.wakeup
    }

    /// Runs `work` on a pooled connection on the blocking thread pool.
    pub async fn run<T, E, F>(&self, work: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
        F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
    {
        let permit = self
            .permits
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| DbError::Cancelled)?;
        let (pool, wakeup) = (self.pool.clone(), self.wakeup.clone());
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let mut conn = pool.get().map_err(DbError::from)?;
            wakeup.after(|| work(&mut conn))
        })
        .await
        .map_err(|_| E::from(DbError::Cancelled))?
    }

    /// Runs `work` in one write transaction of its own: on PostgreSQL on a
    /// pooled connection, on SQLite in a savepoint of the writer's next group
    /// commit. Either way it is all or nothing, and it has happened when this
    /// returns `Ok`.
    pub async fn transaction<T, E, F>(&self, work: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<DbError> + From<diesel::result::Error> + Send + 'static,
        F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
    {
        match &self.writer {
            Some(writer) => writer.transaction(work).await,
            None => self.run(move |conn| conn.transaction(work)).await,
        }
    }

    pub async fn regions(&self) -> Result<Arc<Directory>, DbError> {
        self.regions
            .get_or_try_init(|| async {
                let all = self.run(|conn| Ok::<_, DbError>(repo::regions::all(conn)?));
                Ok(Arc::new(Directory::new(all.await?)))
            })
            .await
            .cloned()
    }

    pub fn pool_state(&self) -> r2d2::State {
        self.pool.state()
    }
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn remove_sqlite_files(path: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(name));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_accepted_form() {
        assert_eq!(
            DatabaseUrl::parse("bimtek.db").unwrap(),
            DatabaseUrl::Sqlite("bimtek.db".into())
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite:///var/lib/bimtek/data.db").unwrap(),
            DatabaseUrl::Sqlite("/var/lib/bimtek/data.db".into())
        );
        assert_eq!(
            DatabaseUrl::parse("postgres://u:p@localhost/bimtek")
                .unwrap()
                .backend(),
            Backend::Postgres
        );
        assert_eq!(
            DatabaseUrl::parse("postgresql://localhost/bimtek")
                .unwrap()
                .backend(),
            Backend::Postgres
        );
    }

    #[test]
    fn refuses_unknown_schemes_by_name() {
        let err = DatabaseUrl::parse("mysql://localhost/bimtek").unwrap_err();
        assert!(err.contains("\"mysql\""), "{err}");
        assert!(DatabaseUrl::parse("").is_err());
        assert!(DatabaseUrl::parse("sqlite://").is_err());
    }

    /// Set in .cargo/config.toml: without it statements with a bound LIMIT
    /// are compiled again on every run.
    #[test]
    fn the_bundled_sqlite_keeps_its_query_plans() {
        let mut conn = SqliteConnection::establish(":memory:").unwrap();
        let used: bool = diesel::select(diesel::dsl::sql::<diesel::sql_types::Bool>(
            "sqlite_compileoption_used('ENABLE_QPSG')",
        ))
        .get_result(&mut conn)
        .unwrap();
        assert!(used, "SQLite was built without SQLITE_ENABLE_QPSG");
    }

    #[test]
    fn never_displays_the_password() {
        let url = DatabaseUrl::parse("postgres://bimtek:s3cret@db.internal:5432/bimtek").unwrap();
        let shown = url.to_string();
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(shown.contains("db.internal"), "{shown}");
    }
}
