//! What the HTTP load benchmarks measure bimtek beside: a minimal page of
//! the same stack (actix-web, maud and diesel on SQLite, one row read from
//! one table per request through an r2d2 pool on the blocking threads, one
//! HTTP worker per core as bimtek), and wrk, which asks both. Included by
//! path (`#[path = "common/reference.rs"] mod reference;`) by the benches
//! that use it.

use std::process::Command;

use actix_web::{App, HttpServer, web};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::{ConnectionManager, Pool};
use maud::{DOCTYPE, Markup, html};

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
pub fn start_minimal(dir: &std::path::Path) -> String {
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

/// What one wrk run measured.
#[derive(Clone, Copy, Debug)]
pub struct Run {
    pub rate: f64,
    /// Answers received in the run.
    pub requests: u64,
    /// 99th percentile latency, milliseconds.
    pub p99_ms: f64,
    /// Bytes read in the run, headers and unfinished answers included.
    pub bytes: f64,
}

/// One wrk run (`-t1 --latency`) of `seconds` over `connections`, with
/// `extra` arguments before the URL (headers, a script); the run, or the
/// reason it does not count (a non-2xx answer, a socket error).
pub fn wrk(url: &str, seconds: usize, connections: usize, extra: &[String]) -> Result<Run, String> {
    let output = Command::new("wrk")
        .args(["-t1", "--latency", &format!("-c{connections}")])
        .arg(format!("-d{seconds}s"))
        .args(extra)
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
    let missing = || format!("{url}: wrk's output lacks a figure:\n{text}");
    let rate = text
        .lines()
        .find_map(|l| l.strip_prefix("Requests/sec:"))
        .and_then(|v| v.trim().parse().ok())
        .ok_or_else(missing)?;
    let requests = text
        .lines()
        .find_map(|l| l.trim().split_once(" requests in "))
        .and_then(|(n, _)| n.trim().parse().ok())
        .ok_or_else(missing)?;
    let p99_ms = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("99%"))
        .and_then(|v| milliseconds(v.trim()))
        .ok_or_else(missing)?;
    // "  1234 requests in 5.00s, 12.05GB read"
    let bytes = text
        .lines()
        .find_map(|l| l.trim().strip_suffix(" read")?.rsplit(' ').next())
        .and_then(size_in_bytes)
        .ok_or_else(missing)?;
    Ok(Run {
        rate,
        requests,
        p99_ms,
        bytes,
    })
}

/// wrk's `850.00KB`, `12.05GB` (powers of 1024), `512B`.
fn size_in_bytes(text: &str) -> Option<f64> {
    let units = [
        ("TB", 1u64 << 40),
        ("GB", 1 << 30),
        ("MB", 1 << 20),
        ("KB", 1 << 10),
        ("B", 1),
    ];
    let (number, scale) = units
        .iter()
        .find_map(|(unit, scale)| Some((text.strip_suffix(unit)?, *scale)))?;
    number.parse::<f64>().ok().map(|n| n * scale as f64)
}

/// wrk's `12.34ms`, `850.00us`, `1.02s`.
fn milliseconds(text: &str) -> Option<f64> {
    let (number, scale) = if let Some(n) = text.strip_suffix("us") {
        (n, 0.001)
    } else if let Some(n) = text.strip_suffix("ms") {
        (n, 1.0)
    } else if let Some(n) = text.strip_suffix('s') {
        (n, 1000.0)
    } else {
        return None;
    };
    number.parse::<f64>().ok().map(|n| n * scale)
}

pub fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}
