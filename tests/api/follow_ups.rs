//! Following action plans up: the organisers set follow-up dates; on each
//! date the participants whose plan was accepted are asked by e-mail to
//! report, and a week later those who have not are reminded.

use bimtek::db::DbError;
use bimtek::domain::account::Account;
use bimtek::domain::action_plan::State;
use bimtek::domain::event::Event;
use bimtek::export::spreadsheet::{self, Format};
use bimtek::services::registrations;
use chrono::Utc;
use chrono_tz::Tz;

use crate::support::*;

const SLUG: &str = "bimtek-rtl";
const DATES: &str = "/manage/events/bimtek-rtl/plans/follow-ups";

/// An event (ended on 29 July 2030), its organiser signed in, and an
/// administrator to give seats.
struct Class {
    app: TestApp,
    event: Event,
    admin: Account,
    rina: Browser,
}

impl Class {
    async fn new(backend: &TestBackend) -> Class {
        let app = spawn_app(backend).await;
        let event = create_event(&app.db, event(SLUG, Tz::Asia__Makassar, true)).await;
        let admin = staff(&app.db, "admin@dispusip.example.id", true, None).await;
        let rina = organiser(&app, SLUG).await;
        Class {
            app,
            event,
            admin,
            rina,
        }
    }

    /// A confirmed seat for participant `n`; its registration id.
    async fn seat(&self, n: usize) -> String {
        registrations::add_by_hand(
            &self.app.db,
            &self.event,
            person(n).into_iter().collect(),
            &self.admin,
            &origin(&self.app.address),
        )
        .await
        .unwrap()
    }

    async fn add_date(&self, date: &str) -> (u16, String) {
        let response = self.rina.post(DATES, &[("date", date)]).await;
        (response.status().as_u16(), response.text().await.unwrap())
    }

    /// The follow-ups' ids, the first date first, as the dates page links them.
    async fn follow_ups(&self) -> Vec<String> {
        let (_, page) = self.rina.text(DATES).await;
        page.split(&format!("href=\"{DATES}/"))
            .skip(1)
            .filter_map(|rest| rest.split('"').next())
            .filter(|id| !id.contains('/'))
            .map(str::to_owned)
            .collect()
    }
}

/// Brings the jobs of `kind` due now, as if their date had come.
pub async fn due_now(app: &TestApp, job_kind: &'static str) {
    app.db
        .transaction(move |conn| -> Result<_, DbError> {
            use bimtek::db::schema::jobs::dsl::*;
            use diesel::prelude::*;
            diesel::update(jobs.filter(kind.eq(job_kind)))
                .set(run_at.eq(Utc::now().naive_utc()))
                .execute(conn)?;
            Ok(())
        })
        .await
        .unwrap();
    wait_for_jobs(&app.db).await;
}

/// The recipients of the event's e-mails of `template`, sorted.
pub async fn recipients(app: &TestApp, event: &Event, template: &str) -> Vec<String> {
    let sent = bimtek::services::mail::recent(&app.db, Some(event.id.to_string()), 200)
        .await
        .unwrap();
    let mut to: Vec<String> = sent
        .into_iter()
        .filter(|m| m.template == template)
        .map(|m| m.recipient)
        .collect();
    to.sort();
    to
}

