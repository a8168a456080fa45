//! Thin handlers: extract, authorise, call one service, render.

pub mod accounts;
pub mod action_plans;
pub mod admin;
pub mod attendance;
pub mod attendance_import;
pub mod certificate_changes;
pub mod certificate_signing;
pub mod certificate_team;
pub mod certificates;
pub mod checkin;
pub mod events;
pub mod follow_up_reports;
pub mod follow_ups;
pub mod materials;
pub mod ops;
pub mod plan_overview;
pub mod plan_reviews;
pub mod profiles;
pub mod public;
pub mod registration;
pub mod roster;
pub mod sessions;
pub mod webhooks;

use actix_web::HttpResponse;
use actix_web::http::{StatusCode, header};
use maud::Markup;
use serde::Deserialize;

/// A page with a status other than 200 (a form sent back with messages).
pub fn page(status: StatusCode, markup: Markup) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(markup.into_string())
}

/// After a successful POST: go and GET the next page.
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .finish()
}

/// A spreadsheet of the event to download: `{slug}-{name}.{csv|xlsx}`.
pub fn spreadsheet(
    slug: &str,
    name: &str,
    format: crate::export::spreadsheet::Format,
    bytes: Vec<u8>,
) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(format.content_type())
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!(
                "attachment; filename=\"{slug}-{name}.{}\"",
                format.extension()
            ),
        ))
        .body(bytes)
}

/// Where to go back to afterwards (the language switch, signing in), from
/// a query or a form.
#[derive(Deserialize, Default)]
pub struct Next {
    #[serde(default)]
    pub next: Option<String>,
}

/// Only a path on this site, never another host (no open redirect).
/// Browsers drop tabs and newlines from a `Location` and read `\\` as `/`,
/// so `/\t/evil.example` leaves the site: only visible ASCII passes (which
/// also keeps the header valid), no `\\`, and no `//` at the start.
pub fn same_site(next: Option<&str>) -> Option<&str> {
    next.filter(|path| {
        path.starts_with('/')
            && path.bytes().all(|b| b.is_ascii_graphic())
            && !path.starts_with("//")
            && !path.contains('\\')
    })
}

/// A path on this site to go to, or the home page.
pub fn local_path(next: Option<&str>) -> &str {
    same_site(next).unwrap_or("/")
}

#[cfg(test)]
mod tests {
    use super::local_path;

    #[test]
    fn redirects_stay_on_this_site() {
        assert_eq!(local_path(Some("/events/x?lang=1")), "/events/x?lang=1");
        for outside in [
            "//evil.example",
            "https://evil.example",
            "/\\evil.example",
            "events",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r\n/evil.example",
            "/\0",
            "/ /evil.example",
        ] {
            assert_eq!(local_path(Some(outside)), "/", "{outside}");
        }
        assert_eq!(local_path(None), "/");
    }
}
