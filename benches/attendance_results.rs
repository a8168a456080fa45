//! Attendance results for a large event: 5,000 confirmed participants ×
//! 10 mandatory sessions already held, two report rows each (a
//! reconnection), 1 % excused and 1 % overridden.
//!
//!   cargo bench --bench attendance_results
//!   BIMTEK_BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres cargo bench --bench attendance_results
//!
//! Each run times, ROUNDS times (default 7), alternating:
//! - the results (services::attendance::results::of_event: every read and
//!   every computation the attendance pages and exports make);
//! - the reference: the same reads alone (the event's sessions, its
//!   participants, their rows, reports read, excuses and overrides),
//!   nothing computed;
//! - one participant's results (their page, and /my).
//!
//! and prints each round and the medians. PARTICIPANTS and SESSIONS change
//! the size.

mod common;

use std::time::{Duration, Instant};

use bimtek::db::models::{AttendanceRow, RegistrationRow};
use bimtek::db::repo::{attendance as attendance_repo, registrations, sessions as sessions_repo};
use bimtek::db::{Db, DbConnection, DbError};
use bimtek::domain::attendance::Source;
use bimtek::domain::event::{Event, NewEvent};
use bimtek::domain::registration::Status;
use bimtek::domain::session::SessionForm;
use bimtek::i18n::Lang;
use bimtek::services::accounts::{self, Origin};
use bimtek::services::attendance::results;
use bimtek::services::{events, sessions};
use chrono::{Duration as Span, NaiveDate, Utc};
use chrono_tz::Tz;
use common::number;
use diesel::prelude::*;

fn event() -> NewEvent {
    let day = NaiveDate::from_ymd_opt(2020, 7, 27).unwrap();
    NewEvent {
        slug: "bimtek-besar".into(),
        title: "Bimtek besar".into(),
        description: String::new(),
        organiser_office: "Dinas Perpustakaan dan Kearsipan Provinsi Bengkulu".into(),
        starts_at: day.and_hms_opt(1, 0, 0).unwrap().and_utc(),
        ends_at: (day + Span::days(10))
            .and_hms_opt(10, 0, 0)
            .unwrap()
            .and_utc(),
        time_zone: Tz::Asia__Jakarta,
        published: true,
        seats: Default::default(),
        timing: Default::default(),
        rules: Default::default(),
        plans: Default::default(),
    }
}

/// Sessions on consecutive days from 27 July 2020, 09.00–11.00 WIB.
async fn plan(db: &Db, event: &Event, count: usize) -> Vec<String> {
    let admin = accounts::create_with_password(
        db,
        "admin@bench.example.id",
        "Admin",
        "kata-sandi-bench",
        true,
    )
    .await
    .unwrap();
    let origin = Origin {
        base_url: url::Url::parse("http://127.0.0.1").unwrap(),
        address: None,
        lang: Lang::Id,
    };
    let mut ids = Vec::new();
    for n in 0..count {
        let date = NaiveDate::from_ymd_opt(2020, 7, 27).unwrap() + Span::days(n as i64);
        let form = SessionForm {
            title: format!("Sesi {}", n + 1),
            date: date.format("%Y-%m-%d").to_string(),
            start_time: "09:00".into(),
            end_time: "11:00".into(),
            mandatory: true,
            delivery: "in_person".into(),
            location: "Aula".into(),
            ..SessionForm::default()
        };
        ids.push(
            sessions::create(db, &admin, event, form, &origin)
                .await
                .unwrap()
                .id,
        );
    }
    ids
}

/// Many rows at once, on whichever backend (the derived multi-backend
/// has no batch insert).
fn insert_rows(conn: &mut DbConnection, rows: &[AttendanceRow]) -> QueryResult<()> {
    use bimtek::db::schema::attendance_rows;
    for chunk in rows.chunks(1_000) {
        let insert = diesel::insert_into(attendance_rows::table).values(chunk.to_vec());
        match conn {
            DbConnection::Pg(pg) => insert.execute(pg)?,
            DbConnection::Sqlite(sqlite) => insert.execute(sqlite)?,
        };
    }
    Ok(())
}

