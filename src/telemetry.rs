//! Logs (tracing, one line per request with its id) and Prometheus metrics.

use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounterVec, IntGaugeVec, Opts, Registry, TextEncoder,
};
use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::EnvFilter;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

/// Logs go to stderr; stdout is kept for what the operator must read
/// (the address served, the setup link). Lines are written by a thread of
/// their own, so a request never waits on the terminal or the log file;
/// none is dropped. Keep the guard until exit: dropping it flushes.
pub fn init_logging(filter: &str, format: LogFormat) -> Result<WorkerGuard, String> {
    let filter = EnvFilter::try_new(filter).map_err(|e| format!("BIMTEK_LOG: {e}"))?;
    let (writer, guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .lossy(false)
        .finish(std::io::stderr());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_target(false);
    // A second start in the same process (tests) keeps the first subscriber.
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
    };
    Ok(guard)
}

#[derive(Clone)]
pub struct Metrics {
    registry: Registry,
    pub http_requests: IntCounterVec,
    pub http_seconds: HistogramVec,
    pub jobs_run: IntCounterVec,
    pub jobs: IntGaugeVec,
    pub db_connections: IntGaugeVec,
}

impl Metrics {
    pub fn new() -> Metrics {
        let registry = Registry::new_custom(Some("bimtek".into()), None).expect("valid prefix");
        let http_requests = IntCounterVec::new(
            Opts::new(
                "http_requests_total",
                "HTTP requests answered, by route and status",
            ),
            &["method", "route", "status"],
        )
        .expect("valid metric");
        let http_seconds = HistogramVec::new(
            HistogramOpts::new("http_request_duration_seconds", "Time to answer a request")
                .buckets(vec![
                    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
                ]),
            &["route"],
        )
        .expect("valid metric");
        let jobs_run = IntCounterVec::new(
            Opts::new(
                "jobs_run_total",
                "Job attempts by kind and outcome (done, retry, failed)",
            ),
            &["kind", "outcome"],
        )
        .expect("valid metric");
        let jobs = IntGaugeVec::new(
            Opts::new("jobs", "Jobs in the table by status"),
            &["status"],
        )
        .expect("valid metric");
        let db_connections = IntGaugeVec::new(
            Opts::new("db_pool_connections", "Database pool connections by state"),
            &["state"],
        )
        .expect("valid metric");
        for collector in [
            Box::new(http_requests.clone()) as Box<dyn prometheus::core::Collector>,
            Box::new(http_seconds.clone()),
            Box::new(jobs_run.clone()),
            Box::new(jobs.clone()),
            Box::new(db_connections.clone()),
        ] {
            registry
                .register(collector)
                .expect("metric registered once");
        }
        Metrics {
            registry,
            http_requests,
            http_seconds,
            jobs_run,
            jobs,
            db_connections,
        }
    }

    /// The Prometheus text exposition format.
    pub fn render(&self) -> String {
        let mut buffer = Vec::new();
        TextEncoder::new()
            .encode(&self.registry.gather(), &mut buffer)
            .expect("writing to a Vec cannot fail");
        String::from_utf8(buffer).expect("Prometheus text is UTF-8")
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}
