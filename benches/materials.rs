//! Session materials out of a `bimtek serve` process (release build):
//! (a) a 10 MB material downloaded over 32 connections at once, beside the
//! server's stylesheet over as many and a plain read of the same file from
//! disk; (b) the ZIP of an event's 20 materials, streamed.
//!
//!   cargo bench --bench materials                    # SQLite
//!   BIMTEK_BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres cargo bench --bench materials
//!
//! ROUNDS (default 3), DURATION (seconds of each wrk run, default 5),
//! CONNECTIONS (default 32), MATERIAL_MB (the downloaded file, default 10)
//! and ZIP_MB (each of the ZIP's 20 files, default 5) change the run. The
//! materials are public and open now, so that wrk asks without a session;
//! the server runs as its own process (its HTTP workers as in production,
//! one per core), so that its CPU time is read from /proc/<pid>/stat
//! apart from wrk's, which runs on the same cores. Needs `wrk` (Debian:
//! `apt-get install wrk`).

mod common;
#[path = "../tests/api/support/process.rs"]
mod process;
// Not every figure of a run is reported here.
#[allow(dead_code)]
#[path = "common/reference.rs"]
mod reference;

use std::io::Read;
use std::path::Path;
use std::time::{Duration, Instant};

use bimtek::app::Application;
use bimtek::config::Settings;
use bimtek::db::DatabaseUrl;
use bimtek::domain::account::Account;
use bimtek::domain::event::{Event, NewEvent};
use bimtek::domain::material::{Availability, Checked, Visibility};
use bimtek::domain::session::SessionForm;
use bimtek::i18n::Lang;
use bimtek::integrations::storage::{Storage, StorageConfig};
use bimtek::services::materials::{Addition, StoredFile};
use bimtek::services::{self, accounts};
use chrono_tz::Tz;
use common::number;
use futures_util::StreamExt;
use process::{bimtek, memory_mib, reset_peak, start};
use reference::{Run, median, wrk};

const ZIP_FILES: usize = 20;
const MIB: f64 = 1024.0 * 1024.0;

/// A PDF of `size` bytes that no other file equals.
fn pdf(label: &str, size: usize) -> Vec<u8> {
    let mut bytes = format!("%PDF-1.7\n% {label}\n").into_bytes();
    let mut state = label
        .bytes()
        .fold(0x9e37_79b9_u32, |h, b| h.rotate_left(5) ^ u32::from(b));
    while bytes.len() < size {
        // Not compressible, as slides and scans are not.
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        bytes.extend_from_slice(&state.to_le_bytes());
    }
    bytes.truncate(size);
    bytes
}

fn origin() -> accounts::Origin {
    accounts::Origin {
        base_url: "http://127.0.0.1/".parse().unwrap(),
        address: None,
        lang: Lang::Id,
    }
}

/// A published event with `sessions` sessions, the first of them 27 July
/// 2020 as in Bengkulu; its sessions' ids.
async fn event(
    app: &Application,
    admin: &Account,
    slug: &str,
    sessions: usize,
) -> (Event, Vec<String>) {
    let zone = Tz::Asia__Jakarta;
    let day = chrono::NaiveDate::from_ymd_opt(2020, 7, 27).unwrap();
    let at = |h: u32| {
        bimtek::domain::time::local_to_utc(zone, day.and_hms_opt(h, 0, 0).unwrap()).unwrap()
    };
    let event = services::events::create(
        app.db(),
        NewEvent {
            slug: slug.to_owned(),
            title: "Bimbingan Teknis Strategi Pengembangan Perpustakaan dan TIK".into(),
            description: "Bimtek daring bagi pengelola perpustakaan.".into(),
            organiser_office: "Dinas Perpustakaan dan Kearsipan Provinsi Bengkulu".into(),
            starts_at: at(8),
            ends_at: at(17),
            time_zone: zone,
            published: true,
            seats: Default::default(),
            timing: Default::default(),
            rules: Default::default(),
            plans: Default::default(),
        },
    )
    .await
    .unwrap();
    let mut ids = Vec::new();
    for n in 0..sessions {
        let form = SessionForm {
            title: format!("Sesi {}", n + 1),
            date: format!("2020-07-{}", 27 + n / 4),
            start_time: format!("{:02}:00", 8 + 2 * (n % 4)),
            end_time: format!("{:02}:00", 9 + 2 * (n % 4)),
            delivery: "in_person".into(),
            location: "Aula Dinas Perpustakaan dan Kearsipan".into(),
            ..SessionForm::default()
        };
        let session = services::sessions::create(app.db(), admin, &event, form, &origin())
            .await
            .unwrap();
        ids.push(session.id);
    }
    (event, ids)
}

