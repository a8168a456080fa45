//! The organisers' overview of an event's action plans (counts, filters,
//! pages) and the plans as printed documents, one participant a page.

use maud::{Markup, html};
use serde::Deserialize;

use super::forms::{Errors, Field, input, select};
use super::{action_plans, format, layout};
use crate::domain::action_plan::filter::{state_name, strategy_of};
use crate::domain::action_plan::{Filter, State, Strategy, strategy_name};
use crate::domain::event::Event;
use crate::domain::region::{Directory, Region};
use crate::domain::text::given;
use crate::i18n::Lang;
use crate::services::action_plans::Listed;
use crate::services::plan_overview::{Overview, PAGE_SIZE};
use crate::web::extract::PageContext;

/// The overview's filters and page, as they travel in its address.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct PlanQuery {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub late: String,
    #[serde(default)]
    pub strategy: String,
    #[serde(default)]
    pub province: String,
    #[serde(default)]
    pub regency: String,
    #[serde(default)]
    pub page: Option<u32>,
}

impl PlanQuery {
    pub fn filter(&self) -> Filter {
        Filter {
            text: given(&self.q),
            state: State::ALL
                .into_iter()
                .find(|s| state_name(*s) == self.state.trim()),
            late: !self.late.trim().is_empty(),
            strategy: strategy_of(self.strategy.trim()),
            province_code: given(&self.province),
            regency_code: given(&self.regency).filter(|_| !self.province.trim().is_empty()),
        }
    }

    /// The address's query of the same filters, at another page (0-based)
    /// or in another place (`province`, `regency`). What is left empty is
    /// left out: the counts by region carry one such address a row.
    pub fn query_string(&self, page: u32, (province, regency): (&str, &str)) -> String {
        let page = if page == 0 {
            String::new()
        } else {
            page.to_string()
        };
        let pairs = [
            ("q", self.q.trim()),
            ("state", &self.state),
            ("late", &self.late),
            ("strategy", &self.strategy),
            ("province", province),
            ("regency", regency),
            ("page", &page),
        ];
        let set: Vec<_> = pairs
            .iter()
            .filter(|(_, value)| !value.is_empty())
            .collect();
        serde_urlencoded::to_string(set).unwrap_or_default()
    }

    fn here(&self, page: u32) -> String {
        self.query_string(page, (&self.province, &self.regency))
    }
}

pub struct OverviewPage<'a> {
    pub event: &'a Event,
    pub query: &'a PlanQuery,
    pub overview: &'a Overview,
    /// 0-based.
    pub number: u32,
}

fn choices(
    lang: Lang,
    all: &str,
    items: impl Iterator<Item = (String, String)>,
) -> Vec<(String, String)> {
    std::iter::once((String::new(), lang.t(all).to_owned()))
        .chain(items)
        .collect()
}

fn places(regions: &[Region]) -> impl Iterator<Item = (String, String)> + '_ {
    regions.iter().map(|r| (r.code.clone(), r.name.clone()))
}

fn region_name(regions: &Directory, code: &str) -> String {
    regions
        .find(code)
        .map_or(code, |r| r.name.as_str())
        .to_owned()
}

