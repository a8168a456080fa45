//! `bimtek demo`: a fresh database holding the Bengkulu bimtek of 2020
//! (the programme's own example), placed in time relative to today so that
//! every flow can be tried, and served at once.

use chrono::{Datelike, Duration, NaiveDate, Utc};
use chrono_tz::Tz;

use crate::db::Db;
use crate::domain::account::EventRole;
use crate::domain::event::{NewEvent, Seating};
use crate::domain::session::SessionForm;
use crate::domain::time::local_to_utc;
use crate::error::Error;
use crate::services::accounts::Origin;
use crate::services::{self, accounts};

pub const DEMO_DATABASE: &str = "bimtek-demo.db";

pub const MAIN_EVENT_SLUG: &str = "strategi-pengembangan-perpustakaan-tik";

/// The demo's one password, printed when it starts.
pub const PASSWORD: &str = "bimtek-demo-2020";

pub const STAFF: [(&str, &str); 4] = [
    ("admin@bimtek.demo", "administrator"),
    ("panitia@bimtek.demo", "organiser of the Bengkulu bimtek"),
    ("narasumber@bimtek.demo", "speaker at the Bengkulu bimtek"),
    (
        "panitia.sulsel@bimtek.demo",
        "organiser of the Sulawesi Selatan bimtek",
    ),
];

pub const PARTICIPANT: &str = "peserta@bimtek.demo";

/// The Zoom user the demo's Zoom sessions are booked on when no Zoom
/// account is configured (none of them becomes a meeting then).
const DEMO_ZOOM_HOST: &str = "zoom@bimtek.demo";

/// Removes an earlier demo database so that the demo starts fresh.
pub fn remove_demo_database() {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{DEMO_DATABASE}{suffix}"));
    }
}

/// The Monday of next week, at least five days away.
fn next_week_monday(today: NaiveDate) -> NaiveDate {
    let days_to_monday = 7 - i64::from(today.weekday().num_days_from_monday());
    let monday = today + Duration::days(days_to_monday);
    if (monday - today).num_days() < 5 {
        monday + Duration::days(7)
    } else {
        monday
    }
}

fn at(zone: Tz, day: NaiveDate, hour: u32, minute: u32) -> chrono::DateTime<Utc> {
    let local = day
        .and_hms_opt(hour, minute, 0)
        .expect("valid wall-clock time");
    local_to_utc(zone, local).expect("Indonesian zones have no gaps")
}

