//! Settings: command-line flags, `BIMTEK_*` environment variables and an
//! optional `bimtek.toml`, in that order of precedence (the commands
//! themselves are in `cli`). Every problem is reported as one line that
//! names the setting.
//!
//! A setting is one field of `Settings`: its flag, variable, default and
//! parser are the field's attributes, and the file's key is the flag's name
//! with underscores. The file's values become the flags' defaults, so clap
//! ranks the three sources and every value, wherever it comes from, goes
//! through the same parser.

use std::net::{SocketAddr, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::{ArgAction, Args, FromArgMatches};

use crate::db::DatabaseUrl;
use crate::integrations::storage::{S3Config, StorageConfig};
use crate::integrations::zoom::{ZoomArgs, ZoomConfig};
use crate::secret::{Secret, SecretKey};
use crate::telemetry::LogFormat;

const DEFAULT_CONFIG_FILE: &str = "bimtek.toml";

#[derive(Args, Debug, Clone)]
pub struct Settings {
    /// Settings file (TOML) [default: bimtek.toml when it exists]
    #[arg(long, global = true, env = "BIMTEK_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Database: a SQLite file path, sqlite://PATH, or postgres://USER:PASSWORD@HOST:PORT/NAME
    #[arg(
        id = "database_url",
        long = "database-url",
        global = true,
        env = "BIMTEK_DATABASE_URL",
        value_name = "URL",
        hide_env_values = true,
        default_value = "bimtek.db",
        value_parser = parse_database
    )]
    pub database: DatabaseUrl,

    /// Address and port to listen on
    #[arg(long, global = true, env = "BIMTEK_BIND", value_name = "HOST:PORT", default_value = "127.0.0.1:8080", value_parser = parse_bind)]
    pub bind: SocketAddr,

    /// Public URL of this installation, used in e-mails and QR codes [default: http://BIND]
    #[arg(long, global = true, env = "BIMTEK_BASE_URL", value_name = "URL", value_parser = parse_base_url)]
    pub base_url: Option<url::Url>,

    /// Database connections in the pool
    #[arg(long, global = true, env = "BIMTEK_DB_POOL_SIZE", value_name = "N", default_value = "16", value_parser = parse_pool_size)]
    pub db_pool_size: u32,

    /// Background jobs run at once by this instance (each sending e-mail holds one SMTP connection)
    #[arg(long, global = true, env = "BIMTEK_JOB_WORKERS", value_name = "N", default_value = "32", value_parser = parse_job_workers)]
    pub job_workers: usize,

    /// SMTP server: smtp://USER:PASSWORD@HOST:PORT (STARTTLS), smtps://… (TLS), smtp://HOST:PORT?tls=none (plain, local relay) [default: none: e-mail is written as .eml files to BIMTEK_MAIL_DIR]
    #[arg(
        long,
        global = true,
        env = "BIMTEK_SMTP_URL",
        value_name = "URL",
        hide_env_values = true,
        value_parser = parse_optional_text
    )]
    pub smtp_url: Option<String>,

    /// Sender of every e-mail, e.g. "Bimtek Dispusip Bengkulu <bimtek@dispusip.bengkuluprov.go.id>" [default: bimtek <noreply@HOST of BIMTEK_BASE_URL>]
    #[arg(long, global = true, env = "BIMTEK_MAIL_FROM", value_name = "MAILBOX", value_parser = parse_mail_from)]
    pub mail_from: Option<lettre::message::Mailbox>,

    /// E-mails sent per minute by this instance, at most; 0: no limit
    #[arg(long, global = true, env = "BIMTEK_MAIL_PER_MINUTE", value_name = "N", default_value = "0", value_parser = parse_mail_per_minute)]
    pub mail_per_minute: u32,

    /// Registrations accepted per minute from one client address; 0: no limit
    #[arg(long, global = true, env = "BIMTEK_REGISTRATIONS_PER_MINUTE", value_name = "N", default_value = "20", value_parser = parse_registrations_per_minute)]
    pub registrations_per_minute: u32,

    /// Seconds a request body may pause before the request is answered 408 and its connection closed
    #[arg(long, global = true, env = "BIMTEK_BODY_TIMEOUT", value_name = "SECONDS", default_value = "30", value_parser = parse_body_timeout)]
    pub body_timeout: Duration,

    /// Largest session material a speaker or organiser may upload, in megabytes
    #[arg(long, global = true, env = "BIMTEK_MATERIAL_LIMIT_MB", value_name = "MB", default_value = "50", value_parser = parse_material_limit)]
    pub material_limit_mb: u32,

    /// Bearer token that Prometheus sends to read /metrics (Authorization: Bearer TOKEN) [default: none: /metrics is not served]
    #[arg(long, global = true, env = "BIMTEK_METRICS_TOKEN", value_name = "TOKEN", hide_env_values = true, value_parser = parse_optional_secret)]
    pub metrics_token: Option<Secret>,

    /// Folder for .eml files when no SMTP server is set
    #[arg(
        long,
        global = true,
        env = "BIMTEK_MAIL_DIR",
        value_name = "DIR",
        default_value = "mail"
    )]
    pub mail_dir: PathBuf,

    /// Key for session cookies, base64 of at least 64 random bytes; instances behind one load balancer need the same [default: generated once and kept in the database]
    #[arg(
        long,
        global = true,
        env = "BIMTEK_SECRET_KEY",
        value_name = "BASE64",
        hide_env_values = true,
        value_parser = parse_secret_key
    )]
    pub secret_key: Option<SecretKey>,

    /// Behind a reverse proxy that sets X-Forwarded-For: take the client's address from it (true/false)
    #[arg(long, global = true, env = "BIMTEK_BEHIND_PROXY", value_name = "BOOL", default_value = "false", value_parser = parse_bool, action = ArgAction::Set)]
    pub behind_proxy: bool,

    /// How long, in minutes, a job keeps trying while a server it needs (SMTP, Zoom, the object store) is down or asks it to wait, counted from its first failure (a day)
    #[arg(
        id = "job_retry_minutes",
        long = "job-retry-minutes",
        global = true,
        env = "BIMTEK_JOB_RETRY_MINUTES",
        value_name = "N",
        default_value = "1440",
        value_parser = parse_job_retry_minutes
    )]
    pub job_retry_for: Duration,

    /// HTTP worker threads [default: one per CPU core]
    #[arg(long, global = true, env = "BIMTEK_HTTP_WORKERS", value_name = "N", value_parser = parse_http_workers)]
    pub http_workers: Option<usize>,

    #[command(flatten)]
    pub storage_args: StorageArgs,

    #[command(flatten)]
    pub zoom_args: ZoomArgs,

    /// Log filter, e.g. info or bimtek=debug,actix_web=warn
    #[arg(
        long,
        global = true,
        env = "BIMTEK_LOG",
        value_name = "FILTER",
        default_value = "info"
    )]
    pub log: String,

    /// Log format: text or json
    #[arg(long, global = true, env = "BIMTEK_LOG_FORMAT", value_name = "FORMAT", default_value = "text", value_parser = parse_log_format)]
    pub log_format: LogFormat,

    // What follows is derived from the settings above, or set by tests.
    /// How long an idle worker waits before looking for due jobs again.
    #[arg(skip = Duration::from_secs(2))]
    pub job_idle_poll: Duration,
    /// The first wait before a failed job is tried again (tests shorten it).
    #[arg(skip = crate::domain::job::FIRST_RETRY)]
    pub job_first_retry: Duration,
    /// How long a participant's invitation to a Zoom session waits for
    /// their personal link before it goes without (tests shorten it).
    #[arg(skip = crate::domain::registrant::LINK_WAIT)]
    pub zoom_link_wait: Duration,
    /// Where this instance keeps its name in the jobs table, so that its
    /// restart after a crash takes back the jobs it held at once (see
    /// `jobs::InstanceName`); `None`: a new name at each start.
    #[arg(skip)]
    pub instance_file: Option<PathBuf>,
    /// `None`: Zoom is not configured; sessions get no meetings.
    #[arg(skip)]
    pub zoom: Option<ZoomConfig>,
    #[arg(skip = StorageConfig::Folder(PathBuf::new()))]
    pub storage: StorageConfig,
}

