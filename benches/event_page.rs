//! The public event page beside a minimal page of the same stack.
//!
//!   cargo bench --bench event_page
//!
//! Two servers run in this process: bimtek (the demo's data, its Bengkulu
//! event holding 10,000 confirmed registrations, so that the page counts
//! that many seats) and a minimal page of the same stack, built here:
//! actix-web, maud and diesel on SQLite, one row read from one table per
//! request through an r2d2 pool on the blocking threads, one HTTP worker
//! per core as bimtek. wrk asks each in turn, ROUNDS times (default 5),
//! DURATION seconds each (default 5) over CONNECTIONS keep-alive
//! connections (default 64), after a warm-up; the report gives requests/s of
//! each in every round, the medians and their ratio. ACCEPT_ENCODING (e.g.
//! `gzip`) makes wrk ask both for a compressed page. Needs `wrk` (Debian:
//! `apt-get install wrk`); it runs on the same cores as the servers.

// Only its settings helper: this bench runs on SQLite alone.
#[allow(dead_code)]
mod common;

use std::process::Command;
use std::time::Duration;

use actix_web::{App, HttpServer, web};
use bimtek::app::Application;
use bimtek::config::Settings;
use bimtek::db::DatabaseUrl;
use bimtek::integrations::storage::StorageConfig;
use common::number;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::{ConnectionManager, Pool};
use maud::{DOCTYPE, Markup, html};

const REGISTRATIONS: usize = 10_000;

/// The minimal page's one table and its one row.
const MINIMAL_SCHEMA: &str = "
    CREATE TABLE events (slug TEXT PRIMARY KEY, title TEXT NOT NULL,
        organiser_office TEXT NOT NULL, description TEXT NOT NULL);
    INSERT INTO events VALUES ('bimtek', 'Bimbingan Teknis Strategi Pengembangan Perpustakaan',
        'Dinas Perpustakaan dan Kearsipan Provinsi Bengkulu',
        'Bimtek daring melalui Zoom bagi pengelola perpustakaan.');";

diesel::table! {
    events (slug) {
        slug -> Text,
        title -> Text,
        organiser_office -> Text,
        description -> Text,
    }
}

type SqlitePool = Pool<ConnectionManager<SqliteConnection>>;

async fn minimal_page(
    pool: web::Data<SqlitePool>,
    slug: web::Path<String>,
) -> actix_web::Result<Markup> {
    let pool = pool.into_inner();
    let row = web::block(move || -> Result<(String, String, String), String> {
        let mut conn = pool.get().map_err(|e| e.to_string())?;
        events::table
            .find(slug.as_str())
            .select((events::title, events::organiser_office, events::description))
            .first(&mut conn)
            .map_err(|e| e.to_string())
    })
    .await?
    .map_err(actix_web::error::ErrorNotFound)?;
    let (title, office, description) = row;
    Ok(html! {
        (DOCTYPE)
        html lang="id" {
            head { meta charset="utf-8"; title { (title) } }
            body { main { h1 { (title) } p { (office) } p { (description) } } }
        }
    })
}

/// Serves the minimal page at `/events/bimtek`; returns its address.
fn start_minimal(dir: &std::path::Path) -> String {
    let file = dir.join("minimal.db");
    let pool = Pool::builder()
        .max_size(16)
        .build(ConnectionManager::<SqliteConnection>::new(
            file.to_str().unwrap(),
        ))
        .unwrap();
    pool.get().unwrap().batch_execute(MINIMAL_SCHEMA).unwrap();
    let pool = web::Data::new(pool);
    let server = HttpServer::new(move || {
        App::new()
            .app_data(pool.clone())
            .route("/events/{slug}", web::get().to(minimal_page))
    })
    .bind("127.0.0.1:0")
    .unwrap();
    let port = server.addrs()[0].port();
    tokio::spawn(server.run());
    format!("http://127.0.0.1:{port}/events/bimtek")
}

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
    bimtek::demo::seed(app.db(), None)
        .await
        .expect("the demo seeds");
    let port = app.port();
    tokio::spawn(app.run_until_stopped());
    let slug = bimtek::demo::MAIN_EVENT_SLUG;
    let mut conn = SqliteConnection::establish(file.to_str().unwrap()).unwrap();
    conn.batch_execute(&format!(
        "UPDATE events SET seat_quota = {quota} WHERE slug = '{slug}';
         INSERT INTO registrations (id, event_id, user_id, status, full_name, email, whatsapp,
             nip, institution, position, province_code, regency_code, library_type, gender,
             disability, consent_at, address_confirmed_at, queued_at, created_at, updated_at,
             confirmation_hash, added_by, search_text)
         WITH RECURSIVE numbers(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM numbers WHERE n < {REGISTRATIONS})
         SELECT 'bench-' || n, e.id, u.id, 'confirmed', 'Peserta ' || n,
             'peserta' || n || '@perpusdes.example.id', '+62812' || (10000000 + n), NULL,
             'Perpustakaan Desa ' || (n % 500), 'Pustakawan', '17', '17.71', 'desa', 'perempuan',
             NULL, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP,
             CURRENT_TIMESTAMP, NULL, NULL, 'peserta ' || n
         FROM numbers, events e, users u
         WHERE e.slug = '{slug}' AND u.email = '{participant}';",
        quota = 2 * REGISTRATIONS,
        participant = bimtek::demo::PARTICIPANT,
    ))
    .expect("the registrations are inserted");
    format!("http://127.0.0.1:{port}/events/{slug}")
}

/// One wrk run; its requests/s, or the reason it does not count.
fn wrk(url: &str, seconds: usize, connections: usize, headers: &[String]) -> Result<f64, String> {
    let mut command = Command::new("wrk");
    command.args(["-t1", &format!("-c{connections}"), &format!("-d{seconds}s")]);
    for header in headers {
        command.args(["-H", header]);
    }
    let output = command
        .arg(url)
        .output()
        .map_err(|e| format!("wrk: {e} (apt-get install wrk)"))?;
    let text = String::from_utf8_lossy(&output.stdout);
    if let Some(line) = text
        .lines()
        .find(|l| l.contains("Non-2xx") || l.contains("Socket errors"))
    {
        return Err(format!("{url}: {}", line.trim()));
    }
    text.lines()
        .find_map(|l| l.strip_prefix("Requests/sec:"))
        .and_then(|v| v.trim().parse().ok())
        .ok_or_else(|| format!("{url}: no rate in wrk's output:\n{text}"))
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

#[tokio::main]
async fn main() {
    let rounds = number("ROUNDS").unwrap_or(5).max(1);
    let seconds = number("DURATION").unwrap_or(5).max(1);
    let connections = number("CONNECTIONS").unwrap_or(64);
    let headers: Vec<String> = std::env::var("ACCEPT_ENCODING")
        .ok()
        .map(|e| format!("Accept-Encoding: {e}"))
        .into_iter()
        .collect();
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
            format!(" -H '{}'", headers[0])
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
        let (m, e) = (m.unwrap(), e.unwrap());
        println!("{round:>5} {m:>12.0} {e:>12.0} {:>7.2}", e / m);
        minimal_rates.push(m);
        event_rates.push(e);
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let (m, e) = (median(minimal_rates), median(event_rates));
    println!("{:>5} {m:>12.0} {e:>12.0} {:>7.2}", "median", e / m);
}
