//! The command line: its commands and flags, and what each command does
//! before and after the application runs.

use clap::parser::ValueSource;
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

use crate::app::{Application, StartupError};
use crate::config::{self, ConfigError, Settings};
use crate::db::{DatabaseUrl, Db};
use crate::services::accounts;
use crate::{demo, services};

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
    pub settings: Settings,
    /// Whether a flag, a variable or the file named the database (the demo
    /// otherwise makes its own).
    #[arg(skip)]
    pub database_given: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum ParseError {
    #[error(transparent)]
    Arguments(#[from] clap::Error),
    #[error(transparent)]
    Settings(#[from] ConfigError),
}

impl Cli {
    /// The process's command line over its variables over the settings
    /// file, with what the settings imply derived and checked.
    pub fn from_process() -> Result<Cli, ParseError> {
        // Once without the file, to learn which file (flag or variable).
        let first = Cli::try_parse()?;
        let file = config::read_file(first.settings.config.as_deref())?;
        let matches = config::with_file(Cli::command(), &file).try_get_matches()?;
        let mut cli = Cli::from_arg_matches(&matches)?;
        cli.database_given = file.contains_key("database_url")
            || matches.value_source("database_url") != Some(ValueSource::DefaultValue);
        cli.settings = cli.settings.derive()?;
        Ok(cli)
    }
}

#[derive(Subcommand, Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Serve the web application and run the background workers (the default).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Create a fresh demo database with the Bengkulu bimtek and serve it at once.
    Demo,
    /// Manage accounts from the shell.
    #[command(subcommand)]
    User(UserCommand),
    /// Render the certificate layout (templates/certificate) with sample data to a PDF.
    CertificatePreview {
        /// The PDF file to write.
        #[arg(long, value_name = "FILE")]
        out: std::path::PathBuf,
        /// The language of the certificate's texts.
        #[arg(long, default_value = "id", value_parser = ["id", "en"])]
        lang: String,
        /// Try the layout's limits: long names with titles, a long event title, two
        /// signatories with signatures and a stamp, a logo and a background image.
        #[arg(long)]
        long: bool,
    },
}

#[derive(Subcommand, Debug, Clone, PartialEq, Eq)]
pub enum UserCommand {
    /// Create (or promote) an administrator and print a link to choose the password.
    Add {
        /// Make the account an administrator (the only kind created from the shell).
        #[arg(long, required = true)]
        admin: bool,
        /// The administrator's e-mail address.
        #[arg(long)]
        email: String,
        /// The administrator's name [default: the e-mail address]
        #[arg(long, default_value = "")]
        name: String,
    },
}

pub async fn serve(settings: Settings) -> Result<(), StartupError> {
    let app = Application::build(settings).await?;
    println!("bimtek: serving on {}", app.base_url());
    let setup = accounts::setup_link(app.db(), app.base_url())
        .await
        .map_err(|e| StartupError(e.to_string()))?;
    if let Some(link) = setup {
        println!("bimtek: no administrator yet; create one within 24 hours at {link}");
    }
    tracing::info!(url = %app.base_url(), "ready");
    app.run_until_stopped()
        .await
        .map_err(|e| StartupError(format!("the server stopped: {e}")))
}

async fn open(settings: &Settings) -> Result<Db, StartupError> {
    let database = settings.database.clone();
    tokio::task::spawn_blocking(move || Db::open(&database, 1))
        .await
        .map_err(|e| StartupError(e.to_string()))?
        .map_err(|e| StartupError(e.to_string()))
}

pub async fn migrate(settings: Settings) -> Result<(), StartupError> {
    open(&settings).await?;
    println!("bimtek: {} is up to date", settings.database);
    Ok(())
}

/// `bimtek user add --admin --email …`: prints the link to choose a password.
pub async fn add_admin(settings: Settings, email: &str, name: &str) -> Result<(), StartupError> {
    let db = open(&settings).await?;
    let base_url = base_url(&settings);
    let link = accounts::add_admin(&db, email, name, &base_url)
        .await
        .map_err(|e| match e {
            crate::error::Error::Invalid(_) => {
                StartupError(format!("--email: \"{email}\" is not an e-mail address"))
            }
            other => StartupError(other.to_string()),
        })?;
    println!("bimtek: {email} is an administrator; choose the password within 7 days at {link}");
    Ok(())
}

/// The address links are made with: the configured one, else the bound one.
fn base_url(settings: &Settings) -> url::Url {
    settings.base_url.clone().unwrap_or_else(|| {
        url::Url::parse(&format!("http://{}", settings.bind)).expect("an address makes a URL")
    })
}

/// `bimtek certificate-preview --out FILE`: the layout with sample data,
/// its QR code to this instance's verify page.
pub fn certificate_preview(
    settings: &Settings,
    out: &std::path::Path,
    lang: &str,
    long: bool,
) -> Result<(), StartupError> {
    use crate::pdf::sample::{self, Sample};
    let lang = crate::i18n::Lang::from_code(lang).unwrap_or(crate::i18n::Lang::Id);
    let kind = if long { Sample::Long } else { Sample::Plain };
    let certificate = sample::certificate(kind, lang, base_url(settings).as_str());
    let layout = crate::pdf::Layout::standard().map_err(|e| StartupError(e.to_string()))?;
    let bytes = crate::pdf::render(&layout, &certificate)
        .map_err(|e| StartupError(format!("the certificate: {e}")))?;
    std::fs::write(out, bytes).map_err(|e| StartupError(format!("{}: {e}", out.display())))?;
    println!(
        "bimtek: wrote {} ({})",
        out.display(),
        certificate.verify_url
    );
    Ok(())
}

/// `database_given`: the operator named a database, which must then be
/// empty; otherwise the demo gets its own file, recreated each time.
pub async fn demo(mut settings: Settings, database_given: bool) -> Result<(), StartupError> {
    if !database_given {
        demo::remove_demo_database();
        settings.database = DatabaseUrl::Sqlite(demo::DEMO_DATABASE.into());
    }
    let settings_mail_dir = settings.mail_dir.clone();
    let zoom_host = settings.zoom.as_ref().map(|zoom| zoom.host_user.clone());
    let app = Application::build(settings).await?;
    let existing = services::events::count(app.db())
        .await
        .map_err(|e| StartupError(e.to_string()))?;
    if existing > 0 {
        return Err(StartupError(format!(
            "BIMTEK_DATABASE_URL: the demo needs an empty database, and this one already holds {existing} event(s)"
        )));
    }
    demo::seed(app.db(), app.storage(), zoom_host.as_deref())
        .await
        .map_err(|e| StartupError(format!("could not create the demo data: {e}")))?;
    let base = app.base_url().as_str().trim_end_matches('/').to_owned();
    println!("bimtek demo: serving on {base}/");
    println!(
        "  the Bengkulu bimtek: {base}/events/{}",
        demo::MAIN_EVENT_SLUG
    );
    println!(
        "  in English:          {base}/lang/en?next=/events/{}",
        demo::MAIN_EVENT_SLUG
    );
    println!(
        "  demo sign-ins at {base}/sign-in (password for all: {}):",
        demo::PASSWORD
    );
    for (email, role) in demo::STAFF {
        println!("    {email:<26} {role}");
    }
    println!(
        "  participants sign in by e-mail link at {base}/my/sign-in, e.g. {}",
        demo::PARTICIPANT
    );
    println!(
        "  (no SMTP server is set: e-mails are written to the folder {})",
        settings_mail_dir.display()
    );
    println!("  stop with Ctrl-C");
    app.run_until_stopped()
        .await
        .map_err(|e| StartupError(format!("the server stopped: {e}")))
}
