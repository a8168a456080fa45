//! Action plans (RTL): a participant with a seat writes a plan, saves
//! drafts that keep everything typed (rows added and removed without
//! JavaScript, errors and a refused file included), submits it once, by
//! the event's deadline and late rule; nobody else reads or changes it.

use bimtek::db::DbError;
use bimtek::db::repo::action_plans as repo;
use bimtek::domain::account::Account;
use bimtek::domain::event::{Event, EventForm};
use bimtek::services::registrations;
use chrono_tz::Tz;

use crate::support::*;

pub(crate) const SLUG: &str = "bimtek-rtl";

/// An event, a participant with a seat signed in by link, and the
/// event's organiser signed in.
pub(crate) struct Class {
    pub(crate) app: TestApp,
    pub(crate) event: Event,
    pub(crate) admin: Account,
    pub(crate) siti: Browser,
    pub(crate) rina: Browser,
    pub(crate) registration: String,
}

impl Class {
    async fn new(backend: &TestBackend) -> Class {
        Class::on(spawn_app(backend).await).await
    }

    /// The class on an application already started.
    pub(crate) async fn on(app: TestApp) -> Class {
        let event = create_event(&app.db, event(SLUG, Tz::Asia__Jakarta, true)).await;
        let admin = staff(&app.db, "admin@dispusip.example.id", true, None).await;
        let registration = seat(&app, &event, &admin, 1).await;
        let siti = participant_signed_in(&app, 1).await;
        let rina = organiser(&app, SLUG).await;
        Class {
            app,
            event,
            admin,
            siti,
            rina,
            registration,
        }
    }

    pub(crate) fn plan(&self) -> String {
        format!("/my/registrations/{}/plan", self.registration)
    }

    /// Sets the event's deadline and late rule through its form.
    async fn deadline(&self, date: &str, time: &str, late: &str) {
        let form = EventForm::of(&self.event);
        let fields = [
            ("title", form.title),
            ("slug", form.slug),
            ("description", form.description),
            ("organiser_office", form.organiser_office),
            ("time_zone", form.time_zone),
            ("start_date", form.start_date),
            ("start_time", form.start_time),
            ("end_date", form.end_date),
            ("end_time", form.end_time),
            ("plan_due_date", date.to_owned()),
            ("plan_due_time", time.to_owned()),
            ("plan_late", late.to_owned()),
        ];
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let response = self
            .rina
            .post(&format!("/manage/events/{SLUG}/edit"), &fields)
            .await;
        assert_eq!(response.status(), 303, "{}", self.app);
        let (_, edit) = self.rina.text(&format!("/manage/events/{SLUG}/edit")).await;
        assert!(
            edit.contains(&format!(
                r#"name="plan_due_date" type="date" value="{date}""#
            )),
            "{}: {edit}",
            self.app
        );
    }
}

/// The one e-mail telling the participant their plan arrived.
async fn submitted_mail(class: &Class) -> bimtek::services::OutboxRow {
    let sent = bimtek::services::mail::recent(&class.app.db, Some(class.event.id.to_string()), 50)
        .await
        .unwrap();
    let mut submitted: Vec<_> = sent
        .into_iter()
        .filter(|m| m.template == "plan_submitted")
        .collect();
    assert_eq!(submitted.len(), 1, "{}", class.app);
    let mail = submitted.remove(0);
    assert_eq!(mail.recipient, "peserta1@perpusdes.example.id");
    assert_eq!(
        mail.subject,
        format!("RTL Anda sudah dikirim: {}", class.event.title)
    );
    mail
}

/// A confirmed seat for participant `n`, added by an administrator.
pub(crate) async fn seat(app: &TestApp, event: &Event, admin: &Account, n: usize) -> String {
    registrations::add_by_hand(
        &app.db,
        event,
        person(n).into_iter().collect(),
        admin,
        &origin(&app.address),
    )
    .await
    .unwrap()
}

