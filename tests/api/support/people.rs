//! People and events the tests put in place: through the services, as
//! organisers will, or through the forms, as participants do.

use bimtek::db::repo::tokens;
use bimtek::db::{Db, DbError};
use bimtek::domain::account::{Account, EventRole, TokenPurpose};
use bimtek::domain::event::{Event, NewEvent, Seating};
use bimtek::domain::time::local_to_utc;
use bimtek::i18n::Lang;
use bimtek::services;
use bimtek::services::accounts::{self, Origin};
use chrono::{NaiveDate, Utc};
use chrono_tz::Tz;

use super::app::{Browser, TestApp, csrf_in};
use super::smtp::Received;

/// An event on Monday 29 July 2030 from 09.00 to 12.00 local time in `zone`.
pub fn event(slug: &str, zone: Tz, published: bool) -> NewEvent {
    let day = NaiveDate::from_ymd_opt(2030, 7, 29).unwrap();
    NewEvent {
        slug: slug.into(),
        title: format!("Bimtek {slug}"),
        description: "Paragraf pertama.\n\nParagraf kedua,\nbaris kedua.".into(),
        organiser_office: "Dinas Perpustakaan dan Kearsipan Provinsi Bengkulu".into(),
        starts_at: local_to_utc(zone, day.and_hms_opt(9, 0, 0).unwrap()).unwrap(),
        ends_at: local_to_utc(zone, day.and_hms_opt(12, 0, 0).unwrap()).unwrap(),
        time_zone: zone,
        published,
        seats: Seating::default(),
        timing: Default::default(),
        rules: Default::default(),
        plans: Default::default(),
    }
}

pub async fn create_event(db: &Db, new: NewEvent) -> Event {
    services::events::create(db, new)
        .await
        .expect("the event is created")
}

pub const PASSWORD: &str = "kata-sandi-panitia";

/// Staff with a password, as after an accepted invitation.
pub async fn staff(
    db: &Db,
    email: &str,
    admin: bool,
    role: Option<(&Event, EventRole)>,
) -> Account {
    let account = accounts::create_with_password(db, email, email, PASSWORD, admin)
        .await
        .expect("the account is created");
    if let Some((event, role)) = role {
        accounts::add_member(db, &event.id.to_string(), &account.id, role)
            .await
            .unwrap();
    }
    account
}

/// Where a service call comes from in a test: no client address.
pub fn origin(app_address: &str) -> Origin {
    Origin {
        base_url: url::Url::parse(app_address).unwrap(),
        address: None,
        lang: Lang::Id,
    }
}

/// `person` signed in, as by the link e-mailed to them.
pub async fn signed_in_by_link(app: &TestApp, person: &Account) -> Browser {
    let user_id = person.id.clone();
    let secret = app
        .db
        .run(move |conn| -> Result<String, DbError> {
            Ok(tokens::issue(
                conn,
                TokenPurpose::SignIn,
                Some(&user_id),
                Utc::now(),
            )?)
        })
        .await
        .unwrap();
    let browser = app.browser();
    let response = browser.post(&format!("/my/sign-in/{secret}"), &[]).await;
    assert_eq!(response.status(), 303, "{browser}: signed in by link");
    browser
}

pub async fn participant(db: &Db, email: &str, name: &str) -> Account {
    accounts::ensure_participant(db, email, name, Lang::Id)
        .await
        .unwrap()
}

/// The registration form of participant `n`, filled in.
pub fn person(n: usize) -> Vec<(String, String)> {
    [
        ("full_name", format!("Dra. Peserta {n}, M.Hum.")),
        ("email", format!("peserta{n}@perpusdes.example.id")),
        ("whatsapp", format!("0812-3456-{n:04}")),
        ("nip", String::new()),
        ("institution", "Perpustakaan Desa Sukamaju".into()),
        ("position", "Pustakawan".into()),
        ("province_code", "17".into()),
        ("regency_code", "17.71".into()),
        ("library_type", "desa".into()),
        ("gender", "perempuan".into()),
        ("disability", String::new()),
        ("consent", "on".into()),
        ("website", String::new()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

pub fn pairs(fields: &[(String, String)]) -> Vec<(&str, &str)> {
    fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

/// Opens the form in a new browser and sends it, as a participant does.
pub async fn register(app: &TestApp, slug: &str, fields: &[(String, String)]) -> (u16, String) {
    let browser = app.browser();
    register_in(&browser, slug, fields).await
}

pub async fn register_in(
    browser: &Browser,
    slug: &str,
    fields: &[(String, String)],
) -> (u16, String) {
    let path = format!("/events/{slug}/register");
    let (status, form) = browser.text(&path).await;
    assert_eq!(status, 200, "{browser}: the form opens");
    let response = browser
        .post_with_token(&path, &pairs(fields), &csrf_in(&form))
        .await;
    (response.status().as_u16(), response.text().await.unwrap())
}

/// Follows the confirmation link of a mail in a new browser: its page,
/// then its button. Returns the browser (now signed in) and the page.
pub async fn confirm(app: &TestApp, confirmation: &Received) -> (Browser, String) {
    let link = confirmation
        .first_link(&app.url("/registrations/confirm/"))
        .expect("a confirmation link");
    let browser = app.browser();
    let (status, page) = browser.text(&link).await;
    assert_eq!(status, 200, "{app}");
    let response = browser.post_with_token(&link, &[], &csrf_in(&page)).await;
    assert_eq!(response.status(), 200, "{app}");
    let text = response.text().await.unwrap();
    (browser, text)
}

pub const ORGANISER: &str = "rina@dispusip.example.id";

/// The organiser of the event `slug`, signed in.
pub async fn organiser(app: &TestApp, slug: &str) -> Browser {
    let event = bimtek::services::events::by_slug(&app.db, slug)
        .await
        .unwrap();
    organiser_of(app, &[&event]).await
}

/// An organiser of each event, signed in.
pub async fn organiser_of(app: &TestApp, events: &[&Event]) -> Browser {
    let account = staff(
        &app.db,
        ORGANISER,
        false,
        Some((events[0], EventRole::Organiser)),
    )
    .await;
    for event in &events[1..] {
        accounts::add_member(
            &app.db,
            &event.id.to_string(),
            &account.id,
            EventRole::Organiser,
        )
        .await
        .unwrap();
    }
    let browser = app.browser();
    browser.sign_in(ORGANISER, PASSWORD).await;
    browser
}

/// The organiser of another event, "bimtek-lain" (in WIB), signed in.
pub async fn organiser_elsewhere(app: &TestApp) -> Browser {
    let theirs = create_event(&app.db, event("bimtek-lain", Tz::Asia__Jakarta, true)).await;
    staff(
        &app.db,
        "andi@perpus.example.id",
        false,
        Some((&theirs, EventRole::Organiser)),
    )
    .await;
    let andi = app.browser();
    andi.sign_in("andi@perpus.example.id", PASSWORD).await;
    andi
}
