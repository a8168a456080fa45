//! Outbox throughput: messages per second from the jobs table to a local
//! SMTP server, with the throttle off.
//!
//!   cargo bench --bench outbox                    # SQLite
//!   BIMTEK_BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1/postgres cargo bench --bench outbox
//!
//! MESSAGES (default 5000) and WORKERS (job workers, default 32 as in production) change the run.

mod common;
#[path = "common/plain_mail.rs"]
mod plain_mail;
#[path = "../tests/api/support/smtp.rs"]
mod smtp;

use std::time::{Duration, Instant};

use bimtek::app::Application;
use bimtek::config::Settings;
use bimtek::integrations::storage::StorageConfig;
use common::number;

#[tokio::main]
async fn main() {
    let messages = number("MESSAGES").unwrap_or(5000);
    let workers = number("WORKERS").unwrap_or(32);
    let dir = tempfile::tempdir().unwrap();
    let runs = common::databases(dir.path(), "outbox");
    println!("outbox: {messages} messages, {workers} job workers, throttle off, SMTP on 127.0.0.1");
    for run_on in runs {
        let (label, database) = (run_on.label, run_on.url.clone());
        let smtp = smtp::SmtpServer::start().await;
        let mut settings = Settings::with_database(database);
        settings.bind = "127.0.0.1:0".parse().unwrap();
        settings.smtp_url = Some(smtp.url());
        settings.job_workers = workers;
        settings.job_idle_poll = Duration::from_millis(20);
        settings.mail_dir = dir.path().join("mail");
        settings.storage = StorageConfig::Folder(dir.path().join("files"));
        let app = Application::build(settings)
            .await
            .expect("the application starts");
        let db = app.db().clone();
        tokio::spawn(app.run_until_stopped());

        let started = Instant::now();
        plain_mail::queue(&db, messages).await;
        let queued = started.elapsed();
        let delivered = Instant::now();
        smtp.wait_for(messages, Duration::from_secs(600)).await;
        let elapsed = delivered.elapsed();
        tokio::time::sleep(Duration::from_millis(500)).await;
        let received = smtp.received().len();
        println!(
            "{label:<9} queued in {:>6.2} s   delivered in {:>6.2} s   {:>7.0} messages/s   ({received} received for {messages})",
            queued.as_secs_f64(),
            elapsed.as_secs_f64(),
            messages as f64 / elapsed.as_secs_f64()
        );
        assert_eq!(received, messages, "every message exactly once");
        run_on.drop_created();
    }
}
