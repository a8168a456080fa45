//! Settings: command-line flags, `BIMTEK_*` environment variables and an
//! optional `bimtek.toml`, in that order of precedence (the commands
//! themselves are in `cli`). Every problem is
//! reported as one line that names the setting.

use std::net::{SocketAddr, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::Args;
use serde::Deserialize;

use crate::db::DatabaseUrl;
use crate::integrations::storage::{S3Config, StorageConfig};
use crate::integrations::zoom::{ZoomArgs, ZoomConfig};
use crate::secret::Secret;
use crate::telemetry::LogFormat;

const DEFAULT_CONFIG_FILE: &str = "bimtek.toml";

#[derive(Args, Deserialize, Debug, Clone, Default)]
// Unknown keys are refused by `read_file` (serde cannot with `flatten`).
#[serde(default)]
pub struct SettingsArgs {
    /// Settings file (TOML) [default: bimtek.toml when it exists]
    #[arg(long, global = true, env = "BIMTEK_CONFIG", value_name = "FILE")]
    #[serde(skip)]
    pub config: Option<PathBuf>,

    /// Database: a SQLite file path, sqlite://PATH, or postgres://USER:PASSWORD@HOST:PORT/NAME [default: bimtek.db]
    #[arg(
        long,
        global = true,
        env = "BIMTEK_DATABASE_URL",
        value_name = "URL",
        hide_env_values = true
    )]
    pub database_url: Option<String>,

    /// Address and port to listen on [default: 127.0.0.1:8080]
    #[arg(long, global = true, env = "BIMTEK_BIND", value_name = "HOST:PORT")]
    pub bind: Option<String>,

    /// Public URL of this installation, used in e-mails and QR codes [default: http://BIND]
    #[arg(long, global = true, env = "BIMTEK_BASE_URL", value_name = "URL")]
    pub base_url: Option<String>,

    /// Database connections in the pool [default: 16]
    #[arg(long, global = true, env = "BIMTEK_DB_POOL_SIZE", value_name = "N", value_parser = parse_pool_size)]
    pub db_pool_size: Option<u32>,

    /// Background jobs run at once by this instance (each sending e-mail holds one SMTP connection) [default: 32]
    #[arg(long, global = true, env = "BIMTEK_JOB_WORKERS", value_name = "N", value_parser = parse_job_workers)]
    pub job_workers: Option<usize>,

    /// SMTP server: smtp://USER:PASSWORD@HOST:PORT (STARTTLS), smtps://… (TLS), smtp://HOST:PORT?tls=none (plain, local relay) [default: none: e-mail is written as .eml files to BIMTEK_MAIL_DIR]
    #[arg(
        long,
        global = true,
        env = "BIMTEK_SMTP_URL",
        value_name = "URL",
        hide_env_values = true
    )]
    pub smtp_url: Option<String>,

    /// Sender of every e-mail, e.g. "Bimtek Dispusip Bengkulu <bimtek@dispusip.bengkuluprov.go.id>" [default: bimtek <noreply@HOST of BIMTEK_BASE_URL>]
    #[arg(long, global = true, env = "BIMTEK_MAIL_FROM", value_name = "MAILBOX")]
    pub mail_from: Option<String>,

    /// E-mails sent per minute by this instance, at most; 0: no limit [default: 0]
    #[arg(long, global = true, env = "BIMTEK_MAIL_PER_MINUTE", value_name = "N", value_parser = parse_mail_per_minute)]
    pub mail_per_minute: Option<u32>,

    /// Registrations accepted per minute from one client address; 0: no limit [default: 20]
    #[arg(long, global = true, env = "BIMTEK_REGISTRATIONS_PER_MINUTE", value_name = "N", value_parser = parse_registrations_per_minute)]
    pub registrations_per_minute: Option<u32>,

    /// Seconds a request body may pause before the request is answered 408 and its connection closed [default: 30]
    #[arg(long, global = true, env = "BIMTEK_BODY_TIMEOUT", value_name = "SECONDS", value_parser = parse_body_timeout)]
    pub body_timeout: Option<u32>,

    /// Bearer token that Prometheus sends to read /metrics (Authorization: Bearer TOKEN) [default: none: /metrics is not served]
    #[arg(long, global = true, env = "BIMTEK_METRICS_TOKEN", value_name = "TOKEN", hide_env_values = true, value_parser = Secret::parse)]
    pub metrics_token: Option<Secret>,

    /// Folder for .eml files when no SMTP server is set [default: mail]
    #[arg(long, global = true, env = "BIMTEK_MAIL_DIR", value_name = "DIR")]
    pub mail_dir: Option<PathBuf>,

    /// Key for session cookies, base64 of at least 64 random bytes; instances behind one load balancer need the same [default: generated once and kept in the database]
    #[arg(
        long,
        global = true,
        env = "BIMTEK_SECRET_KEY",
        value_name = "BASE64",
        hide_env_values = true
    )]
    pub secret_key: Option<String>,

    /// Behind a reverse proxy that sets X-Forwarded-For: take the client's address from it (true/false) [default: false]
    #[arg(long, global = true, env = "BIMTEK_BEHIND_PROXY", value_name = "BOOL", value_parser = parse_bool)]
    pub behind_proxy: Option<bool>,

    /// How long, in minutes, a job keeps trying while a server it needs (SMTP, Zoom, the object store) is down or asks it to wait, counted from its first failure [default: 1440, a day]
    #[arg(long, global = true, env = "BIMTEK_JOB_RETRY_MINUTES", value_name = "N", value_parser = parse_job_retry_minutes)]
    pub job_retry_minutes: Option<u32>,

    /// HTTP worker threads [default: one per CPU core]
    #[arg(long, global = true, env = "BIMTEK_HTTP_WORKERS", value_name = "N", value_parser = parse_http_workers)]
    pub http_workers: Option<usize>,

    /// Folder for files (attachments, uploads) when no object store is set [default: files beside the SQLite database, or in the working directory]
    #[arg(long, global = true, env = "BIMTEK_STORAGE_DIR", value_name = "DIR")]
    pub storage_dir: Option<PathBuf>,

    /// S3-compatible object store for files, shared by every instance: s3://BUCKET/PREFIX [default: none: files in BIMTEK_STORAGE_DIR]
    #[arg(long, global = true, env = "BIMTEK_STORAGE_URL", value_name = "URL")]
    pub storage_url: Option<String>,

    /// The object store's address, for a store other than Amazon S3 (MinIO, Garage, …), e.g. https://s3.example.id [default: Amazon S3 of BIMTEK_STORAGE_REGION]
    #[arg(
        long,
        global = true,
        env = "BIMTEK_STORAGE_ENDPOINT",
        value_name = "URL"
    )]
    pub storage_endpoint: Option<String>,

    /// The object store's region [default: us-east-1]
    #[arg(
        long,
        global = true,
        env = "BIMTEK_STORAGE_REGION",
        value_name = "REGION"
    )]
    pub storage_region: Option<String>,

    /// Access key id for the object store; with BIMTEK_STORAGE_SECRET_ACCESS_KEY, both or none [default: the environment's AWS credentials]
    #[arg(
        long,
        global = true,
        env = "BIMTEK_STORAGE_ACCESS_KEY_ID",
        value_name = "ID"
    )]
    pub storage_access_key_id: Option<String>,

    /// Secret access key for the object store
    #[arg(long, global = true, env = "BIMTEK_STORAGE_SECRET_ACCESS_KEY", value_name = "SECRET", hide_env_values = true, value_parser = Secret::parse)]
    pub storage_secret_access_key: Option<Secret>,

    #[command(flatten)]
    #[serde(flatten)]
    pub zoom: ZoomArgs,

    /// Log filter, e.g. info or bimtek=debug,actix_web=warn [default: info]
    #[arg(long, global = true, env = "BIMTEK_LOG", value_name = "FILTER")]
    pub log: Option<String>,

    /// Log format: text or json [default: text]
    #[arg(long, global = true, env = "BIMTEK_LOG_FORMAT", value_name = "FORMAT", value_parser = parse_log_format)]
    #[serde(deserialize_with = "deserialize_log_format")]
    pub log_format: Option<LogFormat>,
}

