//! The certificate's layout, read once: `templates/certificate/layout.toml`
//! (positions, sizes, colours) and the four faces in
//! `templates/certificate/fonts`, both compiled into the binary, so that
//! rendering many certificates parses neither again.

use krilla::color::rgb;
use krilla::text::Font;
use serde::Deserialize;
use skrifa::instance::{LocationRef, Size};
use skrifa::raw::TableProvider;
use skrifa::{FontRef, MetadataProvider};

use super::text::{self, Fit, Fitted};

const LAYOUT: &str = include_str!("../../templates/certificate/layout.toml");
const SERIF: &[u8] = include_bytes!("../../templates/certificate/fonts/NotoSerif-Regular.ttf");
const SERIF_BOLD: &[u8] = include_bytes!("../../templates/certificate/fonts/NotoSerif-Bold.ttf");
const SANS: &[u8] = include_bytes!("../../templates/certificate/fonts/Lato-Regular.ttf");
const SANS_BOLD: &[u8] = include_bytes!("../../templates/certificate/fonts/Lato-Bold.ttf");

/// Everything about a certificate that is not its content.
pub struct Layout {
    pub(super) spec: Spec,
    faces: [Face; 4],
}

#[derive(Debug, thiserror::Error)]
pub enum LayoutError {
    #[error("templates/certificate/layout.toml: {0}")]
    Toml(#[from] toml::de::Error),
    #[error(
        "templates/certificate/layout.toml: \"{0}\" is not a colour (RGB hex, or a colour's name)"
    )]
    Colour(String),
    #[error("templates/certificate/fonts: {0} is not a font krilla reads")]
    Font(&'static str),
}

impl Layout {
    /// The layout shipped in `templates/certificate`.
    pub fn standard() -> Result<Layout, LayoutError> {
        let spec: Spec = toml::from_str(LAYOUT)?;
        spec.check_colours()?;
        let faces = [
            Face::new("NotoSerif-Regular.ttf", SERIF)?,
            Face::new("NotoSerif-Bold.ttf", SERIF_BOLD)?,
            Face::new("Lato-Regular.ttf", SANS)?,
            Face::new("Lato-Bold.ttf", SANS_BOLD)?,
        ];
        Ok(Layout { spec, faces })
    }

    pub(super) fn face(&self, name: FaceName) -> &Face {
        &self.faces[name as usize]
    }

    /// `text` set in `style` within `width`, every size scaled by `scale`.
    pub(super) fn fit(&self, text: &str, style: &Style, width: f32, scale: f32) -> Fitted {
        let face = self.face(style.face);
        let fit = Fit {
            size: style.size * scale,
            min_size: style.min_size * scale,
            lines: style.lines,
            width,
        };
        text::fit(text, &fit, |t| face.width(t))
    }

    /// A colour of the `[colours]` table, or one written as hex.
    pub(super) fn colour(&self, name: &str) -> rgb::Color {
        // Every colour named was checked when the layout was read.
        let value = self.spec.colours.get(name).map(String::as_str);
        hex(value.unwrap_or(name)).unwrap_or(rgb::Color::new(0, 0, 0))
    }
}

fn hex(text: &str) -> Option<rgb::Color> {
    let value = u32::from_str_radix(text.trim_start_matches('#'), 16).ok()?;
    (text.trim_start_matches('#').len() == 6).then(|| {
        let [_, r, g, b] = value.to_be_bytes();
        rgb::Color::new(r, g, b)
    })
}

/// One font: krilla's handle for drawing, and its advances for measuring.
pub(super) struct Face {
    pub font: Font,
    data: &'static [u8],
    units_per_em: f32,
}

impl Face {
    fn new(file: &'static str, data: &'static [u8]) -> Result<Face, LayoutError> {
        let font = Font::new(data.into(), 0).ok_or(LayoutError::Font(file))?;
        let parsed = FontRef::new(data).map_err(|_| LayoutError::Font(file))?;
        let units_per_em = f32::from(
            parsed
                .head()
                .map_err(|_| LayoutError::Font(file))?
                .units_per_em(),
        );
        Ok(Face {
            font,
            data,
            units_per_em,
        })
    }

