//! The organisers' overview of an event's action plans: counts by state,
//! strategy and region, filters and pages; the plans as CSV and XLSX; the
//! plans as printed documents, a participant's own to them alone.

use std::collections::HashMap;

use bimtek::db::DbError;
use bimtek::domain::account::Account;
use bimtek::domain::action_plan::{Activity, Content, Intent, Strategy};
use bimtek::domain::event::Event;
use bimtek::export::spreadsheet::{self, Format};
use bimtek::services::{action_plans, registrations};
use chrono_tz::Tz;

use crate::support::*;

const SLUG: &str = "bimtek-rtl";

/// Who writes a plan, and from where.
struct Author<'a> {
    n: usize,
    name: &'a str,
    institution: &'a str,
    regency: &'a str,
}

/// A seat for the author, and their account.
async fn seated(
    app: &TestApp,
    event: &Event,
    admin: &Account,
    who: &Author<'_>,
) -> (String, Account) {
    let email = format!("peserta{}@perpusdes.example.id", who.n);
    let mut fields: HashMap<String, String> = person(who.n).into_iter().collect();
    fields.extend([
        ("full_name".into(), who.name.into()),
        ("email".into(), email.clone()),
        ("institution".into(), who.institution.into()),
        ("province_code".into(), who.regency[..2].into()),
        ("regency_code".into(), who.regency.into()),
    ]);
    let seat = registrations::add_by_hand(&app.db, event, fields, admin, &origin(&app.address))
        .await
        .unwrap();
    (seat, participant(&app.db, &email, who.name).await)
}

/// A complete plan serving `strategies`, with `activities` rows.
fn content(title: &str, strategies: &[Strategy], activities: usize) -> Content {
    Content {
        title: title.into(),
        situation: "Dua komputer tanpa internet.".into(),
        objectives: "=HYPERLINK(\"http://contoh.example\")".into(),
        target_group: "Pelajar SMP".into(),
        strategies: strategies.to_vec(),
        activities: (1..=activities)
            .map(|n| Activity {
                what: format!("Kegiatan {n}"),
                month: format!("2030-{n:02}"),
                responsible: "Kepala perpustakaan".into(),
                resources: "Dana desa".into(),
                partner: "Karang Taruna".into(),
            })
            .collect(),
        indicators: "30 warga ikut.".into(),
    }
}

/// Saves the author's plan, submitted or as a draft; returns its id.
async fn written(
    app: &TestApp,
    (seat, account): &(String, Account),
    content: Content,
    intent: Intent,
) -> String {
    let (_, saved) = action_plans::save(
        &app.db,
        account,
        seat,
        (content, intent),
        None,
        Vec::new(),
        &origin(&app.address),
    )
    .await
    .unwrap();
    let saved = saved.unwrap();
    assert!(saved.errors.is_empty(), "{:?}", saved.errors);
    saved.plan.id.unwrap()
}

/// Changes a plan's state or lateness as a review or a late submission
/// would have, by the test's own SQL.
async fn set(app: &TestApp, plan: &str, column: &str, value: &str) {
    let sql = format!("UPDATE action_plans SET {column} = {value} WHERE id = '{plan}'");
    app.db
        .run(move |conn| -> Result<_, DbError> {
            use diesel::RunQueryDsl;
            Ok(diesel::sql_query(sql).execute(conn)?)
        })
        .await
        .unwrap();
}

struct Class {
    app: TestApp,
    rina: Browser,
    /// Plan ids: Ani (Kota Bengkulu, information, submitted), Budi (Kota
    /// Bengkulu, information and community, submitted late), Citra
    /// (Bengkulu Selatan, advocacy, draft), Dewi (Kota Makassar, community,
    /// accepted); Eko has a seat and no plan.
    plans: [String; 4],
    /// Ani's seat and account.
    ani: (String, Account),
}

