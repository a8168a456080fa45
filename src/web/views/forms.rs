//! Form pieces: every field has a label, keeps what was typed, and carries
//! its own message (linked with aria-describedby) when it is wrong.

use std::cell::RefCell;

use maud::{Markup, html};

use crate::domain::event::FieldError;
use crate::i18n::Lang;
use crate::web::extract::PageContext;

pub struct Field<'a> {
    pub name: &'a str,
    pub label: &'a str,
    pub kind: &'a str,
    pub value: &'a str,
    pub autocomplete: &'a str,
    /// The keyboard a phone shows ("numeric" for a code of digits).
    pub inputmode: Option<&'a str>,
    pub required: bool,
    /// Required in some cases only, which the hint names.
    pub conditional: bool,
    pub hint: Option<&'a str>,
    /// What the error summary calls the field when its label alone is not
    /// enough ("Date" within "Starts").
    pub summary_label: Option<&'a str>,
}

impl<'a> Field<'a> {
    pub fn new(name: &'a str, label: &'a str, kind: &'a str, value: &'a str) -> Field<'a> {
        Field {
            name,
            label,
            kind,
            value,
            autocomplete: "off",
            inputmode: None,
            required: true,
            conditional: false,
            hint: None,
            summary_label: None,
        }
    }

    pub fn autocomplete(mut self, value: &'a str) -> Self {
        self.autocomplete = value;
        self
    }

    pub fn inputmode(mut self, mode: &'a str) -> Self {
        self.inputmode = Some(mode);
        self
    }

    pub fn optional(mut self) -> Self {
        self.required = false;
        self
    }

    /// Neither marked optional nor required to the browser: the hint says
    /// when it is needed.
    pub fn conditional(mut self) -> Self {
        self.required = false;
        self.conditional = true;
        self
    }

    pub fn hint(mut self, hint: &'a str) -> Self {
        self.hint = Some(hint);
        self
    }

    pub fn summary_label(mut self, label: &'a str) -> Self {
        self.summary_label = Some(label);
        self
    }
}

/// What goes back into a field. Passwords never do. Date, time and number
/// fields only hold well-formed values (what browsers send from them), so a
/// hand-made value is dropped rather than written into invalid HTML.
fn shown_value<'a>(kind: &str, value: &'a str) -> &'a str {
    let well_formed = match kind {
        "password" => false,
        "date" => chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d").is_ok(),
        "time" => chrono::NaiveTime::parse_from_str(value, "%H:%M").is_ok(),
        "number" => value.parse::<f64>().is_ok(),
        _ => true,
    };
    if well_formed { value } else { "" }
}

/// A field's message in the reader's language, its placeholders filled.
pub fn message(lang: Lang, error: &FieldError) -> String {
    let args: Vec<(&str, &dyn std::fmt::Display)> = error
        .args
        .iter()
        .map(|(name, value)| (*name, value as &dyn std::fmt::Display))
        .collect();
    lang.tf(error.message, &args)
}

/// A form's errors while it is drawn. Each field takes its own messages and
/// notes its label, so that the summary drawn above the form afterwards
/// follows the form's order and names every field it links to.
pub struct Errors<'a> {
    all: &'a [FieldError],
    /// Index into `all`, the field's id and what the summary calls it.
    shown: RefCell<Vec<(usize, String, String)>>,
}

impl<'a> Errors<'a> {
    pub fn new(all: &'a [FieldError]) -> Errors<'a> {
        Errors {
            all,
            shown: RefCell::new(Vec::new()),
        }
    }

    /// For a form that never comes back with messages (a search).
    pub fn none() -> Errors<'static> {
        Errors::new(&[])
    }

    /// The first message for a field, noting the field as drawn.
    pub fn take(&self, name: &str, label: &str) -> Option<&'a FieldError> {
        let mut shown = self.shown.borrow_mut();
        for (i, error) in self.all.iter().enumerate() {
            if error.field == name && !shown.iter().any(|(at, ..)| *at == i) {
                shown.push((i, format!("f-{name}"), label.to_owned()));
            }
        }
        self.all.iter().find(|e| e.field == name)
    }
}

/// The summary, then the form it sums up: the form is drawn first (its
/// fields note their messages), its summary put above it.
pub fn summarised(lang: Lang, errors: &Errors<'_>, form: Markup) -> Markup {
    let shown = errors.shown.borrow();
    let unplaced = errors
        .all
        .iter()
        .enumerate()
        .filter(|(i, _)| !shown.iter().any(|(at, ..)| at == i));
    html! {
        @if !errors.all.is_empty() {
            div.alert role="alert" {
                p { strong { (lang.t("form.has_errors")) } }
                ul {
                    @for (at, id, label) in shown.iter() {
                        li { a href={ "#" (id) } { (label) ": " (message(lang, &errors.all[*at])) } }
                    }
                    // A message no field took still has to be read.
                    @for (_, error) in unplaced { li { (message(lang, error)) } }
                }
            }
        }
        (form)
    }
}

