//! Data the tests put in place through the services, as organisers will.

use bimtek::db::Db;
use bimtek::domain::account::{Account, EventRole};
use bimtek::domain::event::{Event, NewEvent, Seating};
use bimtek::domain::time::local_to_utc;
use bimtek::i18n::Lang;
use bimtek::services;
use bimtek::services::accounts;
use chrono::NaiveDate;
use chrono_tz::Tz;

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

pub async fn participant(db: &Db, email: &str, name: &str) -> Account {
    accounts::ensure_participant(db, email, name, Lang::Id)
        .await
        .unwrap()
}
