//! Zoom webhook deliveries accepted per second, beside the minimal page of
//! the same stack measured in the same run.
//!
//!   cargo bench --bench webhooks                   # SQLite
//!   BIMTEK_BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres cargo bench --bench webhooks
//!
//! bimtek runs in this process with production defaults (16 database
//! connections, one HTTP worker per core, 32 job workers reading the
//! deliveries while they arrive) on the demo's data, one of its sessions
//! held in a Zoom meeting and PARTICIPANTS (default 300) confirmed
//! registrations. Before each run the bench signs, with the current time,
//! more distinct deliveries than the run can send (participants joining
//! and leaving, about 560 bytes each, as Zoom's), and wrk posts them over
//! CONNECTIONS keep-alive connections (default 64) for DURATION seconds
//! (default 5); the minimal page is asked the same way, first or second
//! alternately, ROUNDS times (default 5). A delivery counts once answered
//! 200, which means kept in the database with its job; after each run the
//! bench checks that every answered delivery was kept (none twice), and at
//! the end how long the jobs took to read them all. JOB_WORKERS=0 measures
//! the acceptance alone. Needs `wrk`; it runs on the same cores.

mod common;
// Not every figure of a run: this bench reports rates and latencies.
#[allow(dead_code)]
#[path = "common/reference.rs"]
mod reference;
#[path = "common/seed.rs"]
mod seed;

use std::fmt::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};

use bimtek::app::Application;
use bimtek::config::Settings;
use bimtek::db::{Db, DbError};
use bimtek::integrations::storage::StorageConfig;
use bimtek::integrations::zoom::webhook::signature;
use bimtek::secret::Secret;
use chrono::Utc;
use common::number;
use reference::{Run, median, start_minimal, wrk};

const SECRET: &str = "Hp3kV9sQ2mW7xZ1bN4tR8c";
const MEETING: i64 = 85746065123;
/// More deliveries a second than a run can send, so none is sent twice.
const CEILING_PER_SECOND: usize = 20_000;

/// bimtek on `database`; its address, its database and the session held
/// in `MEETING`.
async fn start_bimtek(
    database: &common::BenchDatabase,
    dir: &Path,
    participants: usize,
) -> (String, Db) {
    let mut settings = Settings::with_database(database.url.clone());
    settings.bind = "127.0.0.1:0".parse().unwrap();
    settings.mail_dir = dir.join("mail");
    settings.storage = StorageConfig::Folder(dir.join("files"));
    settings.zoom_args.zoom_webhook_secret = Some(Secret::new(SECRET));
    if let Some(workers) = number("JOB_WORKERS") {
        settings.job_workers = workers;
    }
    let app = Application::build(settings).await.expect("bimtek starts");
    bimtek::demo::seed(app.db(), app.storage(), None)
        .await
        .expect("the demo seeds");
    let db = app.db().clone();
    let port = app.port();
    tokio::spawn(app.run_until_stopped());
    let slug = bimtek::demo::MAIN_EVENT_SLUG;
    db.transaction(move |conn| -> Result<(), DbError> {
        use bimtek::db::schema::{events, sessions};
        use diesel::connection::SimpleConnection;
        use diesel::prelude::*;
        conn.batch_execute(&seed::confirmed_registrations(
            slug,
            bimtek::demo::PARTICIPANT,
            participants,
        ))?;
        let session: String = sessions::table
            .inner_join(events::table)
            .filter(events::slug.eq(slug))
            .order(sessions::starts_at)
            .select(sessions::id)
            .first(conn)?;
        let link = "https://zoom.us/j/85746065123";
        bimtek::db::repo::sessions::set_meeting(conn, &session, MEETING, link, link)?;
        Ok(())
    })
    .await
    .expect("the session is held in the meeting");
    (format!("http://127.0.0.1:{port}/webhooks/zoom"), db)
}