backend_tests!(follow_up_dates_are_added_and_removed_with_messages_in_the_field);
async fn follow_up_dates_are_added_and_removed_with_messages_in_the_field(backend: TestBackend) {
    let class = Class::new(&backend).await;
    let app = &class.app;
    let (status, page) = class.rina.text(DATES).await;
    assert_eq!(status, 200, "{app}: {page}");
    assert!(
        page.contains("Belum ada tanggal tindak lanjut.")
            && page.contains("diingatkan 7 hari kemudian"),
        "{app}: {page}"
    );
    let (_, plans) = class
        .rina
        .text(&format!("/manage/events/{SLUG}/plans"))
        .await;
    assert!(plans.contains(&format!(r#"href="{DATES}""#)), "{app}");

    // Typed in another order: kept as typed, with its message.
    let (status, page) = class.add_date("29-10-2030").await;
    assert_eq!(status, 422, "{app}: {page}");
    assert!(
        page.contains("Tulis tanggal sebagai tahun-bulan-hari")
            && page.contains(r#"name="date" type="text" value="29-10-2030""#)
            && page.contains(r##"href="#f-date""##),
        "{app}: {page}"
    );
    let (status, page) = class.add_date("2030-07-29").await;
    assert_eq!(status, 422, "{app}: {page}");
    assert!(
        page.contains("harus setelah bimtek selesai")
            && page.contains(r#"name="date" type="date" value="2030-07-29""#),
        "{app}: {page}"
    );
    for date in ["2031-01-29", "2030-10-29"] {
        let (status, page) = class.add_date(date).await;
        assert_eq!(status, 303, "{app}: {page}");
    }
    let (status, page) = class.add_date("2030-10-29").await;
    assert_eq!(status, 422, "{app}: {page}");
    assert!(page.contains("Tanggal ini sudah ada."), "{app}: {page}");
    let (_, page) = class.rina.text(DATES).await;
    let october = page.find("Selasa, 29 Oktober 2030").unwrap();
    let january = page.find("Rabu, 29 Januari 2031").unwrap();
    assert!(october < january, "{app}: {page}");
    assert!(
        page.contains("Hapus Rabu, 29 Januari 2031"),
        "{app}: {page}"
    );

    // Its e-mails are planned for 08.00 WITA that day.
    let planned = app
        .db
        .run(|conn| -> Result<_, DbError> {
            use bimtek::db::schema::jobs::dsl::*;
            use diesel::prelude::*;
            Ok(jobs
                .filter(kind.eq("follow_up_notice"))
                .order(run_at.asc())
                .select(run_at)
                .load::<chrono::NaiveDateTime>(conn)?)
        })
        .await
        .unwrap();
    let eight =
        |raw: &str| chrono::NaiveDateTime::parse_from_str(raw, "%Y-%m-%d %H:%M:%S").unwrap();
    assert_eq!(
        planned,
        [eight("2030-10-29 00:00:00"), eight("2031-01-29 00:00:00")],
        "{app}"
    );

    let ids = class.follow_ups().await;
    assert_eq!(ids.len(), 2, "{app}: {page}");
    let removed = class
        .rina
        .post(&format!("{DATES}/{}/remove", ids[1]), &[])
        .await;
    assert_eq!(removed.status(), 303, "{app}");
    let (_, page) = class.rina.text(DATES).await;
    assert!(
        page.contains("Selasa, 29 Oktober 2030") && !page.contains("29 Januari 2031"),
        "{app}: {page}"
    );
    let gone = class
        .rina
        .post(&format!("{DATES}/{}/remove", ids[1]), &[])
        .await;
    assert_eq!(gone.status(), 404, "{app}");
}

backend_tests!(each_date_asks_accepted_plans_and_a_week_later_reminds_who_did_not_report);
async fn each_date_asks_accepted_plans_and_a_week_later_reminds_who_did_not_report(
    backend: TestBackend,
) {
    let class = Class::new(&backend).await;
    let app = &class.app;
    let mut registrations = Vec::new();
    for n in 1..=4 {
        registrations.push(class.seat(n).await);
    }
    let first = plan_in_state(
        &app.db,
        &registrations[0],
        "Pojok Baca Digital",
        State::Accepted,
    )
    .await;
    plan_in_state(
        &app.db,
        &registrations[1],
        "Kelas Komputer",
        State::Accepted,
    )
    .await;
    // Neither a plan still with the organisers nor no plan at all is asked.
    plan_in_state(&app.db, &registrations[2], "Taman Baca", State::Submitted).await;

    for date in ["2030-10-29", "2031-01-29"] {
        assert_eq!(class.add_date(date).await.0, 303, "{app}");
    }
    let ids = class.follow_ups().await;
    // January's date removed: its job, brought due, sends nothing.
    let removed = class
        .rina
        .post(&format!("{DATES}/{}/remove", ids[1]), &[])
        .await;
    assert_eq!(removed.status(), 303, "{app}");
    wait_for_jobs(&app.db).await;
    assert!(
        recipients(app, &class.event, "follow_up_due")
            .await
            .is_empty()
    );

    due_now(app, "follow_up_notice").await;
    assert_eq!(
        recipients(app, &class.event, "follow_up_due").await,
        [
            "peserta1@perpusdes.example.id",
            "peserta2@perpusdes.example.id"
        ],
        "{app}"
    );
    let sent = bimtek::services::mail::recent(&app.db, Some(class.event.id.to_string()), 50)
        .await
        .unwrap();
    let mail = sent
        .iter()
        .find(|m| m.template == "follow_up_due" && m.recipient.starts_with("peserta1"))
        .unwrap();
    assert_eq!(
        mail.subject,
        format!("Laporan tindak lanjut RTL: {}", class.event.title)
    );
    assert!(
        mail.body_text.contains("Selasa, 29 Oktober 2030")
            && mail.body_text.contains("\"Pojok Baca Digital\"")
            && mail.body_text.contains(&format!(
                "{}/my/registrations/{}/follow-ups/{}",
                app.address, registrations[0], ids[0]
            )),
        "{app}: {}",
        mail.body_text
    );
    // Run again (as after a crash before it was recorded): nothing twice.
    due_now(app, "follow_up_notice").await;
    assert_eq!(
        recipients(app, &class.event, "follow_up_due").await.len(),
        2
    );

    // The first reports; a week later only the second is reminded.
    report_sent(app, &ids[0], &first).await;
    due_now(app, "follow_up_reminder").await;
    assert_eq!(
        recipients(app, &class.event, "follow_up_reminder").await,
        ["peserta2@perpusdes.example.id"],
        "{app}"
    );
}

/// A report sent for the plan, written straight into the database.
async fn report_sent(app: &TestApp, follow_up: &str, plan: &str) {
    let (follow_up, plan) = (follow_up.to_owned(), plan.to_owned());
    app.db
        .transaction(move |conn| -> Result<_, DbError> {
            let now = Utc::now().naive_utc();
            bimtek::db::repo::follow_ups::insert_report(
                conn,
                &bimtek::db::models::FollowUpReportRow {
                    id: uuid::Uuid::now_v7().simple().to_string(),
                    follow_up_id: follow_up,
                    plan_id: plan,
                    content: "{}".into(),
                    created_at: now,
                    updated_at: now,
                    submitted_at: Some(now),
                },
            )?;
            Ok(())
        })
        .await
        .unwrap();
}

/// Sets a follow-up's date, as if it had come (or not yet).
async fn follow_up_at(app: &TestApp, follow_up: &str, at: chrono::DateTime<Utc>) {
    let follow_up = follow_up.to_owned();
    app.db
        .transaction(move |conn| -> Result<_, DbError> {
            use bimtek::db::schema::plan_follow_ups::dsl::*;
            use diesel::prelude::*;
            diesel::update(plan_follow_ups.find(follow_up))
                .set(due_at.eq(at.naive_utc()))
                .execute(conn)?;
            Ok(())
        })
        .await
        .unwrap();
}

/// A JPEG's first bytes, then `size` bytes in all.
pub fn jpeg(size: usize) -> Vec<u8> {
    let mut bytes = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01".to_vec();
    bytes.resize(size, 0);
    bytes
}

/// A participant with an accepted plan, signed in, and the event's two
/// follow-ups: October's come, January's not yet.
struct Reporting {
    class: Class,
    siti: Browser,
    registration: String,
    follow_ups: Vec<String>,
}

impl Reporting {
    async fn new(backend: &TestBackend) -> Reporting {
        let class = Class::new(backend).await;
        let registration = class.seat(1).await;
        plan_in_state(
            &class.app.db,
            &registration,
            "Pojok Baca Digital",
            State::Accepted,
        )
        .await;
        for date in ["2030-10-29", "2031-01-29"] {
            assert_eq!(class.add_date(date).await.0, 303, "{}", class.app);
        }
        let follow_ups = class.follow_ups().await;
        follow_up_at(
            &class.app,
            &follow_ups[0],
            Utc::now() - chrono::Duration::days(3),
        )
        .await;
        let siti = participant_signed_in(&class.app, 1).await;
        Reporting {
            class,
            siti,
            registration,
            follow_ups,
        }
    }

    fn report(&self) -> String {
        format!(
            "/my/registrations/{}/follow-ups/{}",
            self.registration, self.follow_ups[0]
        )
    }
}

/// A field's value as the page shows it.
fn has_value(page: &str, name: &str, kind: &str, value: &str) -> bool {
    page.contains(&format!(r#"name="{name}" type="{kind}" value="{value}""#))
}

backend_tests!(a_participant_reports_each_activity_with_evidence_until_the_next_date);
async fn a_participant_reports_each_activity_with_evidence_until_the_next_date(
    backend: TestBackend,
) {
    let reporting = Reporting::new(&backend).await;
    let (app, siti, report) = (&reporting.class.app, &reporting.siti, reporting.report());

    // The e-mailed link, signed out, goes through sign-in and back.
    let response = app.browser().get(&report).await;
    assert_eq!(response.status(), 303, "{app}");
    assert_eq!(
        Browser::location(&response),
        format!("/my/sign-in?next={}", report.replace('/', "%2F")),
        "{app}"
    );

    let (status, page) = siti.text(&report).await;
    assert_eq!(status, 200, "{app}: {page}");
    assert!(
        page.contains("Belum dilaporkan")
            && page.contains("Pelatihan literasi digital")
            && page.contains("Direncanakan September 2030")
            && page.contains("sampai Rabu, 29 Januari 2031")
            && page.contains(r#"enctype="multipart/form-data""#),
        "{app}: {page}"
    );
    let (_, my) = siti.text("/my").await;
    assert!(
        my.contains("Belum dilaporkan") && my.contains(&format!(r#"href="{report}""#)),
        "{app}: {my}"
    );

    // Half written, a date in words: kept, with its message.
    let half = [
        ("report-0-progress", "done"),
        ("report-0-realised_on", "awal Oktober"),
        ("report-0-obstacles", "Internet desa sering putus."),
    ];
    let (status, page) = send_with_file(siti, &report, &half, ("evidence", None), SAVE).await;
    assert_eq!(status, 422, "{app}: {page}");
    assert!(
        page.contains("Laporan tersimpan dengan semua yang Anda tulis")
            && page.contains("Tulis tanggal sebagai tahun-bulan-hari")
            && has_value(&page, "report-0-realised_on", "text", "awal Oktober")
            && page.contains(r#"value="done" checked"#)
            && page.contains("Internet desa sering putus.</textarea>"),
        "{app}: {page}"
    );
    let (_, again) = siti.text(&report).await;
    assert!(
        has_value(&again, "report-0-realised_on", "text", "awal Oktober"),
        "{app}: {again}"
    );
    // Sending it names what is missing.
    let dated = [
        ("report-0-progress", "done"),
        ("report-0-realised_on", "2030-10-05"),
        ("report-0-obstacles", "Internet desa sering putus."),
        ("report-0-solution", "Modem cadangan dari desa."),
    ];
    let (status, page) = send_with_file(siti, &report, &dated, ("evidence", None), SUBMIT).await;
    assert_eq!(status, 422, "{app}: {page}");
    assert!(
        page.contains("Pilih sejauh mana kegiatan ini terlaksana.")
            && has_value(&page, "report-0-realised_on", "date", "2030-10-05"),
        "{app}: {page}"
    );

    // Evidence: too big and a renamed program refused, the fields kept;
    // a photo taken.
    let (status, page) = send_with_file(
        siti,
        &report,
        &dated,
        ("evidence", Some(("foto.jpg", jpeg(10 * 1024 * 1024 + 1)))),
        SAVE,
    )
    .await;
    assert_eq!(status, 413, "{app}: {page}");
    assert!(
        page.contains("Berkas lebih besar dari 10 MB")
            && has_value(&page, "report-0-realised_on", "date", "2030-10-05"),
        "{app}: {page}"
    );
    let program = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff".repeat(100);
    let (status, page) = send_with_file(
        siti,
        &report,
        &dated,
        ("evidence", Some(("foto.jpg", program))),
        SAVE,
    )
    .await;
    assert_eq!(status, 422, "{app}: {page}");
    assert!(
        page.contains("Isi berkas ini bukan JPG/PNG/PDF")
            && page.contains(r#"aria-invalid="true""#)
            && !page.contains("/evidence/"),
        "{app}: {page}"
    );
    let (status, page) = send_with_file(
        siti,
        &report,
        &dated,
        ("evidence", Some(("pelatihan hari 1.jpg", jpeg(4096)))),
        SAVE,
    )
    .await;
    assert_eq!(status, 200, "{app}: {page}");
    assert!(page.contains("pelatihan hari 1.jpg"), "{app}: {page}");
    let evidence = evidence_in(&page, &report);
    let file = siti.get(&format!("{report}/evidence/{evidence}")).await;
    assert_eq!(file.status(), 200, "{app}");
    assert_eq!(file.headers()["content-type"], "image/jpeg");
    assert_eq!(file.headers()["cache-control"], "no-store");
    assert_eq!(file.bytes().await.unwrap().to_vec(), jpeg(4096));

    // Complete: sent, and shown as reported on their pages.
    let mut complete = dated.to_vec();
    complete.extend([
        ("report-1-progress", "not_started"),
        ("report-1-obstacles", "Belum ada dana."),
    ]);
    let (status, page) = send_with_file(siti, &report, &complete, ("evidence", None), SUBMIT).await;
    assert_eq!(status, 303, "{app}: {page}");
    let (_, page) = siti.text(&report).await;
    assert!(
        page.contains("Laporan dikirim")
            && page.contains("pelatihan hari 1.jpg")
            && !page.contains(r#"value="save""#),
        "{app}: {page}"
    );
    for path in [
        "/my".to_owned(),
        format!("/my/registrations/{}/plan", reporting.registration),
    ] {
        let (_, page) = siti.text(&path).await;
        assert!(page.contains("Sudah dilaporkan"), "{app}: {path}: {page}");
    }
    // A sent report changes only when sent again complete.
    let (status, page) = send_with_file(siti, &report, &half, ("evidence", None), SUBMIT).await;
    assert_eq!(status, 422, "{app}: {page}");
    assert!(page.contains("Laporan Anda sudah dikirim"), "{app}: {page}");
    let (_, page) = siti.text(&report).await;
    assert!(
        has_value(&page, "report-0-realised_on", "date", "2030-10-05"),
        "{app}: {page}"
    );

    // January's date come: October's report is closed, read-only.
    follow_up_at(
        app,
        &reporting.follow_ups[1],
        Utc::now() - chrono::Duration::hours(1),
    )
    .await;
    let (_, page) = siti.text(&report).await;
    assert!(
        page.contains("sudah ditutup")
            && page.contains("Modem cadangan dari desa.")
            && page.contains("Sudah terlaksana")
            && !page.contains("<form method=\"post\" action=\"/my/registrations"),
        "{app}: {page}"
    );
    let (status, page) = send_with_file(siti, &report, &half, ("evidence", None), SUBMIT).await;
    assert_eq!(status, 422, "{app}: {page}");
    assert!(page.contains("perubahan tidak disimpan"), "{app}: {page}");
}

backend_tests!(nobody_reports_on_or_reads_another_participants_plan);
async fn nobody_reports_on_or_reads_another_participants_plan(backend: TestBackend) {
    let reporting = Reporting::new(&backend).await;
    let (app, siti, report) = (&reporting.class.app, &reporting.siti, reporting.report());
    let (status, page) = send_with_file(
        siti,
        &report,
        &[("report-0-obstacles", "Rahasia Siti")],
        ("evidence", Some(("bukti.jpg", jpeg(2048)))),
        SAVE,
    )
    .await;
    assert_eq!(status, 200, "{app}: {page}");
    let evidence = evidence_in(&page, &report);

    // Another participant of the event, with an accepted plan of their own.
    let other_registration = reporting.class.seat(2).await;
    plan_in_state(
        &app.db,
        &other_registration,
        "Kelas Komputer",
        State::Accepted,
    )
    .await;
    let other = participant_signed_in(app, 2).await;
    for path in [report.clone(), format!("{report}/evidence/{evidence}")] {
        let (status, page) = other.text(&path).await;
        assert_eq!(status, 404, "{app}: {path}");
        assert!(!page.contains("Rahasia Siti"), "{app}");
    }
    let (status, _) = send_with_file(
        &other,
        &report,
        &[("report-0-obstacles", "Diubah")],
        ("evidence", None),
        SAVE,
    )
    .await;
    assert_eq!(status, 404, "{app}");
    // Their own report with Siti's evidence id finds nothing either.
    let theirs = format!(
        "/my/registrations/{other_registration}/follow-ups/{}",
        reporting.follow_ups[0]
    );
    assert_eq!(other.text(&theirs).await.0, 200, "{app}");
    assert_eq!(
        other.text(&format!("{theirs}/evidence/{evidence}")).await.0,
        404,
        "{app}"
    );
    let (_, page) = siti.text(&report).await;
    assert!(page.contains("Rahasia Siti"), "{app}: {page}");
    // A plan not accepted has no report.
    let third = reporting.class.seat(3).await;
    plan_in_state(&app.db, &third, "Taman Baca", State::Submitted).await;
    let (status, _) = participant_signed_in(app, 3)
        .await
        .text(&format!(
            "/my/registrations/{third}/follow-ups/{}",
            reporting.follow_ups[0]
        ))
        .await;
    assert_eq!(status, 404, "{app}");
}

/// The first evidence file the report's page links, by its id.
fn evidence_in(page: &str, report: &str) -> String {
    page.split(&format!("{report}/evidence/"))
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_owned()
}

/// Moves a participant's registration to another regency.
async fn moved_to(
    app: &TestApp,
    registration: &str,
    (province, regency): (&'static str, &'static str),
) {
    let registration = registration.to_owned();
    app.db
        .transaction(move |conn| -> Result<_, DbError> {
            use bimtek::db::schema::registrations::dsl::*;
            use diesel::prelude::*;
            diesel::update(registrations.find(registration))
                .set((province_code.eq(province), regency_code.eq(regency)))
                .execute(conn)?;
            Ok(())
        })
        .await
        .unwrap();
}

backend_tests!(organisers_see_who_reported_by_region_read_the_reports_and_export_them);
async fn organisers_see_who_reported_by_region_read_the_reports_and_export_them(
    backend: TestBackend,
) {
    let reporting = Reporting::new(&backend).await;
    let class = &reporting.class;
    let (app, siti, report) = (&class.app, &reporting.siti, reporting.report());
    let other = class.seat(2).await;
    plan_in_state(&app.db, &other, "Kelas Komputer", State::Accepted).await;
    moved_to(app, &other, ("73", "73.71")).await;
    let complete = [
        ("report-0-progress", "done"),
        ("report-0-realised_on", "2030-10-05"),
        ("report-0-obstacles", "Internet desa sering putus."),
        ("report-0-solution", "Modem cadangan dari desa."),
        ("report-1-progress", "not_started"),
        ("report-1-obstacles", "Belum ada dana."),
    ];
    let (status, page) = send_with_file(
        siti,
        &report,
        &complete,
        ("evidence", Some(("pelatihan hari 1.jpg", jpeg(4096)))),
        SUBMIT,
    )
    .await;
    assert_eq!(status, 303, "{app}: {page}");

    let overview = format!("{DATES}/{}", reporting.follow_ups[0]);
    let (status, page) = class.rina.text(&overview).await;
    assert_eq!(status, 200, "{app}: {page}");
    assert!(
        page.contains("Sudah melapor (1)")
            && page.contains("Belum melapor (1)")
            && page.contains("Dra. Peserta 2, M.Hum.")
            && page.contains("Kota Bengkulu")
            && !page.contains("Kota Makassar")
            && page.contains(r#"href="?province=73#regions""#),
        "{app}: {page}"
    );
    let (_, page) = class.rina.text(&format!("{overview}?province=73")).await;
    assert!(
        page.contains("Kota Makassar") && !page.contains("Kota Bengkulu"),
        "{app}: {page}"
    );
    let (_, dates) = class.rina.text(DATES).await;
    assert!(dates.contains("1 laporan"), "{app}: {dates}");

    // The report, with its evidence.
    let link = page
        .split(&format!("href=\"{overview}/reports/"))
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_owned();
    let read = format!("{overview}/reports/{link}");
    let (status, page) = class.rina.text(&read).await;
    assert_eq!(status, 200, "{app}: {page}");
    assert!(
        page.contains("Modem cadangan dari desa.")
            && page.contains("Sudah terlaksana")
            && page.contains("Belum dimulai")
            && page.contains("Sabtu, 5 Oktober 2030")
            && page.contains("pelatihan hari 1.jpg"),
        "{app}: {page}"
    );
    let evidence = evidence_in(&page, &read);
    let file = class.rina.get(&format!("{read}/evidence/{evidence}")).await;
    assert_eq!(file.status(), 200, "{app}");
    assert_eq!(file.headers()["content-type"], "image/jpeg");
    assert_eq!(file.headers()["cache-control"], "no-store");
    assert_eq!(file.bytes().await.unwrap().to_vec(), jpeg(4096));

    // Both exports hold one row per activity reported.
    let mut tables = Vec::new();
    for (name, format) in [("csv", Format::Csv), ("xlsx", Format::Xlsx)] {
        let response = class
            .rina
            .get(&format!("{overview}/export?format={name}"))
            .await;
        assert_eq!(response.status(), 200, "{app}: {name}");
        assert_eq!(response.headers()["cache-control"], "no-store");
        let bytes = response.bytes().await.unwrap();
        tables.push(spreadsheet::read(&bytes, format).unwrap());
    }
    assert_eq!(tables[0], tables[1], "{app}");
    let table = &tables[0];
    assert_eq!(
        table.header,
        [
            "Peserta",
            "E-mail",
            "Instansi",
            "Provinsi",
            "Kabupaten/kota",
            "Judul RTL",
            "Kegiatan",
            "Bulan rencana",
            "Pelaksanaan",
            "Tanggal terlaksana",
            "Kendala",
            "Solusi",
            "Bukti",
            "Dikirim"
        ],
        "{app}"
    );
    assert_eq!(table.rows.len(), 2, "{app}: {table:?}");
    let first = &table.rows[0];
    assert_eq!(
        first[..13],
        [
            "Dra. Peserta 1, M.Hum.",
            "peserta1@perpusdes.example.id",
            "Perpustakaan Desa Sukamaju",
            "Bengkulu",
            "Kota Bengkulu",
            "Pojok Baca Digital",
            "Pelatihan literasi digital",
            "2030-09",
            "Sudah terlaksana",
            "2030-10-05",
            "Internet desa sering putus.",
            "Modem cadangan dari desa.",
            "pelatihan hari 1.jpg"
        ],
        "{app}"
    );
    assert_eq!(table.rows[1][6], "Lomba bercerita");
    assert_eq!(table.rows[1][8], "Belum dimulai");
    assert_eq!(table.rows[1][10], "Belum ada dana.");

    // Organisers of another event find none of it under their own.
    let andi = organiser_elsewhere(app).await;
    assert_eq!(andi.text(&overview).await.0, 403, "{app}");
    let guessed = overview.replace(SLUG, "bimtek-lain");
    for path in [
        guessed.clone(),
        format!("{guessed}/export?format=csv"),
        format!("{guessed}/reports/{link}"),
        format!("{guessed}/reports/{link}/evidence/{evidence}"),
    ] {
        assert_eq!(andi.text(&path).await.0, 404, "{app}: {path}");
    }
}
