//! XML editing: events with the byte spans they came from, splices of those spans, tags
//! rewritten, text escaped.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::ops::Range;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::{Result, Unsupported, REL_NS};
use crate::annotate::notes::clip;
use crate::ooxml::attr;

/// Events of `xml` with the byte range each came from and the depth of its element (0 for
/// the root; an end tag has its start tag's depth).
pub(super) struct Spans<'x> {
    reader: Reader<&'x [u8]>,
    depth: usize,
}

impl<'x> Spans<'x> {
    pub(super) fn new(xml: &'x [u8]) -> Self {
        Spans {
            reader: Reader::from_reader(xml),
            depth: 0,
        }
    }

    /// Skips to the end of the element `start` opened.
    pub(super) fn skip(&mut self, start: &BytesStart<'_>) -> Result<()> {
        self.depth = self.depth.saturating_sub(1);
        self.reader
            .read_to_end(start.name())
            .map(|_| ())
            .map_err(|_| Unsupported::MalformedXml)
    }

    pub(super) fn next(&mut self) -> Result<(Event<'x>, Range<usize>, usize)> {
        let start = self.reader.buffer_position() as usize;
        let event = self
            .reader
            .read_event()
            .map_err(|_| Unsupported::MalformedXml)?;
        let depth = match event {
            Event::Start(_) => {
                self.depth += 1;
                self.depth - 1
            }
            Event::End(_) => {
                self.depth = self.depth.saturating_sub(1);
                self.depth
            }
            _ => self.depth,
        };
        Ok((event, start..self.reader.buffer_position() as usize, depth))
    }
}

/// Replacements of byte ranges (an empty range inserts), applied in order of position.
#[derive(Default)]
pub(super) struct Splices(Vec<(Range<usize>, String)>);

impl Splices {
    pub(super) fn put(&mut self, at: Range<usize>, text: String) {
        self.0.push((at, text));
    }

    pub(super) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub(super) fn apply(mut self, xml: &[u8]) -> Vec<u8> {
        self.0.sort_by_key(|(r, _)| (r.start, r.end));
        let extra: usize = self.0.iter().map(|(_, t)| t.len()).sum();
        let mut out = Vec::with_capacity(xml.len() + extra);
        let mut at = 0;
        for (range, text) in self.0 {
            let start = range.start.max(at);
            out.extend_from_slice(&xml[at..start]);
            out.extend_from_slice(text.as_bytes());
            at = range.end.max(start);
        }
        out.extend_from_slice(&xml[at..]);
        out
    }
}

/// `tag` written again with the attributes in `set` replaced in place, added at the end (Some)
/// or removed (None). Values in `set` must already be escaped.
pub(super) fn rewrite_tag(
    tag: &BytesStart<'_>,
    empty: bool,
    set: &[(&str, Option<&str>)],
) -> String {
    let mut out = String::with_capacity(tag.len() + 32);
    out.push('<');
    out.push_str(tag.name().as_ref());
    let mut done = vec![false; set.len()];
    for a in tag.attributes().with_checks(false).flatten() {
        let key: &str = a.key.as_ref();
        let value: &str = &a.value;
        let value = match set.iter().position(|(k, _)| *k == key) {
            Some(i) => {
                done[i] = true;
                match set[i].1 {
                    Some(v) => v,
                    None => continue,
                }
            }
            None => value,
        };
        let quote = if value.contains('"') { '\'' } else { '"' };
        let _ = write!(out, " {key}={quote}{value}{quote}");
    }
    for ((key, value), done) in set.iter().zip(done) {
        if let (Some(v), false) = (value, done) {
            let _ = write!(out, " {key}=\"{v}\"");
        }
    }
    out.push_str(if empty { "/>" } else { ">" });
    out
}

/// Checks that an element is unprefixed and in `ns` (its default namespace).
pub(super) fn check_root(tag: &BytesStart<'_>, ns: &str) -> Result<()> {
    if tag.name().prefix().is_some() {
        return Err(Unsupported::PrefixedXml);
    }
    match attr(tag, "xmlns") {
        Some(v) if v == ns => Ok(()),
        _ => Err(Unsupported::Namespace),
    }
}

/// The prefix the element declares for the relationships namespace.
pub(super) fn rel_prefix(tag: &BytesStart<'_>) -> Option<String> {
    tag.attributes().with_checks(false).flatten().find_map(|a| {
        let key: &str = a.key.as_ref();
        let value: &str = &a.value;
        key.strip_prefix("xmlns:")
            .filter(|_| value == REL_NS)
            .map(str::to_string)
    })
}

/// `r:id="…"` with the file's prefix, or a local declaration when it has none.
pub(super) fn rid_attr(prefix: Option<&str>, rid: &str) -> String {
    match prefix {
        Some(p) => format!("{p}:id=\"{rid}\""),
        None => format!("xmlns:jxr=\"{REL_NS}\" jxr:id=\"{rid}\""),
    }
}

pub(super) fn insert_before_close(xml: &[u8], close: &str, text: &str) -> Result<Vec<u8>> {
    let at = memchr::memmem::rfind(xml, close.as_bytes()).ok_or(Unsupported::MalformedXml)?;
    let mut s = Splices::default();
    s.put(at..at, text.to_string());
    Ok(s.apply(xml))
}

/// `xml` without the `<name>` elements whose `key` attribute is `value` (case-insensitively).
pub(super) fn remove_elements(xml: &[u8], name: &str, key: &str, value: &str) -> Result<Vec<u8>> {
    let mut spans = Spans::new(xml);
    let mut splices = Splices::default();
    loop {
        match spans.next()? {
            (Event::Empty(e), range, _)
                if e.local_name().as_ref() == name
                    && attr(&e, key).is_some_and(|v| {
                        v.trim_start_matches('/')
                            .eq_ignore_ascii_case(value.trim_start_matches('/'))
                    }) =>
            {
                splices.put(range, String::new());
            }
            (Event::Eof, _, _) => break,
            _ => {}
        }
    }
    Ok(splices.apply(xml))
}

/// Escapes text for XML; characters XML 1.0 cannot hold become OOXML `_xHHHH_` escapes.
pub(super) fn esc(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| {
        matches!(c, '&' | '<' | '>' | '"') || (c < ' ' && !matches!(c, '\t' | '\n' | '\r'))
    }) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c if c < ' ' && !matches!(c, '\t' | '\n' | '\r') => {
                let _ = write!(out, "_x{:04X}_", c as u32);
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// `<t>` with its text, keeping leading and trailing spaces.
pub(super) fn t_element(text: &str) -> String {
    let text = clip(text);
    if text.starts_with(char::is_whitespace) || text.ends_with(char::is_whitespace) {
        format!("<t xml:space=\"preserve\">{}</t>", esc(text))
    } else {
        format!("<t>{}</t>", esc(text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_for_xml() {
        assert_eq!(esc("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
        assert_eq!(esc("x\u{1}y\tz"), "x_x0001_y\tz");
        assert!(matches!(esc("普通文字"), Cow::Borrowed(_)));
        assert_eq!(
            t_element(" 前后有空格 "),
            "<t xml:space=\"preserve\"> 前后有空格 </t>"
        );
    }
}
