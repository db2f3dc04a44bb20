//! Splitting text into sentences and clauses, by punctuation rules, with no model.
//!
//! all-MiniLM-L6-v2 embeds one sentence or short paragraph well; a whole narrative
//! averaged into one vector says little, and past 256 word pieces the model (as
//! sentence-transformers runs it) silently drops the rest. So long text is cut first:
//! into sentences here, then, for a sentence still too long, into clauses, and only
//! as a last resort into fixed windows of word pieces ([`crate::MiniLm::embed_text`]).
//!
//! The rules are deliberately simple and predictable rather than clever:
//!
//! - a sentence ends after `.`, `!`, `?`, `…` (or `。！？` with no space needed), plus any
//!   closing quotes or brackets, when whitespace and then something other than a
//!   lower-case letter follow (so "e.g. the" and "3.5 million" do not split);
//! - not after a short list of abbreviations ("Mr.", "Dr.", "vs.", "e.g." …) or a single
//!   capital letter ("J. Smith");
//! - a blank line always ends a sentence, and so does a line break before or after a
//!   list item (a line starting `-`, `*`, `•`, `1.`, `2)` …); other line breaks do not
//!   (text wrapped at a fixed width stays one sentence);
//! - a clause ends after `;`, `:`, `,`, or a dash between spaces.
//!
//! Ranges are byte ranges into the text, trimmed of whitespace, never empty; every byte
//! of the text that is not whitespace lies in exactly one range.

use std::ops::Range;

const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "vs", "e.g", "i.e", "cf", "approx", "no",
    "fig", "inc", "ltd", "co", "corp", "dept", "est", "etc",
];

fn is_terminator(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '…')
}

fn is_wide_terminator(c: char) -> bool {
    matches!(c, '。' | '！' | '？' | '｡')
}

fn is_closer(c: char) -> bool {
    matches!(
        c,
        '"' | '\'' | ')' | ']' | '}' | '’' | '”' | '»' | '」' | '』' | '）'
    )
}

/// The sentences of `text`, as trimmed, non-empty byte ranges in order.
pub fn sentences(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (pos, c) = chars[i];
        if c == '\n' && line_break_ends_sentence(text, &chars, i) {
            push_trimmed(text, start..pos, &mut out);
            start = pos;
            i += 1;
            continue;
        }
        let wide = is_wide_terminator(c);
        if !(wide || is_terminator(c)) {
            i += 1;
            continue;
        }
        // Take the whole run of terminators and closers: "?!", "...", `."`.
        let mut j = i + 1;
        while j < chars.len() && (is_terminator(chars[j].1) || is_wide_terminator(chars[j].1)) {
            j += 1;
        }
        while j < chars.len() && is_closer(chars[j].1) {
            j += 1;
        }
        let end = chars.get(j).map_or(text.len(), |&(p, _)| p);
        let next = chars[j..]
            .iter()
            .find(|(_, c)| !c.is_whitespace())
            .map(|&(_, c)| c);
        let spaced = chars.get(j).is_none_or(|&(_, c)| c.is_whitespace());
        let splits = match next {
            None => true,
            Some(n) => {
                (wide || spaced)
                    && !n.is_lowercase()
                    && !(c == '.' && j == i + 1 && is_abbreviation(&text[start..pos]))
                    && !(c == '.' && is_list_number(&text[start..pos]))
            }
        };
        if splits {
            push_trimmed(text, start..end, &mut out);
            start = end;
        }
        i = j.max(i + 1);
    }
    push_trimmed(text, start..text.len(), &mut out);
    out
}

/// The clauses of `text[range]`: cut after `;`, `:`, `,` and spaced dashes, when
/// whitespace follows. Trimmed, non-empty byte ranges into `text`.
pub fn clauses(text: &str, range: Range<usize>) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let Some(slice) = text.get(range.clone()) else {
        return out;
    };
    let mut start = range.start;
    let mut iter = slice.char_indices().peekable();
    while let Some((off, c)) = iter.next() {
        let next_is_space = iter.peek().is_some_and(|&(_, n)| n.is_whitespace());
        let prev_is_space = slice[..off]
            .chars()
            .next_back()
            .is_some_and(char::is_whitespace);
        let cut = match c {
            ';' | ':' | ',' | '；' | '：' | '，' | '、' => next_is_space || !c.is_ascii(),
            '-' | '–' | '—' => prev_is_space && next_is_space,
            _ => false,
        };
        if cut {
            let end = range.start + off + c.len_utf8();
            push_trimmed(text, start..end, &mut out);
            start = end;
        }
    }
    push_trimmed(text, start..range.end, &mut out);
    out
}

/// Whether the newline at `chars[i]` ends a sentence: a blank line follows, or the line
/// it ends or the next line is a list item.
fn line_break_ends_sentence(text: &str, chars: &[(usize, char)], i: usize) -> bool {
    let rest = &chars[i + 1..];
    let mut k = 0;
    while k < rest.len() && rest[k].1.is_whitespace() {
        if rest[k].1 == '\n' {
            return true;
        }
        k += 1;
    }
    let Some(&(next, _)) = rest.get(k) else {
        return false;
    };
    let pos = chars[i].0;
    let line_start = text[..pos].rfind('\n').map_or(0, |p| p + 1);
    is_list_item(text[line_start..pos].trim_start()) || is_list_item(&text[next..])
}

/// Whether `line` starts with a list marker: a bullet or dash and a space, or a number of
/// at most three digits followed by `. ` or `) `.
fn is_list_item(line: &str) -> bool {
    let mut cs = line.chars();
    match cs.next() {
        Some('-' | '*' | '•' | '–' | '—' | '·') => {
            cs.next().is_some_and(char::is_whitespace)
        }
        Some(d) if d.is_ascii_digit() => {
            let digits = line.bytes().take_while(u8::is_ascii_digit).count();
            let after = &line[digits..];
            (after.starts_with(". ") || after.starts_with(") ")) && digits <= 3
        }
        _ => false,
    }
}

