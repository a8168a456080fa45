//! The front page: the background or a frame, the logo, the centred text
//! from the organiser to the details, the signatories and the QR code.

use krilla::Document;
use krilla::geom::Rect;
use krilla::page::PageSettings;

use super::certificate::{Certificate, Pictures, Signatory};
use super::draw::{Align, Pen, height};
use super::layout::{Layout, Style};
use super::text::Fitted;
use crate::export::qr;

/// The centred texts shrink together by this much a step when they would
/// reach the signatures, down to half their size.
const SCALE_STEP: f32 = 0.05;
const SMALLEST_SCALE: f32 = 0.5;

pub(super) fn draw(
    document: &mut Document,
    layout: &Layout,
    certificate: &Certificate,
    pictures: &Pictures,
) {
    let spec = &layout.spec;
    let mut page = document.start_page_with(
        PageSettings::from_wh(spec.page.width, spec.page.height).expect("the layout's page size"),
    );
    let mut surface = page.surface();
    let mut pen = Pen {
        surface: &mut surface,
        layout,
    };
    let (page_width, page_height) = (spec.page.width, spec.page.height);
    match &pictures.background {
        Some(background) => {
            if let Some(page) = Rect::from_xywh(0.0, 0.0, page_width, page_height) {
                pen.picture(background, page);
            }
        }
        None => frame(&mut pen, page_width, page_height),
    }
    if let Some(logo) = &pictures.logo {
        let f = &spec.front;
        if let Some(area) = Rect::from_xywh(0.0, f.logo_top, page_width, f.logo_height) {
            pen.picture(logo, area);
        }
    }
    centred_text(&mut pen, certificate);
    signatures(&mut pen, certificate, pictures);
    qr_code(&mut pen, certificate);
}

fn frame(pen: &mut Pen, width: f32, height: f32) {
    let f = &pen.layout.spec.front;
    let (outer, inner) = (f.frame_inset, f.inner_inset);
    let (outer_width, inner_width) = (f.frame_width, f.inner_width);
    pen.stroked(
        (outer, outer, width - outer, height - outer),
        "accent",
        outer_width,
    );
    pen.stroked(
        (inner, inner, width - inner, height - inner),
        "gold",
        inner_width,
    );
}

/// The texts from the organiser to the details, at the largest common
/// scale at which they end above the signatures.
fn centred_text(pen: &mut Pen, c: &Certificate) {
    let f = &pen.layout.spec.front;
    // (text, style, a rule under it)
    let mut blocks: Vec<(&str, &Style, bool)> = vec![
        (&c.organiser, &f.organiser, false),
        (&c.heading, &f.heading, false),
        (&c.number, &f.number, false),
        (&c.presented_to, &f.presented_to, false),
        (&c.holder, &f.holder, true),
    ];
    if let Some(detail) = &c.holder_detail {
        blocks.push((detail, &f.holder_detail, false));
    }
    blocks.extend([
        (c.role_intro.as_str(), &f.role_intro, false),
        (&c.role, &f.role, false),
        (&c.event_intro, &f.event_intro, false),
        (&c.event_title, &f.event_title, false),
        (&c.details, &f.details, false),
    ]);
    let room = f.text_bottom - f.text_top;
    let mut scale = 1.0;
    let set = loop {
        let set: Vec<Fitted> = blocks
            .iter()
            .map(|(text, style, _)| pen.layout.fit(text, style, f.text_width, scale))
            .collect();
        let needed: f32 = set
            .iter()
            .zip(&blocks)
            .map(|(s, (_, style, _))| style.space * scale + height(s))
            .sum();
        if needed <= room || scale - SCALE_STEP < SMALLEST_SCALE {
            break set;
        }
        scale -= SCALE_STEP;
    };
    let centre = pen.layout.spec.page.width / 2.0;
    let mut top = f.text_top;
    for (fitted, (_, style, ruled)) in set.iter().zip(&blocks) {
        top += style.space * scale;
        let (below, widest) = pen.text(fitted, style, Align::Centre(centre), top);
        top = below;
        if *ruled {
            // A gold rule under the name, a little wider than it.
            let half = widest / 2.0 + 24.0;
            pen.stroked((centre - half, top, centre + half, top), "gold", 0.9);
            top += 2.0;
        }
    }
}

