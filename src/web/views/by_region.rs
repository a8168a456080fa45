//! Counts by province, and by regency within one province only: the one
//! asked for, or else the one the most come from. An event drawing from
//! several provinces of up to some forty regencies each would otherwise
//! weigh more than its page.

use maud::{Markup, html};

use crate::i18n::Lang;

/// One regency's counts, in the table's column order; the first is the
/// number of people, which picks the province opened by default.
pub struct Counted {
    pub province_code: String,
    pub regency_code: String,
    pub counts: Vec<usize>,
}

/// What the table says around its numbers.
pub struct Labels<'a> {
    pub title: &'a str,
    /// Under the title when there are several provinces to choose from.
    pub hint: &'a str,
    /// Instead of the table when nobody is counted.
    pub nobody: &'a str,
    pub columns: &'a [&'a str],
}

/// The section, headed `#regions`; `tallies` sorted by province, then
/// regency; `region` names a code; `province`: the one asked for, if any.
pub fn table(
    lang: Lang,
    labels: &Labels<'_>,
    tallies: &[Counted],
    region: &dyn Fn(&str) -> String,
    province: &str,
) -> Markup {
    let mut provinces: Vec<&str> = tallies.iter().map(|t| t.province_code.as_str()).collect();
    provinces.dedup();
    let people = |code: &str| -> usize {
        tallies
            .iter()
            .filter(|t| t.province_code == code)
            .map(|t| t.counts.first().copied().unwrap_or(0))
            .sum()
    };
    let largest = provinces
        .iter()
        .copied()
        .max_by_key(|code| (people(code), std::cmp::Reverse(*code)));
    let open = match province {
        "" => largest.unwrap_or_default(),
        asked => asked,
    };
    html! {
        section aria-labelledby="regions" {
            h2 #regions { (labels.title) }
            @if tallies.is_empty() {
                p { (labels.nobody) }
            } @else {
                @if provinces.len() > 1 { p.hint { (labels.hint) } }
                div.table tabindex="0" role="region" aria-labelledby="regions" {
                    table.tally {
                        thead { tr {
                            th scope="col" { (lang.t("roster.region")) }
                            @for column in labels.columns { th scope="col" { (column) } }
                        } }
                        tbody {
                            @for code in &provinces {
                                @let within: Vec<_> = tallies.iter().filter(|t| t.province_code == *code).collect();
                                tr {
                                    th scope="row" {
                                        @if provinces.len() > 1 {
                                            a href={ "?province=" (code) "#regions" } aria-current=[(*code == open).then_some("true")] { (region(code)) }
                                        } @else {
                                            (region(code))
                                        }
                                    }
                                    @for column in 0..labels.columns.len() {
                                        td { strong { (within.iter().map(|t| t.counts.get(column).copied().unwrap_or(0)).sum::<usize>()) } }
                                    }
                                }
                                @if *code == open {
                                    @for tally in &within {
                                        tr {
                                            th scope="row" { span.indent { (region(&tally.regency_code)) } }
                                            @for count in &tally.counts { td { (count) } }
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
}
