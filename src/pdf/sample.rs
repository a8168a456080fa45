//! A sample certificate, worded from the catalogue: what an organiser
//! previews the layout with (`bimtek certificate-preview`), and what the
//! checks and the benchmark render. `Sample::Long` tries the layout's
//! limits: long names with titles, a long event title, two signatories,
//! every picture, and sessions enough for a second sessions page.

use std::sync::Arc;

use chrono::{TimeZone, Utc};

use super::certificate::{Certificate, Picture, SessionRow, Sessions, Signatory};
use crate::i18n::{Lang, dates};

const LOGO: &[u8] = include_bytes!("../../templates/certificate/sample/logo.png");
const SIGNATURE: &[u8] = include_bytes!("../../templates/certificate/sample/signature.png");
const STAMP: &[u8] = include_bytes!("../../templates/certificate/sample/stamp.png");
const BACKGROUND: &[u8] = include_bytes!("../../templates/certificate/sample/background.jpg");

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sample {
    /// One signatory, no pictures, the Bengkulu bimtek's four sessions.
    Plain,
    /// The layout's limits (see the module's head).
    Long,
}

fn picture(bytes: &[u8]) -> Option<Picture> {
    Some(Arc::new(bytes.to_vec()))
}

/// The sample in `lang`, its QR code to `{base_url}/verify/{code}`.
pub fn certificate(sample: Sample, lang: Lang, base_url: &str) -> Certificate {
    let long = sample == Sample::Long;
    let code = "K7M2-Q9XD-4HPA";
    let number = "001/BIMTEK-TPBIS/DPK-BKL/VII/2020";
    let organiser = "Dinas Perpustakaan dan Kearsipan Provinsi Bengkulu";
    let holder = if long {
        "Prof. Dr. Hj. Ni Luh Putu Ayu Kusumawardhani Ṣāliḥah O'Neil-Siregar, S.Sos., S.IP., M.Hum., M.Si."
    } else {
        "Dra. Hj. Siti Rahmawati, S.IP., M.Hum."
    };
    let event_title = if long {
        "Bimbingan Teknis Transformasi Perpustakaan Berbasis Inklusi Sosial bagi Pengelola Perpustakaan Desa/Kelurahan, Sekolah dan Rumah Ibadah se-Provinsi Bengkulu Angkatan III Tahun Anggaran 2020"
    } else {
        "Bimbingan Teknis Transformasi Perpustakaan Berbasis Inklusi Sosial (TPBIS)"
    };
    let july = dates::month(lang, 2020, 7);
    let place = if long {
        lang.tf("certificate.place", &[("place", &"Aula Dinas Perpustakaan dan Kearsipan, Jalan Pembangunan No. 23, Padang Harapan, Kota Bengkulu")])
    } else {
        lang.t("certificate.online").to_string()
    };
    let dates_text = format!("27–29 {july}");
    let rows = sessions(if long { 14 } else { 4 }, &july);
    let total: u32 = rows.iter().filter_map(|r| r.jp.parse::<u32>().ok()).sum();
    let mut signatories = vec![Signatory {
        position: "Kepala Dinas Perpustakaan dan Kearsipan Provinsi Bengkulu".into(),
        name: "Drs. H. Meri Sasdi, M.Pd.".into(),
        lines: vec![
            "Pembina Utama Muda (IV/c)".into(),
            "NIP 19680512 199303 1 004".into(),
        ],
        signature: long.then(|| picture(SIGNATURE)).flatten(),
        stamp: long.then(|| picture(STAMP)).flatten(),
    }];
    if long {
        signatories.push(Signatory {
            position: "Kepala Pusat Pengembangan Perpustakaan dan Pengkajian Minat Baca, Perpustakaan Nasional Republik Indonesia".into(),
            name: "Dr. Adin Bondar, S.Sos., M.Si.".into(),
            lines: vec!["NIP 19710205 199203 1 002".into()],
            signature: picture(SIGNATURE),
            stamp: None,
        });
    }
    Certificate {
        code: code.into(),
        verify_url: format!("{}/verify/{code}", base_url.trim_end_matches('/')),
        language: lang.code().into(),
        issued_at: Utc.with_ymd_and_hms(2020, 7, 29, 8, 0, 0).unwrap(),
        organiser: organiser.into(),
        heading: lang.t("certificate.heading").into(),
        number: lang.tf("certificate.number", &[("number", &number)]),
        presented_to: lang.t("certificate.presented_to").into(),
        holder: holder.into(),
        holder_detail: Some(if long {
            "NIP 19850317 201001 2 019 · Dinas Perpustakaan dan Kearsipan Kabupaten Rejang Lebong"
                .into()
        } else {
            "NIP 19700101 199003 2 001 · Perpustakaan Desa Sukamaju, Kabupaten Seluma".into()
        }),
        role_intro: lang.t("certificate.role_intro").into(),
        role: lang.t("certificate.role.participant").into(),
        event_intro: lang.t("certificate.event_intro").into(),
        event_title: event_title.into(),
        details: lang.tf(
            "certificate.details",
            &[
                ("organiser", &organiser),
                ("dates", &dates_text),
                ("place", &place),
                ("jp", &total),
            ],
        ),
        place_date: format!("Bengkulu, 29 {july}"),
        signatories,
        logo: long.then(|| picture(LOGO)).flatten(),
        background: long.then(|| picture(BACKGROUND)).flatten(),
        qr_caption: lang.t("certificate.qr_caption").into(),
        sessions: Sessions {
            heading: lang.t("certificate.sessions_heading").into(),
            facts: vec![
                format!("{dates_text} · {place}"),
                lang.tf(
                    "certificate.sessions_of",
                    &[("number", &number), ("holder", &holder)],
                ),
            ],
            columns: [
                "column_number",
                "column_date",
                "column_subject",
                "column_speakers",
                "column_jp",
            ]
            .map(|key| lang.t(&format!("certificate.{key}")).to_string()),
            rows,
            total_label: lang.t("certificate.total").into(),
            total: total.to_string(),
        },
    }
}

/// `count` sessions over the three days, cycling through the TPBIS
/// programme's subjects.
fn sessions(count: usize, july: &str) -> Vec<SessionRow> {
    const SUBJECTS: [(&str, &str, u32); 4] = [
        (
            "Kebijakan Transformasi Perpustakaan Berbasis Inklusi Sosial",
            "Dr. Joko Santoso, M.Hum. (Perpustakaan Nasional RI)",
            2,
        ),
        (
            "Strategi Pengembangan Perpustakaan sebagai Pusat Kegiatan Masyarakat",
            "Dra. Nelwaty, M.Si.; Ir. Bambang Supriyo Utomo, M.M.",
            3,
        ),
        (
            "Advokasi dan Kemitraan untuk Keberlanjutan Program",
            "Woro Titi Haryanti, M.A.",
            3,
        ),
        (
            "Penyusunan Rencana Tindak Lanjut (RTL)",
            "Tim Fasilitator Provinsi Bengkulu",
            3,
        ),
    ];
    (0..count)
        .map(|i| {
            let (title, speakers, jp) = SUBJECTS[i % SUBJECTS.len()];
            SessionRow {
                date: format!("{} {july}", 27 + (i * 3 / count.max(1))),
                title: title.into(),
                speakers: speakers.into(),
                jp: jp.to_string(),
            }
        })
        .collect()
}
