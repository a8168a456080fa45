//! 1,000 certificates issued and e-mailed end to end: from the organiser's
//! "issue to all eligible" request to the 1,000th message received by a
//! local SMTP server, each with its PDF attached; beside, in the same run,
//! the outbox sending 1,000 plain messages to the same server.
//!
//!   cargo bench --bench certificate_issue                    # SQLite
//!   BIMTEK_BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres cargo bench --bench certificate_issue
//!
//! HOLDERS (default 1000), ROUNDS (default 3) and WORKERS (job workers,
//! default 32 as in production) change the run. Each round issues to a
//! new event's participants (one mandatory session of 4 JP, a confirmed
//! seat is enough), the reference and the certificates taking turns to go
//! first.

mod common;
#[path = "common/plain_mail.rs"]
mod plain_mail;
#[path = "common/seed.rs"]
mod seed;
#[path = "../tests/api/support/smtp.rs"]
mod smtp;

use std::collections::HashSet;
use std::time::{Duration, Instant};

use bimtek::app::Application;
use bimtek::config::Settings;
use bimtek::db::{Db, DbError};
use bimtek::domain::account::Account;
use bimtek::domain::certificate::settings::SettingsForm;
use bimtek::domain::event::{Event, NewEvent};
use bimtek::domain::session::SessionForm;
use bimtek::i18n::Lang;
use bimtek::integrations::storage::StorageConfig;
use bimtek::services::{self, accounts, certificates};
use chrono::{NaiveTime, Utc};
use chrono_tz::Tz;
use common::number;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;

const ORGANISER: &str = "rina@dispusip.example.id";
const PASSWORD: &str = "kata-sandi-panitia";
const PARTICIPANT: &str = "peserta@perpusdes.example.id";

