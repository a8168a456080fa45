//! Putting it together: the listening socket, the database, the HTTP
//! server and the job workers, and stopping them in order.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_web::dev::Server;
use actix_web::middleware::from_fn;
use actix_web::{App, HttpServer, web};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::config::Settings;
use crate::db::Db;
use crate::jobs::{self, Job, JobFailure, JobRunner, Wakeup, WorkerConfig};
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
        let database = settings.database.clone();
        let pool_size = settings.db_pool_size;
        let db = tokio::task::spawn_blocking(move || Db::open(&database, pool_size))
            .await
            .map_err(|e| StartupError(format!("opening the database was interrupted: {e}")))?
            .map_err(|e| StartupError(e.to_string()))?;

        let base_url = settings.base_url.clone().unwrap_or_else(|| {
            url::Url::parse(&format!("http://{local}")).expect("an address makes a URL")
        });
        let state = web::Data::new(AppState {
            db,
            metrics: Metrics::new(),
            wakeup: Wakeup::default(),
            base_url,
        });
        let server_state = state.clone();
        let server = HttpServer::new(move || {
            let https = server_state.https();
            App::new()
                .app_data(server_state.clone())
                .configure(http::routes)
                .default_service(web::to(http::handlers::public::not_found))
                .wrap(http::errors::handlers())
                .wrap(middleware::security_headers(https))
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

    fn start_workers(&self, stopped: watch::Receiver<bool>) -> Vec<JoinHandle<()>> {
        let runner = Arc::new(Integrations);
        let instance = uuid::Uuid::new_v4().simple().to_string();
        (0..self.settings.job_workers)
            .map(|n| {
                let config = WorkerConfig {
                    name: format!("{}-{n}", &instance[..8]),
                    idle_poll: self.settings.job_idle_poll,
                    lease: Duration::from_secs(300),
                };
                tokio::spawn(jobs::run_worker(
                    self.state.db.clone(),
                    runner.clone(),
                    config,
                    self.state.wakeup.clone(),
                    self.state.metrics.clone(),
                    stopped.clone(),
                ))
            })
            .collect()
    }
}

/// Carries out jobs by kind. Kinds arrive with the features that need them
/// (mail, Zoom, certificates); until then a job of an unknown kind is a
/// permanent failure, kept visible in the table.
struct Integrations;

impl JobRunner for Integrations {
    async fn run(&self, job: &Job) -> Result<(), JobFailure> {
        Err(JobFailure::Permanent(format!(
            "no handler for job kind {:?}",
            job.kind
        )))
    }
}
