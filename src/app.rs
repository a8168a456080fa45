//! Putting it together: the listening socket, the database, the HTTP
//! server and the job workers, and stopping them in order.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_web::dev::Server;
use actix_web::middleware::{Compress, from_fn};
use actix_web::{App, HttpServer, web};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use actix_session::SessionMiddleware;
use actix_session::config::CookieContentSecurity;
use actix_session::storage::CookieSessionStore;
use actix_web::cookie::{Key, SameSite};

use crate::config::Settings;
use crate::db::Db;
use crate::db::repo::secrets;
use crate::integrations::mail::{MailSettings, Mailer};
use crate::integrations::storage::Storage;
use crate::integrations::zoom::Zoom;
use crate::jobs::{self, InstanceName, JobContext, Registry, WorkerConfig};
use crate::secret::SecretKey;
use crate::services::{
    attendance, certificates, follow_ups, mail, material_digests, session_mail, zoom_sync,
};
use crate::telemetry::Metrics;
use crate::web::{self as http, AppState, middleware};

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct StartupError(pub String);

pub struct Application {
    port: u16,
    server: Server,
    state: web::Data<AppState>,
    settings: Settings,
    mailer: Arc<Mailer>,
}

impl Application {
    /// Binds first, then opens the database: a port that is taken costs
    /// nothing, and nothing is created for a start that cannot succeed.
    /// Nothing runs until [`Application::run_until_stopped`].
    pub async fn build(settings: Settings) -> Result<Application, StartupError> {
        let listener = TcpListener::bind(settings.bind).map_err(|e| {
            StartupError(match e.kind() {
                std::io::ErrorKind::AddrInUse => {
                    format!("BIMTEK_BIND: {} is already in use", settings.bind)
                }
                _ => format!("BIMTEK_BIND: cannot listen on {}: {e}", settings.bind),
            })
        })?;
        let local = listener
            .local_addr()
            .map_err(|e| StartupError(format!("BIMTEK_BIND: {e}")))?;
        crate::email::validate().map_err(|e| StartupError(format!("e-mail templates: {e}")))?;
        if settings.smtp_url.is_none() {
            mail_folder_writable(&settings.mail_dir)
                .map_err(|e| StartupError(format!("BIMTEK_MAIL_DIR: {e}")))?;
        }
        let database = settings.database.clone();
        let pool_size = settings.db_pool_size;
        let db = tokio::task::spawn_blocking(move || Db::open(&database, pool_size))
            .await
            .map_err(|e| StartupError(format!("opening the database was interrupted: {e}")))?
            .map_err(|e| StartupError(e.to_string()))?;
        let storage = Storage::open(&settings.storage)
            .await
            .map_err(StartupError)?;

        let base_url = settings.base_url.clone().unwrap_or_else(|| {
            url::Url::parse(&format!("http://{local}")).expect("an address makes a URL")
        });
        let mailer =
            Arc::new(Mailer::new(mail_settings(&settings, &base_url)).map_err(StartupError)?);
        let zoom = settings
            .zoom
            .clone()
            .map(Zoom::new)
            .transpose()
            .map_err(StartupError)?;
        let cookie_key =
            cookie_key(&db, settings.secret_key.as_ref().map(SecretKey::bytes)).await?;
        let state = web::Data::new(AppState {
            db,
            public_pages: crate::services::events::PublicPages::default(),
            metrics: Metrics::new(),
            base_url,
            behind_proxy: settings.behind_proxy,
            mail_delivery: mailer.delivery().clone(),
            registration_limit: crate::web::rate_limit::RateLimit::per_minute(
                settings.registrations_per_minute,
            ),
            zoom,
            storage,
            material_limit: u64::from(settings.material_limit_mb) * 1024 * 1024,
            body_timeout: settings.body_timeout,
            metrics_token: settings.metrics_token.clone(),
            zoom_webhook: settings.zoom_args.webhook(),
        });
        let server_state = state.clone();
        let server = HttpServer::new(move || {
            let https = server_state.https();
            App::new()
                .app_data(server_state.clone())
                .app_data(web::PayloadConfig::new(FORM_LIMIT))
                .configure(http::routes)
                .default_service(web::to(http::handlers::public::not_found))
                .wrap(from_fn(middleware::same_origin))
                .wrap(from_fn(middleware::body_timeout))
                .wrap(from_fn(middleware::no_store_when_private))
                .wrap(session_middleware(cookie_key.clone(), https))
                .wrap(http::errors::handlers())
                .wrap(middleware::security_headers(https))
                // Pages and CSS in gzip for clients that ask for it (phones
                // on slow links); a client that does not ask gets them as
                // they are, at no cost.
                .wrap(Compress::default())
                .wrap(from_fn(middleware::observe))
        });
        let server = match settings.http_workers {
            Some(n) => server.workers(n),
            None => server,
        };
        let server = server
            .listen(listener)
            .map_err(|e| StartupError(format!("BIMTEK_BIND: {e}")))?
            .shutdown_timeout(15)
            .run();

        Ok(Application {
            port: local.port(),
            server,
            state,
            settings,
            mailer,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn base_url(&self) -> &url::Url {
        &self.state.base_url
    }

    pub fn db(&self) -> &Db {
        &self.state.db
    }

    pub fn storage(&self) -> &Storage {
        &self.state.storage
    }

    /// Starts the job workers and serves until SIGINT/SIGTERM, then lets
    /// running requests and jobs finish.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let (stop_workers, stopped) = watch::channel(false);
        let workers = self.start_workers(stopped);
        let served = self.server.await;
        let _ = stop_workers.send(true);
        for worker in workers {
            let _ = worker.await;
        }
        tracing::info!("stopped");
        served
    }

    /// One claiming loop per instance, running up to `job_workers` jobs at once.
    fn start_workers(&self, stopped: watch::Receiver<bool>) -> Vec<JoinHandle<()>> {
        if self.settings.job_workers == 0 {
            return Vec::new();
        }
        let registry = Arc::new(job_registry(JobContext {
            db: self.state.db.clone(),
            mailer: self.mailer.clone(),
            zoom: self.state.zoom.clone(),
            zoom_link_wait: self.settings.zoom_link_wait,
            storage: self.state.storage.clone(),
            base_url: self.state.base_url.clone(),
        }));
        let instance = InstanceName::take(self.settings.instance_file.as_deref());
        let config = WorkerConfig {
            name: instance.name.clone(),
            idle_poll: self.settings.job_idle_poll,
            lease: LEASE,
            run_timeout: Duration::from_secs(270),
            first_retry: self.settings.job_first_retry,
            retry_for: self.settings.job_retry_for,
            concurrency: self.settings.job_workers,
        };
        let (db, metrics) = (self.state.db.clone(), self.state.metrics.clone());
        vec![tokio::spawn(async move {
            // The name stays this instance's while its worker runs.
            let _kept = instance;
            jobs::run_worker(db, registry, config, metrics, stopped).await
        })]
    }
}

/// How long a dead instance's jobs wait before another (or its restart)
/// takes them over.
const LEASE: Duration = Duration::from_secs(15);

/// Form bodies; uploads (materials, plans) get their own limits.
const FORM_LIMIT: usize = 64 * 1024;

fn mail_settings(settings: &Settings, base_url: &url::Url) -> MailSettings {
    // An address needs a domain name; an IP (a test, a bare install) has none.
    let domain = match base_url.host() {
        Some(url::Host::Domain(domain)) => domain.to_owned(),
        _ => "localhost".to_owned(),
    };
    let from = settings.mail_from.clone().unwrap_or_else(|| {
        format!("bimtek <noreply@{domain}>")
            .parse()
            .expect("a domain from a URL makes a mailbox")
    });
    MailSettings {
        smtp_url: settings.smtp_url.clone(),
        connections: u32::try_from(settings.job_workers).unwrap_or(u32::MAX),
        from,
        per_minute: settings.mail_per_minute,
        // Shown to administrators: where to look, whatever the working directory.
        folder: std::path::absolute(&settings.mail_dir)
            .unwrap_or_else(|_| settings.mail_dir.clone()),
        domain,
    }
}

/// Without SMTP every e-mail becomes a file here: a folder that cannot be
/// written would be found only when the first e-mail fails. Checked in the
/// folder, or where it will be made, leaving nothing behind.
fn mail_folder_writable(folder: &std::path::Path) -> std::io::Result<()> {
    let absolute = std::path::absolute(folder)?;
    let existing = absolute
        .ancestors()
        .find(|path| path.exists())
        .unwrap_or(&absolute);
    let probe = existing.join(format!(".bimtek-probe-{}", std::process::id()));
    std::fs::write(&probe, b"")?;
    std::fs::remove_file(&probe)
}

/// The configured key, or the installation's own, generated on first start
/// and kept in the database so that every instance shares it.
async fn cookie_key(db: &Db, configured: Option<&[u8]>) -> Result<Key, StartupError> {
    if let Some(key) = configured {
        return Ok(Key::from(key));
    }
    let stored = db
        .transaction(|conn| -> Result<String, crate::db::DbError> {
            Ok(secrets::get_or_create(conn, "cookie_key", || {
                use base64::Engine;
                base64::engine::general_purpose::STANDARD.encode(Key::generate().master())
            })?)
        })
        .await
        .map_err(|e| StartupError(format!("reading the cookie key: {e}")))?;
    use base64::Engine;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(stored)
        .map_err(|e| StartupError(format!("the stored cookie key is damaged: {e}")))?;
    Key::try_from(bytes.as_slice())
        .map_err(|e| StartupError(format!("the stored cookie key is damaged: {e}")))
}

/// Signed and encrypted, HttpOnly, SameSite=Lax, Secure over HTTPS; gone
/// when the browser closes (and after 12 hours in any case, see `session`).
fn session_middleware(key: Key, https: bool) -> SessionMiddleware<CookieSessionStore> {
    SessionMiddleware::builder(CookieSessionStore::default(), key)
        .cookie_name("bimtek".to_owned())
        .cookie_content_security(CookieContentSecurity::Private)
        .cookie_secure(https)
        .cookie_http_only(true)
        .cookie_same_site(SameSite::Lax)
        .build()
}

/// Every kind of job the application runs.
fn job_registry(context: JobContext) -> Registry<JobContext> {
    Registry::new(context)
        .register::<mail::SendMail>()
        .register::<zoom_sync::SyncMeeting>()
        .register::<zoom_sync::SyncRegistrants>()
        .register::<zoom_sync::DeleteMeeting>()
        .register::<attendance::reports::ReadReports>()
        .register::<session_mail::InviteAll>()
        .register::<session_mail::InviteOne>()
        .register::<session_mail::CancelAll>()
        .register::<session_mail::Reminder>()
        .register::<follow_ups::Notice>()
        .register::<follow_ups::Reminder>()
        .register::<certificates::Render>()
        .register::<attendance::webhooks::ReadWebhook>()
        .register::<material_digests::Digest>()
}