fn parse_pool_size(raw: &str) -> Result<u32, String> {
    parse_count(raw, 1, 256).map_err(|e| format!("BIMTEK_DB_POOL_SIZE {e}"))
}

fn parse_job_workers(raw: &str) -> Result<usize, String> {
    parse_count(raw, 0, 64)
        .map(|n| n as usize)
        .map_err(|e| format!("BIMTEK_JOB_WORKERS {e}"))
}

fn parse_count(raw: &str, min: u32, max: u32) -> Result<u32, String> {
    raw.trim()
        .parse::<u32>()
        .ok()
        .filter(|n| (min..=max).contains(n))
        .ok_or_else(|| format!("must be a whole number from {min} to {max}, not \"{raw}\""))
}

fn parse_http_workers(raw: &str) -> Result<usize, String> {
    parse_count(raw, 1, 256)
        .map(|n| n as usize)
        .map_err(|e| format!("BIMTEK_HTTP_WORKERS {e}"))
}

fn parse_mail_per_minute(raw: &str) -> Result<u32, String> {
    parse_count(raw, 0, 100_000).map_err(|e| format!("BIMTEK_MAIL_PER_MINUTE {e}"))
}

fn parse_job_retry_minutes(raw: &str) -> Result<u32, String> {
    parse_count(raw, 1, 60 * 24 * 30).map_err(|e| format!("BIMTEK_JOB_RETRY_MINUTES {e}"))
}

