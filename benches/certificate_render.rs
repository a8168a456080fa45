//! Certificates rendered per second on two threads: the sample certificate
//! (`bimtek certificate-preview`: front page with its QR code, sessions
//! page), each with its own verify code, so each QR code differs.
//!
//!   cargo bench --bench certificate_render
//!
//! Each round renders COUNT certificates (default 600) on THREADS threads
//! (default 2), then as many references: a one-page PDF/A-2b with one line
//! of text in the same fonts, nothing else. ROUNDS (default 5) rounds,
//! alternating which goes first; prints each round and the medians.
//! LONG=1 renders the long sample instead (two signatories, every
//! picture, three pages).

#[allow(dead_code)]
mod common;

use std::time::Instant;

use bimtek::i18n::Lang;
use bimtek::pdf::sample::{self, Sample};
use bimtek::pdf::{Certificate, Layout, render};
use common::number;
use krilla::Document;
use krilla::configure::{Archival, ConfigurationBuilder};
use krilla::geom::Point;
use krilla::metadata::{DateTime, Metadata};
use krilla::page::PageSettings;
use krilla::text::{Font, TextDirection};

/// Renders `count` items split over `threads` threads; items per second.
fn rate(count: usize, threads: usize, one: &(impl Fn(usize) -> usize + Sync)) -> f64 {
    let start = Instant::now();
    let bytes: usize = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|t| scope.spawn(move || (t..count).step_by(threads).map(one).sum::<usize>()))
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).sum()
    });
    assert!(bytes > 0);
    count as f64 / start.elapsed().as_secs_f64()
}

/// The reference: one line of text in each of the certificate's fonts on
/// one page, as PDF/A-2b.
fn reference(fonts: &[Font]) -> usize {
    let configuration = ConfigurationBuilder::new()
        .with_archival_validator(Archival::A2_B)
        .finish()
        .unwrap();
    let mut document = Document::new_with(krilla::SerializeSettings {
        configuration,
        ..Default::default()
    });
    document.set_metadata(
        Metadata::new()
            .language("id".into())
            .creation_date(DateTime::new(2020).month(7).day(29)),
    );
    let mut page = document.start_page_with(PageSettings::from_wh(841.89, 595.28).unwrap());
    let mut surface = page.surface();
    for (i, font) in fonts.iter().enumerate() {
        surface.draw_text(
            Point::from_xy(72.0, 72.0 + 30.0 * i as f32),
            font.clone(),
            14.0,
            "Dra. Hj. Siti Rahmawati, S.IP., M.Hum.",
            false,
            TextDirection::LeftToRight,
        );
    }
    surface.finish();
    page.finish();
    document.finish().unwrap().len()
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn main() {
    let rounds = number("ROUNDS").unwrap_or(5);
    let count = number("COUNT").unwrap_or(600);
    let threads = number("THREADS").unwrap_or(2);
    let kind = if number("LONG") == Some(1) {
        Sample::Long
    } else {
        Sample::Plain
    };
    let layout = Layout::standard().unwrap();
    let base = sample::certificate(kind, Lang::Id, "https://bimtek.example.id");
    let certificates: Vec<Certificate> = (0..count)
        .map(|i| {
            let mut c = base.clone();
            c.code = format!("K7M2-Q9XD-{i:04}");
            c.verify_url = format!("https://bimtek.example.id/verify/{}", c.code);
            c
        })
        .collect();
    let fonts: Vec<Font> = [
        "NotoSerif-Regular",
        "NotoSerif-Bold",
        "Lato-Regular",
        "Lato-Bold",
    ]
    .iter()
    .map(|name| {
        let path = format!("templates/certificate/fonts/{name}.ttf");
        Font::new(std::fs::read(path).unwrap().into(), 0).unwrap()
    })
    .collect();
    let certificate = |i: usize| render(&layout, &certificates[i]).unwrap().len();
    let plain = |_: usize| reference(&fonts);
    let size = certificate(0);
    println!(
        "{kind:?} sample, {count} certificates a round on {threads} threads, {} bytes each",
        size
    );
    let (mut rendered, mut references) = (Vec::new(), Vec::new());
    for round in 0..rounds {
        let (c, r) = if round % 2 == 0 {
            let c = rate(count, threads, &certificate);
            (c, rate(count, threads, &plain))
        } else {
            let r = rate(count, threads, &plain);
            (rate(count, threads, &certificate), r)
        };
        println!(
            "round {}: certificates {c:.0}/s, reference {r:.0}/s",
            round + 1
        );
        rendered.push(c);
        references.push(r);
    }
    let (c, r) = (median(rendered), median(references));
    println!(
        "median: certificates {c:.0}/s, reference {r:.0}/s (ratio {:.2})",
        c / r
    );
}