/// The place and date above the first signatory (right), a second one on
/// the left; the signature boxes of both on one line.
fn signatures(pen: &mut Pen, c: &Certificate, pictures: &Pictures) {
    let s = &pen.layout.spec.signatures;
    let place_date = pen.layout.fit(&c.place_date, &s.place_date, s.width, 1.0);
    let top = s.top + height(&place_date);
    let centres = [s.right_centre, s.left_centre];
    let positions: Vec<Fitted> = c
        .signatories
        .iter()
        .map(|signatory| {
            pen.layout
                .fit(&signatory.position, &s.position, s.width, 1.0)
        })
        .collect();
    let signature_top = top + positions.iter().map(height).fold(0.0, f32::max);
    pen.text(
        &place_date,
        &s.place_date,
        Align::Centre(s.right_centre),
        s.top,
    );
    let signed = c
        .signatories
        .iter()
        .zip(&positions)
        .zip(&pictures.signatories);
    for (((signatory, position), images), centre) in signed.zip(centres) {
        pen.text(position, &s.position, Align::Centre(centre), top);
        signatory_pictures(pen, images, centre, signature_top);
        name_and_lines(pen, signatory, centre, signature_top + s.signature_height);
    }
}

fn signatory_pictures(
    pen: &mut Pen,
    (signature, stamp): &(Option<krilla::image::Image>, Option<krilla::image::Image>),
    centre: f32,
    top: f32,
) {
    let s = &pen.layout.spec.signatures;
    let (height, stamp_size) = (s.signature_height, s.stamp_size);
    if let Some(stamp) = stamp {
        let middle = top + height / 2.0;
        let left = centre - s.width / 4.0 - stamp_size / 2.0;
        if let Some(area) = Rect::from_xywh(left, middle - stamp_size / 2.0, stamp_size, stamp_size)
        {
            pen.picture(stamp, area);
        }
    }
    if let Some(signature) = signature {
        let width = s.width * 0.6;
        if let Some(area) = Rect::from_xywh(centre - width / 2.0, top, width, height) {
            pen.picture(signature, area);
        }
    }
}

fn name_and_lines(pen: &mut Pen, signatory: &Signatory, centre: f32, top: f32) {
    let s = &pen.layout.spec.signatures;
    let name = pen.layout.fit(&signatory.name, &s.name, s.width, 1.0);
    let (mut top, widest) = pen.text(&name, &s.name, Align::Centre(centre), top);
    pen.stroked(
        (
            centre - widest / 2.0,
            top - 1.0,
            centre + widest / 2.0,
            top - 1.0,
        ),
        "text",
        0.6,
    );
    for line in &signatory.lines {
        let set = pen.layout.fit(line, &s.line, s.width, 1.0);
        top = pen.text(&set, &s.line, Align::Centre(centre), top).0;
    }
}

/// The QR code to the verify page, bottom left, its caption under it.
fn qr_code(pen: &mut Pen, c: &Certificate) {
    let s = &pen.layout.spec.signatures;
    let Some(modules) = qr::modules(&c.verify_url) else {
        return;
    };
    let caption_width = s.qr_size + 24.0;
    let caption = pen
        .layout
        .fit(&c.qr_caption, &s.qr_caption, caption_width, 1.0);
    let bottom = pen.layout.spec.page.height - s.qr_left + 8.0;
    let top = bottom - height(&caption) - s.qr_caption.space - s.qr_size;
    pen.qr(&modules, s.qr_left, top, s.qr_size);
    let centre = s.qr_left + s.qr_size / 2.0;
    let caption_top = top + s.qr_size + s.qr_caption.space;
    pen.text(&caption, &s.qr_caption, Align::Centre(centre), caption_top);
}
