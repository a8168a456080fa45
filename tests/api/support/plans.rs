//! Action plans put in place for the pages that follow them up.

use bimtek::db::models::{ActionPlanRow, ActionPlanVersionRow};
use bimtek::db::repo::{action_plans, registrations};
use bimtek::db::{Db, DbError};
use bimtek::domain::action_plan::{Activity, Content, State, Strategy};
use chrono::Utc;

use super::app::{Browser, TestApp, csrf_in};
use super::people::{participant, signed_in_by_link};

/// The plan of a participant, as submitted: two activities.
pub fn plan_content(title: &str) -> Content {
    let activity = |what: &str, month: &str| Activity {
        what: what.into(),
        month: month.into(),
        responsible: "Kepala perpustakaan desa".into(),
        resources: "Rp 2.500.000 dari dana desa".into(),
        partner: "Karang Taruna".into(),
    };
    Content {
        title: title.into(),
        situation: "Dua komputer tanpa internet.".into(),
        objectives: "Warga desa belajar memakai internet.".into(),
        target_group: "Ibu-ibu PKK dan pelajar SMP".into(),
        strategies: vec![Strategy::Information],
        activities: vec![
            activity("Pelatihan literasi digital", "2030-09"),
            activity("Lomba bercerita", "2030-11"),
        ],
        indicators: "30 warga mengikuti pelatihan.".into(),
    }
}

/// A plan in `state` for the registration, with its submitted version,
/// written straight into the database (review has its own pages); returns
/// the plan's id.
pub async fn plan_in_state(db: &Db, registration_id: &str, title: &str, state: State) -> String {
    let (registration_id, content) = (
        registration_id.to_owned(),
        serde_json::to_string(&plan_content(title)).unwrap(),
    );
    db.transaction(move |conn| -> Result<_, DbError> {
        let registration = registrations::find(conn, &registration_id)?.unwrap();
        let now = Utc::now().naive_utc();
        let id = uuid::Uuid::now_v7().simple().to_string();
        action_plans::insert(
            conn,
            &ActionPlanRow {
                id: id.clone(),
                registration_id: registration.id.clone(),
                event_id: registration.event_id.clone(),
                state,
                content: content.clone(),
                attachment_key: None,
                attachment_name: None,
                attachment_kind: None,
                version: 1,
                late: false,
                reviewer_id: None,
                created_at: now,
                updated_at: now,
                submitted_at: Some(now),
            },
        )?;
        action_plans::insert_version(
            conn,
            &ActionPlanVersionRow {
                plan_id: id.clone(),
                version: 1,
                content,
                attachment_key: None,
                attachment_name: None,
                attachment_kind: None,
                late: false,
                submitted_by: registration.user_id,
                submitted_at: now,
            },
        )?;
        Ok(id)
    })
    .await
    .unwrap()
}

/// Participant `n` (as [`super::person`] names them), signed in by link.
pub async fn participant_signed_in(app: &TestApp, n: usize) -> Browser {
    let account = participant(
        &app.db,
        &format!("peserta{n}@perpusdes.example.id"),
        &format!("Peserta {n}"),
    )
    .await;
    signed_in_by_link(app, &account).await
}

/// The buttons of a form that is saved as it is or sent complete.
pub const SAVE: (&str, &str) = ("action", "save");
pub const SUBMIT: (&str, &str) = ("action", "submit");

/// Sends a form with a file as a browser does: the fields, then the file
/// field (`(field, None)`: none chosen), then the button pressed.
pub async fn send_with_file(
    browser: &Browser,
    path: &str,
    fields: &[(&str, &str)],
    (field, file): (&str, Option<(&str, Vec<u8>)>),
    button: (&str, &str),
) -> (u16, String) {
    let (_, page) = browser.text("/my").await;
    let mut form = reqwest::multipart::Form::new().text("csrf_token", csrf_in(&page));
    for (name, value) in fields {
        form = form.text(name.to_string(), value.to_string());
    }
    let (file_name, bytes) = file.unwrap_or(("", Vec::new()));
    form = form.part(
        field.to_owned(),
        reqwest::multipart::Part::bytes(bytes).file_name(file_name.to_owned()),
    );
    form = form.text(button.0.to_owned(), button.1.to_owned());
    // A refused upload is answered before its body is read to the end,
    // and its connection closed: none is taken from the pool after it.
    let response = browser
        .client
        .post(browser.url(path))
        .header("connection", "close")
        .multipart(form)
        .send()
        .await
        .expect("the server answers");
    (response.status().as_u16(), response.text().await.unwrap())
}
