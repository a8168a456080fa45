//! Certificates as PDF/A-2b files (krilla): the layout in
//! `templates/certificate`, read once, and a certificate's pages set on it.
//! Everything printed comes in worded; the rules of who gets which
//! certificate stay in `domain`.

mod back;
pub mod certificate;
mod draw;
mod front;
pub mod layout;
pub mod sample;
mod text;

pub use certificate::{Certificate, RenderError, check_picture, render};
pub use layout::Layout;

#[cfg(test)]
mod tests {
    use super::sample::{self, Sample};
    use super::*;
    use crate::i18n::Lang;

    fn pdf(c: &Certificate) -> Result<Vec<u8>, RenderError> {
        render(&Layout::standard().unwrap(), c)
    }

    fn contains(haystack: &[u8], needle: &str) -> bool {
        haystack
            .windows(needle.len())
            .any(|w| w == needle.as_bytes())
    }

    #[test]
    fn both_samples_render_as_pdf_a_with_the_code_in_the_metadata() {
        for (kind, lang) in [(Sample::Plain, Lang::Id), (Sample::Long, Lang::En)] {
            let c = sample::certificate(kind, lang, "https://bimtek.example.id");
            let bytes = pdf(&c).unwrap();
            assert!(bytes.starts_with(b"%PDF-"), "{kind:?}");
            assert!(contains(&bytes, "<pdfaid:part>2</pdfaid:part>"), "{kind:?}");
            assert!(contains(
                &bytes,
                "<pdfaid:conformance>B</pdfaid:conformance>"
            ));
            assert!(contains(&bytes, &c.code), "the verify code is in the XMP");
        }
    }

    #[test]
    fn the_same_certificate_gives_the_same_bytes() {
        let c = sample::certificate(Sample::Plain, Lang::Id, "https://bimtek.example.id");
        assert_eq!(pdf(&c).unwrap(), pdf(&c).unwrap());
    }

    #[test]
    fn a_name_the_fonts_cannot_print_is_refused_not_printed_as_boxes() {
        let mut c = sample::certificate(Sample::Plain, Lang::Id, "https://bimtek.example.id");
        c.holder = "Siti 王".into();
        assert_eq!(pdf(&c), Err(RenderError::MissingGlyph("王".into())));
    }

    #[test]
    fn a_picture_that_is_neither_png_nor_jpeg_is_refused() {
        let mut c = sample::certificate(Sample::Plain, Lang::Id, "https://bimtek.example.id");
        c.logo = Some(std::sync::Arc::new(b"GIF89a".to_vec()));
        assert!(matches!(pdf(&c), Err(RenderError::Picture(_))));
    }
}