/// Fills an empty database with the demo events; its Zoom sessions are
/// hosted by `zoom_host` (the configured `BIMTEK_ZOOM_HOST_USER`), since Zoom
/// refuses meetings for a user its account does not have.
pub async fn seed(db: &Db, zoom_host: Option<&str>) -> Result<(), Error> {
    let today = Utc::now().with_timezone(&Tz::Asia__Jakarta).date_naive();
    let monday = next_week_monday(today);
    let wib = Tz::Asia__Jakarta;
    let wita = Tz::Asia__Makassar;
    let events = [
        NewEvent {
            slug: MAIN_EVENT_SLUG.into(),
            title: "Bimbingan Teknis Strategi Pengembangan Perpustakaan dan TIK untuk Transformasi \
                    Layanan Perpustakaan Berbasis Inklusi Sosial Tahun 2020"
                .into(),
            description: "Bimtek daring melalui Zoom bagi pengelola perpustakaan provinsi, kabupaten/kota, \
                          desa dan sekolah di Provinsi Bengkulu, dibuka oleh Kepala Dinas Perpustakaan dan \
                          Kearsipan Provinsi Bengkulu, H. Meri Sasdi, M.Pd., dengan narasumber dari \
                          Perpustakaan Nasional RI.\n\n\
                          Setelah mengikuti bimtek, setiap peserta mampu menyusun Rencana Tindak Lanjut (RTL) \
                          program transformasi perpustakaannya di era normal baru, berdasarkan tiga strategi \
                          TPBIS: peningkatan layanan informasi melalui buku, komputer dan internet; \
                          fasilitasi kegiatan yang dibutuhkan masyarakat; serta advokasi dan kemitraan."
                .into(),
            organiser_office: "Dinas Perpustakaan dan Kearsipan Provinsi Bengkulu".into(),
            starts_at: at(wib, monday, 9, 0),
            ends_at: at(wib, monday + Duration::days(2), 16, 0),
            time_zone: wib,
            published: true,
            seats: Seating {
                quota: Some(150),
                moderated: false,
                registration_opens_at: None,
                registration_closes_at: Some(at(wib, monday - Duration::days(1), 23, 59)),
                contact: "Rina Oktaviani (panitia), WhatsApp 0812-7300-2020".into(),
            },
            timing: Default::default(),
            rules: Default::default(),
        },
        NewEvent {
            slug: "literasi-digital-perpustakaan-desa".into(),
            title: "Bimtek Literasi Digital untuk Pengelola Perpustakaan Desa".into(),
            description: "Pelatihan singkat pemanfaatan internet dan media sosial untuk kegiatan \
                          perpustakaan desa."
                .into(),
            organiser_office: "Dinas Perpustakaan dan Kearsipan Provinsi Sulawesi Selatan".into(),
            starts_at: at(wita, monday + Duration::days(14), 8, 30),
            ends_at: at(wita, monday + Duration::days(14), 12, 0),
            time_zone: wita,
            published: true,
            seats: Seating::default(),
            timing: Default::default(),
            rules: Default::default(),
        },
        NewEvent {
            slug: "advokasi-kemitraan-perpustakaan".into(),
            title: "Bimtek Advokasi dan Kemitraan Perpustakaan".into(),
            description: String::new(),
            organiser_office: "Dinas Perpustakaan dan Kearsipan Provinsi Bengkulu".into(),
            starts_at: at(wib, monday + Duration::days(28), 9, 0),
            ends_at: at(wib, monday + Duration::days(28), 15, 0),
            time_zone: wib,
            published: false,
            seats: Seating::default(),
            timing: Default::default(),
            rules: Default::default(),
        },
    ];
    let mut created = Vec::new();
    for event in events {
        created.push(services::events::create(db, event).await?);
    }
    let (bengkulu, sulsel) = (created[0].id.to_string(), created[1].id.to_string());
    let people = [
        (STAFF[0].0, "Administrator Bimtek", true, None),
        (
            STAFF[1].0,
            "Rina Oktaviani, S.Sos.",
            false,
            Some((&bengkulu, EventRole::Organiser)),
        ),
        (
            STAFF[2].0,
            "Dr. Ahmad Fauzi, M.Hum.",
            false,
            Some((&bengkulu, EventRole::Speaker)),
        ),
        (
            STAFF[3].0,
            "Andi Nurhayati, S.IPI",
            false,
            Some((&sulsel, EventRole::Organiser)),
        ),
    ];
    let mut accounts = Vec::new();
    for (email, name, admin, role) in people {
        let account = accounts::create_with_password(db, email, name, PASSWORD, admin).await?;
        if let Some((event_id, role)) = role {
            accounts::add_member(db, event_id, &account.id, role).await?;
        }
        accounts.push(account);
    }
    let host = zoom_host.unwrap_or(DEMO_ZOOM_HOST);
    agenda(db, &accounts[0], &created[0], &accounts[2].id, host, monday).await?;
    accounts::ensure_participant(db, PARTICIPANT, "Siti Aminah, S.IPI", crate::i18n::Lang::Id)
        .await?;
    seat(db, &accounts[0], &created[0]).await?;
    crowd(db, &accounts[0], &created[0]).await?;
    Ok(())
}

/// Libraries of Bengkulu's regencies and cities: (regency code, place).
const PLACES: [(&str, &str); 10] = [
    ("17.01", "Bengkulu Selatan"),
    ("17.02", "Rejang Lebong"),
    ("17.03", "Bengkulu Utara"),
    ("17.04", "Kaur"),
    ("17.05", "Seluma"),
    ("17.06", "Mukomuko"),
    ("17.07", "Lebong"),
    ("17.08", "Kepahiang"),
    ("17.09", "Bengkulu Tengah"),
    ("17.71", "Kota Bengkulu"),
];

const GIVEN: [&str; 12] = [
    "Ahmad",
    "Dewi",
    "Rudi",
    "Yuliana",
    "Fajar",
    "Sri",
    "Bambang",
    "Rahmawati",
    "Hendra",
    "Maya",
    "Irfan",
    "Lestari",
];

const FAMILY: [&str; 8] = [
    "Saputra",
    "Wulandari",
    "Hidayat",
    "Pratiwi",
    "Siregar",
    "Lubis",
    "Kurniawan",
    "Anggraini",
];