/// Whether the sentence so far is only a list number ("1" before "1. Hire a COO").
fn is_list_number(before: &str) -> bool {
    let t = before.trim();
    !t.is_empty() && t.len() <= 3 && t.bytes().all(|b| b.is_ascii_digit())
}

/// Whether the text before a period ends in a known abbreviation or a lone capital.
fn is_abbreviation(before: &str) -> bool {
    let word = before
        .rsplit(|c: char| c.is_whitespace() || c == '(' || c == '"')
        .next()
        .unwrap_or("");
    if word.is_empty() {
        return false;
    }
    let mut cs = word.chars();
    if let (Some(c), None) = (cs.next(), cs.next())
        && c.is_uppercase()
    {
        return true;
    }
    let lower = word.to_lowercase();
    ABBREVIATIONS.contains(&lower.as_str())
}

fn push_trimmed(text: &str, range: Range<usize>, out: &mut Vec<Range<usize>>) {
    let Some(s) = text.get(range.clone()) else {
        return;
    };
    let lead = s.len() - s.trim_start().len();
    let trail = s.len() - s.trim_end().len();
    if lead + trail < s.len() {
        out.push(range.start + lead..range.end - trail);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts<'a>(text: &'a str, ranges: &[Range<usize>]) -> Vec<&'a str> {
        ranges.iter().map(|r| &text[r.clone()]).collect()
    }

    #[test]
    fn splits_plain_sentences() {
        let t = "We grew fast. The CEO is tired! Who runs ops? Nobody.";
        assert_eq!(
            texts(t, &sentences(t)),
            [
                "We grew fast.",
                "The CEO is tired!",
                "Who runs ops?",
                "Nobody."
            ]
        );
    }

    #[test]
    fn keeps_abbreviations_numbers_and_lowercase_continuations() {
        let t = "Mr. Smith met Dr. Jones at 3.5 p.m. yesterday. J. R. Doe agreed, e.g. on pay.";
        assert_eq!(
            texts(t, &sentences(t)),
            [
                "Mr. Smith met Dr. Jones at 3.5 p.m. yesterday.",
                "J. R. Doe agreed, e.g. on pay."
            ]
        );
    }

    #[test]
    fn quotes_ellipses_and_wide_punctuation() {
        let t = "He said \"stop.\" Then... nothing. Wait?! 会社です。次の文。";
        assert_eq!(
            texts(t, &sentences(t)),
            [
                "He said \"stop.\"",
                "Then... nothing.",
                "Wait?!",
                "会社です。",
                "次の文。"
            ]
        );
    }

    #[test]
    fn blank_lines_and_list_items() {
        let t = "Problems\n\nwe have:\n- no COO\n- no plan\n1. hire\nwrapped line\ncontinues";
        assert_eq!(
            texts(t, &sentences(t)),
            [
                "Problems",
                "we have:",
                "- no COO",
                "- no plan",
                "1. hire",
                "wrapped line\ncontinues"
            ]
        );
    }

    #[test]
    fn numbered_list_items_stay_whole() {
        let t = "1. Hire a COO.\n2. Then plan the year.";
        assert_eq!(
            texts(t, &sentences(t)),
            ["1. Hire a COO.", "2. Then plan the year."]
        );
    }

    #[test]
    fn empty_and_blank_texts_have_no_sentences() {
        assert!(sentences("").is_empty());
        assert!(sentences(" \n\t\n ").is_empty());
        assert!(sentences("...").len() == 1);
    }

    #[test]
    fn clauses_cut_after_punctuation() {
        let t = "First, we hire; then we plan: slowly - carefully, 1,000 times";
        let r = clauses(t, 0..t.len());
        assert_eq!(
            texts(t, &r),
            [
                "First,",
                "we hire;",
                "then we plan:",
                "slowly -",
                "carefully,",
                "1,000 times"
            ]
        );
    }

    proptest::proptest! {
        #[test]
        fn any_text_splits_into_ordered_trimmed_ranges(
            text in "[a-zA-Z .!?;:,\\-\n\"'()0-9…。！？、🚚\u{301}\u{200b}\t]{0,400}"
        ) {
            for r in [sentences(&text), clauses(&text, 0..text.len())] {
                let mut last = 0;
                for range in r {
                    proptest::prop_assert!(range.start >= last && range.start < range.end);
                    let piece = &text[range.clone()];
                    proptest::prop_assert_eq!(piece, piece.trim());
                    last = range.end;
                }
            }
        }
    }

    #[test]
    fn ranges_cover_every_non_space_byte_once() {
        let samples = [
            "a. b. c.".to_owned(),
            "Ünïcödé… ça va? 🚚📦 yes!\n\n- x\n- y".to_owned(),
            "。。。！？".to_owned(),
            "\u{200b}.\u{00ad}. \u{7}".to_owned(),
            "1. Hire a COO.\n2. Then plan. 3. Done".to_owned(),
            "Word. ".repeat(1000),
        ];
        for t in &samples {
            let t = t.as_str();
            let r = sentences(t);
            let mut covered = vec![false; t.len()];
            for range in &r {
                assert!(!range.is_empty());
                assert!(t.is_char_boundary(range.start) && t.is_char_boundary(range.end));
                for b in range.clone() {
                    assert!(!covered[b], "{t:?}: byte {b} twice");
                    covered[b] = true;
                }
            }
            for (p, c) in t.char_indices() {
                if !c.is_whitespace() {
                    assert!(covered[p], "{t:?}: {c:?} at {p} not covered");
                }
            }
        }
    }
}