    /// `text`'s width at size 1: the sum of its glyphs' advances (kerning
    /// only narrows Latin text, so a line measured so fits).
    pub fn width(&self, text: &str) -> f32 {
        let Ok(font) = FontRef::new(self.data) else {
            return 0.0;
        };
        let charmap = font.charmap();
        let metrics = font.glyph_metrics(Size::unscaled(), LocationRef::default());
        let units: f32 = text
            .chars()
            .map(|c| {
                let glyph = charmap.map(c).unwrap_or_default();
                metrics.advance_width(glyph).unwrap_or(0.0)
            })
            .sum();
        units / self.units_per_em
    }
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub(super) enum FaceName {
    Serif = 0,
    SerifBold = 1,
    Sans = 2,
    SansBold = 3,
}

/// A text's style: see the head of layout.toml.
#[derive(Debug, Deserialize)]
pub(super) struct Style {
    pub face: FaceName,
    pub size: f32,
    pub min_size: f32,
    pub lines: usize,
    pub space: f32,
    pub colour: String,
}

#[derive(Debug, Deserialize)]
pub(super) struct Spec {
    pub page: Page,
    pub colours: std::collections::HashMap<String, String>,
    pub front: Front,
    pub signatures: Signatures,
    pub sessions: Sessions,
}

impl Spec {
    fn check_colours(&self) -> Result<(), LayoutError> {
        let styles = [
            &self.front.organiser,
            &self.front.heading,
            &self.front.number,
            &self.front.presented_to,
            &self.front.holder,
            &self.front.holder_detail,
            &self.front.role_intro,
            &self.front.role,
            &self.front.event_intro,
            &self.front.event_title,
            &self.front.details,
            &self.signatures.place_date,
            &self.signatures.position,
            &self.signatures.name,
            &self.signatures.line,
            &self.signatures.qr_caption,
            &self.sessions.heading,
            &self.sessions.event,
            &self.sessions.facts,
            &self.sessions.header,
            &self.sessions.cell,
            &self.sessions.total,
        ];
        let named = styles.iter().map(|s| s.colour.as_str());
        for name in named.chain([self.sessions.header_fill.as_str()]) {
            let value = self.colours.get(name).map(String::as_str).unwrap_or(name);
            hex(value).ok_or_else(|| LayoutError::Colour(name.to_string()))?;
        }
        self.colours.values().try_for_each(|v| {
            hex(v)
                .map(|_| ())
                .ok_or_else(|| LayoutError::Colour(v.clone()))
        })
    }
}

#[derive(Debug, Deserialize)]
pub(super) struct Page {
    pub width: f32,
    pub height: f32,
}

#[derive(Debug, Deserialize)]
pub(super) struct Front {
    pub frame_inset: f32,
    pub frame_width: f32,
    pub inner_inset: f32,
    pub inner_width: f32,
    pub logo_top: f32,
    pub logo_height: f32,
    pub text_top: f32,
    pub text_width: f32,
    pub text_bottom: f32,
    pub organiser: Style,
    pub heading: Style,
    pub number: Style,
    pub presented_to: Style,
    pub holder: Style,
    pub holder_detail: Style,
    pub role_intro: Style,
    pub role: Style,
    pub event_intro: Style,
    pub event_title: Style,
    pub details: Style,
}

#[derive(Debug, Deserialize)]
pub(super) struct Signatures {
    pub top: f32,
    pub right_centre: f32,
    pub left_centre: f32,
    pub width: f32,
    pub signature_height: f32,
    pub stamp_size: f32,
    pub qr_left: f32,
    pub qr_size: f32,
    pub place_date: Style,
    pub position: Style,
    pub name: Style,
    pub line: Style,
    pub qr_caption: Style,
}

#[derive(Debug, Deserialize)]
pub(super) struct Sessions {
    pub margin: f32,
    pub top: f32,
    pub bottom: f32,
    pub number_width: f32,
    pub date_width: f32,
    pub jp_width: f32,
    pub title_share: f32,
    pub padding: f32,
    pub header_fill: String,
    pub heading: Style,
    pub event: Style,
    pub facts: Style,
    pub header: Style,
    pub cell: Style,
    pub total: Style,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_standard_layout_reads_and_measures_its_fonts() {
        let layout = Layout::standard().unwrap();
        let serif = layout.face(FaceName::Serif);
        // Wider text is wider; nothing is zero for a name with diacritics
        // and an apostrophe.
        assert!(serif.width("Siti") > 0.0);
        assert!(serif.width("Siti Rahmawati") > serif.width("Siti"));
        assert!(serif.width("Ni Luh Putu Ayu Dewi Ṣāliḥ O'Neil") > 10.0);
        assert_eq!(serif.width(""), 0.0);
    }

    #[test]
    fn colours_are_hex_or_the_tables_names() {
        assert_eq!(hex("17365d"), Some(rgb::Color::new(0x17, 0x36, 0x5d)));
        assert_eq!(hex("#ffffff"), Some(rgb::Color::new(255, 255, 255)));
        assert_eq!(hex("fff"), None);
        assert_eq!(hex("blue"), None);
    }
}
