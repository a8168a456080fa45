//! The one stylesheet, named by a hash of its content so that it can be
//! cached for a year and still change the moment a new version ships.

use std::sync::LazyLock;

use actix_web::http::header;
use actix_web::{HttpResponse, web};

use crate::error::Error;

/// The stylesheet as written, its comments explaining it to whoever edits it.
const SOURCE: &str = include_str!("../../templates/static/app.css");

/// The stylesheet as served: without those comments and the indentation,
/// which every page's weight would carry (about a tenth of the file).
static STYLESHEET: LazyLock<String> = LazyLock::new(|| without_comments(SOURCE));

static STYLESHEET_NAME: LazyLock<String> =
    LazyLock::new(|| format!("app.{:016x}.css", fnv1a(STYLESHEET.as_bytes())));

/// `css` without its `/* … */` comments, each line trimmed and blank lines
/// left out. The stylesheet has no `/*` inside a string, where this would
/// be wrong.
fn without_comments(css: &str) -> String {
    let mut kept = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(start) = rest.find("/*") {
        kept.push_str(&rest[..start]);
        rest = rest[start..]
            .find("*/")
            .map_or("", |end| &rest[start + end + 2..]);
    }
    kept.push_str(rest);
    let lines: Vec<&str> = kept
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect();
    lines.join("\n")
}

/// The path pages link to.
pub fn stylesheet_url() -> String {
    format!("/static/{}", *STYLESHEET_NAME)
}

pub async fn stylesheet(file: web::Path<String>) -> Result<HttpResponse, Error> {
    if *file != *STYLESHEET_NAME {
        return Err(Error::NotFound);
    }
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/css; charset=utf-8"))
        .insert_header((header::CACHE_CONTROL, "public, max-age=31536000, immutable"))
        .body(STYLESHEET.as_str()))
}

/// FNV-1a: not for security, only to tell versions of one file apart.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_name_follows_the_content() {
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_ne!(fnv1a(b"body{}"), fnv1a(b"body{ }"));
        assert!(stylesheet_url().starts_with("/static/app."));
    }

    #[test]
    fn the_stylesheet_is_served_without_its_comments() {
        let css = "/* One.\n   Two. */\nbody { margin: 0; }\n\n@media print {\n  /* x */ a { color: #000; }\n}\n";
        assert_eq!(
            without_comments(css),
            "body { margin: 0; }\n@media print {\na { color: #000; }\n}"
        );
        assert!(!STYLESHEET.contains("/*") && STYLESHEET.contains(".poster"));
        assert!(STYLESHEET.len() < SOURCE.len());
    }
}