impl Class {
    async fn new(backend: &TestBackend) -> Class {
        let app = spawn_app(backend).await;
        let event = create_event(&app.db, event(SLUG, Tz::Asia__Jakarta, true)).await;
        let admin = staff(&app.db, "admin@dispusip.example.id", true, None).await;
        let author = |n, name, institution, regency| Author {
            n,
            name,
            institution,
            regency,
        };
        let ani = seated(
            &app,
            &event,
            &admin,
            &author(1, "Ani Lestari", "Perpustakaan SMA 1", "17.71"),
        )
        .await;
        let budi = seated(
            &app,
            &event,
            &admin,
            &author(2, "Budi Santoso", "Perpustakaan Kota", "17.71"),
        )
        .await;
        let citra = seated(
            &app,
            &event,
            &admin,
            &author(3, "Citra Dewi", "Perpustakaan Desa Manna", "17.01"),
        )
        .await;
        let dewi = seated(
            &app,
            &event,
            &admin,
            &author(4, "Dewi Sartika", "Perpustakaan Makassar", "73.71"),
        )
        .await;
        seated(
            &app,
            &event,
            &admin,
            &author(5, "Eko Prasetyo", "Perpustakaan Desa Lain", "17.01"),
        )
        .await;
        use Strategy::{Advocacy, Community, Information};
        // A title naming another strategy in quotes counts for none.
        let plans = [
            written(
                &app,
                &ani,
                content("Layanan \"advocacy\" desa", &[Information], 2),
                Intent::Submit,
            )
            .await,
            written(
                &app,
                &budi,
                content("Pojok internet", &[Information, Community], 1),
                Intent::Submit,
            )
            .await,
            written(
                &app,
                &citra,
                content("Draf advokasi", &[Advocacy], 0),
                Intent::Save,
            )
            .await,
            written(
                &app,
                &dewi,
                content("Kelas UMKM", &[Community], 3),
                Intent::Submit,
            )
            .await,
        ];
        set(&app, &plans[1], "late", "TRUE").await;
        set(&app, &plans[3], "state", "'accepted'").await;
        let rina = organiser(&app, SLUG).await;
        Class {
            app,
            rina,
            plans,
            ani,
        }
    }
}

fn counted(page: &str, label: &str, n: usize) -> bool {
    page.contains(&format!("{label}: <strong>{n}</strong>"))
}

fn listed(page: &str) -> Vec<&'static str> {
    ["Ani Lestari", "Budi Santoso", "Citra Dewi", "Dewi Sartika"]
        .into_iter()
        .filter(|name| page.contains(&format!("<td>{name}<br>")))
        .collect()
}