/// A page's title, which screen readers announce first: it says when the
/// page came back with errors.
pub fn title(lang: Lang, errors: &[FieldError], title: &str) -> String {
    if errors.is_empty() {
        title.to_owned()
    } else {
        lang.tf("form.error_title", &[("title", &title)])
    }
}

fn described_by(id: &str, hint: bool, error: bool) -> Option<String> {
    let parts: Vec<String> = [
        hint.then(|| format!("{id}-hint")),
        error.then(|| format!("{id}-error")),
    ]
    .into_iter()
    .flatten()
    .collect();
    (!parts.is_empty()).then(|| parts.join(" "))
}

pub fn input(lang: Lang, field: Field<'_>, errors: &Errors<'_>) -> Markup {
    let id = format!("f-{}", field.name);
    let error = errors.take(field.name, field.summary_label.unwrap_or(field.label));
    let value = shown_value(field.kind, field.value);
    html! {
        div.field.invalid[error.is_some()] {
            label for=(id) { (field.label) @if !field.required && !field.conditional { " " span.optional { (lang.t("form.optional")) } } }
            @if let Some(hint) = field.hint { p.hint id={ (id) "-hint" } { (hint) } }
            input id=(id) name=(field.name) type=(field.kind) value=(value)
                autocomplete=(field.autocomplete) inputmode=[field.inputmode] required[field.required]
                aria-invalid=[error.map(|_| "true")]
                aria-describedby=[described_by(&id, field.hint.is_some(), error.is_some())];
            @if let Some(error) = error { p.error id={ (id) "-error" } { (message(lang, error)) } }
        }
    }
}

pub fn select(
    lang: Lang,
    name: &str,
    label: &str,
    options: &[(String, String)],
    selected: &str,
    errors: &Errors<'_>,
) -> Markup {
    let id = format!("f-{name}");
    let error = errors.take(name, label);
    html! {
        div.field.invalid[error.is_some()] {
            label for=(id) { (label) }
            select id=(id) name=(name) aria-invalid=[error.map(|_| "true")]
                aria-describedby=[error.map(|_| format!("{id}-error"))] {
                @for (value, text) in options {
                    option value=(value) selected[value == selected] { (text) }
                }
            }
            @if let Some(error) = error { p.error id={ (id) "-error" } { (message(lang, error)) } }
        }
    }
}

pub fn textarea(
    lang: Lang,
    name: &str,
    label: &str,
    value: &str,
    hint: Option<&str>,
    errors: &Errors<'_>,
) -> Markup {
    textarea_marked(lang, (name, label, false), value, hint, errors)
}

/// A textarea marked required (to be filled before sending, though the
/// form may be saved without it) or optional.
pub fn textarea_marked(
    lang: Lang,
    (name, label, required): (&str, &str, bool),
    value: &str,
    hint: Option<&str>,
    errors: &Errors<'_>,
) -> Markup {
    let id = format!("f-{name}");
    let error = errors.take(name, label);
    html! {
        div.field.invalid[error.is_some()] {
            label for=(id) { (label) @if !required { " " span.optional { (lang.t("form.optional")) } } }
            @if let Some(hint) = hint { p.hint id={ (id) "-hint" } { (hint) } }
            textarea id=(id) name=(name) rows="6"
                aria-invalid=[error.map(|_| "true")]
                aria-describedby=[described_by(&id, hint.is_some(), error.is_some())] { (value) }
            @if let Some(error) = error { p.error id={ (id) "-error" } { (message(lang, error)) } }
        }
    }
}

pub fn checkbox(
    lang: Lang,
    name: &str,
    label: &str,
    checked: bool,
    hint: Option<&str>,
    errors: &Errors<'_>,
) -> Markup {
    let id = format!("f-{name}");
    let error = errors.take(name, label);
    html! {
        div.field.check.invalid[error.is_some()] {
            input id=(id) name=(name) type="checkbox" checked[checked]
                aria-invalid=[error.map(|_| "true")]
                aria-describedby=[described_by(&id, hint.is_some(), error.is_some())];
            label for=(id) { (label) }
            @if let Some(hint) = hint { p.hint id={ (id) "-hint" } { (hint) } }
            @if let Some(error) = error { p.error id={ (id) "-error" } { (message(lang, error)) } }
        }
    }
}

/// A set of radio buttons (a few options read faster than a list).
pub fn radios(
    lang: Lang,
    name: &str,
    legend: &str,
    options: &[(String, String)],
    chosen: &str,
    required: bool,
    errors: &Errors<'_>,
) -> Markup {
    choices(
        lang,
        ("radio", name, legend),
        options,
        |value| value == chosen,
        required,
        errors,
    )
}

