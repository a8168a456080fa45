//! Following action plans up: the organisers set follow-up dates; on each
//! date the participants whose plan was accepted are asked by e-mail to
//! report, and a week later those who have not are reminded.

use bimtek::db::DbError;
use bimtek::domain::account::Account;
use bimtek::domain::action_plan::State;
use bimtek::domain::event::Event;
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
