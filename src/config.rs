//! Settings: command-line flags, `BIMTEK_*` environment variables and an
//! optional `bimtek.toml`, in that order of precedence. Every problem is
//! reported as one line that names the setting.

use std::net::{SocketAddr, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use serde::Deserialize;

use crate::db::DatabaseUrl;
use crate::telemetry::LogFormat;

const DEFAULT_CONFIG_FILE: &str = "bimtek.toml";

#[derive(Parser, Debug)]
#[command(
    name = "bimtek",
    version,
    about = "Online technical guidance events (bimtek): registration, Zoom sessions, attendance, action plans and certificates.",
    after_help = "Every setting can also be given in bimtek.toml (or the file named by BIMTEK_CONFIG) \
                  under the flag's name with underscores, e.g. database_url = \"bimtek.db\". \
                  Flags win over environment variables, which win over the file."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub settings: SettingsArgs,
}

#[derive(Subcommand, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    /// Serve the web application and run the background workers (the default).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Create a fresh demo database with the Bengkulu bimtek and serve it at once.
    Demo,
}

#[derive(Args, Deserialize, Debug, Clone, Default)]
#[serde(default, deny_unknown_fields)]
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

    /// Background job workers in this instance [default: 2]
    #[arg(long, global = true, env = "BIMTEK_JOB_WORKERS", value_name = "N", value_parser = parse_job_workers)]
    pub job_workers: Option<usize>,

    /// HTTP worker threads [default: one per CPU core]
    #[arg(long, global = true, env = "BIMTEK_HTTP_WORKERS", value_name = "N", value_parser = parse_http_workers)]
    pub http_workers: Option<usize>,

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
}

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(pub String);

impl Settings {
    /// Defaults for everything but the database.
    pub fn with_database(database: DatabaseUrl) -> Settings {
        Settings {
            database,
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            base_url: None,
            db_pool_size: 16,
            job_workers: 2,
            http_workers: None,
            job_idle_poll: Duration::from_secs(2),
            log: "info".into(),
            log_format: LogFormat::Text,
        }
    }

    pub fn resolve(args: SettingsArgs) -> Result<Settings, ConfigError> {
        let args = merge(args.clone(), read_file(args.config.as_deref())?);
        let database = DatabaseUrl::parse(args.database_url.as_deref().unwrap_or("bimtek.db"))
            .map_err(|e| ConfigError(format!("BIMTEK_DATABASE_URL {e}")))?;
        let mut settings = Settings::with_database(database);
        if let Some(bind) = args.bind {
            settings.bind = parse_bind(&bind)?;
        }
        settings.base_url = args.base_url.as_deref().map(parse_base_url).transpose()?;
        settings.db_pool_size = args.db_pool_size.unwrap_or(settings.db_pool_size);
        settings.job_workers = args.job_workers.unwrap_or(settings.job_workers);
        settings.http_workers = args.http_workers;
        settings.log = args.log.unwrap_or(settings.log);
        settings.log_format = args.log_format.unwrap_or(settings.log_format);
        Ok(settings)
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
    toml::from_str(&text).map_err(|e| {
        let reason = e.message().to_owned();
        ConfigError(format!(
            "BIMTEK_CONFIG: {} is not valid: {reason}",
            path.display()
        ))
    })
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
        log: over.log.or(under.log),
        log_format: over.log_format.or(under.log_format),
    }
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
    let url = url::Url::parse(raw.trim())
        .map_err(|e| ConfigError(format!("BIMTEK_BASE_URL: \"{raw}\" is not a URL ({e})")))?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(ConfigError(format!(
            "BIMTEK_BASE_URL: \"{raw}\" must be an http:// or https:// address"
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
        let error = toml::from_str::<SettingsArgs>("databse_url = \"x\"").unwrap_err();
        assert!(
            error.message().contains("databse_url"),
            "{}",
            error.message()
        );
        let parsed: SettingsArgs =
            toml::from_str("db_pool_size = 4\nlog_format = \"json\"").unwrap();
        assert_eq!(parsed.db_pool_size, Some(4));
        assert_eq!(parsed.log_format, Some(LogFormat::Json));
    }
}
