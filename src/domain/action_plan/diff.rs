//! What changed between two versions of a plan: per section, texts by
//! words, activity rows added, removed or changed, strategies added or
//! removed, the attachment replaced. A longest common subsequence over
//! words or rows: plans are short, so the quadratic table is small.

use super::review::Section;
use super::{Activity, Content, Strategy};

/// A run of words of a text, as it fares from one version to the next.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Words {
    Same(String),
    Removed(String),
    Added(String),
}

impl Words {
    pub fn text(&self) -> &str {
        match self {
            Words::Same(text) | Words::Removed(text) | Words::Added(text) => text,
        }
    }

    fn text_mut(&mut self) -> &mut String {
        match self {
            Words::Same(text) | Words::Removed(text) | Words::Added(text) => text,
        }
    }
}

/// An activity row, matched across the two versions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Row {
    Same(Activity),
    Added(Activity),
    Removed(Activity),
    Changed { before: Activity, after: Activity },
}

/// An attached file as a version holds it: its storage key and name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct File<'a> {
    pub key: &'a str,
    pub name: &'a str,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Changes {
    pub title: Vec<Words>,
    pub situation: Vec<Words>,
    pub objectives: Vec<Words>,
    pub target_group: Vec<Words>,
    pub strategies_added: Vec<Strategy>,
    pub strategies_removed: Vec<Strategy>,
    pub activities: Vec<Row>,
    pub indicators: Vec<Words>,
    /// The file's name before and after, when the file changed.
    pub attachment: Option<(Option<String>, Option<String>)>,
}

/// One step of an alignment of two sequences.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Step {
    Same(usize, usize),
    Removed(usize),
    Added(usize),
}