/// A set of checkboxes sharing one name, for choosing several.
pub fn checkboxes(
    lang: Lang,
    name: &str,
    legend: &str,
    options: &[(String, String)],
    chosen: &[String],
    errors: &Errors<'_>,
) -> Markup {
    choices(
        lang,
        ("checkbox", name, legend),
        options,
        |value| chosen.iter().any(|c| c == value),
        false,
        errors,
    )
}

fn choices(
    lang: Lang,
    (kind, name, legend): (&str, &str, &str),
    options: &[(String, String)],
    chosen: impl Fn(&str) -> bool,
    required: bool,
    errors: &Errors<'_>,
) -> Markup {
    let error = errors.take(name, legend);
    let id = format!("f-{name}");
    let option_id = |i: usize| {
        if i == 0 {
            id.clone()
        } else {
            format!("{id}-{i}")
        }
    };
    html! {
        fieldset.field.invalid[error.is_some()] aria-describedby=[error.map(|_| format!("{id}-error"))] {
            legend { (legend) @if !required { " " span.optional { (lang.t("form.optional")) } } }
            @for (i, (value, text)) in options.iter().enumerate() {
                div.choice {
                    input type=(kind) id=(option_id(i)) name=(name) value=(value)
                        checked[chosen(value)] required[required];
                    label for=(option_id(i)) { (text) }
                }
            }
            @if let Some(error) = error { p.error id={ (id) "-error" } { (message(lang, error)) } }
        }
    }
}

/// The hidden token every state-changing form carries.
pub fn csrf(ctx: &PageContext) -> Markup {
    html! { input type="hidden" name="csrf_token" value=(ctx.csrf_token()); }
}

/// A form sending a file with its fields, carrying the token; the
/// browser's own checks off, so that the page's messages speak.
pub fn upload_form(ctx: &PageContext, action: &str, body: Markup) -> Markup {
    html! {
        form method="post" action=(action) enctype="multipart/form-data" novalidate {
            (csrf(ctx))
            (body)
        }
    }
}

/// How loud a button is: a page has one primary action; what removes or
/// withdraws something looks like a warning, never like saving.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Look {
    Primary,
    Secondary,
    /// The one action of a page that asks "remove this?".
    Danger,
    /// Withdrawing something from an ordinary page (unpublishing, stopping
    /// a feed): a warning's colour, but not the loudest button there.
    Withdraw,
}

impl Look {
    pub fn class(self) -> Option<&'static str> {
        match self {
            Look::Primary => None,
            Look::Secondary => Some("secondary"),
            Look::Danger => Some("danger"),
            Look::Withdraw => Some("secondary danger"),
        }
    }
}

/// A button that POSTs (sign out, resend): a form, so that it works without
/// JavaScript and carries the token.
pub fn post_button(
    ctx: &PageContext,
    action: &str,
    label: &str,
    hidden: &[(&str, &str)],
    look: Look,
) -> Markup {
    html! {
        form.inline method="post" action=(action) {
            (csrf(ctx))
            @for (name, value) in hidden { input type="hidden" name=(name) value=(value); }
            button class=[look.class()] type="submit" { (label) }
        }
    }
}

/// Links to the pages of a list; `query` is the rest of its address
/// (ending in `&` when not empty).
pub(super) fn pages_of(
    lang: Lang,
    (base, query): (&str, &str),
    number: usize,
    total: usize,
    size: usize,
) -> Markup {
    let pages = total.div_ceil(size).max(1);
    let at = |n: usize| format!("{base}?{query}page={n}");
    html! {
        @if pages > 1 {
            nav.pages aria-label=(lang.t("roster.pages")) {
                @if number > 0 { a rel="prev" href=(at(number - 1)) { "← " (lang.t("roster.previous")) } }
                span { (lang.tf("attendance.page", &[("page", &(number + 1)), ("pages", &pages)])) }
                @if number + 1 < pages { a rel="next" href=(at(number + 1)) { (lang.t("roster.next")) " →" } }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::shown_value;

    #[test]
    fn fields_get_back_only_what_they_can_hold() {
        assert_eq!(shown_value("text", "kemarin"), "kemarin");
        assert_eq!(shown_value("date", "kemarin"), "");
        assert_eq!(shown_value("date", "2026-12-07"), "2026-12-07");
        assert_eq!(shown_value("time", "08:30"), "08:30");
        assert_eq!(shown_value("number", "-1"), "-1");
        assert_eq!(shown_value("number", "seratus"), "");
        assert_eq!(shown_value("password", "rahasia"), "");
    }
}
