//! Fitting a text into a box: the largest size at which it wraps into the
//! lines allowed, and at the smallest size as many lines as it takes. A
//! name or an event title is printed whole, never cut.

/// How a text may be set: from `size` down to `min_size`, in lines at most
/// `width` wide, at most `lines` of them (until the smallest size).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Fit {
    pub size: f32,
    pub min_size: f32,
    pub lines: usize,
    pub width: f32,
}

/// A text as set: its size and its lines.
#[derive(Clone, Debug, PartialEq)]
pub struct Fitted {
    pub size: f32,
    pub lines: Vec<String>,
}

/// Sizes are tried half a point apart, from the largest.
const STEP: f32 = 0.5;

/// `text` set by `fit`; `measure` gives a text's width at size 1.
pub fn fit(text: &str, fit: &Fit, measure: impl Fn(&str) -> f32) -> Fitted {
    let words = Words::new(text, &measure);
    let mut size = fit.size;
    loop {
        let lines = words.wrap(fit.width / size, &measure);
        let smallest = size - STEP < fit.min_size;
        if lines.len() <= fit.lines.max(1) || smallest {
            return Fitted { size, lines };
        }
        size -= STEP;
    }
}

/// A text's words with their widths at size 1, measured once for every
/// size tried.
struct Words<'a> {
    words: Vec<(&'a str, f32)>,
    space: f32,
}

impl<'a> Words<'a> {
    fn new(text: &'a str, measure: &impl Fn(&str) -> f32) -> Words<'a> {
        Words {
            words: text.split_whitespace().map(|w| (w, measure(w))).collect(),
            space: measure(" "),
        }
    }

    /// Greedy lines of at most `width` (at size 1); a word wider than a
    /// line is broken between its characters rather than cut.
    fn wrap(&self, width: f32, measure: &impl Fn(&str) -> f32) -> Vec<String> {
        let mut lines = Vec::new();
        let mut line = String::new();
        let mut used = 0.0;
        for &(word, word_width) in &self.words {
            if !line.is_empty() && used + self.space + word_width <= width {
                line.push(' ');
                line.push_str(word);
                used += self.space + word_width;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            if word_width <= width {
                line.push_str(word);
                used = word_width;
                continue;
            }
            let mut pieces = break_word(word, width, measure);
            let last = pieces.pop().unwrap_or_default();
            lines.extend(pieces);
            used = measure(&last);
            line = last;
        }
        if !line.is_empty() || lines.is_empty() {
            lines.push(line);
        }
        lines
    }
}

/// `word` in pieces of at most `width`, at least one character each.
fn break_word(word: &str, width: f32, measure: &impl Fn(&str) -> f32) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut piece = String::new();
    for c in word.chars() {
        piece.push(c);
        if measure(&piece) > width && piece.chars().count() > 1 {
            piece.pop();
            pieces.push(std::mem::replace(&mut piece, c.to_string()));
        }
    }
    pieces.push(piece);
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every character one unit wide at size 1.
    fn mono(text: &str) -> f32 {
        text.chars().count() as f32
    }

    fn fits(text: &str, size: f32, min_size: f32, lines: usize, width: f32) -> Fitted {
        let f = Fit {
            size,
            min_size,
            lines,
            width,
        };
        fit(text, &f, mono)
    }

    #[test]
    fn a_short_text_keeps_its_size_on_one_line() {
        let set = fits("Dra. Hj. Siti", 10.0, 6.0, 1, 200.0);
        assert_eq!(set.size, 10.0);
        assert_eq!(set.lines, ["Dra. Hj. Siti"]);
    }

    #[test]
    fn a_long_name_shrinks_before_it_wraps() {
        // 40 characters: 400 wide at 10, 360 at 9; the box is 360.
        let name = "Dra. Hj. Siti Rahmawati, S.IP., M.Hum. X";
        assert_eq!(mono(name), 40.0);
        let set = fits(name, 10.0, 6.0, 1, 360.0);
        assert_eq!(set.size, 9.0);
        assert_eq!(set.lines, [name]);
    }

    #[test]
    fn below_the_smallest_size_it_wraps_into_more_lines_than_asked_never_cut() {
        let title = "Bimbingan Teknis Transformasi Perpustakaan Berbasis Inklusi Sosial";
        let set = fits(title, 10.0, 8.0, 1, 200.0);
        assert_eq!(set.size, 8.0);
        // 25 characters a line at 8.
        assert_eq!(
            set.lines,
            [
                "Bimbingan Teknis",
                "Transformasi Perpustakaan",
                "Berbasis Inklusi Sosial"
            ]
        );
        assert_eq!(set.lines.join(" "), title, "every word is printed");
    }

    #[test]
    fn two_lines_allowed_are_used_before_shrinking() {
        let set = fits("aaaa bbbb cccc", 10.0, 5.0, 2, 90.0);
        assert_eq!(set.size, 10.0);
        assert_eq!(set.lines, ["aaaa bbbb", "cccc"]);
    }

    #[test]
    fn a_word_wider_than_the_line_is_broken_between_characters() {
        let set = fits("x abcdefghij y", 10.0, 10.0, 1, 40.0);
        assert_eq!(set.lines, ["x", "abcd", "efgh", "ij y"]);
    }

    #[test]
    fn spaces_between_words_are_one_and_an_empty_text_is_one_empty_line() {
        assert_eq!(fits("  a   b ", 10.0, 10.0, 1, 100.0).lines, ["a b"]);
        assert_eq!(fits("", 10.0, 10.0, 1, 100.0).lines, [""]);
    }
}
