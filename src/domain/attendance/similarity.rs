//! How alike a name seen on Zoom is to a participant's: only to order the
//! suggestions an organiser reads in the review queue, never to decide.
//! Zoom names are typed by people on phones ("bu sari perpusdes",
//! "SARI A.", "Dra. Sari Aminah, M.Hum."), so academic titles and honorifics
//! are left out, case and punctuation ignored, and words compared both as
//! words and by their letter pairs.

use std::collections::HashSet;

/// Degrees and honorifics common in Indonesian names as people write them;
/// they say nothing about who someone is.
const TITLES: &[&str] = &[
    "dr", "dra", "drs", "ir", "prof", "h", "hj", "s", "st", "sh", "se", "si", "sip", "sos", "pd",
    "spd", "hum", "kom", "skom", "ikom", "ip", "m", "mm", "ma", "mpd", "msi", "mhum", "mt", "amd",
    "md", "ba", "bu", "pak", "ibu", "bapak", "mas", "mbak",
];

/// The words of a name, lower case, titles left out; an e-mail address
/// gives the words of its part before the `@`.
pub fn name_words(name: &str) -> Vec<String> {
    let name = name.split('@').next().unwrap_or(name);
    let words: Vec<String> = name
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let kept: Vec<String> = words
        .iter()
        .filter(|w| !TITLES.contains(&w.as_str()) && !w.chars().all(|c| c.is_ascii_digit()))
        .cloned()
        .collect();
    // A name that is all titles ("Bu Dra") keeps them rather than nothing.
    if kept.is_empty() { words } else { kept }
}

fn pairs(words: &[String]) -> Vec<(char, char)> {
    let mut out = Vec::new();
    for word in words {
        let letters: Vec<char> = word.chars().collect();
        out.extend(letters.windows(2).map(|w| (w[0], w[1])));
    }
    out
}

/// 0 (nothing alike) to 100 (the same words): the larger of the share of
/// words in common (a word counts when one starts the other, so an
/// initial "A." meets "Aminah") and the Dice coefficient of letter pairs,
/// which forgives a typo.
pub fn name_similarity(seen: &str, name: &str) -> u32 {
    let (a, b) = (name_words(seen), name_words(name));
    if a.is_empty() || b.is_empty() {
        return 0;
    }
    let common = a
        .iter()
        .filter(|x| {
            b.iter()
                .any(|y| x == &y || (x.len() == 1 && y.starts_with(x.as_str())))
        })
        .count();
    let words = common * 100 / a.len().max(b.len());
    let (pa, pb) = (pairs(&a), pairs(&b));
    let dice = if pa.is_empty() || pb.is_empty() {
        0
    } else {
        let mut rest = pb.clone();
        let shared = pa
            .iter()
            .filter(|p| match rest.iter().position(|q| q == *p) {
                Some(i) => {
                    rest.swap_remove(i);
                    true
                }
                None => false,
            })
            .count();
        shared * 200 / (pa.len() + pb.len())
    };
    u32::try_from(words.max(dice)).unwrap_or(100)
}

/// The participants most like what was seen (its name, and the e-mail's
/// words when there is one), best first: at most `limit`, each at least
/// `floor` alike. `people` are (key, name, e-mail).
pub fn rank<'a, K: Clone + Eq + std::hash::Hash>(
    seen_name: &str,
    seen_email: Option<&str>,
    people: impl IntoIterator<Item = (K, &'a str, &'a str)>,
    limit: usize,
    floor: u32,
) -> Vec<(K, u32)> {
    let mut scored: Vec<(K, u32, &str)> = Vec::new();
    let mut seen_keys = HashSet::new();
    for (key, name, email) in people {
        if !seen_keys.insert(key.clone()) {
            continue;
        }
        let mut score = name_similarity(seen_name, name);
        if let Some(seen_email) = seen_email {
            score = score
                .max(name_similarity(seen_email, name))
                .max(name_similarity(seen_email, email));
        }
        if score >= floor {
            scored.push((key, score, name));
        }
    }
    scored.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.2.cmp(b.2)));
    scored
        .into_iter()
        .take(limit)
        .map(|(key, score, _)| (key, score))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_case_and_punctuation_are_left_out() {
        assert_eq!(name_words("Dra. SARI Aminah, M.Hum."), ["sari", "aminah"]);
        assert_eq!(name_words("bu sari (perpusdes 2)"), ["sari", "perpusdes"]);
        assert_eq!(name_words("sari.aminah@gmail.com"), ["sari", "aminah"]);
        assert_eq!(name_words("Bu Dra"), ["bu", "dra"]);
        assert_eq!(
            name_similarity("Dra. Sari Aminah, M.Hum.", "sari aminah"),
            100
        );
    }

    #[test]
    fn an_initial_and_a_typo_still_rank_first() {
        assert!(name_similarity("Sari A.", "Sari Aminah") >= 100);
        assert!(name_similarity("Sari Aminha", "Sari Aminah") >= 70);
        assert!(name_similarity("Budi Santoso", "Sari Aminah") < 30);
        assert_eq!(name_similarity("", "Sari"), 0);
    }

    #[test]
    fn suggestions_are_ranked_bounded_and_above_the_floor() {
        let people = [
            ("r1", "Dra. Sari Aminah, M.Hum.", "sari@perpus.id"),
            ("r2", "Sari Wulandari", "wulan@perpus.id"),
            ("r3", "Budi Santoso", "budi@perpus.id"),
            ("r4", "Sari Aminah Putri", "putri@perpus.id"),
        ];
        let ranked = rank("sari aminah", None, people, 3, 30);
        let keys: Vec<_> = ranked.iter().map(|(k, _)| *k).collect();
        assert_eq!(keys, ["r1", "r4", "r2"]);
        assert!(ranked[0].1 > ranked[1].1 && ranked[1].1 > ranked[2].1);
        // A phone number seen as a name suggests nobody.
        assert!(rank("+62 812 3456 7890", None, people, 3, 30).is_empty());
        // An e-mail Zoom knew speaks for a guest with a nickname.
        let by_mail = rank("HP Samsung", Some("budi.santoso@gmail.com"), people, 1, 30);
        assert_eq!(by_mail[0].0, "r3");
    }
}
