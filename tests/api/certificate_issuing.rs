//! Issuing certificates in bulk, proven against crashes and a second
//! instance: the server runs as its own process (killed with SIGKILL), the
//! e-mails go to the SMTP stand-in, the organiser issues over HTTP.
//!
//! SMTP can only deliver at least once: a message the server stored, whose
//! "250" the killed sender never read or never recorded, is sent again
//! after the restart, with the same Message-ID (it is made from the outbox
//! id). No sender can close that gap: recording a message as sent before
//! its last line is written loses it when the crash falls in between. So
//! the tests count messages by Message-ID, and check that every extra
//! copy is such a re-delivery, of a message in flight at the crash.

use std::collections::{BTreeSet, HashMap};
use std::time::{Duration, Instant};

use bimtek::db::repo::registrations;
use bimtek::db::{Db, DbError};
use bimtek::domain::account::EventRole;
use bimtek::domain::event::{Event, NewEvent};
use bimtek::domain::session::SessionForm;
use chrono::{NaiveTime, Utc};
use chrono_tz::Tz;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use mail_parser::{MessageParser, MimeHeaders};
use sha2::{Digest, Sha256};
use tokio::process::Command;

use crate::support::process::{Running, bimtek, start};
use crate::support::smtp::{Received, SmtpServer};
use crate::support::*;

const SLUG: &str = "bimtek-sertifikat";

/// Job workers of each instance: the production default.
const WORKERS: usize = 32;

/// How long a step may take before the test fails: far more than it
/// takes (rendering a thousand certificates in a debug build on a busy
/// machine is still work).
const LIMIT: Duration = Duration::from_secs(180);

/// `bimtek serve` on the test's database, sending to `smtp`.
fn serve(database: &TestDatabase, smtp: &SmtpServer) -> Command {
    let mut command = bimtek(database.dir());
    command
        .arg("serve")
        .env("BIMTEK_DATABASE_URL", database.env_value())
        .env("BIMTEK_BIND", "127.0.0.1:0")
        .env("BIMTEK_SMTP_URL", smtp.url())
        .env("BIMTEK_JOB_WORKERS", WORKERS.to_string());
    command
}

/// A bimtek held yesterday in WIB, with one mandatory session of 4 JP in
/// the hall, whose participants' certificates need no more than their
/// seat; its organiser set up the certificates through the form of the
/// instance at `address`, and is signed in there.
async fn event_with_certificates(db: &Db, address: &str) -> (Event, Browser) {
    let zone = Tz::Asia__Jakarta;
    let yesterday = Utc::now().with_timezone(&zone).date_naive() - chrono::Duration::days(1);
    let at = |h: u32| {
        bimtek::domain::time::local_to_utc(
            zone,
            yesterday.and_time(NaiveTime::from_hms_opt(h, 0, 0).unwrap()),
        )
        .unwrap()
    };
    let event = create_event(
        db,
        NewEvent {
            starts_at: at(8),
            ends_at: at(17),
            ..event(SLUG, zone, true)
        },
    )
    .await;
    let admin = staff(db, "admin@dispusip.example.id", true, None).await;
    let form = SessionForm {
        title: "Katalogisasi".into(),
        date: yesterday.format("%Y-%m-%d").to_string(),
        start_time: "09:00".into(),
        end_time: "12:00".into(),
        mandatory: true,
        delivery: "in_person".into(),
        location: "Aula Dinas".into(),
        ..SessionForm::default()
    };
    bimtek::services::sessions::create(db, &admin, &event, form, &origin(address))
        .await
        .expect("the session is planned");
    staff(db, ORGANISER, false, Some((&event, EventRole::Organiser))).await;
    let rina = signed_in(address).await;
    let response = rina
        .post(
            &format!("/manage/events/{SLUG}/certificates/settings"),
            &[
                ("participant_enabled", "1"),
                (
                    "participant_pattern",
                    "{nomor:3}/BIMTEK-{kode}/{bulan}/{tahun}",
                ),
                ("speaker_pattern", "{nomor:3}/NS-{kode}/{bulan}/{tahun}"),
                ("committee_pattern", "{nomor:3}/PAN-{kode}/{bulan}/{tahun}"),
                ("requirement", "none"),
                ("event_code", "TPBIS-BKL"),
                ("signing_place", "Bengkulu"),
                ("signing_date", ""),
                (
                    "signatory1_position",
                    "Kepala Dinas Perpustakaan dan Kearsipan",
                ),
                ("signatory1_name", "Drs. H. Meri Sasdi, M.Pd."),
                ("signatory1_lines", "NIP 19680512 199303 1 004"),
            ],
        )
        .await;
    assert_eq!(
        response.status(),
        303,
        "the settings are saved: {}",
        response.text().await.unwrap()
    );
    // The session's invitations go to everyone seated when their job
    // runs: run it before the participants take their seats, so that the
    // only e-mails they get are their certificates.
    settled(db).await;
    (event, rina)
}

