//! Reviewing action plans: a reviewer or organiser asks for a revision
//! with comments per section, the participant sees them and submits a
//! second version, which is accepted; each step is e-mailed; the versions
//! and what changed between them are shown; reviewers see only the plans
//! given to them or to nobody, of their own event.

use bimtek::db::DbError;
use bimtek::db::repo::action_plans as repo;
use bimtek::domain::account::EventRole;
use chrono_tz::Tz;

use crate::action_plans::{Class, SLUG, complete, png, seat, send};
use crate::support::smtp::SmtpServer;
use crate::support::*;

/// The id of the plan of `registration`.
async fn plan_of(app: &TestApp, registration: &str) -> String {
    let registration = registration.to_owned();
    app.db
        .run(move |conn| -> Result<_, DbError> {
            Ok(repo::find_by_registration(conn, &registration)?.unwrap().id)
        })
        .await
        .unwrap()
}

fn page_of(plan: &str) -> String {
    format!("/manage/events/{SLUG}/plans/{plan}")
}

/// A decision as the review form sends it: the version, the comments,
/// the button.
async fn decide(
    browser: &Browser,
    plan: &str,
    version: &str,
    comments: &[(&str, &str)],
    decision: &str,
) -> (u16, String) {
    let mut fields = vec![("version", version), ("decision", decision)];
    fields.extend_from_slice(comments);
    let response = browser
        .post(&format!("{}/review", page_of(plan)), &fields)
        .await;
    (response.status().as_u16(), response.text().await.unwrap())
}

const REVISION: &str = "revision";
const ACCEPT: &str = "accept";
const SITI: &str = "peserta1@perpusdes.example.id";

