//! The public event page beside a minimal page of the same stack.
//!
//!   cargo bench --bench event_page
//!
//! Two servers run in this process: bimtek (the demo's data, its Bengkulu
//! event holding 10,000 confirmed registrations, so that the page counts
//! that many seats) and the minimal page of the same stack
//! (`common/reference.rs`). wrk asks each in turn, ROUNDS times (default 5),
//! DURATION seconds each (default 5) over CONNECTIONS keep-alive
//! connections (default 64), after a warm-up; the report gives requests/s of
//! each in every round, the medians and their ratio. ACCEPT_ENCODING (e.g.
//! `gzip`) makes wrk ask both for a compressed page. Needs `wrk` (Debian:
//! `apt-get install wrk`); it runs on the same cores as the servers.

// Only its settings helper: this bench runs on SQLite alone.
#[allow(dead_code)]
mod common;
// Not every figure of a run: this bench reports rates.
#[allow(dead_code)]
#[path = "common/reference.rs"]
mod reference;
#[path = "common/seed.rs"]
mod seed;

use std::time::Duration;

use bimtek::app::Application;
use bimtek::config::Settings;
use bimtek::db::DatabaseUrl;
use bimtek::integrations::storage::StorageConfig;
use common::number;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use reference::{median, start_minimal, wrk};

const REGISTRATIONS: usize = 10_000;

/// bimtek on the demo's data, with `REGISTRATIONS` confirmed seats in its
/// main event; returns the event page's address.
async fn start_bimtek(dir: &std::path::Path) -> String {
    let file = dir.join("bimtek.db");
    let mut settings = Settings::with_database(DatabaseUrl::Sqlite(file.clone()));
    settings.bind = "127.0.0.1:0".parse().unwrap();
    // Nothing in the background while the pages are measured.
    settings.job_workers = 0;
    settings.mail_dir = dir.join("mail");
    settings.storage = StorageConfig::Folder(dir.join("files"));
    let app = Application::build(settings).await.expect("bimtek starts");
    bimtek::demo::seed(app.db(), app.storage(), None)
        .await
        .expect("the demo seeds");
    let port = app.port();
    tokio::spawn(app.run_until_stopped());
    let slug = bimtek::demo::MAIN_EVENT_SLUG;
    let mut conn = SqliteConnection::establish(file.to_str().unwrap()).unwrap();
    conn.batch_execute(&format!(
        "UPDATE events SET seat_quota = {quota} WHERE slug = '{slug}'; {registrations}",
        quota = 2 * REGISTRATIONS,
        registrations =
            seed::confirmed_registrations(slug, bimtek::demo::PARTICIPANT, REGISTRATIONS),
    ))
    .expect("the registrations are inserted");
    format!("http://127.0.0.1:{port}/events/{slug}")
}

#[tokio::main]
async fn main() {
    let rounds = number("ROUNDS").unwrap_or(5).max(1);
    let seconds = number("DURATION").unwrap_or(5).max(1);
    let connections = number("CONNECTIONS").unwrap_or(64);
    let headers: Vec<String> = std::env::var("ACCEPT_ENCODING")
        .ok()
        .map(|e| vec!["-H".to_owned(), format!("Accept-Encoding: {e}")])
        .unwrap_or_default();
    let dir = tempfile::tempdir().unwrap();
    let minimal = start_minimal(dir.path());
    let event = start_bimtek(dir.path()).await;

    let page = reqwest::Client::builder()
        .tls_built_in_root_certs(false)
        .build()
        .unwrap()
        .get(&event)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200, "the event page answers");
    let html = page.text().await.unwrap();
    let left: usize = html
        .split("Sisa kursi: ")
        .nth(1)
        .and_then(|rest| rest.split('.').next())
        .and_then(|n| n.parse().ok())
        .expect("the page shows the seats left");
    assert!(
        left <= REGISTRATIONS,
        "the page counts the {REGISTRATIONS} seats taken"
    );

    println!(
        "event page with {REGISTRATIONS} registrations beside a minimal page (actix-web + maud + \
         diesel SQLite, one row): {rounds} rounds of {seconds} s each, wrk -t1 -c{connections}{}, \
         on {} cores shared with wrk",
        if headers.is_empty() {
            String::new()
        } else {
            format!(" -H '{}'", headers[1])
        },
        std::thread::available_parallelism().map_or(0, |n| n.get()),
    );
    // Warm-up: connections, caches, the pools filled.
    let warm = tokio::task::spawn_blocking({
        let (minimal, event, headers) = (minimal.clone(), event.clone(), headers.clone());
        move || {
            wrk(&minimal, 2, connections, &headers)
                .and_then(|_| wrk(&event, 2, connections, &headers))
        }
    });
    warm.await.unwrap().unwrap();

    println!(
        "{:>5} {:>12} {:>12} {:>7}",
        "round", "minimal/s", "event/s", "ratio"
    );
    let (mut minimal_rates, mut event_rates) = (Vec::new(), Vec::new());
    for round in 1..=rounds {
        let (m, e) = tokio::task::spawn_blocking({
            let (minimal, event, headers) = (minimal.clone(), event.clone(), headers.clone());
            move || {
                // Which goes first alternates, so that a drift of the
                // machine's load does not favour one.
                if round % 2 == 1 {
                    let m = wrk(&minimal, seconds, connections, &headers);
                    (m, wrk(&event, seconds, connections, &headers))
                } else {
                    let e = wrk(&event, seconds, connections, &headers);
                    (wrk(&minimal, seconds, connections, &headers), e)
                }
            }
        })
        .await
        .unwrap();
        let (m, e) = (m.unwrap().rate, e.unwrap().rate);
        println!("{round:>5} {m:>12.0} {e:>12.0} {:>7.2}", e / m);
        minimal_rates.push(m);
        event_rates.push(e);
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let (m, e) = (median(minimal_rates), median(event_rates));
    println!("{:>5} {m:>12.0} {e:>12.0} {:>7.2}", "median", e / m);
}