/// A bimtek held yesterday with one mandatory session of 4 JP, whose
/// certificates need no more than a seat, and `holders` confirmed seats.
async fn event(
    db: &Db,
    organiser: &Account,
    base_url: &url::Url,
    slug: &str,
    holders: usize,
) -> Event {
    let zone = Tz::Asia__Jakarta;
    let yesterday = Utc::now().with_timezone(&zone).date_naive() - chrono::Duration::days(1);
    let at = |h: u32| {
        bimtek::domain::time::local_to_utc(
            zone,
            yesterday.and_time(NaiveTime::from_hms_opt(h, 0, 0).unwrap()),
        )
        .unwrap()
    };
    let event = services::events::create(
        db,
        NewEvent {
            slug: slug.to_owned(),
            title: "Bimbingan Teknis Strategi Pengembangan Perpustakaan Berbasis Inklusi Sosial"
                .into(),
            description: "Bimtek bagi pengelola perpustakaan desa.".into(),
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
    let session = SessionForm {
        title: "Katalogisasi dan layanan referensi".into(),
        date: yesterday.format("%Y-%m-%d").to_string(),
        start_time: "09:00".into(),
        end_time: "12:00".into(),
        mandatory: true,
        delivery: "in_person".into(),
        location: "Aula Dinas Perpustakaan dan Kearsipan".into(),
        ..SessionForm::default()
    };
    let origin = accounts::Origin {
        base_url: base_url.clone(),
        address: None,
        lang: Lang::Id,
    };
    services::sessions::create(db, organiser, &event, session, &origin)
        .await
        .unwrap();
    let settings = SettingsForm {
        participant_enabled: Some("1".into()),
        requirement: "none".into(),
        participant_pattern: "{nomor:3}/BIMTEK-{kode}/{bulan}/{tahun}".into(),
        speaker_pattern: "{nomor:3}/NS-{kode}/{bulan}/{tahun}".into(),
        committee_pattern: "{nomor:3}/PAN-{kode}/{bulan}/{tahun}".into(),
        event_code: format!("TPBIS-{}", slug.to_uppercase()),
        signing_place: "Bengkulu".into(),
        signatory1_position: "Kepala Dinas Perpustakaan dan Kearsipan Provinsi Bengkulu".into(),
        signatory1_name: "Drs. H. Meri Sasdi, M.Pd.".into(),
        signatory1_lines: "Pembina Utama Muda (IV/c)\nNIP 19680512 199303 1 004".into(),
        ..SettingsForm::default()
    };
    certificates::save_settings(db, organiser, &event, &settings)
        .await
        .unwrap();
    // The session's invitations go to whoever is seated when their job
    // runs: before the seats, so that only certificates are e-mailed.
    settled(db).await;
    let seats = seed::confirmed_registrations(slug, PARTICIPANT, holders);
    db.run(move |conn| -> Result<(), DbError> {
        conn.batch_execute(&seats)?;
        Ok(())
    })
    .await
    .unwrap();
    event
}

/// Waits until no job is queued or running.
async fn settled(db: &Db) {
    loop {
        let pending: i64 = db
            .run(|conn| -> Result<_, DbError> {
                use bimtek::db::schema::jobs::dsl::*;
                Ok(jobs
                    .filter(status.eq_any(["queued", "running"]))
                    .count()
                    .get_result(conn)?)
            })
            .await
            .unwrap();
        if pending == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The organiser's browser, signed in.
async fn signed_in(address: &str) -> reqwest::Client {
    let browser = reqwest::Client::builder()
        .tls_built_in_root_certs(false)
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(300))
        .build()
        .unwrap();
    let token = csrf(&browser, address).await;
    let answer = browser
        .post(format!("{address}/sign-in"))
        .form(&[
            ("email", ORGANISER),
            ("password", PASSWORD),
            ("csrf_token", &token),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 303, "the organiser signs in");
    browser
}

async fn csrf(browser: &reqwest::Client, address: &str) -> String {
    let html = browser
        .get(format!("{address}/my/sign-in"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    html.split("name=\"csrf_token\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a form token")
        .to_owned()
}

/// Certificates of the event whose e-mail is queued.
async fn rendered(db: &Db, event: &Event) -> i64 {
    let of_event = event.id.to_string();
    db.run(move |conn| -> Result<i64, DbError> {
        use bimtek::db::schema::certificates::dsl::*;
        Ok(certificates
            .filter(event_id.eq(&of_event))
            .filter(mail_id.is_not_null())
            .count()
            .get_result(conn)?)
    })
    .await
    .unwrap()
}

/// Seconds: the issue request's answer, the last certificate rendered,
/// the last message received.
struct Issued {
    answered: f64,
    rendered: f64,
    received: f64,
    pdf_bytes: usize,
}

async fn issue_all(
    (db, smtp): (&Db, &smtp::SmtpServer),
    (address, browser): (&str, &reqwest::Client),
    event: &Event,
    holders: usize,
) -> Issued {
    let token = csrf(browser, address).await;
    let already = smtp.received().len();
    let started = Instant::now();
    let answer = browser
        .post(format!(
            "{address}/manage/events/{}/certificates/issue",
            event.slug
        ))
        .form(&[("csrf_token", &token)])
        .send()
        .await
        .unwrap();
    let answered = started.elapsed().as_secs_f64();
    let location = answer.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        location.ends_with(&format!("issued={holders}")),
        "all {holders} issued: {location}"
    );
    let mut last_rendered = None;
    loop {
        if last_rendered.is_none() && rendered(db, event).await == holders as i64 {
            last_rendered = Some(started.elapsed().as_secs_f64());
        }
        if smtp.received().len() >= already + holders {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let received = started.elapsed().as_secs_f64();
    let last_rendered = last_rendered.unwrap_or(received);
    let messages = smtp.received();
    let ours = &messages[already..];
    let ids: HashSet<String> = ours
        .iter()
        .map(|m| m.header("Message-ID").expect("a Message-ID"))
        .collect();
    assert_eq!(ids.len(), holders, "one message per holder");
    let pdf_bytes = ours[0]
        .attachments()
        .first()
        .map(|(_, _, bytes)| bytes.len())
        .expect("the certificate is attached");
    Issued {
        answered,
        rendered: last_rendered,
        received,
        pdf_bytes,
    }
}

/// Seconds until `count` plain messages queued in one transaction are
/// received.
async fn plain_messages(db: &Db, smtp: &smtp::SmtpServer, count: usize) -> f64 {
    let already = smtp.received().len();
    let started = Instant::now();
    plain_mail::queue(db, count).await;
    smtp.wait_for(already + count, Duration::from_secs(600))
        .await;
    started.elapsed().as_secs_f64()
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

#[tokio::main]
async fn main() {
    let holders = number("HOLDERS").unwrap_or(1000);
    let rounds = number("ROUNDS").unwrap_or(3).max(1);
    let workers = number("WORKERS").unwrap_or(32);
    let dir = tempfile::tempdir().unwrap();
    println!(
        "certificate_issue: {holders} certificates a round, {rounds} rounds, {workers} job workers, \
         SMTP on 127.0.0.1, throttle off"
    );
    for run_on in common::databases(dir.path(), "certificate_issue") {
        let label = run_on.label;
        let smtp = smtp::SmtpServer::start().await;
        let mut settings = Settings::with_database(run_on.url.clone());
        settings.bind = "127.0.0.1:0".parse().unwrap();
        settings.smtp_url = Some(smtp.url());
        settings.job_workers = workers;
        settings.job_idle_poll = Duration::from_millis(20);
        settings.mail_dir = dir.path().join("mail");
        settings.storage = StorageConfig::Folder(dir.path().join(format!("files-{label}")));
        let app = Application::build(settings)
            .await
            .expect("the application starts");
        let db = app.db().clone();
        let address = format!("http://127.0.0.1:{}", app.port());
        let base_url = url::Url::parse(&address).unwrap();
        tokio::spawn(app.run_until_stopped());
        let organiser = accounts::create_with_password(&db, ORGANISER, "Rina", PASSWORD, true)
            .await
            .unwrap();
        accounts::ensure_participant(&db, PARTICIPANT, "Peserta", Lang::Id)
            .await
            .unwrap();
        let browser = signed_in(&address).await;

        let (mut ends, mut references) = (Vec::new(), Vec::new());
        for round in 0..rounds {
            let event = event(
                &db,
                &organiser,
                &base_url,
                &format!("putaran-{round}"),
                holders,
            )
            .await;
            let reference_first = round % 2 == 1;
            if reference_first {
                references.push(plain_messages(&db, &smtp, holders).await);
            }
            let issued = issue_all((&db, &smtp), (&address, &browser), &event, holders).await;
            if !reference_first {
                references.push(plain_messages(&db, &smtp, holders).await);
            }
            println!(
                "{label:<9} round {}: issued (request answered) {:>5.2} s, all rendered {:>5.2} s, \
                 {holders}th message received {:>6.2} s ({:>4.0} a second; PDF {} bytes); \
                 reference: {holders} plain messages in {:>5.2} s",
                round + 1,
                issued.answered,
                issued.rendered,
                issued.received,
                holders as f64 / issued.received,
                issued.pdf_bytes,
                references[round],
            );
            ends.push(issued.received);
        }
        println!(
            "{label:<9} median: {holders} issued and e-mailed in {:.2} s; {holders} plain messages in {:.2} s",
            median(ends),
            median(references)
        );
        run_on.drop_created();
    }
}
