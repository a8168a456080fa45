//! `bimtek demo`: a fresh database holding the Bengkulu bimtek of 2020
//! (the programme's own example), placed in time relative to today so that
//! every flow can be tried, and served at once: it began yesterday, with
//! attendance as Zoom reports it, and goes on today and tomorrow.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use chrono_tz::Tz;

use crate::db::Db;
use crate::domain::account::EventRole;
use crate::domain::event::{NewEvent, Seating};
use crate::domain::session::{Session, SessionForm};
use crate::domain::time::local_to_utc;
use crate::error::Error;
use crate::integrations::storage::Storage;
use crate::integrations::zoom::{Instance, Participant};
use crate::services::accounts::Origin;
use crate::services::attendance::reports;
use crate::services::{self, accounts};

pub const DEMO_DATABASE: &str = "bimtek-demo.db";

pub const MAIN_EVENT_SLUG: &str = "strategi-pengembangan-perpustakaan-tik";

/// The demo's one password, printed when it starts.
pub const PASSWORD: &str = "bimtek-demo-2020";

pub const STAFF: [(&str, &str); 5] = [
    ("admin@bimtek.demo", "administrator"),
    ("panitia@bimtek.demo", "organiser of the Bengkulu bimtek"),
    ("narasumber@bimtek.demo", "speaker at the Bengkulu bimtek"),
    (
        "panitia.sulsel@bimtek.demo",
        "organiser of the Sulawesi Selatan bimtek",
    ),
    (
        "penilai@bimtek.demo",
        "action plan reviewer of the Bengkulu bimtek",
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
pub async fn seed(db: &Db, storage: &Storage, zoom_host: Option<&str>) -> Result<(), Error> {
    let today = Utc::now().with_timezone(&Tz::Asia__Jakarta).date_naive();
    let monday = next_week_monday(today);
    // The Bengkulu bimtek is under way: its first day, held on Zoom, was
    // yesterday, so that its attendance is there to see.
    let first_day = today - Duration::days(1);
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
            starts_at: at(wib, first_day, 9, 0),
            ends_at: at(wib, first_day + Duration::days(2), 16, 0),
            time_zone: wib,
            published: true,
            seats: Seating {
                quota: Some(150),
                moderated: false,
                registration_opens_at: None,
                // Late registrations are taken until the last day.
                registration_closes_at: Some(at(wib, first_day + Duration::days(2), 8, 0)),
                contact: "Rina Oktaviani (panitia), WhatsApp 0812-7300-2020".into(),
            },
            timing: Default::default(),
            rules: Default::default(),
            // Plans are due a week after the last day; later ones are
            // taken, marked late.
            plans: crate::domain::action_plan::PlanRules {
                due_at: Some(at(wib, first_day + Duration::days(9), 23, 59)),
                late: crate::domain::action_plan::LateRule::Accept,
            },
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
            plans: Default::default(),
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
            plans: Default::default(),
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
        (
            STAFF[4].0,
            "Dra. Wulan Sari, M.Si.",
            false,
            Some((&bengkulu, EventRole::Reviewer)),
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
    let sessions = agenda(
        db,
        &accounts[0],
        &created[0],
        &accounts[2].id,
        host,
        first_day,
    )
    .await?;
    speaker(db, storage, &accounts[2], &created[0], &sessions[3]).await?;
    let siti =
        accounts::ensure_participant(db, PARTICIPANT, "Siti Aminah, S.IPI", crate::i18n::Lang::Id)
            .await?;
    let siti_seat = seat(db, &accounts[0], &created[0]).await?;
    let crowd = crowd(db, &accounts[0], &created[0]).await?;
    plans(db, (&siti, &siti_seat), &crowd).await?;
    reviews(db, &created[0], (&accounts[0], &accounts[4]), &crowd).await?;
    follow_ups(db, storage, (&created[0], &accounts[1]), &crowd).await?;
    // The first day's two sessions, on Zoom, are over.
    for (index, session) in sessions.iter().take(2).enumerate() {
        zoom_report(db, session, index).await?;
    }
    services::attendance::decisions::excuse(
        db,
        &accounts[0],
        &created[0],
        &sessions[0].id,
        &crowd[EXCUSED],
        Some("Sakit; surat keterangan dokter dikirim lewat WhatsApp"),
        &demo_origin(),
    )
    .await?;
    certificates(db, &created[0], (&accounts[0], &accounts[1].id), &siti_seat).await
}

/// Certificates of the Bengkulu bimtek, issued as organisers issue them:
/// to every participant whose attendance so far passes, the demo
/// participant among them (the organisers passed her attendance: she
/// followed from the office's room), to its speaker and to its organiser.
/// The demo participant's first certificate was revoked and reissued at
/// her request. Each is rendered and e-mailed by its job once the
/// demo serves.
async fn certificates(
    db: &Db,
    event: &crate::domain::event::Event,
    (admin, organiser): (&crate::domain::account::Account, &str),
    siti_seat: &str,
) -> Result<(), Error> {
    use crate::domain::certificate::settings::SettingsForm;
    use crate::services::certificates::{self as issuing, changes, team};
    services::attendance::decisions::override_result(
        db,
        admin,
        event,
        siti_seat,
        Some(true),
        "Mengikuti bersama dari ruang rapat kantor; Zoom mencatat akun kantor",
        &demo_origin(),
    )
    .await?;
    let on = || Some("1".to_owned());
    let form = SettingsForm {
        participant_enabled: on(),
        speaker_enabled: on(),
        committee_enabled: on(),
        requirement: "attendance".into(),
        participant_pattern: "{nomor:3}/BIMTEK-{kode}/{bulan}/{tahun}".into(),
        speaker_pattern: "{nomor:3}/NS-{kode}/{bulan}/{tahun}".into(),
        committee_pattern: "{nomor:3}/PAN-{kode}/{bulan}/{tahun}".into(),
        event_code: "TPBIS-BKL".into(),
        signing_place: "Bengkulu".into(),
        signatory1_position: "Kepala Dinas Perpustakaan dan Kearsipan Provinsi Bengkulu".into(),
        signatory1_name: "H. Meri Sasdi, M.Pd.".into(),
        signatory1_lines: "Pembina Utama Muda (IV/c)\nNIP 19680512 199303 1 004".into(),
        ..SettingsForm::default()
    };
    issuing::save_settings(db, admin, event, &form).await?;
    issuing::issue_eligible(db, admin, event).await?;
    team::issue_speakers(db, admin, event).await?;
    team::issue_committee(db, admin, event, vec![organiser.to_owned()]).await?;
    let first = issuing::issued(db, event)
        .await?
        .into_iter()
        .find(|issued| issued.row.registration_id.as_deref() == Some(siti_seat))
        .ok_or_else(|| Error::Internal("the demo participant got no certificate".into()))?;
    let revoke = changes::RevokeForm {
        reason: "Diterbitkan ulang atas permintaan peserta: berkas pertama hilang".into(),
        reissue: Some("on".into()),
    };
    changes::revoke(db, admin, event, &first.row.id, (&revoke, None)).await?;
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
const CROWD: usize = 56;

/// Participant `n` of the crowd: their name as written and their address.
/// The family name moves on by one more with each round of given names, so
/// that no two share a name (the review queue suggests by name).
fn crowd_person(n: usize) -> (String, String) {
    let family = FAMILY[(n + 5 * (n / GIVEN.len())) % FAMILY.len()];
    let name = format!("{} {family}", GIVEN[n % GIVEN.len()]);
    // Some hold a degree written after the name, as certificates print it.
    let full_name = match n % 3 {
        0 => format!("{name}, S.Sos."),
        1 => format!("{name}, S.IPI"),
        _ => name.clone(),
    };
    let email = format!("{}.{n}@bimtek.demo", name.to_lowercase().replace(' ', "."));
    (full_name, email)
}

/// Adds the crowd; their registrations, in order.
async fn crowd(
    db: &Db,
    admin: &crate::domain::account::Account,
    event: &crate::domain::event::Event,
) -> Result<Vec<String>, Error> {
    let kinds = ["desa", "sekolah", "kabupaten_kota", "khusus"];
    let mut registrations = Vec::with_capacity(CROWD);
    for n in 0..CROWD {
        let (regency, place) = PLACES[n % PLACES.len()];
        let kind = kinds[n % kinds.len()];
        let (full_name, email) = crowd_person(n);
        let institution = match kind {
            "desa" => format!("Perpustakaan Desa {place}"),
            "sekolah" => format!("Perpustakaan SMP Negeri {} {place}", n % 9 + 1),
            _ => format!("Dinas Perpustakaan {place}"),
        };
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
        registrations.push(
            services::registrations::add_by_hand(db, event, fields, admin, &demo_origin()).await?,
        );
    }
    Ok(registrations)
}

/// The demo participant holds a seat in the Bengkulu bimtek, from a
/// province an hour ahead of it, so their page shows sessions on both clocks.
async fn seat(
    db: &Db,
    admin: &crate::domain::account::Account,
    event: &crate::domain::event::Event,
) -> Result<String, Error> {
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
    services::registrations::add_by_hand(db, event, fields, admin, &demo_origin()).await
}

/// Action plans: the demo participant's draft, half written (a second
/// activity's month written in words), and one of the crowd's, submitted.
async fn plans(
    db: &Db,
    (siti, siti_seat): (&crate::domain::account::Account, &str),
    crowd: &[String],
) -> Result<(), Error> {
    use crate::domain::action_plan::{Activity, Content, Intent, Strategy};
    let activity =
        |what: &str, month: &str, responsible: &str, resources: &str, partner: &str| Activity {
            what: what.into(),
            month: month.into(),
            responsible: responsible.into(),
            resources: resources.into(),
            partner: partner.into(),
        };
    let draft = Content {
        title: "Pojok Literasi Digital Perpustakaan Kota Makassar".into(),
        situation: "Enam komputer di ruang baca, internet 20 Mbps; kunjungan turun sejak 2020.\n\n\
                    Belum ada kegiatan rutin untuk pelajar dan pelaku UMKM."
            .into(),
        objectives:
            "Pelajar dan pelaku UMKM memakai internet perpustakaan untuk belajar dan berjualan."
                .into(),
        strategies: vec![Strategy::Information, Strategy::Community],
        activities: vec![
            activity(
                "Kelas belajar internet untuk UMKM",
                "2026-03",
                "Siti Aminah (pustakawan)",
                "Rp 3.000.000, APBD",
                "Dinas Koperasi dan UKM",
            ),
            // Typed on a phone without a month field; saving names it.
            activity(
                "Klub baca pelajar",
                "Maret 2026",
                "",
                "",
                "SMP Negeri 5 Makassar",
            ),
        ],
        ..Content::default()
    };
    services::action_plans::save(
        db,
        siti,
        siti_seat,
        (draft, Intent::Save),
        None,
        Vec::new(),
        &demo_origin(),
    )
    .await?;
    let submitted = Content {
        title: "Perpustakaan Desa sebagai Pusat Belajar Petani Kopi".into(),
        situation:
            "Koleksi 800 buku, satu komputer tanpa internet; dikunjungi pelajar sepulang sekolah."
                .into(),
        objectives: "Petani kopi desa mendapat informasi budidaya dan pemasaran dari perpustakaan."
            .into(),
        target_group: "Kelompok tani kopi dan ibu-ibu PKK".into(),
        strategies: vec![Strategy::Community, Strategy::Advocacy],
        activities: vec![
            activity(
                "Diskusi bulanan budidaya kopi bersama penyuluh",
                "2026-02",
                "Kepala perpustakaan desa",
                "Dana desa Rp 1.500.000",
                "Balai Penyuluhan Pertanian",
            ),
            activity(
                "Pelatihan menjual kopi secara daring",
                "2026-04",
                "Pengelola perpustakaan",
                "Komputer perpustakaan, paket data",
                "BUMDes",
            ),
        ],
        indicators:
            "20 petani hadir tiap diskusi; 5 kelompok tani berjualan daring pada Juni 2026.".into(),
    };
    submit_as(db, crowd, 1, submitted).await?;
    more_plans(db, crowd).await
}

/// A dozen more of the crowd's plans, submitted, so that the organisers'
/// overview counts something in each strategy and in several regencies.
/// After the plans the reviews take (the crowd's 1 to 4).
async fn more_plans(db: &Db, crowd: &[String]) -> Result<(), Error> {
    use crate::domain::action_plan::{Activity, Content, Strategy};
    const TITLES: [(&str, &str); 6] = [
        ("Pojok Baca Anak di Balai Desa", "Anak usia sekolah dasar"),
        ("Kelas Internet untuk Pelaku UMKM", "Pelaku UMKM desa"),
        (
            "Perpustakaan Keliling ke Dusun",
            "Warga dusun yang jauh dari perpustakaan",
        ),
        (
            "Kemitraan dengan Puskesmas: Pojok Informasi Kesehatan",
            "Ibu hamil dan kader posyandu",
        ),
        ("Klub Baca Remaja Sepulang Sekolah", "Pelajar SMP dan SMA"),
        (
            "Advokasi Anggaran Perpustakaan ke Pemerintah Desa",
            "Kepala desa dan BPD",
        ),
    ];
    let strategies = [
        vec![Strategy::Information],
        vec![Strategy::Community],
        vec![Strategy::Advocacy],
        vec![Strategy::Information, Strategy::Community],
        vec![Strategy::Community, Strategy::Advocacy],
    ];
    for n in 5..17 {
        let (title, target_group) = TITLES[n % TITLES.len()];
        let content = Content {
            title: title.into(),
            situation: "Koleksi sekitar 1.000 buku, dua komputer; pengunjung kebanyakan pelajar."
                .into(),
            objectives: format!("{target_group} memanfaatkan perpustakaan setiap bulan."),
            target_group: target_group.into(),
            strategies: strategies[n % strategies.len()].clone(),
            activities: vec![Activity {
                what: format!("Kegiatan pertama: {}", title.to_lowercase()),
                month: format!("2026-{:02}", 2 + n % 6),
                responsible: "Pengelola perpustakaan".into(),
                resources: "Dana desa".into(),
                partner: "Pemerintah desa".into(),
            }],
            indicators: "Jumlah peserta kegiatan dan kunjungan bertambah.".into(),
        };
        submit_as(db, crowd, n, content).await?;
    }
    Ok(())
}

/// Submits `content` as participant `n` of the crowd; the plan's id.
async fn submit_as(
    db: &Db,
    crowd: &[String],
    n: usize,
    content: crate::domain::action_plan::Content,
) -> Result<String, Error> {
    use crate::domain::action_plan::Intent;
    let (name, email) = crowd_person(n);
    let author = accounts::ensure_participant(db, &email, &name, crate::i18n::Lang::Id).await?;
    let (_, saved) = services::action_plans::save(
        db,
        &author,
        &crowd[n],
        (content, Intent::Submit),
        None,
        Vec::new(),
        &demo_origin(),
    )
    .await?;
    saved
        .filter(|saved| saved.errors.is_empty())
        .and_then(|saved| saved.plan.id)
        .ok_or_else(|| Error::Internal(format!("the demo plan of participant {n} was refused")))
}

/// Reviewed action plans, decided by the event's reviewer: one waiting
/// for its revision, one accepted, and one in its second version after a
/// revision with comments, given to the reviewer and waiting again.
async fn reviews(
    db: &Db,
    event: &crate::domain::event::Event,
    (admin, reviewer): (
        &crate::domain::account::Account,
        &crate::domain::account::Account,
    ),
    crowd: &[String],
) -> Result<(), Error> {
    use crate::domain::action_plan::review::{Comments, Decision, Scope, Section};
    use crate::domain::action_plan::{Activity, Content, Strategy};
    let decide = |id: String, version: i32, decision: Decision, comments: Comments| async move {
        let sent = (Some(decision), comments);
        let decided = services::plan_reviews::decide(
            db,
            reviewer,
            (event, &Scope::All),
            (&id, version),
            sent,
            &demo_origin(),
        )
        .await?;
        match decided {
            services::plan_reviews::Decided::Done(_) => Ok(()),
            services::plan_reviews::Decided::NotWaiting => Err(Error::Internal(format!(
                "the demo plan {id} was not waiting for review"
            ))),
        }
    };
    let comments = |sections: &[(Section, &str)], general: &str| Comments {
        sections: sections
            .iter()
            .map(|(s, text)| (*s, (*text).to_owned()))
            .collect(),
        general: general.to_owned(),
    };
    let activity = |what: &str, month: &str, responsible: &str| Activity {
        what: what.into(),
        month: month.into(),
        responsible: responsible.into(),
        resources: "Anggaran perpustakaan".into(),
        partner: String::new(),
    };
    let mobile = Content {
        title: "Layanan Perpustakaan Keliling untuk Sekolah Dasar".into(),
        situation: "Motor perpustakaan keliling ada, tetapi hanya berjalan dua kali setahun."
            .into(),
        objectives: "Meningkatkan minat baca.".into(),
        target_group: "Murid SD di desa sekitar".into(),
        strategies: vec![Strategy::Information],
        activities: vec![activity(
            "Kunjungan keliling ke SD",
            "2026-03",
            "Pengelola perpustakaan",
        )],
        indicators: "Minat baca naik.".into(),
    };
    let id = submit_as(db, crowd, 2, mobile).await?;
    let asked = comments(
        &[
            (
                Section::Objectives,
                "Tujuan masih umum: sebutkan untuk siapa dan berapa banyak.",
            ),
            (
                Section::Indicators,
                "Tuliskan angka yang dapat diukur, misalnya jumlah peminjaman per bulan.",
            ),
        ],
        "Rencana kegiatannya sudah jelas; lengkapi tujuan dan indikatornya.",
    );
    decide(id, 1, Decision::RevisionAsked, asked).await?;

    let finance = Content {
        title: "Kelas Literasi Keuangan bagi Ibu Rumah Tangga".into(),
        situation: "Ruang diskusi perpustakaan kosong pada pagi hari.".into(),
        objectives: "30 ibu rumah tangga mampu menyusun anggaran keluarga dalam 6 bulan.".into(),
        target_group: "Ibu-ibu PKK kelurahan".into(),
        strategies: vec![Strategy::Community],
        activities: vec![activity(
            "Kelas anggaran keluarga",
            "2026-05",
            "Kepala perpustakaan",
        )],
        indicators: "30 peserta menyelesaikan kelas; 20 menyusun anggaran keluarga.".into(),
    };
    let id = submit_as(db, crowd, REPORTED, finance).await?;
    decide(
        id,
        1,
        Decision::Accepted,
        comments(&[], "Terima kasih, rencana yang terukur."),
    )
    .await?;
    let corner = Content {
        title: "Pojok Baca Puskesmas".into(),
        situation: "Pasien menunggu lama di puskesmas tanpa bacaan.".into(),
        objectives: "Pengunjung puskesmas membaca 50 buku tiap bulan.".into(),
        target_group: "Pengunjung Puskesmas Kepahiang".into(),
        strategies: vec![Strategy::Community, Strategy::Advocacy],
        activities: vec![activity(
            "Rak buku dan penggantian koleksi bulanan",
            "2026-04",
            "Pengelola perpustakaan",
        )],
        indicators: "50 peminjaman tercatat tiap bulan.".into(),
    };
    let id = submit_as(db, crowd, REPORTING, corner).await?;
    decide(id, 1, Decision::Accepted, Comments::default()).await?;

    let fishers = Content {
        title: "Taman Baca Kampung Nelayan".into(),
        situation: "Belum ada taman baca di kampung nelayan; anak-anak membaca di masjid.".into(),
        objectives: "Anak nelayan membaca setiap sore.".into(),
        target_group: "Anak usia sekolah di kampung nelayan".into(),
        strategies: vec![Strategy::Community],
        activities: vec![activity(
            "Membuka taman baca di balai kampung",
            "2026-02",
            "Ketua karang taruna",
        )],
        indicators: "Taman baca buka setiap sore.".into(),
    };
    let id = submit_as(db, crowd, 4, fishers.clone()).await?;
    services::plan_reviews::assign(db, admin, event, &id, Some(reviewer.id.clone())).await?;
    let asked = comments(
        &[
            (
                Section::Activities,
                "Tambahkan kegiatan bersama sekolah dan jadwal buka yang tetap.",
            ),
            (
                Section::Strategies,
                "Pertimbangkan kemitraan dengan dinas perikanan.",
            ),
        ],
        "",
    );
    decide(id, 1, Decision::RevisionAsked, asked).await?;
    let mut revised = fishers;
    revised.situation =
        "Belum ada taman baca di kampung nelayan; 60 anak membaca di masjid setiap sore.".into();
    revised.strategies.push(Strategy::Advocacy);
    revised.activities.push(activity(
        "Lomba bercerita bersama SD Negeri 3",
        "2026-04",
        "Guru SD Negeri 3",
    ));
    submit_as(db, crowd, 4, revised).await?;
    Ok(())
}

/// Of the crowd, the author of the accepted plan who has sent the first
/// follow-up's report, and the one whose report is still to write.
const REPORTED: usize = 3;
const REPORTING: usize = 17;

/// A photo of a class, as evidence: drawn for the demo, 320 by 240.
const PHOTO: &[u8] = include_bytes!("../templates/demo/kegiatan.jpg");

/// The Bengkulu bimtek's follow-ups: one three months after it, added as
/// organisers do, and one already due, whose e-mails go out when the demo
/// starts, so that its report can be written; one of the crowd has sent
/// theirs, with a photo.
async fn follow_ups(
    db: &Db,
    storage: &Storage,
    (event, organiser): (
        &crate::domain::event::Event,
        &crate::domain::account::Account,
    ),
    crowd: &[String],
) -> Result<(), Error> {
    use crate::domain::action_plan::follow_up::{
        ActivityReport, Intent, Progress, Report, SEND_HOUR,
    };
    let later = (event.ends_at.with_timezone(&event.time_zone) + Duration::days(91))
        .format("%Y-%m-%d")
        .to_string();
    services::follow_ups::add(db, organiser, event, &later).await?;
    // The form takes dates after the event only; the demo's is under way.
    let yesterday = Utc::now().with_timezone(&event.time_zone).date_naive() - Duration::days(1);
    let due = at(event.time_zone, yesterday, SEND_HOUR, 0);
    let follow_up = services::follow_ups::add_due(db, organiser, event, due).await?;
    let (name, email) = crowd_person(REPORTED);
    let author = accounts::ensure_participant(db, &email, &name, crate::i18n::Lang::Id).await?;
    let photo = services::action_plans::store_attachment(
        storage,
        bytes::Bytes::from_static(PHOTO),
        "kelas-anggaran-keluarga.jpg".into(),
        "jpg",
    )
    .await?;
    let report = Report {
        activities: vec![ActivityReport {
            progress: Some(Progress::Done),
            realised_on: (Utc::now() - Duration::days(2))
                .format("%Y-%m-%d")
                .to_string(),
            obstacles: "Peserta hanya bisa datang pagi hari.".into(),
            solution: "Kelas dipindah ke pukul 08.00 dan dibagi dua kelompok.".into(),
        }],
    };
    let (_, saved) = services::follow_up_reports::save(
        db,
        &author,
        (&crowd[REPORTED], &follow_up),
        (report, Intent::Submit),
        Some(photo),
        Vec::new(),
    )
    .await?;
    if saved.sent {
        Ok(())
    } else {
        Err(Error::Internal(format!(
            "the demo follow-up report was refused: {:?}",
            saved.errors
        )))
    }
}

/// In the first session, one of the crowd was excused by the organisers.
const EXCUSED: usize = 5;
/// In the first session, one of the crowd joined from a phone as a guest,
/// under a name alone: the row waits for the organisers' review.
const GUEST: usize = 10;

/// How participant `n` of the crowd took part in session `session` of the
/// first day, `length` minutes long: their joins, in minutes from its
/// start. A few in each session stay away, reconnect, come 18 minutes late,
/// leave 20 minutes early or leave halfway (in a long session the late and
/// the early still reach 80 %, in a short one they do not); the rest attend
/// throughout.
fn joins(n: usize, session: usize, length: i64) -> Vec<(i64, i64)> {
    if session == 0 && (n == EXCUSED || n == GUEST) {
        return Vec::new();
    }
    match (n + 5 * session) % 13 {
        0 => Vec::new(),
        1 => vec![(-2, length / 3), (length / 3 + 2, length + 1)],
        2 => vec![(18, length + 1)],
        3 => vec![(-1, length - 20)],
        4 => vec![(-1, length / 2)],
        k => vec![(-((k % 5) as i64), length + (k % 3) as i64)],
    }
}

/// One join as Zoom's participant report lists it.
fn report_row(
    start: DateTime<Utc>,
    (name, email): (&str, &str),
    user_id: String,
    (from, to): (i64, i64),
    status: &str,
) -> Participant {
    // Seconds as a report has them: nobody joins on the minute.
    let seconds = i64::from(user_id.bytes().map(u32::from).sum::<u32>() % 50);
    Participant {
        id: String::new(),
        user_id,
        name: name.to_owned(),
        user_email: email.to_owned(),
        registrant_id: String::new(),
        join_time: Some(start + Duration::minutes(from) + Duration::seconds(seconds)),
        leave_time: Some(start + Duration::minutes(to) + Duration::seconds(seconds / 2)),
        status: status.to_owned(),
    }
}

/// The participant report of a session held on Zoom, stored as the report
/// job stores one read from Zoom (matched by e-mail, as the demo has no
/// registrant ids): the demo participant on a laptop and, for a while, a
/// phone too; the crowd as [`joins`] says; someone let in from the waiting
/// room; and in the first session a guest known by a name alone.
async fn zoom_report(db: &Db, session: &Session, index: usize) -> Result<(), Error> {
    let start = session.plan.starts_at;
    let length = (session.plan.ends_at - start).num_minutes();
    let mut rows = Vec::new();
    let mut user_id = 16_000_000 + 100_000 * index;
    let mut next_id = || {
        user_id += 1;
        user_id.to_string()
    };
    let siti = ("Siti Aminah", PARTICIPANT);
    rows.push(report_row(
        start,
        siti,
        next_id(),
        (-4, length + 2),
        "in_meeting",
    ));
    rows.push(report_row(
        start,
        ("Siti (HP)", PARTICIPANT),
        next_id(),
        (5, 12),
        "in_meeting",
    ));
    for n in 0..CROWD {
        let (name, email) = crowd_person(n);
        for span in joins(n, index, length) {
            rows.push(report_row(
                start,
                (&name, &email),
                next_id(),
                span,
                "in_meeting",
            ));
        }
    }
    let (late, late_email) = crowd_person(2 + index);
    rows.push(report_row(
        start,
        (&late, &late_email),
        next_id(),
        (-12, -3),
        "in_waiting_room",
    ));
    if index == 0 {
        let (name, _) = crowd_person(GUEST);
        let name = format!("{} (HP)", name.split(',').next().unwrap_or(&name));
        rows.push(report_row(
            start,
            (&name, ""),
            next_id(),
            (1, length),
            "in_meeting",
        ));
    }
    let uuid = ["4N7t0kq5QpSx9T1m8RbZ2w==", "vH3pYc6WQ0mU2d8LxK1sfA=="][index % 2].to_owned();
    let run = Instance {
        uuid: uuid.clone(),
        start_time: Some(start - Duration::minutes(6)),
    };
    let session_id = session.id.clone();
    db.transaction(move |conn| {
        reports::store(conn, &session_id, &[run], &[(uuid, rows)], Utc::now())?;
        Ok::<_, Error>(())
    })
    .await
}

fn demo_origin() -> Origin {
    Origin {
        base_url: url::Url::parse("http://127.0.0.1/").expect("a URL"),
        address: None,
        lang: crate::i18n::Lang::Id,
    }
}

/// The speaker's profile, kept as they keep it on /my/profile (their
/// photo sent as a PNG and made a small JPEG there), and the materials of
/// their workshop, put up as they put them up: the plan's template to read
/// now, its worked example once the workshop is over.
async fn speaker(
    db: &Db,
    storage: &Storage,
    speaker: &crate::domain::account::Account,
    event: &crate::domain::event::Event,
    workshop: &Session,
) -> Result<(), Error> {
    use crate::domain::material::MaterialForm;
    use crate::services::materials::{self, Addition, StoredFile};
    use crate::services::profiles::{self, Whose};

    let profile = crate::domain::speaker::ProfileForm {
        name: "Dr. Ahmad Fauzi, M.Hum.".into(),
        institution: "Perpustakaan Nasional Republik Indonesia".into(),
        position: "Pustakawan Ahli Utama".into(),
        bio: "Pendamping program Transformasi Perpustakaan Berbasis Inklusi Sosial sejak 2018 \
              di Sumatera dan Sulawesi. Menulis tentang layanan perpustakaan desa dan kemitraan \
              perpustakaan dengan pemerintah daerah."
            .into(),
        time_zone: Some(String::new()),
        remove_photo: false,
    }
    .check()
    .map_err(Error::Invalid)?;
    profiles::save(
        (db, storage),
        speaker,
        Whose::Own,
        profile,
        Some(bytes::Bytes::from(portrait())),
        &demo_origin(),
    )
    .await?;
    for (title, availability, name, text) in [
        (
            "Templat Rencana Tindak Lanjut (RTL)",
            "now",
            "Templat RTL.pdf",
            "Templat Rencana Tindak Lanjut: kegiatan, sasaran, jadwal, mitra.",
        ),
        (
            "Contoh RTL yang dibahas dalam praktik",
            "session_end",
            "Contoh RTL.pdf",
            "Contoh RTL perpustakaan desa: kelas literasi digital bersama karang taruna.",
        ),
    ] {
        let bytes = handout(text);
        let size = bytes.len() as u64;
        let key = storage
            .put(bytes::Bytes::from(bytes))
            .await
            .map_err(|e| Error::Internal(e.to_string()))?;
        let form = MaterialForm {
            title: title.into(),
            visibility: "registered".into(),
            availability: availability.into(),
            link: String::new(),
        };
        let checked = form.check(true).map_err(Error::Invalid)?;
        let file = StoredFile {
            key: key.to_string(),
            name: name.into(),
            kind: "pdf".into(),
            size,
        };
        materials::add(
            db,
            speaker,
            event,
            &workshop.id,
            Addition::New(checked, Some(file)),
            &demo_origin(),
        )
        .await?;
    }
    Ok(())
}

/// A portrait drawn for the demo: a head and shoulders on blue, as a PNG.
fn portrait() -> Vec<u8> {
    let (width, height) = (480u32, 600u32);
    let picture = image::RgbImage::from_fn(width, height, |x, y| {
        let (x, y) = (f64::from(x), f64::from(y));
        let head = ((x - 240.0) / 95.0).powi(2) + ((y - 230.0) / 120.0).powi(2) <= 1.0;
        let shoulders = ((x - 240.0) / 210.0).powi(2) + ((y - 600.0) / 190.0).powi(2) <= 1.0;
        if head {
            image::Rgb([196, 150, 118])
        } else if shoulders {
            image::Rgb([38, 56, 90])
        } else {
            image::Rgb([200, 220, 238])
        }
    });
    let mut png = Vec::new();
    image::DynamicImage::ImageRgb8(picture)
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .expect("a drawn picture encodes");
    png
}

/// A one-page PDF of one line of text, as a handout stands in the demo.
fn handout(text: &str) -> Vec<u8> {
    let content = format!("BT /F1 14 Tf 56 780 Td ({text}) Tj ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] \
         /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>"
            .to_owned(),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
        format!(
            "<< /Length {} >>\nstream\n{content}\nendstream",
            content.len()
        ),
    ];
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, object) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n{object}\nendobj\n", i + 1).as_bytes());
    }
    let xref = pdf.len();
    pdf.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for offset in offsets {
        pdf.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    pdf
}

/// The Bengkulu bimtek's sessions: an opening, talks by the speaker on
/// Zoom and by pasted link, and the action-plan workshop in person.
async fn agenda(
    db: &Db,
    admin: &crate::domain::account::Account,
    event: &crate::domain::event::Event,
    speaker_id: &str,
    zoom_host: &str,
    first_day: NaiveDate,
) -> Result<Vec<Session>, Error> {
    let day = |n: i64| {
        (first_day + Duration::days(n))
            .format("%Y-%m-%d")
            .to_string()
    };
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
    let mut created = Vec::new();
    for form in sessions {
        created.push(services::sessions::create(db, admin, event, form, &demo_origin()).await?);
    }
    Ok(created)
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
