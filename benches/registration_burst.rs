//! Registration burst: people register for one open event through the
//! public form as fast as the server takes them, each in a browser session
//! of their own (GET the form for its token, POST it back).
//!
//!   cargo bench --bench registration_burst                 # SQLite
//!   BIMTEK_BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres cargo bench --bench registration_burst
//!
//! PEOPLE (default 10000) and CLIENTS (people registering at once, default 64)
//! change the run; DB_POOL_SIZE, HTTP_WORKERS and JOB_WORKERS (0: no outbox)
//! override the production defaults to try others. E-mail goes to .eml
//! files, sent by the outbox during the burst as in production; MAIL_DIR
//! puts them in another folder than the database's (see BENCHMARKS.md for
//! why /dev/shm on this VM).

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use bimtek::app::Application;
use bimtek::config::Settings;
use bimtek::domain::event::{NewEvent, Seating};
use bimtek::domain::registration::Status;
use bimtek::domain::time::local_to_utc;
use bimtek::integrations::storage::StorageConfig;
use bimtek::services::{events, registrations};
use chrono::NaiveDate;
use chrono_tz::Tz;
use common::number;

const SLUG: &str = "bimtek-serbu";
/// On the page that answers a registration taken.
const COMPLETED: &str = "Periksa e-mail Anda";
/// Failures shown in full; the rest are only counted.
const SHOWN_FAILURES: usize = 5;

/// Published, no seat quota, registration open until it starts in 2030.
fn open_event() -> NewEvent {
    let zone = Tz::Asia__Jakarta;
    let day = NaiveDate::from_ymd_opt(2030, 7, 29).unwrap();
    NewEvent {
        slug: SLUG.into(),
        title: "Bimtek Pengembangan Perpustakaan Desa".into(),
        description: "Bimbingan teknis daring untuk pustakawan desa.".into(),
        organiser_office: "Dinas Perpustakaan dan Kearsipan Provinsi Bengkulu".into(),
        starts_at: local_to_utc(zone, day.and_hms_opt(9, 0, 0).unwrap()).unwrap(),
        ends_at: local_to_utc(zone, day.and_hms_opt(12, 0, 0).unwrap()).unwrap(),
        time_zone: zone,
        published: true,
        seats: Seating::default(),
        timing: Default::default(),
        rules: Default::default(),
        plans: Default::default(),
    }
}

fn form(n: usize, csrf_token: &str) -> Vec<(&'static str, String)> {
    vec![
        ("csrf_token", csrf_token.to_owned()),
        ("full_name", format!("Dra. Peserta {n}, M.Hum.")),
        ("email", format!("peserta{n}@perpusdes.example.id")),
        ("whatsapp", format!("0812{n:08}")),
        ("nip", String::new()),
        ("institution", "Perpustakaan Desa Sukamaju".into()),
        ("position", "Pustakawan".into()),
        ("province_code", "17".into()),
        ("regency_code", "17.71".into()),
        ("library_type", "desa".into()),
        ("gender", "perempuan".into()),
        ("disability", String::new()),
        ("consent", "on".into()),
        ("website", String::new()),
    ]
}

/// What one person's registration took: the form and its answer, and the
/// answer alone.
struct Timing {
    pair: Duration,
    post: Duration,
}

fn unexpected(step: &str, status: reqwest::StatusCode, body: &str) -> String {
    let start: String = body.chars().take(300).collect();
    format!("{step} {status}: {start}")
}