/// Delivery `n` of run `run`: participant `n / 2` of the meeting's run
/// joining (even `n`) or leaving (odd), one of the registered people.
fn delivery(run: &str, n: usize, participants: usize) -> String {
    let person = n / 2 % participants + 1;
    let (event, field, minute) = if n.is_multiple_of(2) {
        ("meeting.participant_joined", "join_time", 0)
    } else {
        ("meeting.participant_left", "leave_time", 45)
    };
    format!(
        concat!(
            r#"{{"payload":{{"account_id":"Xq7LmP2sRZe8tNvC0dYw1g","object":{{"id":"{meeting}","#,
            r#""uuid":"{run}","host_id":"Hk3n2F0qRbWz1x9YvT7m5A","#,
            r#""topic":"Strategi Pengembangan Perpustakaan dan TIK","type":2,"#,
            r#""start_time":"2026-12-07T02:00:00Z","timezone":"Asia/Jakarta","duration":120,"#,
            r#""participant":{{"user_id":"{user}","user_name":"Peserta {person}","id":"","#,
            r#""participant_uuid":"6F1C2B9E-4D7A-4E2B-9C31-{user:012}","#,
            r#""{field}":"2026-12-07T02:{minute:02}:{second:02}Z","#,
            r#""email":"peserta{person}@perpusdes.example.id","registrant_id":""}}}}}},"#,
            r#""event_ts":1796436000000,"event":"{event}"}}"#
        ),
        meeting = MEETING,
        run = run,
        user = 16_000_000 + n / 2,
        person = person,
        field = field,
        minute = minute,
        second = n % 60,
        event = event,
    )
}

/// A wrk script posting `count` deliveries signed now, each once, from a
/// file in `dir`; its path.
fn signed_script(dir: &Path, run: &str, count: usize, participants: usize) -> String {
    let secret = Secret::new(SECRET);
    let timestamp = Utc::now().timestamp().to_string();
    let mut lines = String::with_capacity(count * 700);
    for n in 0..count {
        let body = delivery(run, n, participants);
        let signed = signature(&secret, &timestamp, body.as_bytes());
        let _ = writeln!(lines, "{timestamp}\t{signed}\t{body}");
    }
    let requests = dir.join(format!("{run}.tsv"));
    std::fs::write(&requests, lines).unwrap();
    let script = dir.join(format!("{run}.lua"));
    std::fs::write(
        &script,
        format!(
            r#"local requests = {{}}
local sent = 0
for line in io.lines("{}") do
  local timestamp, signed, body = line:match("^([^\t]*)\t([^\t]*)\t(.*)$")
  requests[#requests + 1] = wrk.format("POST", nil, {{
    ["Content-Type"] = "application/json; charset=utf-8",
    ["User-Agent"] = "Zoom Marketplace/1.0a",
    ["x-zm-request-timestamp"] = timestamp,
    ["x-zm-signature"] = signed,
  }}, body)
end
request = function()
  sent = sent + 1
  -- Past the end the same deliveries again: the bench then refuses the run.
  return requests[(sent - 1) % #requests + 1]
end
"#,
            requests.display()
        ),
    )
    .unwrap();
    script.display().to_string()
}

async fn kept(db: &Db) -> i64 {
    db.run(|conn| -> Result<i64, DbError> {
        use bimtek::db::schema::zoom_webhooks;
        use diesel::prelude::*;
        Ok(zoom_webhooks::table.count().get_result(conn)?)
    })
    .await
    .unwrap()
}

async fn unread(db: &Db) -> i64 {
    db.run(|conn| -> Result<i64, DbError> {
        use bimtek::db::schema::zoom_webhooks;
        use diesel::prelude::*;
        Ok(zoom_webhooks::table
            .filter(zoom_webhooks::processed_at.is_null())
            .count()
            .get_result(conn)?)
    })
    .await
    .unwrap()
}

/// One wrk run of the webhook address with deliveries never sent before.
async fn webhook_run(
    url: &str,
    dir: &Path,
    db: &Db,
    run: String,
    seconds: usize,
    connections: usize,
    participants: usize,
) -> Run {
    let count = seconds * CEILING_PER_SECOND;
    let script = signed_script(dir, &run, count, participants);
    let before = kept(db).await;
    let measured = tokio::task::spawn_blocking({
        let url = url.to_owned();
        move || wrk(&url, seconds, connections, &["-s".to_owned(), script])
    })
    .await
    .unwrap()
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        measured.requests <= count as u64,
        "{run}: {} deliveries sent, more than the {count} signed",
        measured.requests
    );
    // wrk cuts the answers still in flight when its time is up: those
    // were kept without being counted.
    let added = kept(db).await - before;
    let answered = i64::try_from(measured.requests).unwrap();
    assert!(
        (answered..=answered + connections as i64).contains(&added),
        "{run}: {answered} answered 200, {added} kept"
    );
    measured
}