/// A public material open now, its file `bytes` put into storage.
async fn material(
    (app, admin): (&Application, &Account),
    storage: &Storage,
    (event, session): (&Event, &str),
    title: &str,
    bytes: Vec<u8>,
) {
    let size = bytes.len() as u64;
    let key = storage.put(bytes.into()).await.unwrap();
    let file = StoredFile {
        key: key.to_string(),
        name: format!("{title}.pdf"),
        kind: "pdf".into(),
        size,
    };
    let checked = Checked {
        title: title.to_owned(),
        visibility: Visibility::Public,
        availability: Availability::Now,
        link: None,
    };
    services::materials::add(
        app.db(),
        admin,
        event,
        session,
        Addition::New(checked, Some(file)),
        &origin(),
    )
    .await
    .unwrap();
}

/// The seeded database and files: the downloaded material's id, the ZIP
/// event's slug, and the stored file of the downloaded material.
struct Seeded {
    download: String,
    zip_slug: String,
    file: std::path::PathBuf,
}

async fn seed(url: &DatabaseUrl, dir: &Path, material_mb: usize, zip_mb: usize) -> Seeded {
    let mut settings = Settings::with_database(url.clone());
    settings.bind = "127.0.0.1:0".parse().unwrap();
    settings.job_workers = 0;
    settings.mail_dir = dir.join("mail");
    settings.storage = StorageConfig::Folder(dir.join("files"));
    let app = Application::build(settings).await.expect("bimtek starts");
    let storage = app.storage().clone();
    let email = "admin@dispusip.example.id";
    let admin = accounts::create_with_password(app.db(), email, email, "kata-sandi-panitia", true)
        .await
        .unwrap();
    let (one, sessions) = event(&app, &admin, "bimtek-unduh", 1).await;
    let big = pdf("Strategi TPBIS", material_mb << 20);
    material(
        (&app, &admin),
        &storage,
        (&one, &sessions[0]),
        "Strategi TPBIS",
        big,
    )
    .await;
    let (many, sessions) = event(&app, &admin, "bimtek-zip", 4).await;
    for n in 0..ZIP_FILES {
        let title = format!("Materi {:02}", n + 1);
        let bytes = pdf(&title, zip_mb << 20);
        let session = &sessions[n % 4];
        material((&app, &admin), &storage, (&many, session), &title, bytes).await;
    }
    let found = services::materials::of_event_for_organisers(app.db(), &one)
        .await
        .unwrap();
    let material = &found[0].materials[0];
    let key = &material.current().unwrap().file.key;
    let file = bimtek::integrations::storage::FileKey::parse(key).unwrap();
    Seeded {
        download: material.id.clone(),
        zip_slug: "bimtek-zip".into(),
        file: dir
            .join("files/sha256")
            .join(&file.as_str()[..2])
            .join(file.as_str()),
    }
}

/// The server's CPU time so far (user and system), in seconds.
fn cpu_seconds(pid: u32, ticks_per_second: f64) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // After the command's name in parentheses: state (field 3) first, so
    // utime (field 14) and stime (15) are the 12th and 13th.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or(vec![], |(_, rest)| rest.split_whitespace().collect());
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) + ticks(12)) / ticks_per_second
}

fn clock_ticks() -> f64 {
    std::process::Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse().ok())
        .unwrap_or(100.0)
}

/// One wrk run against the server, with the server's CPU time in it.
fn measured(url: &str, seconds: usize, connections: usize, pid: u32, hz: f64) -> (Run, f64) {
    let before = cpu_seconds(pid, hz);
    // A 10 MB answer over a busy machine takes longer than wrk's 2 s.
    let run = wrk(
        url,
        seconds,
        connections,
        &["--timeout".into(), "60s".into()],
    )
    .unwrap_or_else(|e| panic!("{e}"));
    (run, cpu_seconds(pid, hz) - before)
}