pub fn overview(ctx: &PageContext, page: &OverviewPage<'_>) -> Markup {
    let lang = ctx.lang;
    let t = |key| lang.t(key);
    let (event, query, overview) = (page.event, page.query, page.overview);
    let base = format!("/manage/events/{}/plans", event.slug);
    // The exports and the printed plans keep the filters, whatever the page.
    let filters = query.here(0);
    let joined = |first: &str, rest: &str| {
        if rest.is_empty() {
            first.to_owned()
        } else {
            format!("{first}&{rest}")
        }
    };
    let pages = ((overview.matching + PAGE_SIZE - 1) / PAGE_SIZE).max(1) as u32;
    let states = choices(
        lang,
        "plan.overview.all_states",
        State::ALL
            .into_iter()
            .map(|s| (state_name(s).to_owned(), lang.label(s).to_owned())),
    );
    let strategies = choices(
        lang,
        "plan.overview.all_strategies",
        Strategy::ALL
            .into_iter()
            .map(|s| (strategy_name(s).to_owned(), lang.label(s).to_owned())),
    );
    let regions = &overview.regions;
    let regencies = regions.within(query.province.trim());
    layout::page(
        ctx,
        &format!("{}: {}", t("plan.list_title"), event.title),
        html! {
            p.back { a href={ "/manage/events/" (event.slug) } lang=[format::authored(lang)] { (event.title) } }
            h1 { (t("plan.list_title")) }
            ul.counts aria-label=(t("plan.overview.by_state")) {
                @for (state, n) in &overview.by_state {
                    li { (lang.label(*state)) ": " strong { (n) } }
                }
                li { (t("plan.late")) ": " strong { (overview.late) } }
                @if let Some(n) = overview.without_plan {
                    li { (t("plan.overview.without_plan")) ": " strong { (n) } }
                }
            }
            h2 { (t("plan.overview.by_strategy")) }
            ul {
                @for (strategy, n) in &overview.by_strategy {
                    li { (lang.label(*strategy)) ": " strong { (n) } }
                }
            }
            (regions_table(lang, query, overview))
            ul.links {
                li { a href={ (base) "/export?" (joined("format=csv", &filters)) } { (t("plan.overview.export_csv")) } }
                li { a href={ (base) "/export?" (joined("format=csv&part=activities", &filters)) } { (t("plan.overview.export_activities")) } }
                li { a href={ (base) "/export?" (joined("format=xlsx", &filters)) } { (t("plan.overview.export_xlsx")) } }
                li { a href={ (base) "/print" @if !filters.is_empty() { "?" (filters) } } { (t("plan.overview.print_all")) } }
                li { a href={ (base) "/follow-ups" } { (t("follow_up.dates_link")) } }
            }
            form.filters method="get" action=(base) role="search" {
                (input(lang, Field::new("q", t("plan.overview.search"), "search", &query.q).optional(), &Errors::none()))
                (select(lang, "state", t("plan.state_label"), &states, &query.state, &Errors::none()))
                (select(lang, "strategy", t("plan.overview.strategy"), &strategies, &query.strategy, &Errors::none()))
                (select(lang, "province", t("registration.province"), &choices(lang, "roster.all_provinces", places(regions.provinces())), &query.province, &Errors::none()))
                @if !regencies.is_empty() {
                    (select(lang, "regency", t("registration.regency"), &choices(lang, "roster.all_regencies", places(regencies)), &query.regency, &Errors::none()))
                }
                div.field.check {
                    input #f-late type="checkbox" name="late" value="1" checked[!query.late.trim().is_empty()];
                    label for="f-late" { (t("plan.overview.late_only")) }
                }
                button type="submit" { (t("roster.apply")) }
            }
            p role="status" { (lang.tf("plan.overview.matching", &[("n", &overview.matching), ("page", &(page.number + 1)), ("pages", &pages)])) }
            @if !overview.rows.is_empty() {
                (rows(lang, event, overview))
            }
            nav.pages aria-label=(t("roster.pages")) {
                @if page.number > 0 {
                    a rel="prev" href={ (base) "?" (query.here(page.number - 1)) } { "← " (t("roster.previous")) }
                    " "
                }
                @if page.number + 1 < pages {
                    a rel="next" href={ (base) "?" (query.here(page.number + 1)) } { (t("roster.next")) " →" }
                }
            }
        },
    )
}

/// This page's plans, a row each; on a phone each row stacks its cells.
/// Each links to its plan by a relative address (`plans/{id}` beside
/// `plans`), twenty times lighter.
fn rows(lang: Lang, event: &Event, overview: &Overview) -> Markup {
    let t = |key| lang.t(key);
    let (participant, region, title, state, submitted) = (
        t("plan.participant"),
        t("roster.region"),
        t("plan.field.title"),
        t("plan.state_label"),
        t("plan.submitted"),
    );
    html! {
        div.table tabindex="0" role="region" aria-labelledby="plans-caption" {
        table.stack {
            caption #plans-caption { (t("plan.list_title")) }
            thead { tr {
                th scope="col" { (participant) }
                th scope="col" { (region) }
                th scope="col" { (title) }
                th scope="col" { (state) }
                th scope="col" { (submitted) }
            } }
            tbody {
                @for listed in &overview.rows {
                    @let plan = &listed.plan;
                    tr {
                        td { (listed.participant) br; small { (listed.institution) } }
                        td data-label=(region) { (region_name(&overview.regions, &listed.regency_code)) }
                        td data-label=(title) lang=[format::authored(lang)] {
                            @if let Some(id) = &plan.id { a href={ "plans/" (id) } { (action_plans::title_or_untitled(lang, &plan.content)) } }
                        }
                        td data-label=(state) {
                            (lang.label(plan.state))
                            @if plan.version > 0 { " " (lang.tf("plan.overview.version", &[("n", &plan.version)])) }
                            @if plan.late { " · " (t("plan.late")) }
                        }
                        td data-label=(submitted) { @if let Some(at) = plan.submitted_at { (format::moment(lang, at, event.time_zone)) } }
                    }
                }
            }
        }
        }
    }
}