fn parse_registrations_per_minute(raw: &str) -> Result<u32, String> {
    parse_count(raw, 0, 1_000_000).map_err(|e| format!("BIMTEK_REGISTRATIONS_PER_MINUTE {e}"))
}

fn parse_body_timeout(raw: &str) -> Result<u32, String> {
    parse_count(raw, 1, 3600).map_err(|e| format!("BIMTEK_BODY_TIMEOUT {e}"))
}

fn parse_bool(raw: &str) -> Result<bool, String> {
    match raw.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" => Ok(true),
        "false" | "0" | "no" => Ok(false),
        _ => Err(format!(
            "BIMTEK_BEHIND_PROXY must be true or false, not \"{raw}\""
        )),
    }
}

fn parse_log_format(raw: &str) -> Result<LogFormat, String> {
    match raw.trim().to_ascii_lowercase().as_str() {
        "text" => Ok(LogFormat::Text),
        "json" => Ok(LogFormat::Json),
        _ => Err(format!(
            "BIMTEK_LOG_FORMAT must be text or json, not \"{raw}\""
        )),
    }
}

fn deserialize_log_format<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<LogFormat>, D::Error> {
    let raw: Option<String> = Option::deserialize(d)?;
    raw.map(|raw| parse_log_format(&raw).map_err(serde::de::Error::custom))
        .transpose()
}

