//! The commands: what each does before and after the application runs.

use crate::app::{Application, StartupError};
use crate::config::Settings;
use crate::db::{DatabaseUrl, Db};
use crate::{demo, services};

pub async fn serve(settings: Settings) -> Result<(), StartupError> {
    let app = Application::build(settings).await?;
    println!("bimtek: serving on {}", app.base_url());
    tracing::info!(url = %app.base_url(), "ready");
    app.run_until_stopped()
        .await
        .map_err(|e| StartupError(format!("the server stopped: {e}")))
}

pub async fn migrate(settings: Settings) -> Result<(), StartupError> {
    let database = settings.database.clone();
    let pool_size = 1;
    tokio::task::spawn_blocking(move || Db::open(&database, pool_size))
        .await
        .map_err(|e| StartupError(e.to_string()))?
        .map_err(|e| StartupError(e.to_string()))?;
    println!("bimtek: {} is up to date", settings.database);
    Ok(())
}

/// `database_given`: the operator named a database, which must then be
/// empty; otherwise the demo gets its own file, recreated each time.
pub async fn demo(mut settings: Settings, database_given: bool) -> Result<(), StartupError> {
    if !database_given {
        demo::remove_demo_database();
        settings.database = DatabaseUrl::Sqlite(demo::DEMO_DATABASE.into());
    }
    let app = Application::build(settings).await?;
    let existing = services::events::count(app.db())
        .await
        .map_err(|e| StartupError(e.to_string()))?;
    if existing > 0 {
        return Err(StartupError(format!(
            "BIMTEK_DATABASE_URL: the demo needs an empty database, and this one already holds {existing} event(s)"
        )));
    }
    demo::seed(app.db())
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
    println!("  demo sign-ins:       none yet (accounts are not part of this version)");
    println!("  stop with Ctrl-C");
    app.run_until_stopped()
        .await
        .map_err(|e| StartupError(format!("the server stopped: {e}")))
}