/// Person `n` in a new browser: its own cookies, so its own session and
/// form token, and its own connection.
async fn register(url: &str, n: usize) -> Result<Timing, String> {
    // Plain HTTP to a local server: without this each new browser parses
    // the system's certificate store (reqwest's native roots, which the Zoom
    // client needs), and the load generator spent more CPU on that than
    // the server on registering.
    let browser = reqwest::Client::builder()
        .tls_built_in_root_certs(false)
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .map_err(|e| e.to_string())?;
    let started = Instant::now();
    let page = browser.get(url).send().await.map_err(|e| e.to_string())?;
    let status = page.status();
    let html = page.text().await.map_err(|e| e.to_string())?;
    let token = html
        .split("name=\"csrf_token\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .filter(|_| status == 200)
        .ok_or_else(|| unexpected("GET", status, &html))?;
    let posted = Instant::now();
    let answer = browser
        .post(url)
        .form(&form(n, token))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let status = answer.status();
    let html = answer.text().await.map_err(|e| e.to_string())?;
    if status != 200 || !html.contains(COMPLETED) {
        return Err(unexpected("POST", status, &html));
    }
    Ok(Timing {
        pair: started.elapsed(),
        post: posted.elapsed(),
    })
}

struct Burst {
    timings: Vec<Timing>,
    failures: usize,
    elapsed: Duration,
    peak_rss_kib: usize,
}

/// `people` registrations, `clients` at a time, each client taking the next
/// person as soon as its last one is answered.
async fn burst(label: &'static str, url: &str, people: usize, clients: usize) -> Burst {
    let next = Arc::new(AtomicUsize::new(0));
    let failures = Arc::new(AtomicUsize::new(0));
    // Sampled per run: the process's own high-water mark would carry the
    // first backend's peak into the second.
    let peak_rss_kib = Arc::new(AtomicUsize::new(0));
    let sampler = tokio::spawn({
        let peak = peak_rss_kib.clone();
        async move {
            loop {
                peak.fetch_max(rss_kib().unwrap_or(0), Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    });
    let started = Instant::now();
    let tasks: Vec<_> = (0..clients)
        .map(|_| {
            let (url, next, failures) = (url.to_owned(), next.clone(), failures.clone());
            tokio::spawn(async move {
                let mut timings = Vec::new();
                loop {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    if n >= people {
                        return timings;
                    }
                    match register(&url, n).await {
                        Ok(timing) => timings.push(timing),
                        Err(reason) => {
                            if failures.fetch_add(1, Ordering::Relaxed) < SHOWN_FAILURES {
                                eprintln!("{label}: person {n}: {reason}");
                            }
                        }
                    }
                }
            })
        })
        .collect();
    let mut timings = Vec::with_capacity(people);
    for task in tasks {
        timings.extend(task.await.unwrap());
    }
    let elapsed = started.elapsed();
    sampler.abort();
    Burst {
        timings,
        failures: failures.load(Ordering::Relaxed),
        elapsed,
        peak_rss_kib: peak_rss_kib.load(Ordering::Relaxed),
    }
}

/// Resident memory of this process (server and clients together).
fn rss_kib() -> Option<usize> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

fn eml_files(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir).map_or(0, |entries| {
        entries
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().ends_with(".eml"))
            .count()
    })
}

/// p50, p95, p99 and max in milliseconds, as one column group.
fn percentiles(mut samples: Vec<Duration>) -> String {
    if samples.is_empty() {
        return format!("{:>27}", "-");
    }
    samples.sort_unstable();
    let at = |q: f64| {
        let i = ((samples.len() - 1) as f64 * q).round() as usize;
        samples[i].as_secs_f64() * 1000.0
    };
    format!(
        "{:>6.1}{:>7.1}{:>7.1}{:>7.1}",
        at(0.50),
        at(0.95),
        at(0.99),
        at(1.0)
    )
}

#[tokio::main]
async fn main() {
    let people = number("PEOPLE").unwrap_or(10_000);
    let clients = number("CLIENTS").unwrap_or(64);
    let dir = tempfile::tempdir().unwrap();
    let mail_root = match std::env::var_os("MAIL_DIR") {
        Some(folder) => tempfile::tempdir_in(folder).unwrap(),
        None => tempfile::tempdir().unwrap(),
    };
    let runs = common::databases(dir.path(), "registration");
    println!(
        "registration burst: {people} people, {clients} at once, each in a new browser session"
    );
    println!(
        "(mail +s: seconds after the burst until the outbox has written every confirmation; \
         RSS: this process, server and clients)"
    );
    println!(
        "{:<9} {:>8} {:>6} {:>6}  {:>27}  {:>27}  {:>7} {:>9}",
        "backend",
        "regist/s",
        "failed",
        "stored",
        "GET+POST p50/p95/p99/max ms",
        "POST p50/p95/p99/max ms",
        "mail +s",
        "peak RSS"
    );
    for run_on in runs {
        let (label, database) = (run_on.label, run_on.url.clone());
        let mail_dir = mail_root.path().join(format!("mail-{label}"));
        let mut settings = Settings::with_database(database);
        settings.bind = "127.0.0.1:0".parse().unwrap();
        // Every client comes from 127.0.0.1: no per-address limit.
        settings.registrations_per_minute = 0;
        settings.mail_dir = mail_dir.clone();
        settings.storage = StorageConfig::Folder(mail_root.path().join(format!("files-{label}")));
        if let Some(n) = number("DB_POOL_SIZE") {
            settings.db_pool_size = u32::try_from(n).unwrap();
        }
        if let Some(n) = number("HTTP_WORKERS") {
            settings.http_workers = Some(n);
        }
        if let Some(n) = number("JOB_WORKERS") {
            settings.job_workers = n;
        }
        let sends_mail = settings.job_workers > 0;
        let app = Application::build(settings)
            .await
            .expect("the application starts");
        let db = app.db().clone();
        let url = format!("http://127.0.0.1:{}/events/{SLUG}/register", app.port());
        tokio::spawn(app.run_until_stopped());
        let event_id = events::create(&db, open_event())
            .await
            .expect("the event is created")
            .id
            .to_string();

        let run = burst(label, &url, people, clients).await;

        // The outbox finishes before the next backend runs, so that it does
        // not take that run's cores.
        let drained = Instant::now();
        while sends_mail
            && eml_files(&mail_dir) < run.timings.len()
            && drained.elapsed() < Duration::from_secs(600)
        {
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        let mail_after = if sends_mail {
            format!("{:.1}", drained.elapsed().as_secs_f64())
        } else {
            "off".to_owned()
        };
        let stored = registrations::with_status(&db, &event_id, Status::Unconfirmed)
            .await
            .unwrap()
            .len();
        println!(
            "{label:<9} {:>8.0} {:>6} {stored:>6}  {}  {}  {mail_after:>7} {:>5.0} MiB",
            run.timings.len() as f64 / run.elapsed.as_secs_f64(),
            run.failures,
            percentiles(run.timings.iter().map(|t| t.pair).collect()),
            percentiles(run.timings.iter().map(|t| t.post).collect()),
            run.peak_rss_kib as f64 / 1024.0,
        );
        assert_eq!(stored, people, "{label}: every registration stored");
        if sends_mail {
            assert_eq!(eml_files(&mail_dir), people, "{label}: one e-mail each");
        }
        run_on.drop_created();
    }
}
