//! What the pages say and how their controls behave, beyond what the
//! browser check sees: destructive actions ask first and look dangerous,
//! error summaries name their fields in the form's order, and the wording.

use chrono_tz::Tz;

use crate::support::smtp::SmtpServer;
use crate::support::*;

backend_tests!(removing_a_question_asks_first_and_danger_has_its_own_look);
async fn removing_a_question_asks_first_and_danger_has_its_own_look(backend: TestBackend) {
    let app = spawn_app(&backend).await;
    create_event(&app.db, event("bimtek-tanya", Tz::Asia__Jakarta, true)).await;
    let rina = organiser(&app, "bimtek-tanya").await;
    let added = rina
        .post(
            "/manage/events/bimtek-tanya/questions",
            &[("label", "Ukuran kaos"), ("kind", "text")],
        )
        .await;
    assert_eq!(added.status(), 303, "{app}");

    // The list links to a page that asks; nothing is removed by one click.
    let (_, list) = rina.text("/manage/events/bimtek-tanya/questions").await;
    let start = list.find("/questions/").expect("a link to remove") + "/questions/".len();
    let id = &list[start..start + list[start..].find('/').unwrap()];
    let remove = format!("/manage/events/bimtek-tanya/questions/{id}/delete");
    assert!(
        list.contains(&format!(r#"<a href="{remove}">"#)),
        "{app}: {list}"
    );
    assert!(!list.contains(r#"method="post" action="/manage/events/bimtek-tanya/questions/"#));
    let (status, ask) = rina.text(&remove).await;
    assert_eq!(status, 200, "{app}");
    assert!(ask.contains("<strong>Ukuran kaos</strong>"), "{app}: {ask}");
    assert!(
        ask.contains(r#"<button class="danger" type="submit">Ya, hapus pertanyaan</button>"#),
        "{app}: {ask}"
    );
    assert_eq!(rina.post(&remove, &[]).await.status(), 303, "{app}");
    let (_, list) = rina.text("/manage/events/bimtek-tanya/questions").await;
    assert!(!list.contains("Ukuran kaos"), "{app}");

    // Signing out and unpublishing are quiet; publishing is the action.
    let (_, manage) = rina.text("/manage/events/bimtek-tanya").await;
    assert!(
        manage.contains(r#"<button class="secondary" type="submit">Keluar</button>"#),
        "{app}: {manage}"
    );
    // Unpublishing withdraws the event: a warning's colour, yet quieter
    // than the page's one action (inviting a team member).
    assert!(
        manage.contains(
            r#"<button class="secondary danger" type="submit">Tarik dari publikasi</button>"#
        ),
        "{app}: {manage}"
    );
    assert_eq!(primary_buttons(&manage), 1, "{app}: {manage}");

    // The agenda's action is adding a session; trying Zoom again is not.
    let planned = rina
        .post(
            "/manage/events/bimtek-tanya/sessions",
            &[
                ("title", "Pembukaan"),
                ("date", "2030-07-29"),
                ("start_time", "09:00"),
                ("end_time", "10:00"),
                ("delivery", "zoom"),
                ("zoom_host", "host@dispusip.example.id"),
            ],
        )
        .await;
    assert_eq!(planned.status(), 303, "{app}");
    let (_, agenda) = rina.text("/manage/events/bimtek-tanya/sessions").await;
    assert!(agenda.contains("/zoom/retry"), "{app}: {agenda}");
    assert_eq!(primary_buttons(&agenda), 0, "{app}: {agenda}");
    assert!(agenda.contains(r#"<a class="button" href="#), "{app}");
}

/// Buttons drawn as the page's main action: those without a class.
fn primary_buttons(html: &str) -> usize {
    html.matches(r#"<button type="submit">"#).count()
}

backend_tests!(the_province_step_lands_at_the_regencies_and_says_they_came);
async fn the_province_step_lands_at_the_regencies_and_says_they_came(backend: TestBackend) {
    let app = spawn_app(&backend).await;
    create_event(&app.db, event("bimtek-wilayah", Tz::Asia__Jakarta, true)).await;
    let browser = app.browser();
    let path = "/events/bimtek-wilayah/register";
    let (_, form) = browser.text(path).await;
    // Without JavaScript the answer to the province button is a new page:
    // the fragment of the button's address brings the reader to the list.
    assert!(
        form.contains(r##"formaction="/events/bimtek-wilayah/register#regencies""##),
        "{app}: {form}"
    );
    assert!(!form.contains(r#"id="regencies""#), "{app}: {form}");

    let mut fields = person(1);
    fields.retain(|(name, _)| name != "regency_code");
    fields.push(("step".into(), "province".into()));
    let answer = browser
        .post_with_token(path, &pairs(&fields), &csrf_in(&form))
        .await;
    assert_eq!(answer.status(), 200, "{app}");
    let answer = answer.text().await.unwrap();
    let said = answer
        .find(r#"<p id="regencies" role="status">Daftar kabupaten/kota Bengkulu sudah dimuat ("#)
        .unwrap_or_else(|| panic!("{app}: {answer}"));
    let list = answer.find(r#"<select id="f-regency_code""#).unwrap();
    assert!(said < list, "{app}: the message stands just above the list");
    assert!(answer.contains("Kota Bengkulu"), "{app}");

    // Without a province the same place says what to do first.
    fields.retain(|(name, _)| name != "province_code");
    let answer = browser
        .post_with_token(path, &pairs(&fields), &csrf_in(&form))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        answer.contains(r#"<p id="regencies" role="status">Pilih provinsi dahulu"#),
        "{app}: {answer}"
    );
}

/// The items of the error summary: (link, text) in the order shown.
fn summary_items(html: &str) -> Vec<(String, String)> {
    let start = html
        .find(r#"<div class="alert" role="alert">"#)
        .expect("a summary");
    let summary = &html[start..start + html[start..].find("</div>").unwrap()];
    summary
        .split("<li>")
        .skip(1)
        .map(|item| {
            let href = item
                .split_once(r#"<a href=""#)
                .map(|(_, rest)| rest[..rest.find('"').unwrap()].to_owned())
                .unwrap_or_default();
            let text = item.split_once('>').map_or("", |(_, rest)| rest);
            let text = text[..text.find('<').unwrap()].to_owned();
            (href, text)
        })
        .collect()
}

backend_tests!(error_summaries_name_their_fields_in_the_forms_order);
async fn error_summaries_name_their_fields_in_the_forms_order(backend: TestBackend) {
    let app = spawn_app(&backend).await;
    create_event(&app.db, event("bimtek-salah", Tz::Asia__Jakarta, true)).await;
    let rina = organiser(&app, "bimtek-salah").await;
    let (_, edit) = rina.text("/manage/events/bimtek-salah/edit").await;
    assert!(edit.contains("<title>Ubah data bimtek"), "{app}: {edit}");

    // Ends before it starts, closes before it opens, no title, no slug.
    let fields = [
        ("title", ""),
        ("slug", ""),
        ("organiser_office", "Dinas Perpustakaan Provinsi Bengkulu"),
        ("time_zone", "WIB"),
        ("start_date", "2030-07-29"),
        ("start_time", "08:30"),
        ("end_date", "2030-07-28"),
        ("end_time", "12:00"),
        ("opens_date", "2030-07-01"),
        ("opens_time", "08:00"),
        ("closes_date", "2030-06-01"),
        ("closes_time", "08:00"),
    ];
    let response = rina.post("/manage/events/bimtek-salah/edit", &fields).await;
    assert_eq!(response.status(), 422, "{app}");
    let html = response.text().await.unwrap();
    assert!(html.contains("<title>Ada kesalahan: "), "{app}: {html}");
    let items = summary_items(&html);
    let links: Vec<&str> = items.iter().map(|(href, _)| href.as_str()).collect();
    assert_eq!(
        links,
        ["#f-title", "#f-slug", "#f-end_date", "#f-closes_date"],
        "{app}: {items:?}"
    );
    assert_eq!(items[0].1, "Judul bimtek: Judul wajib diisi.", "{app}");
    assert!(
        items[2]
            .1
            .starts_with("Selesai – Tanggal: Waktu selesai tidak boleh"),
        "{app}: {items:?}"
    );
    // Every link leads to a field marked wrong.
    for id in ["f-end_date", "f-closes_date"] {
        let at = html
            .find(&format!(r#"id="{id}""#))
            .unwrap_or_else(|| panic!("{app}: no field {id}"));
        let tag = &html[at..at + html[at..].find('>').unwrap()];
        assert!(tag.contains(r#"aria-invalid="true""#), "{app}: {tag}");
    }

    // The registration form: two fields with the same message say which.
    let mut person = person(2);
    for (name, value) in person.iter_mut() {
        if name == "institution" || name == "position" || name == "full_name" {
            value.clear();
        }
    }
    let (status, html) = register(&app, "bimtek-salah", &person).await;
    assert_eq!(status, 422, "{app}");
    assert!(html.contains("<title>Ada kesalahan: "), "{app}");
    let items = summary_items(&html);
    assert_eq!(
        items[1],
        ("#f-institution".into(), "Instansi: Wajib diisi.".into()),
        "{app}: {items:?}"
    );
    assert_eq!(
        items[2],
        ("#f-position".into(), "Jabatan: Wajib diisi.".into()),
        "{app}: {items:?}"
    );
}

backend_tests!(a_bulk_decision_with_nobody_ticked_is_an_error);
async fn a_bulk_decision_with_nobody_ticked_is_an_error(backend: TestBackend) {
    let app = spawn_app(&backend).await;
    create_event(&app.db, event("bimtek-massal", Tz::Asia__Jakarta, true)).await;
    let rina = organiser(&app, "bimtek-massal").await;
    let response = rina
        .post(
            "/manage/events/bimtek-massal/registrations/decide",
            &[("decision", "approve"), ("back", "")],
        )
        .await;
    let list = if response.status() == 303 {
        rina.text(&Browser::location(&response)).await.1
    } else {
        response.text().await.unwrap()
    };
    assert!(!list.contains(r#"class="success""#), "{app}: {list}");
    assert!(
        list.contains(r#"<div class="alert" role="alert"><p>Centang dulu"#),
        "{app}: {list}"
    );
}

backend_tests!(indonesian_titles_are_marked_on_english_pages_and_drafts_are_named);
async fn indonesian_titles_are_marked_on_english_pages_and_drafts_are_named(backend: TestBackend) {
    let app = spawn_app(&backend).await;
    let open = create_event(&app.db, event("bimtek-bahasa", Tz::Asia__Jakarta, true)).await;
    let draft = create_event(&app.db, event("bimtek-rancangan", Tz::Asia__Jakarta, false)).await;
    let rina = organiser_of(&app, &[&open, &draft]).await;
    let added = rina
        .post(
            "/manage/events/bimtek-bahasa/sessions",
            &[
                ("title", "Praktik menyusun RTL"),
                ("description", "Setiap peserta menulis rencananya."),
                ("date", "2030-07-29"),
                ("start_time", "09:00"),
                ("end_time", "11:00"),
                ("delivery", "in_person"),
                ("location", "Aula Dinas"),
            ],
        )
        .await;
    assert_eq!(added.status(), 303, "{app}");

    // In Indonesian the page's own language covers them.
    let (_, page) = rina.text("/events/bimtek-bahasa").await;
    assert!(
        page.contains("<h1>Bimtek bimtek-bahasa</h1>"),
        "{app}: {page}"
    );

    rina.get("/lang/en?next=%2F").await;
    let (_, page) = rina.text("/events/bimtek-bahasa").await;
    assert!(page.contains(r#"<html lang="en">"#), "{app}");
    for marked in [
        r#"<h1 lang="id">Bimtek bimtek-bahasa</h1>"#,
        r#"<div lang="id"><p>Paragraf pertama.</p>"#,
        r#"<h3 lang="id">Praktik menyusun RTL</h3>"#,
        r#"<p lang="id">Setiap peserta menulis rencananya.</p>"#,
    ] {
        assert!(page.contains(marked), "{app}: {marked} in {page}");
    }
    let (_, home) = rina.text("/").await;
    assert!(
        home.contains(r#"<h3 lang="id"><a href="/events/bimtek-bahasa">"#),
        "{app}: {home}"
    );
    let (_, manage) = rina.text("/manage/events/bimtek-bahasa").await;
    assert!(
        manage.contains(r#"<h1 lang="id">Bimtek bimtek-bahasa</h1>"#),
        "{app}"
    );

    // The organiser's own page says which event is a draft, in English.
    let (_, mine) = rina.text("/my").await;
    assert!(
        mine.contains(r#"<h2 lang="id"><a href="/events/bimtek-rancangan">"#),
        "{app}: {mine}"
    );
    let after = &mine[mine.find("/events/bimtek-rancangan").unwrap()..];
    assert!(
        after[..after.find("</li>").unwrap()].contains("Draft (not published)"),
        "{app}: {mine}"
    );
}

backend_tests!(an_oversized_or_foreign_body_gets_its_own_answer);
async fn an_oversized_or_foreign_body_gets_its_own_answer(backend: TestBackend) {
    let app = spawn_app(&backend).await;
    let browser = app.browser();
    let token = browser.csrf().await;
    let long = "x".repeat(100 * 1024);
    let large = browser
        .post_with_token("/sign-in", &[("email", &long), ("password", "x")], &token)
        .await;
    assert_eq!(large.status(), 413, "{app}");
    assert!(
        large
            .text()
            .await
            .unwrap()
            .contains("Formulir terlalu besar"),
        "{app}"
    );
    let json = browser
        .client
        .post(browser.url("/sign-in"))
        .header("content-type", "application/json")
        .body(format!(
            r#"{{"email":"a@b.id","password":"x","csrf_token":"{token}"}}"#
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(json.status(), 415, "{app}");
    assert!(
        json.text().await.unwrap().contains("Format tidak didukung"),
        "{app}"
    );
}

backend_tests!(pages_say_things_in_plain_words);
async fn pages_say_things_in_plain_words(backend: TestBackend) {
    let smtp = SmtpServer::start().await;
    let app = app_with_smtp(&backend, &smtp).await;
    let event = create_event(&app.db, event("bimtek-kata", Tz::Asia__Jakarta, true)).await;
    staff(&app.db, "admin@dispusip.example.id", true, None).await;
    let rina = organiser_of(&app, &[&event]).await;
    let added = rina
        .post(
            "/manage/events/bimtek-kata/sessions",
            &[
                ("title", "Pemanfaatan TIK"),
                ("date", "2030-07-29"),
                ("start_time", "09:30"),
                ("end_time", "11:00"),
                ("delivery", "link"),
                ("join_link", "https://us02web.zoom.us/j/85512345678"),
            ],
        )
        .await;
    assert_eq!(added.status(), 303, "{app}");

    // A participant from Makassar (WITA), whose name ends in a title.
    let mut fields = person(1);
    for (name, value) in fields.iter_mut() {
        match name.as_str() {
            "province_code" => *value = "73".into(),
            "regency_code" => *value = "73.71".into(),
            _ => {}
        }
    }
    let (status, _) = register(&app, "bimtek-kata", &fields).await;
    assert_eq!(status, 200, "{app}");
    let confirmation = mail(&app, &smtp, "peserta1@perpusdes.example.id", "Konfirmasi").await;
    let link = confirmation
        .first_link(&app.url("/registrations/confirm/"))
        .unwrap();
    let siti = app.browser();
    let (_, ask) = siti.text(&link).await;
    assert!(
        ask.contains("Bimtek bimtek-kata"),
        "{app}: the link's page names the event: {ask}"
    );
    let done = siti.post_with_token(&link, &[], &csrf_in(&ask)).await;
    let done = done.text().await.unwrap();
    assert!(done.contains("Bimtek bimtek-kata"), "{app}: {done}");
    assert!(
        done.contains(r#"<p class="success">Kursi Anda terkonfirmasi"#),
        "{app}: a seat is good news: {done}"
    );

    let (_, mine) = siti.text("/my").await;
    assert!(mine.contains("Dra. Peserta 1, M.Hum."), "{app}: {mine}");
    assert!(!mine.contains("M.Hum.."), "{app}: {mine}");
    assert!(
        mine.contains("Tautan bergabung muncul Senin, 29 Juli 2030, 08.30 WIB (09.30 WITA)."),
        "{app}: {mine}"
    );

    // The administrator reads roles and actions in words.
    let boss = app.browser();
    boss.sign_in("admin@dispusip.example.id", PASSWORD).await;
    let (_, dashboard) = boss.text("/admin").await;
    let row = &dashboard[dashboard
        .find("peserta1@perpusdes.example.id</td>")
        .expect("listed")..];
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(row.contains("<td>peserta</td>"), "{app}: {row}");
    let (_, audit) = boss.text("/admin/audit").await;
    assert!(audit.contains("<td>Sesi dibuat</td>"), "{app}: {audit}");
    assert!(!audit.contains("<code>session.created</code>"), "{app}");
}
