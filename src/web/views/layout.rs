//! The frame of every page: language, skip link, landmarks, language switch.

use maud::{DOCTYPE, Markup, html};

use super::forms;
use crate::i18n::Lang;
use crate::web::assets::stylesheet_url;
use crate::web::extract::PageContext;

pub fn page(ctx: &PageContext, title: &str, content: Markup) -> Markup {
    let lang = ctx.lang;
    html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · bimtek" }
                link rel="stylesheet" href=(stylesheet_url());
                // An empty icon: browsers stop asking for /favicon.ico.
                link rel="icon" href="data:,";
            }
            body {
                a.skip href="#main" { (lang.t("layout.skip")) }
                header.site {
                    a.brand href="/" { "bimtek" }
                    nav aria-label=(lang.t("layout.account")) {
                        ul.account {
                            @if let Some(me) = ctx.signed_in() {
                                li { a href="/my" { (lang.t("my.title")) } }
                                @if me.is_admin { li { a href="/admin" { (lang.t("admin.title")) } } }
                                li { (forms::post_button(ctx, "/sign-out", lang.t("layout.sign_out"), &[], forms::Look::Secondary)) }
                            } @else {
                                li { a href="/my/sign-in" { (lang.t("layout.sign_in")) } }
                            }
                        }
                    }
                    nav aria-label=(lang.t("layout.language")) {
                        ul.languages {
                            @for other in Lang::ALL {
                                li {
                                    @if other == lang {
                                        span aria-current="true" lang=(other.code()) { (other.native_name()) }
                                    } @else {
                                        a href=(switch_href(other, &ctx.path)) lang=(other.code()) hreflang=(other.code()) {
                                            (other.native_name())
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                main #main tabindex="-1" { (content) }
                footer.site {
                    p { (lang.t("layout.footer")) }
                }
            }
        }
    }
}

fn switch_href(lang: Lang, back_to: &str) -> String {
    let next: String = url::form_urlencoded::byte_serialize(back_to.as_bytes()).collect();
    format!("/lang/{}?next={next}", lang.code())
}