/// Settings after defaults and checks.
#[derive(Clone, Debug)]
pub struct Settings {
    pub database: DatabaseUrl,
    pub bind: SocketAddr,
    /// `None`: derived from the bound address once it is known.
    pub base_url: Option<url::Url>,
    pub db_pool_size: u32,
    pub job_workers: usize,
    /// `None`: one per CPU core.
    pub http_workers: Option<usize>,
    pub job_idle_poll: Duration,
    pub log: String,
    pub log_format: LogFormat,
    pub smtp_url: Option<String>,
    pub mail_from: Option<lettre::message::Mailbox>,
    pub mail_per_minute: u32,
    /// Per client address; 0: no limit.
    pub registrations_per_minute: u32,
    /// How long a request body may send nothing before the request ends.
    pub body_timeout: Duration,
    /// `None`: `/metrics` is not served (it tells strangers too much).
    pub metrics_token: Option<Secret>,
    pub mail_dir: PathBuf,
    /// Decoded; `None`: generated once and kept in the database.
    pub secret_key: Option<Vec<u8>>,
    pub behind_proxy: bool,
    /// The first wait before a failed job is tried again (tests shorten it).
    pub job_first_retry: Duration,
    /// How long a participant's invitation to a Zoom session waits for
    /// their personal link before it goes without (tests shorten it).
    pub zoom_link_wait: Duration,
    /// How long a job keeps trying while a server it needs is down or
    /// asks it to wait, from its first failure.
    pub job_retry_for: Duration,
    /// Where this instance keeps its name in the jobs table, so that its
    /// restart after a crash takes back the jobs it held at once (see
    /// `jobs::InstanceName`); `None`: a new name at each start.
    pub instance_file: Option<PathBuf>,
    /// `None`: Zoom is not configured; sessions get no meetings.
    pub zoom: Option<ZoomConfig>,
    pub storage: StorageConfig,
}

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(pub String);

impl Settings {
    /// Defaults for everything but the database.
    pub fn with_database(database: DatabaseUrl) -> Settings {
        Settings {
            storage: StorageConfig::Folder(default_storage_dir(&database)),
            instance_file: Some(default_instance_file(&database)),
            database,
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            base_url: None,
            db_pool_size: 16,
            job_workers: 32,
            http_workers: None,
            job_idle_poll: Duration::from_secs(2),
            log: "info".into(),
            log_format: LogFormat::Text,
            smtp_url: None,
            mail_from: None,
            mail_per_minute: 0,
            registrations_per_minute: 20,
            body_timeout: Duration::from_secs(30),
            metrics_token: None,
            mail_dir: PathBuf::from("mail"),
            secret_key: None,
            behind_proxy: false,
            job_first_retry: crate::domain::job::FIRST_RETRY,
            zoom_link_wait: crate::domain::registrant::LINK_WAIT,
            job_retry_for: crate::domain::job::RETRY_FOR,
            zoom: None,
        }
    }

    pub fn resolve(args: SettingsArgs) -> Result<Settings, ConfigError> {
        let args = merge(args.clone(), read_file(args.config.as_deref())?);
        let database = DatabaseUrl::parse(args.database_url.as_deref().unwrap_or("bimtek.db"))
            .map_err(|e| ConfigError(format!("BIMTEK_DATABASE_URL {e}")))?;
        let mut settings = Settings::with_database(database);
        settings.zoom = args.zoom.resolve().map_err(ConfigError)?;
        settings.storage = storage_config(&args, &settings.database)?;
        if let Some(bind) = args.bind {
            settings.bind = parse_bind(&bind)?;
        }
        settings.base_url = args.base_url.as_deref().map(parse_base_url).transpose()?;
        settings.db_pool_size = args.db_pool_size.unwrap_or(settings.db_pool_size);
        settings.job_workers = args.job_workers.unwrap_or(settings.job_workers);
        settings.http_workers = args.http_workers;
        if let Some(minutes) = args.job_retry_minutes {
            settings.job_retry_for = Duration::from_secs(u64::from(minutes) * 60);
        }
        settings.log = args.log.unwrap_or(settings.log);
        settings.log_format = args.log_format.unwrap_or(settings.log_format);
        settings.smtp_url = args.smtp_url.filter(|u| !u.trim().is_empty());
        settings.mail_from = args
            .mail_from
            .map(|raw| {
                raw.parse().map_err(|e| {
                    ConfigError(format!(
                        "BIMTEK_MAIL_FROM: \"{raw}\" is not a mailbox ({e})"
                    ))
                })
            })
            .transpose()?;
        settings.mail_per_minute = args.mail_per_minute.unwrap_or(0);
        settings.registrations_per_minute = args
            .registrations_per_minute
            .unwrap_or(settings.registrations_per_minute);
        if let Some(seconds) = args.body_timeout {
            settings.body_timeout = Duration::from_secs(u64::from(seconds));
        }
        settings.metrics_token = args.metrics_token.filter(|t| !t.expose().trim().is_empty());
        settings.mail_dir = args.mail_dir.unwrap_or(settings.mail_dir);
        settings.secret_key = args
            .secret_key
            .as_deref()
            .map(parse_secret_key)
            .transpose()?;
        settings.behind_proxy = args.behind_proxy.unwrap_or(false);
        Ok(settings)
    }
}

