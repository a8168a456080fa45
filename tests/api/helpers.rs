//! Starting the real server against a fresh real database, on every backend
//! configured: a temporary SQLite file always, and a freshly created
//! PostgreSQL database when BIMTEK_TEST_POSTGRES_URL is set (dropped again
//! afterwards). A set but unreachable PostgreSQL fails the test.

use std::fmt;
use std::net::SocketAddr;
use std::sync::Once;
use std::time::Duration;

use bimtek::app::Application;
use bimtek::config::Settings;
use bimtek::db::{Backend, DatabaseUrl, Db};
use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};
use tempfile::TempDir;

pub const POSTGRES_ENV: &str = "BIMTEK_TEST_POSTGRES_URL";

#[derive(Clone, Debug)]
pub enum TestBackend {
    Sqlite,
    /// A URL of a PostgreSQL server where databases may be created.
    Postgres(String),
}

pub fn backends() -> Vec<TestBackend> {
    let mut backends = vec![TestBackend::Sqlite];
    if let Ok(url) = std::env::var(POSTGRES_ENV) {
        backends.push(TestBackend::Postgres(url));
    }
    backends
}

/// A database that exists for one test.
pub struct TestDatabase {
    pub url: DatabaseUrl,
    _dir: TempDir,
    postgres: Option<(String, String)>,
}

impl TestDatabase {
    pub fn create(backend: &TestBackend) -> TestDatabase {
        let dir = tempfile::tempdir().expect("a temporary folder");
        match backend {
            TestBackend::Sqlite => TestDatabase {
                url: DatabaseUrl::Sqlite(dir.path().join("bimtek.db")),
                _dir: dir,
                postgres: None,
            },
            TestBackend::Postgres(server) => {
                let name = format!("bimtek_test_{}", uuid::Uuid::new_v4().simple());
                let mut admin = PgConnection::establish(server).unwrap_or_else(|e| {
                    panic!("{POSTGRES_ENV} is set but PostgreSQL cannot be reached: {e}")
                });
                admin
                    .batch_execute(&format!("CREATE DATABASE {name}"))
                    .expect("create a test database");
                let mut url = url::Url::parse(server).expect("a PostgreSQL URL");
                url.set_path(&name);
                TestDatabase {
                    url: DatabaseUrl::Postgres(url.to_string()),
                    _dir: dir,
                    postgres: Some((server.clone(), name)),
                }
            }
        }
    }

    pub fn backend(&self) -> Backend {
        self.url.backend()
    }

    pub fn env_value(&self) -> String {
        match &self.url {
            DatabaseUrl::Sqlite(path) => path.display().to_string(),
            DatabaseUrl::Postgres(url) => url.clone(),
        }
    }

    /// The folder the test may use for other files.
    pub fn dir(&self) -> &std::path::Path {
        self._dir.path()
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Some((server, name)) = &self.postgres {
            if let Ok(mut admin) = PgConnection::establish(server) {
                let _ =
                    admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
            }
        }
    }
}

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub db: Db,
    /// Kept for as long as the app runs; dropping it removes the database.
    _database: TestDatabase,
}

impl fmt::Display for TestApp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.db.backend().name())
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request sent")
    }

    /// The body of a page that must answer 200.
    pub async fn page(&self, path: &str) -> String {
        let response = self.get(path).await;
        assert_eq!(response.status(), 200, "{self}: GET {path}");
        response.text().await.expect("a body")
    }
}

fn init_test_logging() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        if let Ok(filter) = std::env::var("TEST_LOG") {
            let guard =
                bimtek::telemetry::init_logging(&filter, bimtek::telemetry::LogFormat::Text)
                    .unwrap();
            // Tests log until the process ends.
            std::mem::forget(guard);
        }
    });
}

pub fn test_settings(database: &TestDatabase) -> Settings {
    let mut settings = Settings::with_database(database.url.clone());
    settings.bind = SocketAddr::from(([127, 0, 0, 1], 0));
    settings.db_pool_size = 4;
    settings.http_workers = Some(1);
    settings.job_idle_poll = Duration::from_millis(50);
    settings
}

pub async fn spawn_app(backend: &TestBackend) -> TestApp {
    init_test_logging();
    let database = TestDatabase::create(backend);
    let app = Application::build(test_settings(&database))
        .await
        .unwrap_or_else(|e| {
            panic!(
                "the application starts on {}: {e}",
                database.backend().name()
            )
        });
    let address = format!("http://127.0.0.1:{}", app.port());
    let db = app.db().clone();
    tokio::spawn(app.run_until_stopped());
    TestApp {
        address,
        client: client(),
        db,
        _database: database,
    }
}

/// One running application per configured backend.
pub async fn spawn_apps() -> Vec<TestApp> {
    let mut apps = Vec::new();
    for backend in backends() {
        apps.push(spawn_app(&backend).await);
    }
    apps
}

/// Like a browser: keeps cookies, does not follow redirects by itself.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .timeout(Duration::from_secs(30))
        .build()
        .expect("an HTTP client")
}
