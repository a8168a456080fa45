//! The sessions' page: the heading, the event and its facts, then a table
//! No | date | subject | speakers | JP with a row per session and the
//! total. Rows that do not fit go on to another page, under the table's
//! header again.

use krilla::Document;
use krilla::geom::Rect;
use krilla::page::PageSettings;

use super::certificate::Certificate;
use super::draw::{Align, Pen, height};
use super::layout::{Layout, Style};
use super::text::Fitted;

pub(super) fn draw(document: &mut Document, layout: &Layout, c: &Certificate) {
    let spec = &layout.spec;
    let t = &spec.sessions;
    let columns = Columns::new(layout);
    let mut rows: Vec<[&str; 5]> = Vec::with_capacity(c.sessions.rows.len());
    let numbers: Vec<String> = (1..=c.sessions.rows.len()).map(|n| n.to_string()).collect();
    for (row, number) in c.sessions.rows.iter().zip(&numbers) {
        rows.push([number, &row.date, &row.title, &row.speakers, &row.jp]);
    }
    let header: [&str; 5] = c.sessions.columns.each_ref().map(String::as_str);
    let bottom = spec.page.height - t.bottom;
    let total_height = t.total.size * super::draw::LEADING + 2.0 * t.padding;
    let mut remaining = rows.as_slice();
    let mut first = true;
    // Every page takes at least one row, so this ends.
    while first || !remaining.is_empty() {
        let mut page = document.start_page_with(
            PageSettings::from_wh(spec.page.width, spec.page.height)
                .expect("the layout's page size"),
        );
        let mut surface = page.surface();
        let mut pen = Pen {
            surface: &mut surface,
            layout,
        };
        let mut top = t.top;
        if first {
            top = headings(&mut pen, c, top);
        }
        top = columns.row(&mut pen, &header, &t.header, Some(&t.header_fill), top);
        let mut drawn = 0;
        for (i, row) in remaining.iter().enumerate() {
            // The last row keeps the total on its page.
            let last = i + 1 == remaining.len();
            let needed = columns.height(&pen, row, &t.cell) + if last { total_height } else { 0.0 };
            if drawn > 0 && top + needed > bottom {
                break;
            }
            top = columns.row(&mut pen, row, &t.cell, None, top);
            drawn += 1;
        }
        remaining = &remaining[drawn..];
        if remaining.is_empty() {
            columns.total(&mut pen, c, top);
        }
        first = false;
    }
}

fn headings(pen: &mut Pen, c: &Certificate, top: f32) -> f32 {
    let t = &pen.layout.spec.sessions;
    let width = pen.layout.spec.page.width - 2.0 * t.margin;
    let centre = pen.layout.spec.page.width / 2.0;
    let mut top = top;
    let line = |pen: &mut Pen, text: &str, style: &Style, top: &mut f32| {
        *top += style.space;
        let set = pen.layout.fit(text, style, width, 1.0);
        *top = pen.text(&set, style, Align::Centre(centre), *top).0;
    };
    line(pen, &c.sessions.heading, &t.heading, &mut top);
    line(pen, &c.event_title, &t.event, &mut top);
    for fact in &c.sessions.facts {
        line(pen, fact, &t.facts, &mut top);
    }
    top + 14.0
}

/// The table's columns: left edges and widths.
struct Columns {
    left: [f32; 5],
    width: [f32; 5],
    padding: f32,
}

impl Columns {
    fn new(layout: &Layout) -> Columns {
        let t = &layout.spec.sessions;
        let table = layout.spec.page.width - 2.0 * t.margin;
        let shared = table - t.number_width - t.date_width - t.jp_width;
        let title = shared * t.title_share;
        let width = [
            t.number_width,
            t.date_width,
            title,
            shared - title,
            t.jp_width,
        ];
        let mut left = [t.margin; 5];
        for i in 1..5 {
            left[i] = left[i - 1] + width[i - 1];
        }
        Columns {
            left,
            width,
            padding: t.padding,
        }
    }

    fn cells(&self, pen: &Pen, row: &[&str; 5], style: &Style) -> Vec<Fitted> {
        row.iter()
            .zip(self.width)
            .map(|(text, width)| pen.layout.fit(text, style, width - 2.0 * self.padding, 1.0))
            .collect()
    }

    fn height(&self, pen: &Pen, row: &[&str; 5], style: &Style) -> f32 {
        let cells = self.cells(pen, row, style);
        cells.iter().map(height).fold(0.0, f32::max) + 2.0 * self.padding
    }

    /// One row of bordered cells (filled for the header); the number and
    /// JP centred.
    fn row(
        &self,
        pen: &mut Pen,
        row: &[&str; 5],
        style: &Style,
        fill: Option<&str>,
        top: f32,
    ) -> f32 {
        let cells = self.cells(pen, row, style);
        let bottom = top + cells.iter().map(height).fold(0.0, f32::max) + 2.0 * self.padding;
        let (left, right) = (self.left[0], self.left[4] + self.width[4]);
        if let (Some(fill), Some(rect)) = (fill, Rect::from_ltrb(left, top, right, bottom)) {
            pen.filled_rect(rect, fill);
        }
        for (i, cell) in cells.iter().enumerate() {
            let (x, w) = (self.left[i], self.width[i]);
            pen.stroked((x, top, x + w, bottom), "rule", 0.6);
            let centred = i == 0 || i == 4 || fill.is_some();
            let align = if centred {
                Align::Centre(x + w / 2.0)
            } else {
                Align::Left(x + self.padding)
            };
            pen.text(cell, style, align, top + self.padding);
        }
        bottom
    }

    /// The closing row: the label across the first four columns, the total
    /// under JP.
    fn total(&self, pen: &mut Pen, c: &Certificate, top: f32) {
        let style = &pen.layout.spec.sessions.total;
        let jp = 4;
        let label_width = self.left[jp] - self.left[0];
        let label = pen.layout.fit(
            &c.sessions.total_label,
            style,
            label_width - 2.0 * self.padding,
            1.0,
        );
        let total = pen.layout.fit(
            &c.sessions.total,
            style,
            self.width[jp] - 2.0 * self.padding,
            1.0,
        );
        let bottom = top + height(&label).max(height(&total)) + 2.0 * self.padding;
        pen.stroked((self.left[0], top, self.left[jp], bottom), "rule", 0.6);
        let right = self.left[jp] + self.width[jp];
        pen.stroked((self.left[jp], top, right, bottom), "rule", 0.6);
        let label_right = Align::Right(self.left[jp] - self.padding);
        pen.text(&label, style, label_right, top + self.padding);
        let centre = Align::Centre(self.left[jp] + self.width[jp] / 2.0);
        pen.text(&total, style, centre, top + self.padding);
    }
}