backend_tests!(the_overview_counts_by_state_strategy_and_region_and_filters);
async fn the_overview_counts_by_state_strategy_and_region_and_filters(backend: TestBackend) {
    let class = Class::new(&backend).await;
    let (app, rina) = (&class.app, &class.rina);
    let base = format!("/manage/events/{SLUG}/plans");
    let (status, page) = rina.text(&base).await;
    assert_eq!(status, 200, "{app}");
    for (label, n) in [
        ("Draf", 1),
        ("Dikirim", 2),
        ("Perlu perbaikan", 0),
        ("Diterima", 1),
        ("Terlambat", 1),
        ("Peserta berkursi yang belum menulis RTL", 1),
        (
            "Peningkatan layanan informasi melalui buku, komputer dan internet",
            2,
        ),
        ("Fasilitasi kegiatan yang dibutuhkan masyarakat", 2),
        ("Advokasi dan kemitraan", 1),
    ] {
        assert!(counted(&page, label, n), "{app}: {label} {n}: {page}");
    }
    // Bengkulu, where most come from, opens its regencies; Makassar's
    // province is counted whole.
    let row = |place: &str, n: usize| format!("{place}</a></th><td><strong>{n}</strong>");
    let regency = |place: &str, n: usize| format!("{place}</span></th><td>{n}</td>");
    assert!(page.contains(&row("Bengkulu", 3)), "{app}: {page}");
    assert!(page.contains(&row("Sulawesi Selatan", 1)), "{app}: {page}");
    assert!(page.contains(&regency("Kota Bengkulu", 2)), "{app}: {page}");
    assert!(
        page.contains(&regency("Kabupaten Bengkulu Selatan", 1)),
        "{app}: {page}"
    );
    assert!(
        !page.contains(&regency("Kota Makassar", 1)),
        "{app}: {page}"
    );
    assert!(
        page.contains("4 RTL cocok · halaman 1 dari 1"),
        "{app}: {page}"
    );
    assert_eq!(
        listed(&page),
        ["Ani Lestari", "Budi Santoso", "Citra Dewi", "Dewi Sartika"]
    );

    for (query, expected, matching) in [
        ("strategy=advocacy", vec!["Citra Dewi"], 1),
        (
            "strategy=information",
            vec!["Ani Lestari", "Budi Santoso"],
            2,
        ),
        ("state=submitted&late=1", vec!["Budi Santoso"], 1),
        ("state=accepted", vec!["Dewi Sartika"], 1),
        ("province=17&regency=17.01", vec!["Citra Dewi"], 1),
        ("q=makassar", vec!["Dewi Sartika"], 1),
        ("q=citra&state=submitted", vec![], 0),
    ] {
        let (status, page) = rina.text(&format!("{base}?{query}")).await;
        assert_eq!(status, 200, "{app}: {query}");
        assert_eq!(listed(&page), expected, "{app}: {query}");
        assert!(
            page.contains(&format!("{matching} RTL cocok")),
            "{app}: {query}: {page}"
        );
    }
    // The counts are of the plans the filters keep; a province filtered on
    // opens its own regencies.
    let (_, page) = rina.text(&format!("{base}?province=73")).await;
    assert!(
        counted(&page, "Diterima", 1) && counted(&page, "Dikirim", 0),
        "{app}: {page}"
    );
    assert!(page.contains(&regency("Kota Makassar", 1)), "{app}: {page}");
    assert!(!page.contains(&row("Bengkulu", 3)), "{app}: {page}");
    // The filters come back as chosen.
    let (_, page) = rina
        .text(&format!("{base}?strategy=community&late=1&q=budi"))
        .await;
    assert!(
        page.contains(r#"<option value="community" selected>"#),
        "{app}: {page}"
    );
    assert!(
        page.contains(r#"name="late" value="1" checked"#),
        "{app}: {page}"
    );
    assert!(page.contains(r#"value="budi""#), "{app}: {page}");
    assert_eq!(listed(&page), ["Budi Santoso"], "{app}");
}

/// The file an export link answers, with its type.
async fn download(browser: &Browser, path: &str) -> (String, Vec<u8>) {
    let response = browser.get(path).await;
    assert_eq!(response.status(), 200, "{path}");
    let kind = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    (kind, response.bytes().await.unwrap().to_vec())
}

/// An XLSX sheet, by name, as rows of text.
fn sheet(bytes: &[u8], name: &str) -> Vec<Vec<String>> {
    use calamine::Reader;
    let mut workbook = calamine::Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let range = workbook.worksheet_range(name).unwrap();
    range
        .rows()
        .map(|row| row.iter().map(|cell| cell.to_string()).collect())
        .collect()
}

backend_tests!(the_plans_export_as_csv_and_xlsx_honouring_the_filters);
async fn the_plans_export_as_csv_and_xlsx_honouring_the_filters(backend: TestBackend) {
    let class = Class::new(&backend).await;
    let (app, rina) = (&class.app, &class.rina);
    let base = format!("/manage/events/{SLUG}/plans/export");
    let (_, page) = rina
        .text(&format!("/manage/events/{SLUG}/plans?province=17"))
        .await;
    for link in [
        "/export?format=csv&amp;province=17\"",
        "/export?format=csv&amp;part=activities&amp;province=17\"",
        "/export?format=xlsx&amp;province=17\"",
        "/print?province=17\"",
    ] {
        assert!(page.contains(link), "{app}: {link}: {page}");
    }

    let (kind, csv) = download(rina, &format!("{base}?format=csv&province=17")).await;
    assert!(kind.starts_with("text/csv"), "{app}: {kind}");
    let plans = spreadsheet::read(&csv, Format::Csv).unwrap();
    assert_eq!(
        plans.header,
        [
            "Peserta",
            "Instansi",
            "Provinsi",
            "Kabupaten/kota",
            "Status RTL",
            "Terlambat",
            "Versi",
            "Dikirim",
            "Judul RTL",
            "Kondisi perpustakaan saat ini",
            "Tujuan",
            "Sasaran",
            "Strategi TPBIS yang didukung",
            "Indikator keberhasilan",
            "Jumlah kegiatan"
        ],
        "{app}"
    );
    let names: Vec<&str> = plans.rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(
        names,
        ["Ani Lestari", "Budi Santoso", "Citra Dewi"],
        "{app}"
    );
    let budi = &plans.rows[1];
    assert_eq!(
        budi[1..9],
        [
            "Perpustakaan Kota",
            "Bengkulu",
            "Kota Bengkulu",
            "Dikirim",
            "Ya",
            "1",
            &budi[7],
            "Pojok internet"
        ],
        "{app}"
    );
    assert!(budi[7].starts_with("20"), "{app}: {budi:?}");
    assert_eq!(
        budi[12],
        "Peningkatan layanan informasi melalui buku, komputer dan internet; \
         Fasilitasi kegiatan yang dibutuhkan masyarakat",
        "{app}"
    );
    assert_eq!(budi[14], "1", "{app}");
    // A draft has no version nor date; a formula typed in a plan stays text.
    assert_eq!(plans.rows[2][4..8], ["Draf", "Tidak", "0", ""], "{app}");
    let text = String::from_utf8(csv).unwrap();
    assert!(text.contains("'=HYPERLINK"), "{app}: {text}");

    let (_, csv) = download(
        rina,
        &format!("{base}?format=csv&part=activities&strategy=information"),
    )
    .await;
    let activities = spreadsheet::read(&csv, Format::Csv).unwrap();
    assert_eq!(
        activities.header,
        [
            "Peserta",
            "Instansi",
            "Judul RTL",
            "No.",
            "Kegiatan",
            "Bulan pelaksanaan",
            "Penanggung jawab",
            "Sumber daya / anggaran",
            "Mitra"
        ],
        "{app}"
    );
    let rows: Vec<(&str, &str, &str)> = activities
        .rows
        .iter()
        .map(|r| (r[0].as_str(), r[3].as_str(), r[4].as_str()))
        .collect();
    assert_eq!(
        rows,
        [
            ("Ani Lestari", "1", "Kegiatan 1"),
            ("Ani Lestari", "2", "Kegiatan 2"),
            ("Budi Santoso", "1", "Kegiatan 1")
        ],
        "{app}"
    );
    assert_eq!(activities.rows[1][5], "2030-02", "{app}");

    // The workbook holds both, each in its sheet; English headers for an
    // English reader.
    let (kind, xlsx) = download(rina, &format!("{base}?format=xlsx&state=accepted")).await;
    assert!(kind.contains("spreadsheetml"), "{app}: {kind}");
    let plans = sheet(&xlsx, "RTL");
    assert_eq!(plans.len(), 2, "{app}: {plans:?}");
    assert_eq!(
        plans[1][0..5],
        [
            "Dewi Sartika",
            "Perpustakaan Makassar",
            "Sulawesi Selatan",
            "Kota Makassar",
            "Diterima"
        ],
        "{app}"
    );
    assert_eq!(
        plans[1][10], "=HYPERLINK(\"http://contoh.example\")",
        "{app}"
    );
    let activities = sheet(&xlsx, "Kegiatan");
    assert_eq!(activities.len(), 4, "{app}: {activities:?}");
    assert_eq!(activities[3][4], "Kegiatan 3", "{app}");
    let english = rina.get(&format!("{base}?format=xlsx")).await;
    assert_eq!(english.status(), 200, "{app}");
    let english = rina
        .client
        .get(rina.url(&format!("{base}?format=xlsx")))
        .header("accept-language", "en")
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let plans = sheet(&english, "Plans");
    assert_eq!(plans[0][0], "Participant", "{app}");
    assert_eq!(plans.len(), 5, "{app}");
    assert_eq!(sheet(&english, "Activities").len(), 7, "{app}");
    assert_eq!(
        rina.get(&format!("{base}?format=pdf")).await.status(),
        404,
        "{app}"
    );
}

backend_tests!(plans_print_one_to_a_page_and_a_participant_prints_only_their_own);
async fn plans_print_one_to_a_page_and_a_participant_prints_only_their_own(backend: TestBackend) {
    let class = Class::new(&backend).await;
    let (app, rina) = (&class.app, &class.rina);
    let base = format!("/manage/events/{SLUG}/plans");
    let (status, page) = rina.text(&format!("{base}/{}/print", class.plans[1])).await;
    assert_eq!(status, 200, "{app}");
    for expected in [
        "<h1>Rencana Tindak Lanjut (RTL): Budi Santoso</h1>",
        "Program Transformasi Perpustakaan Berbasis Inklusi Sosial (TPBIS)",
        "<dd>Perpustakaan Kota</dd>",
        "<dd>Kota Bengkulu, Bengkulu</dd>",
        "<dd>Dikirim · Terlambat</dd>",
        "<dt>Versi</dt><dd>1</dd>",
        "Pojok internet",
        "Kegiatan 1",
        r#"<article class="printed">"#,
    ] {
        assert!(page.contains(expected), "{app}: {expected}: {page}");
    }
    assert!(!page.contains("<script"), "{app}");
    let (_, plan_page) = rina.text(&format!("{base}/{}", class.plans[1])).await;
    assert!(
        plan_page.contains(&format!("{base}/{}/print", class.plans[1])),
        "{app}"
    );

    // All the plans the filters keep, one article (a printed page) each.
    let (status, page) = rina.text(&format!("{base}/print?province=17")).await;
    assert_eq!(status, 200, "{app}");
    assert_eq!(
        page.matches(r#"<article class="printed">"#).count(),
        3,
        "{app}: {page}"
    );
    for name in ["Ani Lestari", "Budi Santoso", "Citra Dewi"] {
        assert!(
            page.contains(&format!("<h2>Rencana Tindak Lanjut (RTL): {name}</h2>")),
            "{app}: {name}"
        );
    }
    assert!(!page.contains("Dewi Sartika"), "{app}");
    assert!(page.contains("<dd>Belum dikirim</dd>"), "{app}: {page}");
    let css = app.page(&bimtek::web::assets::stylesheet_url()).await;
    assert!(
        css.contains("break-before:page") || css.contains("break-before: page"),
        "{app}"
    );

    // The participant prints their own plan from their plan's page.
    let ani = signed_in_by_link(app, &class.ani.1).await;
    let own = format!("/my/registrations/{}/plan", class.ani.0);
    let (_, plan_page) = ani.text(&own).await;
    assert!(
        plan_page.contains(&format!("{own}/print")),
        "{app}: {plan_page}"
    );
    let (status, page) = ani.text(&format!("{own}/print")).await;
    assert_eq!(status, 200, "{app}");
    assert!(
        page.contains("Rencana Tindak Lanjut (RTL): Ani Lestari"),
        "{app}: {page}"
    );
    assert!(
        page.contains("Layanan &quot;advocacy&quot; desa"),
        "{app}: {page}"
    );

    // Anyone else's seat, guessed or real, prints nothing.
    let budi = participant(&app.db, "peserta2@perpusdes.example.id", "Budi Santoso").await;
    let budi = signed_in_by_link(app, &budi).await;
    for path in [
        format!("{own}/print"),
        "/my/registrations/tidak-ada/plan/print".to_owned(),
    ] {
        let (status, page) = budi.text(&path).await;
        assert_eq!(status, 404, "{app}: {path}");
        assert!(!page.contains("Ani Lestari"), "{app}: {path}");
    }
    for plan in &class.plans {
        let (status, _) = ani.text(&format!("{base}/{plan}/print")).await;
        assert_ne!(status, 200, "{app}: {plan}");
    }
}

backend_tests!(the_overview_stays_light_with_hundreds_of_plans);
async fn the_overview_stays_light_with_hundreds_of_plans(backend: TestBackend) {
    let app = spawn_app(&backend).await;
    let event = create_event(&app.db, event(SLUG, Tz::Asia__Jakarta, true)).await;
    let admin = staff(&app.db, "admin@dispusip.example.id", true, None).await;
    // Every regency of Jawa Barat, Jawa Tengah and Jawa Timur, Jawa
    // Timur's 38 the most.
    let regions = bimtek::services::regions::directory(&app.db).await.unwrap();
    let regencies: Vec<String> = ["32", "33", "35", "35"]
        .iter()
        .flat_map(|p| regions.within(p).iter().map(|r| r.code.clone()))
        .collect();
    // Names, offices and titles as long as real ones get.
    for n in 0..300 {
        let name = format!("Dra. Rahmawati Kusumaningrum Pratiwi {n}, S.IPI., M.Hum.");
        let who = Author {
            n,
            name: &name,
            institution: "Dinas Perpustakaan dan Kearsipan Kabupaten Bengkulu Selatan",
            regency: &regencies[n % regencies.len()],
        };
        let author = seated(&app, &event, &admin, &who).await;
        let strategies = &Strategy::ALL[..1 + n % 3];
        let title = "Pojok Literasi Digital untuk Pelajar dan Pelaku UMKM di Perpustakaan Desa";
        let intent = if n % 4 == 0 {
            Intent::Save
        } else {
            Intent::Submit
        };
        written(&app, &author, content(title, strategies, 1 + n % 4), intent).await;
    }
    let rina = organiser(&app, SLUG).await;
    let list = format!("/manage/events/{SLUG}/plans");
    let css = app.page(&bimtek::web::assets::stylesheet_url()).await;
    for path in [
        list.clone(),
        format!("{list}?page=7"),
        format!("{list}?province=35"),
        format!("{list}?province=33&regency=33.01&state=submitted"),
        format!("{list}?q=Rahmawati&strategy=community&page=2"),
    ] {
        let (status, page) = rina.text(&path).await;
        assert_eq!(status, 200, "{app}: {path}");
        let weight = page.len() + css.len();
        println!("{app}: {path}: {weight} bytes with the stylesheet");
        assert!(
            weight < 30 * 1024,
            "{app}: {path} weighs {weight} bytes with its stylesheet"
        );
    }
    let (_, first) = rina.text(&list).await;
    assert!(
        first.contains("300 RTL cocok · halaman 1 dari 15"),
        "{app}: {first}"
    );
    assert_eq!(first.matches("<tr><td>Dra. Rahmawati").count(), 20, "{app}");
    assert!(first.contains(r#"rel="next""#), "{app}");

    // Printed by parts of eight, each part light, its links to the others.
    for (path, from, to) in [
        (format!("{list}/print"), 1, 8),
        (format!("{list}/print?page=1"), 9, 16),
        (format!("{list}/print?province=35&page=1"), 9, 16),
    ] {
        let (status, page) = rina.text(&path).await;
        assert_eq!(status, 200, "{app}: {path}");
        let weight = page.len() + css.len();
        println!("{app}: {path}: {weight} bytes with the stylesheet");
        assert!(weight < 30 * 1024, "{app}: {path} weighs {weight} bytes");
        assert_eq!(
            page.matches("<article class=\"printed\"").count(),
            8,
            "{app}: {path}"
        );
        assert!(
            page.contains(&format!("RTL {from}–{to} dari ")) && page.contains(r#"rel="next""#),
            "{app}: {path}: {page}"
        );
    }
}