/// 5,000 participants (by default), each with two joins per session:
/// in at 09.0x, out for a minute around 10.00, back until 10.5x.
async fn fill(db: &Db, event: &Event, sessions: &[String], participants: usize) -> String {
    let user = accounts::ensure_participant(db, "satu@bench.example.id", "Satu", Lang::Id)
        .await
        .unwrap();
    let (event_id, sessions) = (event.id.to_string(), sessions.to_vec());
    db.transaction(move |conn| -> Result<String, DbError> {
        let now = Utc::now().naive_utc();
        let mut ids = Vec::with_capacity(participants);
        for n in 0..participants {
            let row = RegistrationRow {
                id: uuid::Uuid::now_v7().to_string(),
                event_id: event_id.clone(),
                user_id: user.id.clone(),
                status: Status::Confirmed,
                full_name: format!("Peserta Nomor {n}"),
                email: format!("peserta{n}@bench.example.id"),
                whatsapp: "0812-0000-0000".into(),
                nip: None,
                institution: "Perpustakaan Desa".into(),
                position: "Pustakawan".into(),
                province_code: "17".into(),
                regency_code: format!("17.0{}", 1 + n % 9),
                library_type: "desa".into(),
                gender: "perempuan".into(),
                disability: None,
                consent_at: now,
                address_confirmed_at: Some(now),
                queued_at: None,
                created_at: now,
                updated_at: now,
                confirmation_hash: None,
                added_by: None,
                search_text: format!("peserta{n}"),
            };
            registrations::insert(conn, &row)?;
            ids.push(row.id);
        }
        let mut rows = Vec::new();
        for session_id in &sessions {
            let session = sessions_repo::find(conn, session_id)?.unwrap();
            let start = session.plan.starts_at;
            for (n, registration) in ids.iter().enumerate() {
                let late = Span::minutes((n % 30) as i64);
                for (k, (from, until)) in [
                    (start + late, start + Span::minutes(60)),
                    (start + Span::minutes(61), start + Span::minutes(110) + late),
                ]
                .into_iter()
                .enumerate()
                {
                    rows.push(AttendanceRow {
                        id: uuid::Uuid::now_v7().simple().to_string(),
                        session_id: session_id.clone(),
                        source: Source::Report,
                        dedup_key: format!("report:{session_id}:{n}:{k}"),
                        meeting_uuid: Some(format!("uuid-{session_id}")),
                        import_id: None,
                        identity: format!("email:peserta{n}@bench.example.id"),
                        display_name: format!("Peserta Nomor {n}"),
                        email: Some(format!("peserta{n}@bench.example.id")),
                        registrant_id: None,
                        joined_at: Some(from.naive_utc()),
                        left_at: Some(until.naive_utc()),
                        minutes: None,
                        registration_id: Some(registration.clone()),
                        matched_by: Some("email".into()),
                        created_at: now,
                    });
                }
            }
            for registration in ids.iter().step_by(100) {
                attendance_repo::set_excuse(
                    conn,
                    session_id,
                    registration,
                    "Tugas dinas",
                    &user.id,
                    Utc::now(),
                )?;
            }
        }
        insert_rows(conn, &rows)?;
        for registration in ids.iter().skip(50).step_by(100) {
            attendance_repo::set_override(
                conn,
                &event_id,
                registration,
                true,
                "Hadir lewat telepon",
                &user.id,
                Utc::now(),
            )?;
        }
        Ok(ids[0].clone())
    })
    .await
    .unwrap()
}

/// The reference: what the results read, read alone.
async fn reads_alone(db: &Db, event: &Event) -> usize {
    let event_id = event.id.to_string();
    db.run(move |conn| -> Result<usize, DbError> {
        let sessions = sessions_repo::of_event(conn, &event_id)?;
        let attendees = attendance_repo::attendees(conn, &event_id, None)?;
        let rows = attendance_repo::matched(conn, &event_id, None)?;
        let uploaded = attendance_repo::reported_by_upload(conn, &event_id)?;
        let instances = attendance_repo::instances_of_event(conn, &event_id)?;
        let excuses = attendance_repo::excuses(conn, &event_id, None)?;
        let overrides = attendance_repo::overrides(conn, &event_id, None)?;
        Ok(sessions.len()
            + attendees.len()
            + rows.len()
            + uploaded.len()
            + instances.len()
            + excuses.len()
            + overrides.len())
    })
    .await
    .unwrap()
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

#[tokio::main]
async fn main() {
    let participants = number("PARTICIPANTS").unwrap_or(5_000);
    let session_count = number("SESSIONS").unwrap_or(10);
    let rounds = number("ROUNDS").unwrap_or(7);
    let dir = tempfile::tempdir().unwrap();
    for database in common::databases(dir.path(), "attendance") {
        let db = Db::open(&database.url, 4).expect("the database opens");
        let event = events::create(&db, event()).await.unwrap();
        let sessions = plan(&db, &event, session_count).await;
        let started = Instant::now();
        let one = fill(&db, &event, &sessions, participants).await;
        println!(
            "{}: {participants} participants × {session_count} sessions, {} rows, filled in {}",
            database.label,
            participants * session_count * 2,
            ms(started.elapsed())
        );
        // Warm-up: the database's pages into memory, the pool's connections.
        let sheet = results::of_event(&db, &event).await.unwrap();
        assert_eq!(sheet.standings.len(), participants);
        let passed = sheet.standings.iter().filter(|s| s.result.passed()).count();
        reads_alone(&db, &event).await;
        let (mut whole, mut reads, mut single) = (Vec::new(), Vec::new(), Vec::new());
        for round in 0..rounds {
            let time_whole = async {
                let t = Instant::now();
                results::of_event(&db, &event).await.unwrap();
                t.elapsed()
            };
            let time_reads = async {
                let t = Instant::now();
                reads_alone(&db, &event).await;
                t.elapsed()
            };
            let (w, r) = if round % 2 == 0 {
                let w = time_whole.await;
                (w, time_reads.await)
            } else {
                let r = time_reads.await;
                (time_whole.await, r)
            };
            let t = Instant::now();
            results::of_registration(&db, &event, &one).await.unwrap();
            let s = t.elapsed();
            println!(
                "  round {}: results {}, reads alone {}, one participant {}",
                round + 1,
                ms(w),
                ms(r),
                ms(s)
            );
            whole.push(w);
            reads.push(r);
            single.push(s);
        }
        let (w, r) = (median(whole), median(reads));
        println!(
            "{}: median results {} (reads alone {}, computing {}), one participant {}; {passed} passed",
            database.label,
            ms(w),
            ms(r),
            ms(w.saturating_sub(r)),
            ms(median(single))
        );
        drop(db);
        database.drop_created();
    }
}