/// Fifty-six more participants, so that the registration list has pages
/// and every table holds real-looking rows.
async fn crowd(
    db: &Db,
    admin: &crate::domain::account::Account,
    event: &crate::domain::event::Event,
) -> Result<(), Error> {
    let kinds = ["desa", "sekolah", "kabupaten_kota", "khusus"];
    for n in 0..56 {
        let (regency, place) = PLACES[n % PLACES.len()];
        let kind = kinds[n % kinds.len()];
        let name = format!("{} {}", GIVEN[n % GIVEN.len()], FAMILY[n % FAMILY.len()]);
        // Some hold a degree written after the name, as certificates print it.
        let full_name = match n % 3 {
            0 => format!("{name}, S.Sos."),
            1 => format!("{name}, S.IPI"),
            _ => name.clone(),
        };
        let institution = match kind {
            "desa" => format!("Perpustakaan Desa {place}"),
            "sekolah" => format!("Perpustakaan SMP Negeri {} {place}", n % 9 + 1),
            _ => format!("Dinas Perpustakaan {place}"),
        };
        let email = format!("{}.{n}@bimtek.demo", name.to_lowercase().replace(' ', "."));
        let fields = [
            ("full_name", full_name),
            ("email", email),
            ("whatsapp", format!("0812-7{n:03}-{:04}", 1000 + n * 37)),
            ("institution", institution),
            (
                "position",
                if n % 2 == 0 {
                    "Pustakawan"
                } else {
                    "Pengelola"
                }
                .to_owned(),
            ),
            ("province_code", "17".to_owned()),
            ("regency_code", regency.to_owned()),
            ("library_type", kind.to_owned()),
            (
                "gender",
                if n % 2 == 0 { "perempuan" } else { "laki_laki" }.to_owned(),
            ),
            ("consent", "on".to_owned()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        services::registrations::add_by_hand(db, event, fields, admin, &demo_origin()).await?;
    }
    Ok(())
}

/// The demo participant holds a seat in the Bengkulu bimtek, from a
/// province an hour ahead of it, so their page shows sessions on both clocks.
async fn seat(
    db: &Db,
    admin: &crate::domain::account::Account,
    event: &crate::domain::event::Event,
) -> Result<(), Error> {
    let fields = [
        ("full_name", "Siti Aminah, S.IPI"),
        ("email", PARTICIPANT),
        ("whatsapp", "0812-3456-7890"),
        ("institution", "Perpustakaan Kota Makassar"),
        ("position", "Pustakawan"),
        ("province_code", "73"),
        ("regency_code", "73.71"),
        ("library_type", "kabupaten_kota"),
        ("gender", "perempuan"),
        ("consent", "on"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    services::registrations::add_by_hand(db, event, fields, admin, &demo_origin()).await?;
    Ok(())
}

fn demo_origin() -> Origin {
    Origin {
        base_url: url::Url::parse("http://127.0.0.1/").expect("a URL"),
        address: None,
        lang: crate::i18n::Lang::Id,
    }
}

/// The Bengkulu bimtek's sessions: an opening, talks by the speaker on
/// Zoom and by pasted link, and the action-plan workshop in person.
async fn agenda(
    db: &Db,
    admin: &crate::domain::account::Account,
    event: &crate::domain::event::Event,
    speaker_id: &str,
    zoom_host: &str,
    monday: NaiveDate,
) -> Result<(), Error> {
    let day = |n: i64| (monday + Duration::days(n)).format("%Y-%m-%d").to_string();
    let speaker = || vec![speaker_id.to_owned()];
    let zoom =
        |title: &str, date: String, start: &str, end: &str, speakers: Vec<String>| SessionForm {
            title: title.into(),
            date,
            start_time: start.into(),
            end_time: end.into(),
            mandatory: true,
            delivery: "zoom".into(),
            zoom_host: zoom_host.into(),
            alternative_hosts: !speakers.is_empty(),
            speakers,
            ..SessionForm::default()
        };
    let sessions = [
        zoom(
            "Pembukaan oleh Kepala Dinas Perpustakaan dan Kearsipan Provinsi Bengkulu, \
             H. Meri Sasdi, M.Pd.",
            day(0),
            "09:00",
            "09:30",
            Vec::new(),
        ),
        SessionForm {
            description: "Tiga strategi TPBIS: layanan informasi melalui buku, komputer dan \
                          internet; kegiatan yang dibutuhkan masyarakat; advokasi dan kemitraan."
                .into(),
            ..zoom(
                "Strategi pengembangan perpustakaan berbasis inklusi sosial",
                day(0),
                "09:30",
                "12:00",
                speaker(),
            )
        },
        SessionForm {
            delivery: "link".into(),
            join_link: "https://us02web.zoom.us/j/85512345678".into(),
            ..zoom(
                "Pemanfaatan TIK untuk transformasi layanan perpustakaan",
                day(1),
                "09:00",
                "12:00",
                speaker(),
            )
        },
        SessionForm {
            delivery: "in_person".into(),
            location: "Aula Dinas Perpustakaan dan Kearsipan Provinsi Bengkulu".into(),
            jp: "4".into(),
            ..zoom(
                "Praktik menyusun Rencana Tindak Lanjut (RTL)",
                day(2),
                "13:00",
                "16:00",
                speaker(),
            )
        },
    ];
    for form in sessions {
        services::sessions::create(db, admin, event, form, &demo_origin()).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_starts_next_week() {
        for day in 1..=14 {
            let today = NaiveDate::from_ymd_opt(2026, 11, day).unwrap();
            let monday = next_week_monday(today);
            assert_eq!(monday.weekday(), chrono::Weekday::Mon);
            let ahead = (monday - today).num_days();
            assert!((5..=11).contains(&ahead), "{today}: {ahead}");
        }
    }
}