fn parse_secret_key(raw: &str) -> Result<Vec<u8>, ConfigError> {
    use base64::Engine;
    let engines = [
        base64::engine::general_purpose::STANDARD,
        base64::engine::general_purpose::URL_SAFE_NO_PAD,
    ];
    let key = engines
        .iter()
        .find_map(|engine| engine.decode(raw.trim()).ok());
    match key {
        Some(key) if key.len() >= 64 => Ok(key),
        _ => Err(ConfigError(
            "BIMTEK_SECRET_KEY must be base64 of at least 64 random bytes (e.g. openssl rand -base64 64)".into(),
        )),
    }
}

fn read_file(explicit: Option<&Path>) -> Result<SettingsArgs, ConfigError> {
    let path = match explicit {
        Some(path) => path,
        None if Path::new(DEFAULT_CONFIG_FILE).exists() => Path::new(DEFAULT_CONFIG_FILE),
        None => return Ok(SettingsArgs::default()),
    };
    let text = std::fs::read_to_string(path).map_err(|e| {
        ConfigError(format!(
            "BIMTEK_CONFIG: cannot read {}: {e}",
            path.display()
        ))
    })?;
    let invalid = |reason: String| {
        ConfigError(format!(
            "BIMTEK_CONFIG: {} is not valid: {reason}",
            path.display()
        ))
    };
    let table: toml::Table = toml::from_str(&text).map_err(|e| invalid(e.message().to_owned()))?;
    let known = file_keys();
    if let Some(unknown) = table.keys().find(|key| !known.contains(key)) {
        return Err(invalid(format!("unknown setting `{unknown}`")));
    }
    table
        .try_into()
        .map_err(|e: toml::de::Error| invalid(e.message().to_owned()))
}

/// The file's keys are the flags' names with underscores, whichever part
/// of the settings declares them (the Zoom client declares its own).
fn file_keys() -> Vec<String> {
    use clap::Args;
    SettingsArgs::augment_args(clap::Command::new("bimtek"))
        .get_arguments()
        .map(|arg| arg.get_id().as_str().to_owned())
        .filter(|id| id != "config")
        .collect()
}

fn merge(over: SettingsArgs, under: SettingsArgs) -> SettingsArgs {
    SettingsArgs {
        config: over.config,
        database_url: over.database_url.or(under.database_url),
        bind: over.bind.or(under.bind),
        base_url: over.base_url.or(under.base_url),
        db_pool_size: over.db_pool_size.or(under.db_pool_size),
        job_workers: over.job_workers.or(under.job_workers),
        http_workers: over.http_workers.or(under.http_workers),
        job_retry_minutes: over.job_retry_minutes.or(under.job_retry_minutes),
        smtp_url: over.smtp_url.or(under.smtp_url),
        mail_from: over.mail_from.or(under.mail_from),
        mail_per_minute: over.mail_per_minute.or(under.mail_per_minute),
        registrations_per_minute: over
            .registrations_per_minute
            .or(under.registrations_per_minute),
        body_timeout: over.body_timeout.or(under.body_timeout),
        metrics_token: over.metrics_token.or(under.metrics_token),
        mail_dir: over.mail_dir.or(under.mail_dir),
        secret_key: over.secret_key.or(under.secret_key),
        behind_proxy: over.behind_proxy.or(under.behind_proxy),
        storage_dir: over.storage_dir.or(under.storage_dir),
        storage_url: over.storage_url.or(under.storage_url),
        storage_endpoint: over.storage_endpoint.or(under.storage_endpoint),
        storage_region: over.storage_region.or(under.storage_region),
        storage_access_key_id: over.storage_access_key_id.or(under.storage_access_key_id),
        storage_secret_access_key: over
            .storage_secret_access_key
            .or(under.storage_secret_access_key),
        zoom: over.zoom.over(under.zoom),
        log: over.log.or(under.log),
        log_format: over.log_format.or(under.log_format),
    }
}