backend_tests!(a_revision_is_asked_then_the_second_version_is_accepted);
async fn a_revision_is_asked_then_the_second_version_is_accepted(backend: TestBackend) {
    let smtp = SmtpServer::start().await;
    let class = Class::on(app_with_smtp(&backend, &smtp).await).await;
    let (app, siti, rina, address) = (&class.app, &class.siti, &class.rina, class.plan());
    let (status, _) = send(
        siti,
        &address,
        &complete(),
        Some(("foto.png", png(100))),
        SUBMIT,
    )
    .await;
    assert_eq!(status, 303, "{app}");
    let plan = plan_of(app, &class.registration).await;
    let (_, page) = siti.text(&address).await;
    assert!(
        page.contains("RTL ini menunggu penilaian."),
        "{app}: {page}"
    );

    // A draft is not reviewed: another participant's, never submitted.
    let draft_registration = seat(app, &class.event, &class.admin, 2).await;
    let other = participant_signed_in(app, 2).await;
    let other_address = format!("/my/registrations/{draft_registration}/plan");
    send(&other, &other_address, &[("title", "Draf")], None, SAVE).await;
    let draft = plan_of(app, &draft_registration).await;
    let (status, page) = decide(rina, &draft, "0", &[], ACCEPT).await;
    assert_eq!(status, 409, "{app}: {page}");
    assert!(
        page.contains("tidak lagi menunggu penilaian") && page.contains("Status RTL: <strong>Draf"),
        "{app}: {page}"
    );

    // A revision needs a comment; what was typed comes back.
    let (status, page) = decide(rina, &plan, "1", &[("comment-title", "  ")], REVISION).await;
    assert_eq!(status, 422, "{app}: {page}");
    assert!(
        page.contains(
            "Tulis paling sedikit satu komentar agar peserta tahu apa yang perlu diperbaiki."
        ) && page.contains(r##"href="#f-general""##),
        "{app}: {page}"
    );
    let long = "x".repeat(5_001);
    let (status, page) = decide(
        rina,
        &plan,
        "1",
        &[("comment-situation", &long), ("general", "Tetap di sini.")],
        REVISION,
    )
    .await;
    assert_eq!(status, 422, "{app}: {page}");
    assert!(
        page.contains("Tetap di sini.</textarea>")
            && page.contains(r#"id="f-comment-situation-error""#),
        "{app}: {page}"
    );

    let comments = [
        ("comment-situation", "Sebutkan jumlah pengunjung per bulan."),
        ("comment-activities", "Tambahkan kegiatan untuk pelajar."),
        ("general", "Sudah baik; lengkapi dua bagian ini."),
    ];
    let (status, page) = decide(rina, &plan, "1", &comments, REVISION).await;
    assert_eq!(status, 303, "{app}: {page}");
    let (_, page) = rina.text(&page_of(&plan)).await;
    assert!(
        page.contains("Versi 1: perbaikan diminta oleh rina@dispusip.example.id")
            && !page.contains(r#"name="decision""#),
        "{app}: {page}"
    );

    // The participant reads the comments beside their sections and edits.
    let (_, page) = siti.text(&address).await;
    assert!(
        page.contains("Status RTL: <strong>Perlu perbaikan</strong>")
            && page.contains("Sebutkan jumlah pengunjung per bulan.")
            && page.contains("Tambahkan kegiatan untuk pelajar.")
            && page.contains("Sudah baik; lengkapi dua bagian ini.")
            && page.contains(r#"name="action" value="submit""#),
        "{app}: {page}"
    );
    let situation_at = page.find("Sebutkan jumlah pengunjung").unwrap();
    assert!(
        page.find(r#"id="f-situation""#).unwrap() > situation_at,
        "{app}: the comment comes before its field"
    );
    let (_, my) = siti.text("/my").await;
    assert!(
        my.contains("RTL: <strong>Perlu perbaikan</strong>"),
        "{app}: {my}"
    );
    let asked = mail(app, &smtp, SITI, "RTL Anda perlu diperbaiki")
        .await
        .text();
    assert!(
        asked.contains("Kondisi perpustakaan saat ini:\nSebutkan jumlah pengunjung per bulan.")
            && asked.contains("Komentar umum:\nSudah baik")
            && asked.contains("versi 1")
            && asked.contains(&address),
        "{app}: {asked}"
    );

    // Version 2: the situation reworded, a row added, a strategy swapped,
    // another file.
    let mut revised: Vec<(&str, &str)> = complete()
        .into_iter()
        .filter(|(name, _)| *name != "situation" && *name != "strategy")
        .collect();
    revised.extend([
        (
            "situation",
            "Dua komputer tanpa internet; 300 pengunjung per bulan.",
        ),
        ("strategy", "information"),
        ("strategy", "advocacy"),
        ("activity-1-what", "Kelas menulis pelajar"),
        ("activity-1-month", "2030-10"),
        ("activity-1-responsible", "Pustakawan"),
    ]);
    let (status, page) = send(
        siti,
        &address,
        &revised,
        Some(("foto baru.png", png(200))),
        SUBMIT,
    )
    .await;
    assert_eq!(status, 303, "{app}: {page}");
    let (_, page) = siti.text(&address).await;
    assert!(
        page.contains("Versi 2 dikirim")
            && page.contains("RTL ini menunggu penilaian.")
            && !page.contains("Sebutkan jumlah pengunjung per bulan."),
        "{app}: {page}"
    );
    // Version 1 is kept as it was.
    let kept = plan.clone();
    let versions = app
        .db
        .run(move |conn| -> Result<_, DbError> { Ok(repo::versions(conn, &kept)?) })
        .await
        .unwrap();
    assert_eq!(versions.len(), 2, "{app}");
    assert!(
        versions[0].content.contains("Koleksi 1.200 buku")
            && !versions[0].content.contains("Kelas menulis")
            && versions[1].content.contains("Kelas menulis pelajar")
            && versions[0].attachment_key != versions[1].attachment_key,
        "{app}"
    );

    // The organisers' page lists both and links to what changed.
    let (_, page) = rina.text(&page_of(&plan)).await;
    let changes = format!("{}/changes?from=1&amp;to=2", page_of(&plan));
    assert!(
        page.contains("Versi 2 dikirim") && page.contains(&changes),
        "{app}: {page}"
    );
    let (status, page) = rina.text(&format!("{}/changes", page_of(&plan))).await;
    assert_eq!(status, 200, "{app}: {page}");
    let section = |name: &str| {
        let start = page.find(&format!("<h3>{name}</h3>")).unwrap();
        let rest = &page[start + 4..];
        rest[..rest.find("<h3>").unwrap_or(rest.len())].to_owned()
    };
    assert!(
        section("Judul RTL").contains("Tidak berubah"),
        "{app}: {page}"
    );
    let situation = section("Kondisi perpustakaan saat ini");
    assert!(
        situation.contains("<strong>Berubah</strong>")
            && situation.contains("Dua komputer tanpa")
            && situation.contains(r#"<del><span class="visually-hidden">dihapus: </span>internet. Koleksi 1.200 buku.</del>"#)
            && situation.contains("internet; 300 pengunjung per bulan.</ins>"),
        "{app}: {situation}"
    );
    let strategies = section("Strategi TPBIS yang didukung");
    assert!(
        strategies.contains("Ditambah: Advokasi dan kemitraan")
            && strategies.contains("Dihapus: Fasilitasi kegiatan yang dibutuhkan masyarakat"),
        "{app}: {strategies}"
    );
    let activities = section("Rencana kegiatan");
    assert!(
        activities.contains("<strong>Sama</strong>")
            && activities.contains("<strong>Ditambah</strong>")
            && activities.contains("Kelas menulis pelajar")
            && activities.contains("Oktober 2030"),
        "{app}: {activities}"
    );
    assert!(
        section("Lampiran").contains("foto.png → foto baru.png"),
        "{app}: {page}"
    );
    // Chosen versions: the same one twice changes nothing.
    let (_, same) = rina
        .text(&format!("{}/changes?from=2&to=2", page_of(&plan)))
        .await;
    assert!(
        !same.contains("<strong>Berubah</strong>") && !same.contains("<del>"),
        "{app}: {same}"
    );

    // Deciding on the old version, once the new one is in, is refused.
    let (status, page) = decide(rina, &plan, "1", &[], ACCEPT).await;
    assert_eq!(status, 409, "{app}: {page}");
    let (status, _) = decide(rina, &plan, "2", &[("general", "Terima kasih.")], ACCEPT).await;
    assert_eq!(status, 303, "{app}");
    // A second reviewer deciding the same version after that is told so.
    let (status, page) = decide(rina, &plan, "2", &comments, REVISION).await;
    assert_eq!(status, 409, "{app}: {page}");
    assert!(
        page.contains("tidak lagi menunggu penilaian"),
        "{app}: {page}"
    );

    let (_, page) = siti.text(&address).await;
    assert!(
        page.contains("Status RTL: <strong>Diterima</strong>")
            && page.contains("Versi 2: diterima oleh rina@dispusip.example.id")
            && page.contains("Terima kasih.")
            && !page.contains(r#"name="action""#),
        "{app}: {page}"
    );
    let (_, my) = siti.text("/my").await;
    assert!(my.contains("RTL: <strong>Diterima</strong>"), "{app}: {my}");
    let accepted = mail(app, &smtp, SITI, "RTL Anda diterima").await.text();
    assert!(
        accepted.contains("versi 2, sudah diterima") && accepted.contains("Terima kasih."),
        "{app}: {accepted}"
    );
    let decided = app
        .db
        .run(move |conn| -> Result<_, DbError> { Ok(repo::reviews(conn, &plan)?) })
        .await
        .unwrap();
    assert_eq!(decided.len(), 2, "{app}");
    assert_eq!((decided[0].0.version, decided[1].0.version), (1, 2));
    // Each decision is in the audit log, by whom and on which version.
    let audit: Vec<_> = bimtek::services::accounts::audit_log(&app.db, 100)
        .await
        .unwrap()
        .into_iter()
        .filter(|row| row.action.starts_with("plan."))
        .map(|row| (row.action, row.actor_email, row.subject.unwrap_or_default()))
        .collect();
    let by_rina = Some(ORGANISER.to_owned());
    let id = &decided[0].0.plan_id;
    for expected in [
        ("plan.revision_asked", &by_rina, format!("{id} v1")),
        ("plan.accepted", &by_rina, format!("{id} v2")),
    ] {
        assert!(
            audit
                .iter()
                .any(|(a, by, s)| a == expected.0 && by == expected.1 && *s == expected.2),
            "{app}: {audit:?}"
        );
    }
}

backend_tests!(reviewers_see_the_plans_given_to_them_or_to_nobody_in_their_event_only);
async fn reviewers_see_the_plans_given_to_them_or_to_nobody_in_their_event_only(
    backend: TestBackend,
) {
    let class = Class::new_for_reviews(&backend).await;
    let (app, rina) = (&class.app, &class.rina);

    // An unknown address invited as a reviewer gets a link to set a
    // password.
    let response = rina
        .post(
            &format!("/manage/events/{SLUG}/invitations"),
            &[
                ("name", "Dewi Penilai"),
                ("email", "dewi@perpusnas.example.id"),
                ("role", "reviewer"),
                ("lang", "id"),
            ],
        )
        .await;
    assert_eq!(response.status(), 303, "{app}");
    let sent = bimtek::services::mail::recent(&app.db, Some(class.event.id.to_string()), 10)
        .await
        .unwrap();
    let invitation = sent
        .iter()
        .find(|m| m.recipient == "dewi@perpusnas.example.id")
        .unwrap();
    assert!(
        invitation.template == "invitation"
            && invitation
                .body_text
                .contains("penilai RTL pada Bimtek bimtek-rtl")
            && invitation.body_text.contains("/invitation/"),
        "{app}: {}",
        invitation.body_text
    );

    // Three submitted plans: one given to Budi, one to Citra, one to nobody.
    let mut plans = Vec::new();
    for n in 1..=3 {
        let registration = if n == 1 {
            class.registration.clone()
        } else {
            seat(app, &class.event, &class.admin, n).await
        };
        let participant = participant_signed_in(app, n).await;
        let address = format!("/my/registrations/{registration}/plan");
        let (status, _) = send(&participant, &address, &complete(), None, SUBMIT).await;
        assert_eq!(status, 303, "{app}");
        plans.push(plan_of(app, &registration).await);
    }
    for (plan, reviewer) in [(&plans[0], "budi"), (&plans[1], "citra")] {
        let id = class.reviewer_id(reviewer).await;
        let response = rina
            .post(&format!("{}/reviewer", page_of(plan)), &[("reviewer", &id)])
            .await;
        assert_eq!(response.status(), 303, "{app}");
    }
    let (_, page) = rina.text(&page_of(&plans[0])).await;
    assert!(page.contains("selected>budi@"), "{app}: {page}");

    let budi = app.browser();
    budi.sign_in("budi@perpusnas.example.id", PASSWORD).await;
    let (status, list) = budi.text(&format!("/manage/events/{SLUG}/plans")).await;
    assert_eq!(status, 200, "{app}: {list}");
    assert!(
        list.contains(&plans[0]) && !list.contains(&plans[1]) && list.contains(&plans[2]),
        "{app}: {list}"
    );
    assert!(list.contains("2 RTL cocok"), "{app}: {list}");
    // The overview's exports and printed plans hold the same two; the
    // seats without a plan are the organisers' business.
    assert!(!list.contains("belum menulis RTL"), "{app}: {list}");
    let csv = budi
        .get(&format!("/manage/events/{SLUG}/plans/export?format=csv"))
        .await
        .bytes()
        .await
        .unwrap();
    let table =
        bimtek::export::spreadsheet::read(&csv, bimtek::export::spreadsheet::Format::Csv).unwrap();
    assert_eq!(table.rows.len(), 2, "{app}: {table:?}");
    let (_, printed) = budi
        .text(&format!("/manage/events/{SLUG}/plans/print"))
        .await;
    assert_eq!(
        printed.matches(r#"<article class="printed">"#).count(),
        2,
        "{app}"
    );
    // Citra's plan, guessed: not found, whatever the page.
    let theirs = page_of(&plans[1]);
    for path in [
        theirs.clone(),
        format!("{theirs}/attachment"),
        format!("{theirs}/changes"),
        format!("{theirs}/print"),
    ] {
        assert_eq!(budi.text(&path).await.0, 404, "{app}: {path}");
    }
    assert_eq!(
        decide(&budi, &plans[1], "1", &[], ACCEPT).await.0,
        404,
        "{app}"
    );
    // Not the event's other pages, nor the choice of reviewer.
    for path in [
        format!("/manage/events/{SLUG}"),
        format!("/manage/events/{SLUG}/registrations"),
        format!("/manage/events/{SLUG}/attendance"),
    ] {
        assert_eq!(budi.text(&path).await.0, 403, "{app}: {path}");
    }
    let response = budi
        .post(
            &format!("{}/reviewer", page_of(&plans[1])),
            &[("reviewer", "")],
        )
        .await;
    assert_eq!(response.status(), 403, "{app}");
    // /my leads a reviewer to the plans.
    let (_, my) = budi.text("/my").await;
    assert!(
        my.contains("penilai RTL")
            && my.contains(&format!(r#"href="/manage/events/{SLUG}/plans""#)),
        "{app}: {my}"
    );

    // Another event's plan, by its own address and under this event's.
    let other = create_event(&app.db, event("bimtek-lain", Tz::Asia__Jakarta, true)).await;
    let registration = seat(app, &other, &class.admin, 4).await;
    let participant = participant_signed_in(app, 4).await;
    send(
        &participant,
        &format!("/my/registrations/{registration}/plan"),
        &complete(),
        None,
        SUBMIT,
    )
    .await;
    let elsewhere = plan_of(app, &registration).await;
    assert_eq!(
        budi.text(&format!("/manage/events/bimtek-lain/plans/{elsewhere}"))
            .await
            .0,
        403,
        "{app}"
    );
    assert_eq!(budi.text(&page_of(&elsewhere)).await.0, 404, "{app}");

    // Budi decides on his own plan and on the one given to nobody.
    let (status, _) = decide(&budi, &plans[0], "1", &[], ACCEPT).await;
    assert_eq!(status, 303, "{app}");
    let (status, _) = decide(
        &budi,
        &plans[2],
        "1",
        &[("comment-indicators", "Tulis angka target.")],
        REVISION,
    )
    .await;
    assert_eq!(status, 303, "{app}");
    let (_, page) = rina.text(&page_of(&plans[2])).await;
    assert!(
        page.contains("perbaikan diminta oleh budi@perpusnas.example.id")
            && page.contains("Tulis angka target."),
        "{app}: {page}"
    );
    // Given back to any reviewer, Citra's plan shows in Budi's list.
    rina.post(&format!("{theirs}/reviewer"), &[("reviewer", "")])
        .await;
    let (_, list) = budi.text(&format!("/manage/events/{SLUG}/plans")).await;
    assert!(list.contains(&plans[1]), "{app}: {list}");
}

backend_tests!(two_reviewers_deciding_the_same_version_at_once_get_one_decision);
async fn two_reviewers_deciding_the_same_version_at_once_get_one_decision(backend: TestBackend) {
    let class = Class::new_for_reviews(&backend).await;
    let app = &class.app;
    let (status, _) = send(&class.siti, &class.plan(), &complete(), None, SUBMIT).await;
    assert_eq!(status, 303, "{app}");
    let plan = plan_of(app, &class.registration).await;
    let budi = app.browser();
    budi.sign_in("budi@perpusnas.example.id", PASSWORD).await;
    let citra = app.browser();
    citra.sign_in("citra@perpusnas.example.id", PASSWORD).await;
    let comment = [("general", "Lengkapi indikatornya.")];
    let (first, second) = tokio::join!(
        decide(&budi, &plan, "1", &[], ACCEPT),
        decide(&citra, &plan, "1", &comment, REVISION),
    );
    let mut statuses = [first.0, second.0];
    statuses.sort();
    assert_eq!(statuses, [303, 409], "{app}: {first:?} {second:?}");
    let told = if first.0 == 409 { &first.1 } else { &second.1 };
    assert!(
        told.contains("tidak lagi menunggu penilaian"),
        "{app}: {told}"
    );
    let decided = app
        .db
        .run(move |conn| -> Result<_, DbError> { Ok(repo::reviews(conn, &plan)?) })
        .await
        .unwrap();
    assert_eq!(decided.len(), 1, "{app}");
}

impl Class {
    /// The class with two reviewers of its event, Budi and Citra.
    async fn new_for_reviews(backend: &TestBackend) -> Class {
        let class = Class::on(spawn_app(backend).await).await;
        for name in ["budi", "citra"] {
            staff(
                &class.app.db,
                &format!("{name}@perpusnas.example.id"),
                false,
                Some((&class.event, EventRole::Reviewer)),
            )
            .await;
        }
        class
    }

    async fn reviewer_id(&self, name: &str) -> String {
        let email = format!("{name}@perpusnas.example.id");
        self.app
            .db
            .run(move |conn| -> Result<_, DbError> {
                Ok(bimtek::db::repo::users::find_by_email(conn, &email)?
                    .unwrap()
                    .id)
            })
            .await
            .unwrap()
    }
}
