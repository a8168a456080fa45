//! Drawing on a page in the layout's terms: set text in lines, rules and
//! frames, pictures fitted into boxes, and QR codes as vector squares.

use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect, Size, Transform};
use krilla::image::Image;
use krilla::num::NormalizedF32;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::text::TextDirection;

use super::layout::{Layout, Style};
use super::text::Fitted;
use crate::export::qr::Modules;

/// A line's height in sizes, and its baseline below the line's top.
pub(super) const LEADING: f32 = 1.3;
const BASELINE: f32 = 1.0;

/// Where lines stand: centred on x, or starting or ending at it.
#[derive(Clone, Copy, Debug)]
pub(super) enum Align {
    Centre(f32),
    Left(f32),
    Right(f32),
}

pub(super) struct Pen<'s, 'p> {
    pub surface: &'s mut Surface<'p>,
    pub layout: &'s Layout,
}

/// The height `set` takes.
pub(super) fn height(set: &Fitted) -> f32 {
    set.lines.len() as f32 * set.size * LEADING
}

impl Pen<'_, '_> {
    /// Draws `set` from `top` and returns the top of what follows; the
    /// widest line's width comes with it (for a rule below the text).
    pub fn text(&mut self, set: &Fitted, style: &Style, align: Align, top: f32) -> (f32, f32) {
        let face = self.layout.face(style.face);
        let colour = self.layout.colour(&style.colour);
        self.fill(colour);
        let mut widest: f32 = 0.0;
        let mut y = top;
        for line in &set.lines {
            let width = face.width(line) * set.size;
            widest = widest.max(width);
            let x = match align {
                Align::Centre(centre) => centre - width / 2.0,
                Align::Left(left) => left,
                Align::Right(right) => right - width,
            };
            self.surface.draw_text(
                Point::from_xy(x, y + set.size * BASELINE),
                face.font.clone(),
                set.size,
                line,
                false,
                TextDirection::LeftToRight,
            );
            y += set.size * LEADING;
        }
        (y, widest)
    }

    fn fill(&mut self, colour: rgb::Color) {
        self.surface.set_fill(Some(Fill {
            paint: colour.into(),
            opacity: NormalizedF32::ONE,
            rule: Default::default(),
        }));
    }

    pub fn filled_rect(&mut self, rect: Rect, colour: &str) {
        let mut path = PathBuilder::new();
        path.push_rect(rect);
        if let Some(path) = path.finish() {
            self.fill(self.layout.colour(colour));
            self.surface.set_stroke(None);
            self.surface.draw_path(&path);
        }
    }

    /// A rectangle's outline, or a line when it has no height.
    pub fn stroked(&mut self, (x1, y1, x2, y2): (f32, f32, f32, f32), colour: &str, width: f32) {
        let mut path = PathBuilder::new();
        if y1 == y2 {
            path.move_to(x1, y1);
            path.line_to(x2, y2);
        } else if let Some(rect) = Rect::from_ltrb(x1, y1, x2, y2) {
            path.push_rect(rect);
        }
        if let Some(path) = path.finish() {
            self.surface.set_fill(None);
            self.surface.set_stroke(Some(Stroke {
                paint: self.layout.colour(colour).into(),
                width,
                ..Default::default()
            }));
            self.surface.draw_path(&path);
            self.surface.set_stroke(None);
        }
    }

    /// `image` as large as fits in the box, centred in it, its proportions
    /// kept.
    pub fn picture(&mut self, image: &Image, area: Rect) {
        let (w, h) = image.size();
        if w == 0 || h == 0 {
            return;
        }
        let scale = (area.width() / w as f32).min(area.height() / h as f32);
        let (width, height) = (w as f32 * scale, h as f32 * scale);
        let Some(size) = Size::from_wh(width, height) else {
            return;
        };
        let x = area.left() + (area.width() - width) / 2.0;
        let y = area.top() + (area.height() - height) / 2.0;
        self.surface
            .push_transform(&Transform::from_translate(x, y));
        self.surface.draw_image(image.clone(), size);
        self.surface.pop();
    }

    /// `modules` as black squares in a square of `side` from (x, y), its
    /// quiet zone included.
    pub fn qr(&mut self, modules: &Modules, x: f32, y: f32, side: f32) {
        let unit = side / modules.size as f32;
        let mut path = PathBuilder::new();
        for run in &modules.runs {
            if let Some(rect) = Rect::from_xywh(
                x + run.x as f32 * unit,
                y + run.y as f32 * unit,
                run.length as f32 * unit,
                unit,
            ) {
                path.push_rect(rect);
            }
        }
        if let Some(path) = path.finish() {
            self.fill(rgb::Color::new(0, 0, 0));
            self.surface.set_stroke(None);
            self.surface.draw_path(&path);
        }
    }
}