/// Beside the SQLite database, as SQLite keeps its own (`-wal`, `-shm`);
/// for PostgreSQL, in the working directory, as `mail/` and `files/` are.
fn default_instance_file(database: &DatabaseUrl) -> PathBuf {
    match database {
        DatabaseUrl::Sqlite(path) => {
            let mut name = path.clone().into_os_string();
            name.push("-instance");
            PathBuf::from(name)
        }
        DatabaseUrl::Postgres(_) => PathBuf::from("bimtek.instance"),
    }
}

/// `files` beside the SQLite database, so that moving one moves both;
/// on PostgreSQL, in the working directory.
fn default_storage_dir(database: &DatabaseUrl) -> PathBuf {
    match database {
        DatabaseUrl::Sqlite(path) => path.parent().unwrap_or(Path::new("")).join("files"),
        DatabaseUrl::Postgres(_) => PathBuf::from("files"),
    }
}

/// A folder unless an object store is named; the store's companions
/// without its URL are a mistake worth stopping for.
fn storage_config(
    args: &SettingsArgs,
    database: &DatabaseUrl,
) -> Result<StorageConfig, ConfigError> {
    let given = |value: &Option<String>| {
        value
            .as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    let secret = args
        .storage_secret_access_key
        .as_ref()
        .map(|s| s.expose().trim())
        .filter(|s| !s.is_empty());
    let Some(raw) = given(&args.storage_url) else {
        let companions = [
            (
                "BIMTEK_STORAGE_ENDPOINT",
                given(&args.storage_endpoint).is_some(),
            ),
            (
                "BIMTEK_STORAGE_REGION",
                given(&args.storage_region).is_some(),
            ),
            (
                "BIMTEK_STORAGE_ACCESS_KEY_ID",
                given(&args.storage_access_key_id).is_some(),
            ),
            ("BIMTEK_STORAGE_SECRET_ACCESS_KEY", secret.is_some()),
        ];
        if let Some((name, _)) = companions.iter().find(|(_, set)| *set) {
            return Err(ConfigError(format!(
                "{name} is set but BIMTEK_STORAGE_URL is not: name the bucket (s3://BUCKET/PREFIX) or drop the object store's settings"
            )));
        }
        return Ok(StorageConfig::Folder(
            args.storage_dir
                .clone()
                .unwrap_or_else(|| default_storage_dir(database)),
        ));
    };
    let invalid = |why: &str| {
        ConfigError(format!(
            "BIMTEK_STORAGE_URL: \"{raw}\" {why}; write s3://BUCKET/PREFIX"
        ))
    };
    let url = url::Url::parse(&raw).map_err(|_| invalid("is not a URL"))?;
    if url.scheme() != "s3" {
        return Err(invalid("is not an s3:// address"));
    }
    let bucket = url
        .host_str()
        .filter(|b| !b.is_empty())
        .ok_or_else(|| invalid("names no bucket"))?
        .to_owned();
    let credentials = match (given(&args.storage_access_key_id), secret) {
        (Some(id), Some(secret)) => Some((id, Secret::new(secret))),
        (None, None) => None,
        (Some(_), None) => {
            return Err(ConfigError(
                "BIMTEK_STORAGE_SECRET_ACCESS_KEY is missing: BIMTEK_STORAGE_ACCESS_KEY_ID needs it".into(),
            ));
        }
        (None, Some(_)) => {
            return Err(ConfigError(
                "BIMTEK_STORAGE_ACCESS_KEY_ID is missing: BIMTEK_STORAGE_SECRET_ACCESS_KEY needs it".into(),
            ));
        }
    };
    Ok(StorageConfig::S3(S3Config {
        bucket,
        prefix: url.path().trim_matches('/').to_owned(),
        endpoint: given(&args.storage_endpoint)
            .map(|raw| parse_http_url("BIMTEK_STORAGE_ENDPOINT", &raw))
            .transpose()?,
        region: given(&args.storage_region).unwrap_or_else(|| "us-east-1".into()),
        credentials,
    }))
}

fn parse_bind(raw: &str) -> Result<SocketAddr, ConfigError> {
    let invalid = || {
        ConfigError(format!(
            "BIMTEK_BIND: \"{raw}\" is not an address like 127.0.0.1:8080"
        ))
    };
    raw.trim()
        .to_socket_addrs()
        .map_err(|_| invalid())?
        .next()
        .ok_or_else(invalid)
}

fn parse_base_url(raw: &str) -> Result<url::Url, ConfigError> {
    parse_http_url("BIMTEK_BASE_URL", raw)
}

pub(crate) fn parse_http_url(setting: &str, raw: &str) -> Result<url::Url, ConfigError> {
    let url = url::Url::parse(raw.trim())
        .map_err(|e| ConfigError(format!("{setting}: \"{raw}\" is not a URL ({e})")))?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(ConfigError(format!(
            "{setting}: \"{raw}\" must be an http:// or https:// address"
        )));
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_and_environment_win_over_the_file() {
        let file = SettingsArgs {
            bind: Some("0.0.0.0:80".into()),
            database_url: Some("file.db".into()),
            ..Default::default()
        };
        let env = SettingsArgs {
            database_url: Some("env.db".into()),
            ..Default::default()
        };
        let merged = merge(env, file);
        assert_eq!(merged.database_url.as_deref(), Some("env.db"));
        assert_eq!(merged.bind.as_deref(), Some("0.0.0.0:80"));
    }

    #[test]
    fn bad_values_name_their_setting() {
        assert!(
            parse_bind("nowhere")
                .unwrap_err()
                .0
                .starts_with("BIMTEK_BIND")
        );
        assert!(
            parse_base_url("ftp://x")
                .unwrap_err()
                .0
                .starts_with("BIMTEK_BASE_URL")
        );
        assert!(
            parse_pool_size("0")
                .unwrap_err()
                .starts_with("BIMTEK_DB_POOL_SIZE")
        );
        assert!(
            parse_log_format("xml")
                .unwrap_err()
                .starts_with("BIMTEK_LOG_FORMAT")
        );
    }

    #[test]
    fn the_file_rejects_unknown_keys() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("bimtek.toml");
        for (text, unknown) in [
            ("databse_url = \"x\"", "databse_url"),
            ("config = \"other.toml\"", "config"),
            ("account_id = \"x\"", "account_id"),
        ] {
            std::fs::write(&file, text).unwrap();
            let error = read_file(Some(&file)).unwrap_err().0;
            assert!(error.contains(&format!("`{unknown}`")), "{error}");
        }
        std::fs::write(
            &file,
            "db_pool_size = 4\nlog_format = \"json\"\nzoom_host_user = \"host@example.id\"",
        )
        .unwrap();
        let parsed = read_file(Some(&file)).unwrap();
        assert_eq!(parsed.db_pool_size, Some(4));
        assert_eq!(parsed.log_format, Some(LogFormat::Json));
        assert_eq!(
            parsed.zoom.zoom_host_user.as_deref(),
            Some("host@example.id")
        );
    }
}