/// The object store's settings, checked together by `storage_config`.
#[derive(Args, Debug, Clone, Default)]
pub struct StorageArgs {
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
}

fn parse_database(raw: &str) -> Result<DatabaseUrl, String> {
    DatabaseUrl::parse(raw).map_err(|e| format!("BIMTEK_DATABASE_URL {e}"))
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

fn parse_job_retry_minutes(raw: &str) -> Result<Duration, String> {
    parse_count(raw, 1, 60 * 24 * 30)
        .map(|minutes| Duration::from_secs(u64::from(minutes) * 60))
        .map_err(|e| format!("BIMTEK_JOB_RETRY_MINUTES {e}"))
}

fn parse_registrations_per_minute(raw: &str) -> Result<u32, String> {
    parse_count(raw, 0, 1_000_000).map_err(|e| format!("BIMTEK_REGISTRATIONS_PER_MINUTE {e}"))
}

fn parse_material_limit(raw: &str) -> Result<u32, String> {
    parse_count(raw, 1, 4096).map_err(|e| format!("BIMTEK_MATERIAL_LIMIT_MB {e}"))
}

fn parse_body_timeout(raw: &str) -> Result<Duration, String> {
    parse_count(raw, 1, 3600)
        .map(|seconds| Duration::from_secs(u64::from(seconds)))
        .map_err(|e| format!("BIMTEK_BODY_TIMEOUT {e}"))
}

/// An empty value (`BIMTEK_SMTP_URL=`) is the same as none.
fn parse_optional_text(raw: &str) -> Result<String, String> {
    Ok(raw.trim().to_owned())
}

fn parse_optional_secret(raw: &str) -> Result<Secret, String> {
    Secret::parse(raw.trim())
}

fn parse_mail_from(raw: &str) -> Result<lettre::message::Mailbox, String> {
    raw.parse()
        .map_err(|e| format!("BIMTEK_MAIL_FROM: \"{raw}\" is not a mailbox ({e})"))
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

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(pub String);

impl Settings {
    /// Defaults for everything but the database, as if no flag, variable
    /// or file gave anything.
    pub fn with_database(database: DatabaseUrl) -> Settings {
        let command = Settings::augment_args(clap::Command::new("bimtek"))
            .mut_args(|arg| arg.env(None::<&'static str>));
        let mut settings = command
            .try_get_matches_from(["bimtek"])
            .and_then(|matches| Settings::from_arg_matches(&matches))
            .expect("the defaults pass their own parsers");
        settings.database = database;
        settings
            .derive()
            .expect("the defaults make a valid configuration")
    }

    /// What the settings imply together, and the checks that span
    /// several of them (Zoom's all or none, the object store's companions).
    pub fn derive(mut self) -> Result<Settings, ConfigError> {
        self.smtp_url = self.smtp_url.filter(|url| !url.is_empty());
        self.metrics_token = self
            .metrics_token
            .filter(|token| !token.expose().is_empty());
        self.zoom = self.zoom_args.resolve().map_err(ConfigError)?;
        self.storage = storage_config(&self.storage_args, &self.database)?;
        self.instance_file = Some(default_instance_file(&self.database));
        Ok(self)
    }
}

fn parse_secret_key(raw: &str) -> Result<SecretKey, String> {
    use base64::Engine;
    let engines = [
        base64::engine::general_purpose::STANDARD,
        base64::engine::general_purpose::URL_SAFE_NO_PAD,
    ];
    let key = engines
        .iter()
        .find_map(|engine| engine.decode(raw.trim()).ok());
    match key {
        Some(key) if key.len() >= 64 => Ok(SecretKey::new(key)),
        _ => Err(
            "BIMTEK_SECRET_KEY must be base64 of at least 64 random bytes (e.g. openssl rand -base64 64)".into(),
        ),
    }
}

/// The settings file named by `--config`/`BIMTEK_CONFIG`, or `bimtek.toml`
/// when it exists; its keys are checked against the flags' names.
pub fn read_file(explicit: Option<&Path>) -> Result<toml::Table, ConfigError> {
    let path = match explicit {
        Some(path) => path,
        None if Path::new(DEFAULT_CONFIG_FILE).exists() => Path::new(DEFAULT_CONFIG_FILE),
        None => return Ok(toml::Table::new()),
    };
    let invalid = |reason: String| {
        ConfigError(format!(
            "BIMTEK_CONFIG: {} is not valid: {reason}",
            path.display()
        ))
    };
    let text = std::fs::read_to_string(path).map_err(|e| {
        ConfigError(format!(
            "BIMTEK_CONFIG: cannot read {}: {e}",
            path.display()
        ))
    })?;
    let table: toml::Table = toml::from_str(&text).map_err(|e| invalid(e.message().to_owned()))?;
    let known = file_keys();
    if let Some(unknown) = table.keys().find(|key| !known.contains(key)) {
        return Err(invalid(format!("unknown setting `{unknown}`")));
    }
    if let Some((key, _)) = table.iter().find(|(_, value)| file_value(value).is_none()) {
        return Err(invalid(format!(
            "`{key}` must be a string, a number or true/false"
        )));
    }
    Ok(table)
}

/// The file's keys are the flags' names with underscores, whichever part
/// of the settings declares them (the Zoom client declares its own).
fn file_keys() -> Vec<String> {
    Settings::augment_args(clap::Command::new("bimtek"))
        .get_arguments()
        .map(|arg| arg.get_id().as_str().to_owned())
        .filter(|id| id != "config")
        .collect()
}

fn file_value(value: &toml::Value) -> Option<String> {
    match value {
        toml::Value::String(text) => Some(text.clone()),
        toml::Value::Integer(number) => Some(number.to_string()),
        toml::Value::Boolean(yes) => Some(yes.to_string()),
        _ => None,
    }
}

/// The command line with the file's values as the flags' defaults: clap
/// then takes a flag over its variable, its variable over the file, and
/// parses each the same way.
pub fn with_file(command: clap::Command, file: &toml::Table) -> clap::Command {
    command.mut_args(
        |arg| match file.get(arg.get_id().as_str()).and_then(file_value) {
            // A secret from the file must not show in --help as a default.
            Some(value) if arg.is_hide_env_values_set() => {
                arg.default_value(value).hide_default_value(true)
            }
            Some(value) => arg.default_value(value),
            None => arg,
        },
    )
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
    args: &StorageArgs,
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

    /// The settings parsed from `flags` over the file `text`, with no
    /// variables (the tester's own would leak in).
    fn parse(text: &str, flags: &[&str]) -> Result<Settings, String> {
        let file: toml::Table = toml::from_str(text).unwrap();
        let command = with_file(Settings::augment_args(clap::Command::new("bimtek")), &file)
            .mut_args(|arg| arg.env(None::<&'static str>));
        let matches = command
            .try_get_matches_from(std::iter::once("bimtek").chain(flags.iter().copied()))
            .map_err(|e| e.to_string())?;
        Settings::from_arg_matches(&matches).map_err(|e| e.to_string())
    }

    #[test]
    fn flags_win_over_the_file_which_wins_over_the_defaults() {
        let settings = parse(
            "bind = \"0.0.0.0:80\"\ndatabase_url = \"file.db\"\ndb_pool_size = 4\nbehind_proxy = true",
            &["--database-url", "flag.db"],
        )
        .unwrap();
        assert_eq!(settings.database, DatabaseUrl::parse("flag.db").unwrap());
        assert_eq!(settings.bind, SocketAddr::from(([0, 0, 0, 0], 80)));
        assert_eq!(settings.db_pool_size, 4);
        assert!(settings.behind_proxy);
        assert_eq!(settings.job_workers, 32);
        assert_eq!(settings.job_retry_for, Duration::from_secs(24 * 60 * 60));
    }

    #[test]
    fn a_file_value_goes_through_its_settings_parser() {
        let error = parse("db_pool_size = 0", &[]).unwrap_err();
        assert!(error.contains("BIMTEK_DB_POOL_SIZE"), "{error}");
        let error = parse("job_retry_minutes = \"soon\"", &[]).unwrap_err();
        assert!(error.contains("BIMTEK_JOB_RETRY_MINUTES"), "{error}");
    }

    #[test]
    fn the_defaults_are_those_the_help_states() {
        let settings = Settings::with_database(DatabaseUrl::parse("x.db").unwrap());
        assert_eq!(settings.bind, SocketAddr::from(([127, 0, 0, 1], 8080)));
        assert_eq!(settings.registrations_per_minute, 20);
        assert_eq!(settings.body_timeout, Duration::from_secs(30));
        assert_eq!(settings.mail_dir, PathBuf::from("mail"));
        assert_eq!(settings.log_format, LogFormat::Text);
        assert!(settings.zoom.is_none() && settings.smtp_url.is_none());
        assert!(settings.zoom_args.webhook().is_none());
        assert_eq!(
            settings.zoom_args.zoom_webhook_tolerance,
            Duration::from_secs(300)
        );
        assert_eq!(
            settings.storage,
            StorageConfig::Folder(PathBuf::from("files"))
        );
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
        let table = read_file(Some(&file)).unwrap();
        assert_eq!(table.len(), 3);
        std::fs::write(&file, "db_pool_size = [4]").unwrap();
        let error = read_file(Some(&file)).unwrap_err().0;
        assert!(error.contains("`db_pool_size`"), "{error}");
    }
}