#[tokio::main]
async fn main() {
    let rounds = number("ROUNDS").unwrap_or(5).max(1);
    let seconds = number("DURATION").unwrap_or(5).max(1);
    let connections = number("CONNECTIONS").unwrap_or(64);
    let participants = number("PARTICIPANTS").unwrap_or(300).max(1);
    let dir = tempfile::tempdir().unwrap();
    let minimal = start_minimal(dir.path());
    println!(
        "signed Zoom webhook deliveries beside a minimal page (actix-web + maud + diesel SQLite, \
         one row): {rounds} rounds of {seconds} s each, wrk -t1 -c{connections}, on {} cores \
         shared with wrk; {participants} participants; job workers {}",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        number("JOB_WORKERS").map_or("32 (default)".to_owned(), |n| n.to_string()),
    );
    for database in common::databases(dir.path(), "webhooks") {
        let label = database.label;
        let folder = dir.path().join(label);
        std::fs::create_dir_all(&folder).unwrap();
        let (url, db) = start_bimtek(&database, &folder, participants).await;
        // Warm-up: connections, caches, the pools filled.
        webhook_run(
            &url,
            &folder,
            &db,
            format!("{label}-warm=="),
            2,
            connections,
            participants,
        )
        .await;
        let warm = tokio::task::spawn_blocking({
            let minimal = minimal.clone();
            move || wrk(&minimal, 2, connections, &[])
        });
        warm.await.unwrap().unwrap();

        println!(
            "{label}\n{:>5} {:>11} {:>10} {:>11} {:>10} {:>7}",
            "round", "minimal/s", "p99", "webhooks/s", "p99", "ratio"
        );
        let (mut minimal_runs, mut webhook_runs) = (Vec::new(), Vec::new());
        for round in 1..=rounds {
            let page = || {
                let minimal = minimal.clone();
                tokio::task::spawn_blocking(move || wrk(&minimal, seconds, connections, &[]))
            };
            let hooks = || {
                webhook_run(
                    &url,
                    &folder,
                    &db,
                    format!("{label}-{round}=="),
                    seconds,
                    connections,
                    participants,
                )
            };
            // Which goes first alternates, so that a drift of the
            // machine's load does not favour one.
            let (m, w) = if round % 2 == 1 {
                let m = page().await.unwrap().unwrap();
                (m, hooks().await)
            } else {
                let w = hooks().await;
                (page().await.unwrap().unwrap(), w)
            };
            println!(
                "{round:>5} {:>11.0} {:>8.2}ms {:>11.0} {:>8.2}ms {:>7.2}",
                m.rate,
                m.p99_ms,
                w.rate,
                w.p99_ms,
                w.rate / m.rate
            );
            minimal_runs.push(m);
            webhook_runs.push(w);
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        let of = |runs: &[Run], figure: fn(&Run) -> f64| median(runs.iter().map(figure).collect());
        let (m, w) = (of(&minimal_runs, |r| r.rate), of(&webhook_runs, |r| r.rate));
        println!(
            "{:>5} {m:>11.0} {:>8.2}ms {w:>11.0} {:>8.2}ms {:>7.2}",
            "median",
            of(&minimal_runs, |r| r.p99_ms),
            of(&webhook_runs, |r| r.p99_ms),
            w / m
        );
        let started = Instant::now();
        let total = kept(&db).await;
        if number("JOB_WORKERS") != Some(0) {
            loop {
                let left = unread(&db).await;
                if left == 0 {
                    break;
                }
                assert!(
                    started.elapsed() < Duration::from_secs(600),
                    "{label}: {left} deliveries still unread after 10 minutes"
                );
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            println!(
                "{label}: all {total} deliveries read by their jobs {:.1} s after the last round",
                started.elapsed().as_secs_f64()
            );
        }
        database.drop_created();
    }
}