/// Counts by province, and by regency within one (the province filtered
/// on, else the one most plans come from); a province links to the list
/// filtered on it, which opens its regencies. The regencies' rows stay
/// plain (the form filters on one): a province of 38 would add 2 KB.
fn regions_table(lang: Lang, query: &PlanQuery, overview: &Overview) -> Markup {
    let t = |key| lang.t(key);
    let regions = &overview.regions;
    let open = overview.open_province.as_deref().unwrap_or_default();
    html! {
        h2 #regions { (t("plan.overview.by_region")) }
        @if overview.by_province.is_empty() {
            p { (t("plan.list_none")) }
        } @else {
            div.table tabindex="0" role="region" aria-labelledby="regions" {
                table {
                    thead { tr {
                        th scope="col" { (t("roster.region")) }
                        th scope="col" { (t("plan.overview.plans")) }
                    } }
                    tbody {
                        @for (province, n) in &overview.by_province {
                            tr {
                                th scope="row" {
                                    a href={ "?" (query.query_string(0, (province, ""))) } aria-current=[(province == open).then_some("true")] { (region_name(regions, province)) }
                                }
                                td { strong { (n) } }
                            }
                            @if province == open {
                                @for (regency, n) in &overview.by_regency {
                                    tr {
                                        th scope="row" { span.indent { (region_name(regions, regency)) } }
                                        td { (n) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// One plan as printed: the programme, the event, who wrote it, where it
/// stands, then the plan. `heading`: the participant's name as a heading
/// of the document (one plan) or of its part (all of them).
fn printed(lang: Lang, event: &Event, listed: &Listed, regions: &Directory, alone: bool) -> Markup {
    let t = |key| lang.t(key);
    let plan = &listed.plan;
    let place = format!(
        "{}, {}",
        region_name(regions, &listed.regency_code),
        region_name(regions, &listed.province_code)
    );
    let name = html! { (t("plan.title")) ": " (listed.participant) };
    html! {
        @if alone { h1 { (name) } } @else { h2 { (name) } }
        p { (t("plan.print.programme")) }
        dl.facts {
            dt { (t("attendance.print_event")) } dd lang=[format::authored(lang)] { (event.title) }
            dt { (t("event.organiser")) } dd lang=[format::authored(lang)] { (event.organiser_office) }
            dt { (t("plan.participant")) } dd { (listed.participant) }
            dt { (t("registration.institution")) } dd { (listed.institution) }
            dt { (t("roster.region")) } dd { (place) }
            dt { (t("plan.state_label")) } dd {
                (lang.label(plan.state)) @if plan.late { " · " (t("plan.late")) }
            }
            dt { (t("plan.export.version")) } dd { (plan.version) }
            dt { (t("plan.submitted")) } dd {
                @match plan.submitted_at {
                    Some(at) => (format::moment(lang, at, event.time_zone)),
                    None => (t("plan.print.not_submitted")),
                }
            }
        }
        (action_plans::content(lang, &plan.content, None, None, alone))
    }
}

/// Plans ready to print on A4, one participant to a printed page: one
/// plan (`Printed::One`) or the filtered plans by parts; `back`: the page
/// they were opened from.
pub fn print(
    ctx: &PageContext,
    (event, regions): (&Event, &Directory),
    printed_plans: Printed<'_>,
    back: &str,
) -> Markup {
    let lang = ctx.lang;
    let (title, plans) = match printed_plans {
        Printed::One(listed) => (
            format!("{} · {}", lang.t("plan.title"), listed.participant),
            std::slice::from_ref(listed),
        ),
        Printed::All { plans, .. } => (
            format!("{}: {}", lang.t("plan.list_title"), event.title),
            plans,
        ),
    };
    let part = match printed_plans {
        Printed::All { number, query, .. } => Some((number, query)),
        Printed::One(_) => None,
    };
    let parts = plans.len().div_ceil(PRINTED_AT_ONCE).max(1);
    let alone = matches!(printed_plans, Printed::One(_));
    layout::page(
        ctx,
        &title,
        html! {
            @if alone {
                p.back { a href=(back) { (lang.t("plan.title")) } }
                p.hint.no-print { (lang.t("plan.print.hint")) }
            } @else {
                p.back { a href=(back) { (lang.t("plan.list_title")) } }
                h1 { (lang.t("plan.list_title")) }
                p.lead lang=[format::authored(lang)] { (event.title) }
            }
            @if let Some((number, query)) = part {
                @let from = number as usize * PRINTED_AT_ONCE;
                @let shown = plans.iter().skip(from).take(PRINTED_AT_ONCE);
                p.hint.no-print { (lang.tf("plan.print.all_hint", &[("from", &(from + 1).min(plans.len())), ("to", &(from + PRINTED_AT_ONCE).min(plans.len())), ("n", &plans.len())])) }
                @for listed in shown {
                    article.printed { (printed(lang, event, listed, regions, alone)) }
                }
                @if parts > 1 {
                    nav.pages.no-print aria-label=(lang.t("roster.pages")) {
                        @if number > 0 { a rel="prev" href={ "?" (query.here(number - 1)) } { "← " (lang.t("roster.previous")) } " " }
                        @if (number as usize) + 1 < parts { a rel="next" href={ "?" (query.here(number + 1)) } { (lang.t("roster.next")) " →" } }
                    }
                }
            } @else {
                @for listed in plans {
                    article.printed { (printed(lang, event, listed, regions, alone)) }
                }
            }
        },
    )
}

/// What a printed document holds.
#[derive(Clone, Copy)]
pub enum Printed<'a> {
    One(&'a Listed),
    /// Every plan the filters keep, of which the `number`th part of
    /// [`PRINTED_AT_ONCE`] is printed; its links lead to the others.
    All {
        plans: &'a [Listed],
        number: u32,
        query: &'a PlanQuery,
    },
}

/// Plans in one printed document: every plan of a large event at once
/// would weigh megabytes on a slow connection.
pub const PRINTED_AT_ONCE: usize = 8;