/// The longest common subsequence of `a` and `b`, as steps through both.
fn align<T: PartialEq>(a: &[T], b: &[T]) -> Vec<Step> {
    // longest[i][j]: the longest common subsequence of a[i..] and b[j..].
    let mut longest = vec![vec![0u32; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            longest[i][j] = if a[i] == b[j] {
                longest[i + 1][j + 1] + 1
            } else {
                longest[i + 1][j].max(longest[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut steps = Vec::with_capacity(a.len().max(b.len()));
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            steps.push(Step::Same(i, j));
            i += 1;
            j += 1;
        } else if j == b.len() || (i < a.len() && longest[i + 1][j] >= longest[i][j + 1]) {
            steps.push(Step::Removed(i));
            i += 1;
        } else {
            steps.push(Step::Added(j));
            j += 1;
        }
    }
    steps
}

/// Two texts compared word by word; runs of the same kind joined, a
/// removal before the addition that replaces it.
pub fn words(before: &str, after: &str) -> Vec<Words> {
    let a: Vec<&str> = before.split_whitespace().collect();
    let b: Vec<&str> = after.split_whitespace().collect();
    let mut runs: Vec<Words> = Vec::new();
    for step in align(&a, &b) {
        let run = match step {
            Step::Same(i, _) => Words::Same(a[i].to_owned()),
            Step::Removed(i) => Words::Removed(a[i].to_owned()),
            Step::Added(j) => Words::Added(b[j].to_owned()),
        };
        match runs.last_mut() {
            Some(last) if std::mem::discriminant(last) == std::mem::discriminant(&run) => {
                let text = last.text_mut();
                text.push(' ');
                text.push_str(run.text());
            }
            _ => runs.push(run),
        }
    }
    runs
}

/// Rows kept, and between them the rows removed and added: paired in
/// order as changed rows, the rest added or removed.
fn rows(before: &[Activity], after: &[Activity]) -> Vec<Row> {
    let mut out = Vec::new();
    let (mut removed, mut added) = (Vec::new(), Vec::new());
    let flush = |out: &mut Vec<Row>, removed: &mut Vec<usize>, added: &mut Vec<usize>| {
        let paired = removed.len().min(added.len());
        for (&i, &j) in removed.iter().zip(added.iter()) {
            out.push(Row::Changed {
                before: before[i].clone(),
                after: after[j].clone(),
            });
        }
        out.extend(
            removed[paired..]
                .iter()
                .map(|&i| Row::Removed(before[i].clone())),
        );
        out.extend(
            added[paired..]
                .iter()
                .map(|&j| Row::Added(after[j].clone())),
        );
        removed.clear();
        added.clear();
    };
    for step in align(before, after) {
        match step {
            Step::Removed(i) => removed.push(i),
            Step::Added(j) => added.push(j),
            Step::Same(i, _) => {
                flush(&mut out, &mut removed, &mut added);
                out.push(Row::Same(before[i].clone()));
            }
        }
    }
    flush(&mut out, &mut removed, &mut added);
    out
}

/// What changed from `before` to `after`, with their attachments.
pub fn changes(
    (before, before_file): (&Content, Option<File<'_>>),
    (after, after_file): (&Content, Option<File<'_>>),
) -> Changes {
    let missing = |from: &[Strategy], to: &[Strategy]| -> Vec<Strategy> {
        from.iter().filter(|s| !to.contains(s)).copied().collect()
    };
    let attachment = (before_file.map(|f| f.key) != after_file.map(|f| f.key)).then(|| {
        (
            before_file.map(|f| f.name.to_owned()),
            after_file.map(|f| f.name.to_owned()),
        )
    });
    Changes {
        title: words(&before.title, &after.title),
        situation: words(&before.situation, &after.situation),
        objectives: words(&before.objectives, &after.objectives),
        target_group: words(&before.target_group, &after.target_group),
        strategies_added: missing(&after.strategies, &before.strategies),
        strategies_removed: missing(&before.strategies, &after.strategies),
        activities: rows(&before.activities, &after.activities),
        indicators: words(&before.indicators, &after.indicators),
        attachment,
    }
}

fn text_changed(runs: &[Words]) -> bool {
    runs.iter().any(|run| !matches!(run, Words::Same(_)))
}

impl Changes {
    pub fn changed(&self, section: Section) -> bool {
        match section {
            Section::Title => text_changed(&self.title),
            Section::Situation => text_changed(&self.situation),
            Section::Objectives => text_changed(&self.objectives),
            Section::TargetGroup => text_changed(&self.target_group),
            Section::Strategies => {
                !self.strategies_added.is_empty() || !self.strategies_removed.is_empty()
            }
            Section::Activities => self.activities.iter().any(|r| !matches!(r, Row::Same(_))),
            Section::Indicators => text_changed(&self.indicators),
            Section::Attachment => self.attachment.is_some(),
        }
    }

    /// The runs of a text section; `None` for the others.
    pub fn text(&self, section: Section) -> Option<&[Words]> {
        match section {
            Section::Title => Some(&self.title),
            Section::Situation => Some(&self.situation),
            Section::Objectives => Some(&self.objectives),
            Section::TargetGroup => Some(&self.target_group),
            Section::Indicators => Some(&self.indicators),
            Section::Strategies | Section::Activities | Section::Attachment => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn activity(what: &str) -> Activity {
        Activity {
            what: what.into(),
            month: "2030-09".into(),
            responsible: "Kepala".into(),
            ..Activity::default()
        }
    }

    #[test]
    fn texts_are_compared_by_words() {
        assert_eq!(
            words(
                "Dua komputer tanpa internet.",
                "Dua komputer dengan\ninternet desa."
            ),
            [
                Words::Same("Dua komputer".into()),
                Words::Removed("tanpa internet.".into()),
                Words::Added("dengan internet desa.".into()),
            ]
        );
        assert_eq!(
            words("sama saja", "sama  saja"),
            [Words::Same("sama saja".into())]
        );
        assert_eq!(words("", "baru"), [Words::Added("baru".into())]);
        assert!(words("", "").is_empty());
    }

    #[test]
    fn rows_are_kept_added_removed_or_changed() {
        let changed = Activity {
            month: "2030-10".into(),
            ..activity("Kelas komputer")
        };
        let before = [
            activity("Lomba"),
            activity("Kelas komputer"),
            activity("Pameran"),
        ];
        let after = [
            activity("Lomba"),
            changed.clone(),
            activity("Bedah buku"),
            activity("Pameran"),
        ];
        assert_eq!(
            rows(&before, &after),
            [
                Row::Same(activity("Lomba")),
                Row::Changed {
                    before: activity("Kelas komputer"),
                    after: changed,
                },
                Row::Added(activity("Bedah buku")),
                Row::Same(activity("Pameran")),
            ]
        );
        assert_eq!(rows(&before[..1], &[]), [Row::Removed(activity("Lomba"))]);
    }

    #[test]
    fn every_section_says_whether_it_changed() {
        let before = Content {
            title: "Pojok baca".into(),
            situation: "Dua komputer.".into(),
            strategies: vec![Strategy::Information, Strategy::Community],
            activities: vec![activity("Lomba")],
            ..Content::default()
        };
        let after = Content {
            strategies: vec![Strategy::Community, Strategy::Advocacy],
            situation: "Tiga komputer.".into(),
            ..before.clone()
        };
        let file = File {
            key: "k1",
            name: "foto.png",
        };
        let changes = changes((&before, Some(file)), (&after, None));
        assert_eq!(changes.strategies_added, [Strategy::Advocacy]);
        assert_eq!(changes.strategies_removed, [Strategy::Information]);
        assert_eq!(changes.attachment, Some((Some("foto.png".into()), None)));
        let changed: Vec<_> = Section::ALL
            .into_iter()
            .filter(|s| changes.changed(*s))
            .collect();
        assert_eq!(
            changed,
            [Section::Situation, Section::Strategies, Section::Attachment]
        );
        let same = super::changes((&before, Some(file)), (&before, Some(file)));
        assert!(Section::ALL.into_iter().all(|s| !same.changed(s)));
    }
}
