//! What the pages say and how their controls behave, beyond what the
//! browser check sees: destructive actions ask first and look dangerous,
//! error summaries name their fields in the form's order, and the wording.

use chrono_tz::Tz;

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
    assert!(
        manage.contains(r#"<button class="secondary" type="submit">Tarik dari publikasi</button>"#),
        "{app}: {manage}"
    );
}
