use actix_web::http::StatusCode;
use maud::{Markup, html};
use serde_json::{Value, json};

use super::layout;
use crate::i18n::Lang;
use crate::web::extract::PageContext;

/// The catalogue's texts for a status: its own, or the family's (4xx/5xx).
fn texts(lang: Lang, status: StatusCode) -> (&'static str, &'static str) {
    let key = match status.as_u16() {
        code @ (400 | 403 | 404 | 405 | 413 | 422 | 429 | 503) => code.to_string(),
        code if code >= 500 => "5xx".to_owned(),
        _ => "4xx".to_owned(),
    };
    (
        lang.t(&format!("error.{key}.title")),
        lang.t(&format!("error.{key}.body")),
    )
}

pub fn page(ctx: &PageContext, status: StatusCode, request_id: Option<&str>) -> Markup {
    let lang = ctx.lang;
    let (title, body) = texts(lang, status);
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

pub fn json_body(lang: Lang, status: StatusCode, request_id: Option<&str>) -> Value {
    let (title, body) = texts(lang, status);
    json!({
        "status": status.as_u16(),
        "error": title,
        "reason": body,
        "request_id": request_id,
    })
}