/// The file read from disk (the page cache, after the first time) in
/// 64 KiB pieces for about `seconds`: MiB/s.
fn plain_read(file: &Path, seconds: usize) -> f64 {
    let started = Instant::now();
    let mut bytes = 0u64;
    let mut buffer = vec![0u8; 64 * 1024];
    while started.elapsed() < Duration::from_secs(seconds as u64) {
        let mut f = std::fs::File::open(file).expect("the stored file");
        loop {
            let n = f.read(&mut buffer).unwrap();
            if n == 0 {
                break;
            }
            bytes += n as u64;
        }
    }
    bytes as f64 / MIB / started.elapsed().as_secs_f64()
}

/// What streaming one ZIP took.
struct Zipped {
    first_byte: Duration,
    total: Duration,
    bytes: u64,
    rss_before: u64,
    rss_peak: u64,
}

async fn zip(url: &str, pid: u32) -> Zipped {
    let client = reqwest::Client::builder()
        .tls_built_in_root_certs(false)
        .build()
        .unwrap();
    let rss_before = memory_mib(pid, "VmRSS");
    reset_peak(pid);
    let started = Instant::now();
    let response = client.get(url).send().await.unwrap();
    assert_eq!(response.status(), 200, "the ZIP answers");
    let mut body = response.bytes_stream();
    let mut first_byte = None;
    let mut bytes = 0u64;
    while let Some(chunk) = body.next().await {
        let chunk = chunk.expect("the ZIP streams whole");
        if first_byte.is_none() && !chunk.is_empty() {
            first_byte = Some(started.elapsed());
        }
        bytes += chunk.len() as u64;
    }
    let total = started.elapsed();
    Zipped {
        first_byte: first_byte.unwrap_or(total),
        total,
        bytes,
        rss_before,
        rss_peak: memory_mib(pid, "VmHWM"),
    }
}