/// A complete plan's fields, one activity row.
pub(crate) fn complete() -> Vec<(&'static str, &'static str)> {
    vec![
        ("title", "Pojok Baca Digital Desa Sukamaju"),
        (
            "situation",
            "Dua komputer tanpa internet.\r\nKoleksi 1.200 buku.",
        ),
        ("objectives", "Warga desa belajar memakai internet."),
        ("target_group", "Ibu-ibu PKK dan pelajar SMP"),
        ("strategy", "information"),
        ("strategy", "community"),
        ("activity-0-what", "Pelatihan literasi digital"),
        ("activity-0-month", "2030-09"),
        ("activity-0-responsible", "Kepala perpustakaan desa"),
        ("activity-0-resources", "Rp 2.500.000 dari dana desa"),
        ("activity-0-partner", "Karang Taruna"),
        ("indicators", "30 warga mengikuti pelatihan."),
    ]
}

/// Sends the plan's form with its file, as a browser does.
pub(crate) async fn send(
    browser: &Browser,
    path: &str,
    fields: &[(&str, &str)],
    file: Option<(&str, Vec<u8>)>,
    button: (&str, &str),
) -> (u16, String) {
    send_with_file(browser, path, fields, ("attachment", file), button).await
}

/// A field's value as the page shows it.
fn has_value(page: &str, name: &str, value: &str) -> bool {
    page.contains(&format!(r#"name="{name}" type="text" value="{value}""#))
        || page.contains(&format!(r#"name="{name}" type="month" value="{value}""#))
}

/// A PNG's first bytes, then `size` bytes in all.
pub(crate) fn png(size: usize) -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    bytes.resize(size, 0);
    bytes
}

fn docx(part: &str) -> Vec<u8> {
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    out.start_file(part, zip::write::SimpleFileOptions::default())
        .unwrap();
    std::io::Write::write_all(&mut out, b"<w:document/>").unwrap();
    out.finish().unwrap().into_inner()
}

backend_tests!(a_draft_keeps_every_field_and_a_complete_plan_is_submitted_once);
async fn a_draft_keeps_every_field_and_a_complete_plan_is_submitted_once(backend: TestBackend) {
    let class = Class::new(&backend).await;
    let (app, siti, plan) = (&class.app, &class.siti, class.plan());
    // Due in the future: a submission now is on time.
    class.deadline("2030-08-15", "23:59", "refuse").await;

    let (_, my) = siti.text("/my").await;
    assert!(
        my.contains("Belum ditulis") && my.contains(&format!(r#"href="{plan}""#)),
        "{app}: {my}"
    );
    let (status, page) = siti.text(&plan).await;
    assert_eq!(status, 200, "{app}: {page}");
    assert!(
        page.contains("Batas pengiriman: Kamis, 15 Agustus 2030, 23.59 WIB.")
            && page.contains(r#"enctype="multipart/form-data""#),
        "{app}: {page}"
    );

    // Half written, a month that is not one, and a row added: all kept.
    let half = [
        ("title", "Pojok Baca Digital"),
        ("situation", "Dua komputer."),
        ("strategy", "advocacy"),
        ("activity-0-what", "Lomba bercerita"),
        ("activity-0-month", "Juli 2030"),
        ("activity-0-partner", "Sekolah dasar"),
    ];
    let (status, page) = send(siti, &plan, &half, None, ("add_row", "1")).await;
    assert_eq!(status, 422, "{app}: {page}");
    assert!(
        page.contains("Draf tersimpan dengan semua yang Anda tulis")
            && page.contains("Tulis bulan sebagai tahun-bulan, misalnya 2026-09.")
            && has_value(&page, "title", "Pojok Baca Digital")
            && page.contains("Dua komputer.</textarea>")
            && page.contains(r#"value="advocacy" checked"#)
            && has_value(&page, "activity-0-what", "Lomba bercerita")
            && has_value(&page, "activity-0-month", "Juli 2030")
            && has_value(&page, "activity-0-partner", "Sekolah dasar")
            && has_value(&page, "activity-1-what", "")
            && !page.contains("activity-2-what"),
        "{app}: {page}"
    );
    // The second row filled in, the first removed: the second moves up.
    let both = [
        ("title", "Pojok Baca Digital"),
        ("activity-0-what", "Lomba bercerita"),
        ("activity-0-month", "Juli 2030"),
        ("activity-1-what", "Kelas komputer"),
        ("activity-1-month", "2030-10"),
    ];
    let (status, page) = send(siti, &plan, &both, None, ("remove_row", "0")).await;
    assert_eq!(status, 200, "{app}: {page}");
    assert!(
        page.contains("Draf tersimpan.")
            && has_value(&page, "activity-0-what", "Kelas komputer")
            && has_value(&page, "activity-0-month", "2030-10")
            && !page.contains("Lomba bercerita")
            && !page.contains("activity-1-what"),
        "{app}: {page}"
    );
    // Submitting what is missing parts names each, and keeps the draft.
    let (status, page) = send(siti, &plan, &both[..1], None, SUBMIT).await;
    assert_eq!(status, 422, "{app}: {page}");
    assert!(
        page.contains("Isian ini wajib diisi sebelum RTL dikirim.")
            && page.contains("Pilih paling sedikit satu strategi.")
            && page.contains("Tuliskan paling sedikit satu kegiatan.")
            && page.contains(r##"href="#f-situation""##)
            && has_value(&page, "title", "Pojok Baca Digital"),
        "{app}: {page}"
    );
    let (_, again) = siti.text(&plan).await;
    assert!(
        has_value(&again, "title", "Pojok Baca Digital") && again.contains("Draf"),
        "{app}: {again}"
    );

    // Complete, with a photo: submitted, once.
    let (status, page) = send(
        siti,
        &plan,
        &complete(),
        Some(("foto kegiatan.png", png(2048))),
        SUBMIT,
    )
    .await;
    assert_eq!(status, 303, "{app}: {page}");
    let (_, page) = siti.text(&plan).await;
    assert!(
        page.contains("Status RTL: <strong>Dikirim</strong>")
            && page.contains("Versi 1 dikirim")
            && !page.contains("Terlambat")
            && page.contains("Pojok Baca Digital Desa Sukamaju")
            && page.contains("Dua komputer tanpa internet.<br>Koleksi 1.200 buku.")
            && page.contains("September 2030")
            && page.contains("Fasilitasi kegiatan yang dibutuhkan masyarakat")
            && page.contains("foto kegiatan.png")
            && !page.contains(r#"name="action""#),
        "{app}: {page}"
    );
    let file = siti.get(&format!("{plan}/attachment")).await;
    assert_eq!(file.status(), 200, "{app}");
    assert_eq!(file.headers()["content-type"], "image/png");
    assert_eq!(file.bytes().await.unwrap().to_vec(), png(2048));
    // Read-only until a revision is asked.
    let (status, page) = send(siti, &plan, &[("title", "Lain")], None, SAVE).await;
    assert_eq!(status, 409, "{app}: {page}");
    assert!(page.contains("Pojok Baca Digital Desa Sukamaju"), "{app}");
    let (_, my) = siti.text("/my").await;
    assert!(my.contains("RTL: <strong>Dikirim</strong>"), "{app}: {my}");
    let mail = submitted_mail(&class).await;
    assert!(
        mail.body_text
            .contains("\"Pojok Baca Digital Desa Sukamaju\", versi 1")
            && mail.body_text.contains(&plan)
            && !mail.body_text.contains("terlambat"),
        "{app}: {}",
        mail.body_text
    );

    // The version is kept as submitted.
    let registration = class.registration.clone();
    let versions = app
        .db
        .run(move |conn| -> Result<_, DbError> {
            let row = repo::find_by_registration(conn, &registration)?.unwrap();
            Ok(repo::versions(conn, &row.id)?)
        })
        .await
        .unwrap();
    assert_eq!(versions.len(), 1, "{app}");
    assert_eq!(versions[0].version, 1);
    assert!(!versions[0].late);
    assert!(versions[0].content.contains("Karang Taruna"), "{app}");
    assert!(versions[0].attachment_key.is_some(), "{app}");

    // The organisers read it.
    let (status, list) = class
        .rina
        .text(&format!("/manage/events/{SLUG}/plans"))
        .await;
    assert_eq!(status, 200, "{app}: {list}");
    assert!(
        list.contains("Dra. Peserta 1, M.Hum.")
            && list.contains("Pojok Baca Digital Desa Sukamaju"),
        "{app}: {list}"
    );
    let link = list
        .split("href=\"plans/")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap();
    let (status, read) = class
        .rina
        .text(&format!("/manage/events/{SLUG}/plans/{link}"))
        .await;
    assert_eq!(status, 200, "{app}: {read}");
    assert!(
        read.contains("Versi 1 dikirim") && read.contains("Karang Taruna"),
        "{app}: {read}"
    );
    let file = class
        .rina
        .get(&format!("/manage/events/{SLUG}/plans/{link}/attachment"))
        .await;
    assert_eq!(file.status(), 200, "{app}");
}

backend_tests!(the_deadline_refuses_or_marks_late_by_the_events_rule);
async fn the_deadline_refuses_or_marks_late_by_the_events_rule(backend: TestBackend) {
    let class = Class::new(&backend).await;
    let (app, siti, plan) = (&class.app, &class.siti, class.plan());
    class.deadline("2020-07-31", "16:00", "refuse").await;

    let (status, page) = send(siti, &plan, &complete(), None, SUBMIT).await;
    assert_eq!(status, 422, "{app}: {page}");
    assert!(
        page.contains("bimtek ini tidak menerima RTL terlambat. Draf Anda tetap tersimpan.")
            && has_value(&page, "activity-0-partner", "Karang Taruna"),
        "{app}: {page}"
    );
    let (_, page) = siti.text(&plan).await;
    assert!(
        page.contains("Status RTL: <strong>Draf</strong>")
            && page.contains("Setelah itu RTL tidak dapat dikirim lagi."),
        "{app}: {page}"
    );

    class.deadline("2020-07-31", "16:00", "accept").await;
    let (status, page) = send(siti, &plan, &complete(), None, SUBMIT).await;
    assert_eq!(status, 303, "{app}: {page}");
    let (_, page) = siti.text(&plan).await;
    assert!(
        page.contains("Status RTL: <strong>Dikirim</strong> · <strong>Terlambat</strong>"),
        "{app}: {page}"
    );
    let (_, my) = siti.text("/my").await;
    assert!(
        my.contains("RTL: <strong>Dikirim</strong> · <strong>Terlambat</strong>"),
        "{app}: {my}"
    );
    let (_, list) = class
        .rina
        .text(&format!("/manage/events/{SLUG}/plans"))
        .await;
    assert!(
        list.contains("Dikirim (versi 1) · Terlambat"),
        "{app}: {list}"
    );
    let mail = submitted_mail(&class).await;
    assert!(
        mail.body_text.contains("ditandai terlambat"),
        "{app}: {}",
        mail.body_text
    );
}

backend_tests!(attachments_are_checked_by_content_and_size_and_the_fields_are_kept);
async fn attachments_are_checked_by_content_and_size_and_the_fields_are_kept(backend: TestBackend) {
    let class = Class::new(&backend).await;
    let (app, siti, plan) = (&class.app, &class.siti, class.plan());
    let fields = [("title", "RTL dengan lampiran")];

    let (status, page) = send(
        siti,
        &plan,
        &fields,
        Some(("foto.png", png(10 * 1024 * 1024 + 1))),
        SUBMIT,
    )
    .await;
    assert_eq!(status, 413, "{app}: {page}");
    assert!(
        page.contains("Berkas lebih besar dari 10 MB")
            && has_value(&page, "title", "RTL dengan lampiran"),
        "{app}: {page}"
    );
    // A program renamed as a PDF, and a zip that is no Office file.
    let program = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff".repeat(100);
    for (name, bytes) in [
        ("rencana.pdf", program),
        ("rencana.docx", docx("setup.exe")),
    ] {
        let (status, page) = send(siti, &plan, &fields, Some((name, bytes)), SAVE).await;
        assert_eq!(status, 422, "{app}: {name}: {page}");
        assert!(
            page.contains("Isi berkas ini bukan PDF/DOCX/XLSX/JPG/PNG")
                && page.contains(r#"id="f-attachment" type="file""#)
                && page.contains(r#"aria-invalid="true""#)
                && has_value(&page, "title", "RTL dengan lampiran")
                && !page.contains("Lampiran saat ini"),
            "{app}: {name}: {page}"
        );
    }
    let (status, page) = send(
        siti,
        &plan,
        &fields,
        Some(("RTL Sukamaju.docx", docx("word/document.xml"))),
        SAVE,
    )
    .await;
    assert_eq!(status, 200, "{app}: {page}");
    assert!(
        page.contains("Lampiran saat ini") && page.contains("RTL Sukamaju.docx"),
        "{app}: {page}"
    );
    let file = siti.get(&format!("{plan}/attachment")).await;
    assert_eq!(
        file.headers()["content-disposition"],
        "attachment; filename=\"RTL Sukamaju.docx\""
    );
    // Saving again without a file keeps the attachment.
    let (_, page) = send(siti, &plan, &fields, None, SAVE).await;
    assert!(page.contains("RTL Sukamaju.docx"), "{app}: {page}");
}

backend_tests!(nobody_else_reads_or_changes_a_participants_plan);
async fn nobody_else_reads_or_changes_a_participants_plan(backend: TestBackend) {
    let class = Class::new(&backend).await;
    let (app, plan) = (&class.app, class.plan());
    let (status, _) = send(
        &class.siti,
        &plan,
        &[("title", "Rahasia Siti")],
        Some(("foto.png", png(100))),
        SAVE,
    )
    .await;
    assert_eq!(status, 200, "{app}");

    // Another participant of the same event, with a seat and a plan.
    let other_registration = seat(app, &class.event, &class.admin, 2).await;
    let other = participant_signed_in(app, 2).await;
    for path in [plan.clone(), format!("{plan}/attachment")] {
        let (status, page) = other.text(&path).await;
        assert_eq!(status, 404, "{app}: {path}");
        assert!(!page.contains("Rahasia Siti"), "{app}");
    }
    let (status, _) = send(&other, &plan, &[("title", "Diubah")], None, SAVE).await;
    assert_eq!(status, 404, "{app}");
    let (status, _) = other
        .text(&format!("/my/registrations/{other_registration}/plan"))
        .await;
    assert_eq!(status, 200, "{app}");
    let (_, page) = class.siti.text(&plan).await;
    assert!(has_value(&page, "title", "Rahasia Siti"), "{app}: {page}");

    // A participant without a seat (waiting, cancelled) has no plan page.
    let cancelled = class
        .siti
        .post(
            &format!("/my/registrations/{}/cancel", class.registration),
            &[],
        )
        .await;
    assert_eq!(cancelled.status(), 303, "{app}");
    assert_eq!(class.siti.text(&plan).await.0, 404, "{app}");

    // Organisers of another event, and the plan's id under another event.
    let ours_plan = {
        let registration = class.registration.clone();
        app.db
            .run(move |conn| -> Result<_, DbError> {
                Ok(repo::find_by_registration(conn, &registration)?.unwrap().id)
            })
            .await
            .unwrap()
    };
    let andi = organiser_elsewhere(app).await;
    let ours = format!("/manage/events/{SLUG}/plans/{ours_plan}");
    assert_eq!(andi.text(&ours).await.0, 403, "{app}");
    let guessed = format!("/manage/events/bimtek-lain/plans/{ours_plan}");
    for path in [guessed.clone(), format!("{guessed}/attachment")] {
        assert_eq!(andi.text(&path).await.0, 404, "{app}: {path}");
    }
    assert_eq!(class.rina.text(&ours).await.0, 200, "{app}");
}