/// Waits until no job is queued or running.
async fn settled(db: &Db) {
    let since = Instant::now();
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
        assert!(
            since.elapsed() < Duration::from_secs(30),
            "{pending} jobs pending"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The organiser, signed in on the instance at `address`.
async fn signed_in(address: &str) -> Browser {
    let browser = Browser::new(address);
    browser.sign_in(ORGANISER, PASSWORD).await;
    browser
}

/// Participants `numbers` of `event` (`peserta{n}@perpusdes.example.id`),
/// each with an account and a confirmed seat, written by two statements
/// in one transaction (SQL both backends run): registering a thousand
/// people through the form is not what these tests are about.
async fn seat(db: &Db, event: &Event, numbers: std::ops::Range<usize>) {
    let (first, last) = (numbers.start, numbers.end - 1);
    let sql = format!(
        "INSERT INTO users (id, email, name, password_hash, is_admin, is_organiser, lang,
             created_at, updated_at, session_generation)
         WITH RECURSIVE numbers(n) AS (SELECT {first} UNION ALL SELECT n + 1 FROM numbers WHERE n < {last})
         SELECT 'peserta-' || n, 'peserta' || n || '@perpusdes.example.id',
             'Dra. Hj. Peserta ' || n || ', S.IP., M.Hum.', NULL, FALSE, FALSE, 'id',
             CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 0
         FROM numbers;
         INSERT INTO registrations (id, event_id, user_id, status, full_name, email, whatsapp,
             nip, institution, position, province_code, regency_code, library_type, gender,
             disability, consent_at, address_confirmed_at, queued_at, created_at, updated_at,
             confirmation_hash, added_by, search_text)
         WITH RECURSIVE numbers(n) AS (SELECT {first} UNION ALL SELECT n + 1 FROM numbers WHERE n < {last})
         SELECT 'kursi-' || n, '{event}', 'peserta-' || n, 'confirmed',
             'Dra. Hj. Peserta ' || n || ', S.IP., M.Hum.', 'peserta' || n || '@perpusdes.example.id',
             '+62812' || (10000000 + n), NULL, 'Perpustakaan Desa Sukamaju', 'Pustakawan', '17',
             '17.71', 'desa', 'perempuan', NULL, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, NULL,
             CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, NULL, NULL, 'peserta ' || n
         FROM numbers;",
        event = event.id,
    );
    db.transaction(move |conn| -> Result<(), DbError> {
        conn.batch_execute(&sql)?;
        Ok(())
    })
    .await
    .unwrap();
}

/// Presses "issue to all eligible"; how many were issued, or the status
/// of a refusal.
async fn issue(organiser: &Browser) -> Result<usize, u16> {
    let response = organiser
        .post(&format!("/manage/events/{SLUG}/certificates/issue"), &[])
        .await;
    let status = response.status().as_u16();
    if status != 303 {
        return Err(status);
    }
    let location = Browser::location(&response);
    let issued = location
        .split("issued=")
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("the batch page says how many: {location}"));
    Ok(issued)
}