/// The href of the stylesheet a page links to.
async fn stylesheet(base: &str) -> String {
    let page = reqwest::get(format!("{base}/events/bimtek-unduh"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let href = page
        .split("href=\"/static/")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the page links its stylesheet");
    format!("{base}/static/{href}")
}

#[tokio::main]
async fn main() {
    let rounds = number("ROUNDS").unwrap_or(3).max(1);
    let seconds = number("DURATION").unwrap_or(5).max(1);
    let connections = number("CONNECTIONS").unwrap_or(32).max(1);
    let material_mb = number("MATERIAL_MB").unwrap_or(10).max(1);
    let zip_mb = number("ZIP_MB").unwrap_or(5).max(1);
    let hz = clock_ticks();
    let dir = tempfile::tempdir().unwrap();
    for database in common::databases(dir.path(), "materials") {
        let here = dir.path().join(database.label);
        std::fs::create_dir_all(&here).unwrap();
        let url = match &database.url {
            DatabaseUrl::Sqlite(_) => DatabaseUrl::Sqlite(here.join("bench.db")),
            other => other.clone(),
        };
        let seeded = seed(&url, &here, material_mb, zip_mb).await;
        let mut command = bimtek(&here);
        command
            .arg("serve")
            .env_remove("BIMTEK_HTTP_WORKERS")
            .env(
                "BIMTEK_DATABASE_URL",
                match &url {
                    DatabaseUrl::Sqlite(path) => path.display().to_string(),
                    DatabaseUrl::Postgres(url) => url.clone(),
                },
            )
            .env("BIMTEK_BIND", "127.0.0.1:0")
            .env("BIMTEK_STORAGE_DIR", here.join("files"))
            .env("BIMTEK_MAIL_DIR", here.join("mail"))
            .env("BIMTEK_LOG", "warn");
        let server = start(command).await;
        let pid = server.pid();
        let download = format!("{}/materials/{}", server.url, seeded.download);
        let static_css = stylesheet(&server.url).await;
        let zip_url = format!("{}/events/{}/materials.zip", server.url, seeded.zip_slug);

        println!(
            "{}: a {material_mb} MB material over {connections} connections (wrk -t1, {seconds} s \
             each, after a warm-up) beside the stylesheet over as many and a plain read of the \
             file; {rounds} rounds; {} cores shared with wrk; server pid {pid}",
            database.label,
            std::thread::available_parallelism().map_or(0, |n| n.get()),
        );
        let warm = {
            let (download, static_css) = (download.clone(), static_css.clone());
            tokio::task::spawn_blocking(move || {
                measured(&download, 2, connections, pid, hz);
                measured(&static_css, 2, connections, pid, hz);
            })
        };
        warm.await.unwrap();
        println!(
            "{:>6} {:>10} {:>10} {:>12} {:>10} {:>12} {:>12} {:>11}",
            "round",
            "MiB/s",
            "req/s",
            "CPU ms/MiB",
            "css req/s",
            "css MiB/s",
            "CPU ms/MiB",
            "read MiB/s"
        );
        let (mut rates, mut cpus, mut css_cpus, mut reads) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for round in 1..=rounds {
            let (file, css) = tokio::task::spawn_blocking({
                let (download, static_css) = (download.clone(), static_css.clone());
                move || {
                    // Which goes first alternates, so that a drift of the
                    // machine's load does not favour one.
                    if round % 2 == 1 {
                        let file = measured(&download, seconds, connections, pid, hz);
                        (file, measured(&static_css, seconds, connections, pid, hz))
                    } else {
                        let css = measured(&static_css, seconds, connections, pid, hz);
                        (measured(&download, seconds, connections, pid, hz), css)
                    }
                }
            })
            .await
            .unwrap();
            let read = plain_read(&seeded.file, seconds.min(3));
            let ((run, cpu), (css_run, css_cpu)) = (file, css);
            let mib = run.bytes / MIB;
            let css_mib = css_run.bytes / MIB;
            let rate = mib / seconds as f64;
            let cpu_per_mib = 1000.0 * cpu / mib;
            let css_cpu_per_mib = 1000.0 * css_cpu / css_mib;
            println!(
                "{round:>6} {rate:>10.0} {:>10.1} {cpu_per_mib:>12.2} {:>10.0} {:>12.1} \
                 {css_cpu_per_mib:>12.2} {read:>11.0}",
                run.rate,
                css_run.rate,
                css_mib / seconds as f64,
            );
            rates.push(rate);
            cpus.push(cpu_per_mib);
            css_cpus.push(css_cpu_per_mib);
            reads.push(read);
        }
        println!(
            "median: {:.0} MiB/s at {:.2} ms CPU per MiB; stylesheet {:.2} ms CPU per MiB; plain \
             read {:.0} MiB/s",
            median(rates),
            median(cpus),
            median(css_cpus),
            median(reads)
        );

        println!(
            "{}: the ZIP of {ZIP_FILES} materials of {zip_mb} MB each, streamed to one client",
            database.label
        );
        println!(
            "{:>6} {:>11} {:>9} {:>10} {:>8} {:>10} {:>9}",
            "round", "first byte", "total", "MiB", "MiB/s", "RSS before", "RSS peak"
        );
        let (mut firsts, mut totals, mut growths) = (Vec::new(), Vec::new(), Vec::new());
        for round in 1..=rounds {
            let z = zip(&zip_url, pid).await;
            let mib = z.bytes as f64 / MIB;
            println!(
                "{round:>6} {:>9.1}ms {:>8.2}s {mib:>10.1} {:>8.0} {:>8}MiB {:>7}MiB",
                z.first_byte.as_secs_f64() * 1000.0,
                z.total.as_secs_f64(),
                mib / z.total.as_secs_f64(),
                z.rss_before,
                z.rss_peak,
            );
            firsts.push(z.first_byte.as_secs_f64() * 1000.0);
            totals.push(z.total.as_secs_f64());
            growths.push(z.rss_peak.saturating_sub(z.rss_before) as f64);
        }
        println!(
            "median: first byte {:.1} ms, total {:.2} s, RSS growth {:.0} MiB",
            median(firsts),
            median(totals),
            median(growths)
        );
        drop(server);
        database.drop_created();
    }
}
