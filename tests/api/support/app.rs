//! Starting the real server against a fresh real database: a temporary
//! SQLite file, or a freshly created PostgreSQL database on the server of
//! BIMTEK_TEST_POSTGRES_URL (dropped again afterwards). A set but
//! unreachable PostgreSQL fails the test.

use std::fmt;
use std::net::SocketAddr;
use std::sync::Once;
use std::time::Duration;

use bimtek::app::Application;
use bimtek::config::Settings;
use bimtek::db::{Backend, DatabaseUrl, Db};
use bimtek::integrations::storage::{Storage, StorageConfig};
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

impl TestBackend {
    /// The server of BIMTEK_TEST_POSTGRES_URL, which must be set.
    pub fn postgres() -> TestBackend {
        match std::env::var(POSTGRES_ENV) {
            Ok(url) if !url.is_empty() => TestBackend::Postgres(url),
            _ => panic!("{POSTGRES_ENV} is not set: the PostgreSQL tests need a server"),
        }
    }
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
        if let Some((server, name)) = &self.postgres
            && let Ok(mut admin) = PgConnection::establish(server)
        {
            let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
        }
    }
}

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub db: Db,
    /// The app's files, opened as another instance would open them.
    pub storage: Storage,
    /// Kept for as long as the app runs; dropping it removes the database.
    _database: TestDatabase,
}

impl fmt::Display for TestApp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.db.backend().name())
    }
}

impl TestApp {
    /// Where this app writes .eml files when no SMTP server is set.
    pub fn mail_dir(&self) -> std::path::PathBuf {
        self._database.dir().join("mail")
    }

    /// Where this app keeps its files, unless the test named an object store.
    pub fn storage_dir(&self) -> std::path::PathBuf {
        self._database.dir().join("files")
    }

    /// A new browser: its own cookies, so its own session.
    pub fn browser(&self) -> Browser {
        Browser {
            address: self.address.clone(),
            client: client(),
            label: self.to_string(),
        }
    }

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
    settings.job_workers = 4;
    settings.job_idle_poll = Duration::from_millis(50);
    settings.job_first_retry = Duration::from_millis(200);
    settings.mail_dir = database.dir().join("mail");
    settings.storage = StorageConfig::Folder(database.dir().join("files"));
    settings.instance_file = Some(database.dir().join("instance"));
    settings
}

pub async fn spawn_app(backend: &TestBackend) -> TestApp {
    spawn_app_with(backend, |_| {}).await
}

/// An application whose settings the test adjusts (an SMTP server, …).
pub async fn spawn_app_with(
    backend: &TestBackend,
    configure: impl FnOnce(&mut Settings),
) -> TestApp {
    init_test_logging();
    let database = TestDatabase::create(backend);
    let mut settings = test_settings(&database);
    configure(&mut settings);
    let storage = Storage::open(&settings.storage)
        .await
        .expect("the test's storage opens");
    let (address, db) = start(settings).await;
    TestApp {
        address,
        client: client(),
        db,
        storage,
        _database: database,
    }
}

/// Starts one more instance on the database of `app` (as a second server
/// behind a load balancer would be).
pub async fn start_instance(app: &TestApp, configure: impl FnOnce(&mut Settings)) -> String {
    let mut settings = test_settings(&app._database);
    configure(&mut settings);
    start(settings).await.0
}

/// Starts an application with these settings; its address and database.
pub async fn start(settings: Settings) -> (String, Db) {
    let backend = settings.database.backend().name();
    let app = Application::build(settings)
        .await
        .unwrap_or_else(|e| panic!("the application starts on {backend}: {e}"));
    let address = format!("http://127.0.0.1:{}", app.port());
    let db = app.db().clone();
    tokio::spawn(app.run_until_stopped());
    (address, db)
}

/// Like a browser: keeps cookies, does not follow redirects by itself.
pub fn client() -> reqwest::Client {
    // Plain HTTP to the local server: no certificate store to load.
    reqwest::Client::builder()
        .tls_built_in_root_certs(false)
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .timeout(Duration::from_secs(30))
        .build()
        .expect("an HTTP client")
}

/// One person's browser: keeps cookies, never follows redirects by itself.
pub struct Browser {
    pub address: String,
    pub client: reqwest::Client,
    label: String,
}

impl fmt::Display for Browser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label)
    }
}

/// The CSRF token of the first form on a page.
pub fn csrf_in(html: &str) -> String {
    html.split("name=\"csrf_token\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("the page has a form with a token: {html}"))
        .to_owned()
}

impl Browser {
    /// A browser for a server started outside this harness.
    pub fn new(address: &str) -> Browser {
        Browser {
            address: address.to_owned(),
            client: client(),
            label: address.to_owned(),
        }
    }

    pub fn url(&self, path: &str) -> String {
        if path.starts_with("http") {
            path.to_owned()
        } else {
            format!("{}{path}", self.address)
        }
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request sent")
    }

    pub async fn text(&self, path: &str) -> (u16, String) {
        let response = self.get(path).await;
        (response.status().as_u16(), response.text().await.unwrap())
    }

    /// This session's form token, read from a page with a form.
    pub async fn csrf(&self) -> String {
        let (_, html) = self.text("/my/sign-in").await;
        csrf_in(&html)
    }

    /// Posts a form the way a browser does, with this session's token.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let token = self.csrf().await;
        self.post_with_token(path, fields, &token).await
    }

    pub async fn post_with_token(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        token: &str,
    ) -> reqwest::Response {
        let mut form: Vec<(&str, &str)> = fields.to_vec();
        form.push(("csrf_token", token));
        self.client
            .post(self.url(path))
            .form(&form)
            .send()
            .await
            .expect("request sent")
    }

    /// Signs in as staff; panics unless it works.
    pub async fn sign_in(&self, email: &str, password: &str) {
        let response = self
            .post("/sign-in", &[("email", email), ("password", password)])
            .await;
        assert_eq!(
            response.status(),
            303,
            "{self}: signing in as {email}: {}",
            response.text().await.unwrap()
        );
    }

    pub fn location(response: &reqwest::Response) -> String {
        response.headers()["location"].to_str().unwrap().to_owned()
    }
}