/// A certificate as the database holds it, with its holder's address.
#[derive(Debug)]
struct Issued {
    sequence: i32,
    number: String,
    email: String,
    mail_id: Option<String>,
    pdf_sha256: Option<String>,
}

async fn issued(db: &Db, event: &Event) -> Vec<Issued> {
    use bimtek::db::schema::{certificates as c, registrations as r};
    let event_id = event.id.to_string();
    let rows = db
        .run(move |conn| -> Result<_, DbError> {
            Ok(c::table
                .inner_join(r::table.on(c::registration_id.eq(r::id.nullable())))
                .filter(c::event_id.eq(&event_id))
                .order(c::sequence.asc())
                .select((
                    c::sequence,
                    c::number,
                    r::email,
                    c::mail_id,
                    c::unsigned_sha256,
                ))
                .load::<(i32, String, String, Option<String>, Option<String>)>(conn)?)
        })
        .await
        .unwrap();
    rows.into_iter()
        .map(|(sequence, number, email, mail_id, pdf_sha256)| Issued {
            sequence,
            number,
            email,
            mail_id,
            pdf_sha256,
        })
        .collect()
}

/// Certificates still to render or whose e-mail is not yet sent, and
/// jobs that gave up.
async fn unfinished(db: &Db) -> (i64, i64, i64) {
    use bimtek::db::schema::{certificates as c, jobs as j, outbox as o};
    db.run(|conn| -> Result<_, DbError> {
        let unrendered = c::table
            .filter(c::mail_id.is_null())
            .count()
            .get_result(conn)?;
        let unsent = o::table
            .filter(o::status.ne("sent"))
            .count()
            .get_result(conn)?;
        let failed = j::table
            .filter(j::status.eq("failed"))
            .count()
            .get_result(conn)?;
        Ok((unrendered, unsent, failed))
    })
    .await
    .unwrap()
}

