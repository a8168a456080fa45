use actix_web::http::StatusCode;
use maud::{Markup, html};
use serde_json::{Value, json};

use super::layout;
use crate::i18n::Lang;
use crate::web::extract::PageContext;

/// A more precise text than the status's own, by catalogue prefix
/// (`<key>.title`, `<key>.body`).
#[derive(Clone, Copy, Debug)]
pub struct ErrorText(pub &'static str);

/// The catalogue's texts for an error: its own when it has them, else the
/// status's, else the family's (4xx/5xx).
fn texts(lang: Lang, status: StatusCode, text: Option<ErrorText>) -> (&'static str, &'static str) {
    let key = match (text, status.as_u16()) {
        (Some(ErrorText(key)), _) => key.to_owned(),
        (None, code @ (400 | 403 | 404 | 405 | 408 | 413 | 415 | 422 | 429 | 503)) => {
            format!("error.{code}")
        }
        (None, code) if code >= 500 => "error.5xx".to_owned(),
        (None, _) => "error.4xx".to_owned(),
    };
    (
        lang.t(&format!("{key}.title")),
        lang.t(&format!("{key}.body")),
    )
}

pub fn page(
    ctx: &PageContext,
    status: StatusCode,
    text: Option<ErrorText>,
    request_id: Option<&str>,
) -> Markup {
    let lang = ctx.lang;
    let (title, body) = texts(lang, status, text);
    layout::page(
        ctx,
        title,
        html! {
            h1 { (title) }
            p { (body) }
            @if status.is_server_error() {
                @if let Some(id) = request_id {
                    p { (lang.t("error.reference")) " " code { (id) } }
                }
            }
            p { a href="/" { (lang.t("error.home")) } }
        },
    )
}

pub fn json_body(
    lang: Lang,
    status: StatusCode,
    text: Option<ErrorText>,
    request_id: Option<&str>,
) -> Value {
    let (title, body) = texts(lang, status, text);
    json!({
        "status": status.as_u16(),
        "error": title,
        "reason": body,
        "request_id": request_id,
    })
}