/// Waits until every certificate is rendered and its e-mail sent; panics
/// after `limit` with what is left.
async fn delivered(db: &Db, label: &str, limit: Duration) {
    let since = Instant::now();
    loop {
        let (unrendered, unsent, failed) = unfinished(db).await;
        assert_eq!(failed, 0, "{label}: no job gives up");
        if unrendered == 0 && unsent == 0 {
            return;
        }
        assert!(
            since.elapsed() < limit,
            "{label}: after {limit:?}, {unrendered} certificates unrendered, {unsent} e-mails unsent"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// What a received message says of itself, read once.
struct Delivery {
    message_id: String,
    to: Vec<String>,
    /// (file name, content type, SHA-256 of the content, starts as a PDF).
    attachments: Vec<(String, String, String, bool)>,
}

fn read(received: &Received) -> Delivery {
    let message = MessageParser::default()
        .parse(&received.raw[..])
        .expect("a MIME message");
    let attachments = message
        .attachments()
        .map(|part| {
            let content_type = part
                .content_type()
                .map(|ct| format!("{}/{}", ct.ctype(), ct.subtype().unwrap_or_default()))
                .unwrap_or_default();
            let bytes = part.contents();
            (
                part.attachment_name().unwrap_or_default().to_owned(),
                content_type,
                format!("{:x}", Sha256::digest(bytes)),
                bytes.starts_with(b"%PDF-"),
            )
        })
        .collect();
    Delivery {
        message_id: message.message_id().expect("a Message-ID").to_owned(),
        to: received.rcpt_to.clone(),
        attachments,
    }
}

/// Every certificate's e-mail arrived: one message (by Message-ID) per
/// holder, to the holder alone, with that certificate's PDF as stored;
/// copies beyond one are the same message again. How many copies there
/// were beyond one each.
fn one_message_per_holder(label: &str, certificates: &[Issued], received: &[Received]) -> usize {
    // Message-IDs are `<{outbox id}@{domain}>`.
    let mut by_outbox_id: HashMap<String, Vec<Delivery>> = HashMap::new();
    for delivery in received.iter().map(read) {
        let outbox_id = delivery.message_id.split('@').next().unwrap_or_default();
        by_outbox_id
            .entry(outbox_id.to_owned())
            .or_default()
            .push(delivery);
    }
    assert_eq!(
        by_outbox_id.len(),
        certificates.len(),
        "{label}: one message per certificate, told by Message-ID"
    );
    for certificate in certificates {
        let outbox_id = certificate
            .mail_id
            .as_deref()
            .expect("its e-mail is queued");
        let copies = by_outbox_id
            .get(outbox_id)
            .unwrap_or_else(|| panic!("{label}: no message for {}", certificate.number));
        let file = format!(
            "sertifikat-{}.pdf",
            certificate
                .number
                .replace(|c: char| !c.is_ascii_alphanumeric(), "-")
        );
        let pdf = certificate.pdf_sha256.clone().expect("its PDF is stored");
        for copy in copies {
            assert_eq!(
                copy.to,
                std::slice::from_ref(&certificate.email),
                "{label}: {file}"
            );
            assert_eq!(
                copy.attachments,
                [(
                    file.clone(),
                    "application/pdf".to_owned(),
                    pdf.clone(),
                    true
                )],
                "{label}: the e-mail of {} attaches its PDF as stored",
                certificate.number
            );
        }
    }
    received.len() - by_outbox_id.len()
}

/// The numbers are 1..=count in order, each once, each printed once.
fn gap_free(label: &str, certificates: &[Issued], count: usize) {
    let sequences: Vec<i32> = certificates.iter().map(|c| c.sequence).collect();
    let expected: Vec<i32> = (1..=i32::try_from(count).unwrap()).collect();
    assert_eq!(sequences, expected, "{label}: numbers 1 to {count}, no gap");
    let numbers: BTreeSet<&str> = certificates.iter().map(|c| c.number.as_str()).collect();
    assert_eq!(numbers.len(), count, "{label}: no number printed twice");
    let holders: BTreeSet<&str> = certificates.iter().map(|c| c.email.as_str()).collect();
    assert_eq!(holders.len(), count, "{label}: one certificate per holder");
    assert!(
        certificates[0].number.starts_with("001/BIMTEK-TPBIS-BKL/"),
        "{label}: {}",
        certificates[0].number
    );
}

backend_tests!(
    killed_twice_while_delivering_1000_certificates_it_resumes_with_numbers_1_to_1000_and_one_message_per_holder,
    multi_thread
);
/// The organiser issues 1,000 certificates in one request. The instance
/// is killed (SIGKILL) once while rendering, when some are rendered and
/// not all, and once more while e-mailing, when some are e-mailed and not
/// all, with the SMTP server slow to confirm each message (so that
/// messages are in flight at the crash); each restart carries on. Each
/// holder has one number of 1..=1000 and one message (by Message-ID)
/// with their PDF; pressing "issue" again issues nothing.
async fn killed_twice_while_delivering_1000_certificates_it_resumes_with_numbers_1_to_1000_and_one_message_per_holder(
    backend: TestBackend,
) {
    const HOLDERS: usize = 1000;
    let started = Instant::now();
    let database = TestDatabase::create(&backend);
    let label = database.backend().name();
    let smtp = SmtpServer::start().await;
    smtp.delay_acceptance(Duration::from_millis(50));
    let mut instance = start(serve(&database, &smtp)).await;
    let db = Db::open(&database.url, 2).unwrap();
    let (event, rina) = event_with_certificates(&db, &instance.url).await;
    seat(&db, &event, 0..HOLDERS).await;
    let seeded = started.elapsed();
    assert_eq!(issue(&rina).await, Ok(HOLDERS), "{label}");
    let issued_at = started.elapsed();

    while rendered(&db).await < HOLDERS / 4 {
        assert!(started.elapsed() < LIMIT, "{label}: rendering is stuck");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    kill(&instance);
    let rendered_at_crash = rendered(&db).await;
    assert!(
        rendered_at_crash < HOLDERS,
        "{label}: killed while rendering ({rendered_at_crash} rendered)"
    );
    instance = start(serve(&database, &smtp)).await;

    let before = smtp.received().len();
    smtp.wait_for(before + HOLDERS / 4, LIMIT).await;
    kill(&instance);
    // Messages still arriving are those the dead process had written
    // before it died.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mailed_at_crash = smtp.received().len();
    let (_, unsent, _) = unfinished(&db).await;
    assert!(
        mailed_at_crash < HOLDERS && unsent > 0,
        "{label}: killed while e-mailing ({mailed_at_crash} e-mailed)"
    );
    instance = start(serve(&database, &smtp)).await;

    delivered(&db, label, LIMIT).await;
    let all_delivered = started.elapsed();
    let rina = signed_in(&instance.url).await;
    assert_eq!(
        issue(&rina).await,
        Ok(0),
        "{label}: nobody is issued a second certificate"
    );
    let certificates = issued(&db, &event).await;
    gap_free(label, &certificates, HOLDERS);
    let received = smtp.wait_for(HOLDERS, Duration::from_secs(10)).await;
    let twice = one_message_per_holder(label, &certificates, &received);
    println!(
        "{label}: seeded in {seeded:?}, issued at {issued_at:?}; killed with {rendered_at_crash} rendered, \
         then with {mailed_at_crash} e-mailed; all delivered at {all_delivered:?}, checked at {:?}; \
         {twice} sent again after a crash",
        started.elapsed()
    );
    assert!(
        twice <= 2 * WORKERS,
        "{label}: {twice} sent twice, more than the {WORKERS} messages in flight at each crash"
    );
}

/// SIGKILL: no shutdown, no last words.
fn kill(instance: &Running) {
    // SAFETY: a signal to a child this test started.
    unsafe { libc::kill(i32::try_from(instance.pid()).unwrap(), libc::SIGKILL) };
}

/// Certificates rendered (their e-mail queued).
async fn rendered(db: &Db) -> usize {
    use bimtek::db::schema::certificates as c;
    let count: i64 = db
        .run(|conn| -> Result<_, DbError> {
            Ok(c::table
                .filter(c::mail_id.is_not_null())
                .count()
                .get_result(conn)?)
        })
        .await
        .unwrap();
    usize::try_from(count).unwrap()
}

postgres_gate::test! {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn two_instances_issuing_at_once_on_postgresql_share_and_skip_no_number() {
        two_instances_issuing_at_once(TestBackend::postgres()).await
    }
}

/// Two instances on one PostgreSQL database. Round after round, new
/// participants take a seat and the organiser presses "issue" on both
/// instances at once while, from a third process, the same participants
/// are issued one at a time (as one who becomes eligible later is), each
/// in its own transaction. Issuers of a type take turns: an instance
/// that comes second issues to whoever is left (a 303, never a refusal),
/// and one issued alone after an instance served its holder rolls back.
/// Meanwhile both instances' workers render. At the end
/// every participant holds one certificate, the numbers run 1..=N with no
/// gap and no repeat, and every holder has their message.
async fn two_instances_issuing_at_once(backend: TestBackend) {
    use bimtek::domain::certificate::Kind;
    use bimtek::services::certificates::{self, Holder};

    const ROUNDS: usize = 4;
    const PER_ROUND: usize = 60;
    const ALONE: usize = 8;
    let database = TestDatabase::create(&backend);
    let smtp = SmtpServer::start().await;
    let first = start(serve(&database, &smtp)).await;
    let second = start(serve(&database, &smtp)).await;
    let db = Db::open(&database.url, 2 + ALONE as u32).unwrap();
    let (event, on_first) = event_with_certificates(&db, &first.url).await;
    let on_second = signed_in(&second.url).await;

    // Which instances hold render jobs, sampled while the rounds run.
    let watching = db.clone();
    let (stop, mut stopped) = tokio::sync::oneshot::channel::<()>();
    let watcher = tokio::spawn(async move {
        let mut together = 0;
        loop {
            let holders = watching
                .run(|conn| -> Result<Vec<String>, DbError> {
                    use bimtek::db::schema::jobs::dsl::*;
                    Ok(jobs
                        .filter(kind.eq("certificate_render"))
                        .filter(status.eq("running"))
                        .select(locked_by.assume_not_null())
                        .distinct()
                        .load(conn)?)
                })
                .await
                .unwrap();
            if holders.len() > 1 {
                together += 1;
            }
            tokio::select! {
                _ = &mut stopped => return together,
                _ = tokio::time::sleep(Duration::from_millis(20)) => {}
            }
        }
    });

    // Each round's participants are served once: by whichever instance
    // comes first, or one at a time; the other instance, waiting its turn,
    // finds them served and issues to the rest, often nobody.
    let mut alone_served = 0;
    let mut by_instances = 0;
    for round in 0..ROUNDS {
        let numbers = round * PER_ROUND..(round + 1) * PER_ROUND;
        seat(&db, &event, numbers.clone()).await;
        let alone = one_at_a_time(&db, &event, numbers.start..numbers.start + ALONE);
        let (a, b, alone) = tokio::join!(issue(&on_first), issue(&on_second), alone);
        for answer in [a, b] {
            match answer {
                Ok(n) => by_instances += n,
                Err(status) => panic!("round {round}: issuing answered {status}, not 303"),
            }
        }
        for result in alone {
            match result {
                Ok(()) => alone_served += 1,
                // An instance served this holder first.
                Err(bimtek::error::Error::Invalid(_)) => {}
                Err(e) => panic!("round {round}: issuing one failed: {e}"),
            }
        }
    }
    let total = ROUNDS * PER_ROUND;
    assert_eq!(by_instances + alone_served, total, "everyone served once");
    assert_eq!(issue(&on_first).await, Ok(0), "nobody is left to serve");
    delivered(&db, "postgres", LIMIT).await;
    stop.send(()).unwrap();
    let together = watcher.await.unwrap();

    let certificates = issued(&db, &event).await;
    gap_free("postgres", &certificates, total);
    let received = smtp.wait_for(total, Duration::from_secs(10)).await;
    let twice = one_message_per_holder("postgres", &certificates, &received);
    assert_eq!(twice, 0, "no crash, no message twice");
    println!(
        "postgres: {total} issued over {ROUNDS} rounds, {alone_served} of them one at a time; \
         both instances rendering at once in {together} samples"
    );
    assert!(together > 0, "both instances rendered at the same time");

    /// Issues participants `numbers` one at a time, all at once, each in
    /// its own transaction, as a participant found eligible later is.
    async fn one_at_a_time(
        db: &Db,
        event: &Event,
        numbers: std::ops::Range<usize>,
    ) -> Vec<Result<(), bimtek::error::Error>> {
        let settings = certificates::settings(db, event).await.unwrap();
        let tasks = numbers.map(|n| {
            let (db, event, settings) = (db.clone(), event.clone(), settings.clone());
            tokio::spawn(async move {
                db.transaction(move |conn| {
                    let email = format!("peserta{n}@perpusdes.example.id");
                    let registration =
                        registrations::find_by_email(conn, &event.id.to_string(), &email)?
                            .expect("the participant has a seat");
                    let holder = Holder::participant(&registration, 4);
                    certificates::issue_one(
                        conn,
                        (&event, &settings),
                        Kind::Participant,
                        holder,
                        None,
                        Utc::now(),
                    )
                    .map(drop)
                })
                .await
            })
        });
        let mut results = Vec::new();
        for task in tasks.collect::<Vec<_>>() {
            results.push(task.await.unwrap());
        }
        results
    }
}
