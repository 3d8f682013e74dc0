//! `styles.xml`: the fills, fonts, border, number formats and cell formats the copy needs,
//! appended to the file's own lists.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::ops::Range;

use quick_xml::events::Event;

use super::xml::{check_root, rewrite_tag, Spans, Splices};
use super::{Result, Unsupported, MAIN_NS};
use crate::annotate::plan::{severity_color, Mark, CORRECTED_COLOR};
use crate::annotate::summary_sheet::{Look, HEADER_COLOR, LINK_COLOR};
use crate::ooxml::attr;

/// One of the lists in styles.xml jixiao appends to.
#[derive(Default)]
struct List {
    /// The opening tag (the whole element when it is empty), if the list is there.
    open: Option<Range<usize>>,
    empty: bool,
    close: usize,
    count: usize,
    added: Vec<String>,
}

impl List {
    fn push(&mut self, xml: String) -> usize {
        self.added.push(xml);
        self.count + self.added.len() - 1
    }
}

pub(super) struct Styles<'x> {
    xml: &'x [u8],
    num_fmts: List,
    fonts: List,
    fills: List,
    borders: List,
    cell_style_xfs: List,
    cell_xfs: List,
    /// Each `<xf>` of cellXfs, whole.
    xfs: Vec<Range<usize>>,
    /// The children of the first font, whole.
    font0_children: Vec<(String, Range<usize>)>,
    next_num_fmt: u32,
    fill_for: HashMap<u32, usize>,
    xf_for_mark: HashMap<(usize, Mark, bool), usize>,
    xf_for_look: HashMap<Look, usize>,
    bold_font: Option<usize>,
    link_font: Option<usize>,
    thin_border: Option<usize>,
}

impl<'x> Styles<'x> {
    pub(super) fn parse(xml: &'x [u8]) -> Result<Self> {
        let mut s = Styles {
            xml,
            num_fmts: List::default(),
            fonts: List::default(),
            fills: List::default(),
            borders: List::default(),
            cell_style_xfs: List::default(),
            cell_xfs: List::default(),
            xfs: Vec::new(),
            font0_children: Vec::new(),
            next_num_fmt: 164,
            fill_for: HashMap::new(),
            xf_for_mark: HashMap::new(),
            xf_for_look: HashMap::new(),
            bold_font: None,
            link_font: None,
            thin_border: None,
        };
        let mut spans = Spans::new(xml);
        let mut list: Option<&'static str> = None;
        let mut child_start = 0;
        loop {
            let (event, range, depth) = spans.next()?;
            match event {
                Event::Start(ref e) | Event::Empty(ref e) => {
                    let empty = matches!(event, Event::Empty(_));
                    let name = e.local_name();
                    let name = name.as_ref();
                    if depth == 0 {
                        if name != "styleSheet" {
                            return Err(Unsupported::UnexpectedPart);
                        }
                        check_root(e, MAIN_NS)?;
                    } else if depth == 1 {
                        let which: Option<&'static str> = match name {
                            "numFmts" => Some("numFmts"),
                            "fonts" => Some("fonts"),
                            "fills" => Some("fills"),
                            "borders" => Some("borders"),
                            "cellStyleXfs" => Some("cellStyleXfs"),
                            "cellXfs" => Some("cellXfs"),
                            _ => None,
                        };
                        if let Some(w) = which {
                            let l = s.list_mut(w);
                            l.open = Some(range.clone());
                            l.empty = empty;
                            if !empty {
                                list = Some(w);
                            }
                        }
                    } else if depth == 2 {
                        child_start = range.start;
                        if let Some(w) = list {
                            s.list_mut(w).count += 1;
                            if w == "numFmts" {
                                if let Some(id) =
                                    attr(e, "numFmtId").and_then(|v| v.parse::<u32>().ok())
                                {
                                    if id > u32::MAX - 1024 {
                                        return Err(Unsupported::IdOutOfRange);
                                    }
                                    s.next_num_fmt = s.next_num_fmt.max(id + 1);
                                }
                            }
                            if w == "cellXfs" && empty {
                                s.xfs.push(range.clone());
                            }
                        }
                    } else if depth == 3 && list == Some("fonts") && s.fonts.count == 1 {
                        if empty {
                            s.font0_children.push((name.to_string(), range.clone()));
                        } else {
                            return Err(Unsupported::Styles);
                        }
                    }
                }
                Event::End(_) => {
                    if depth == 1 {
                        if let Some(w) = list.take() {
                            s.list_mut(w).close = range.start;
                        }
                    } else if depth == 2 && list == Some("cellXfs") {
                        s.xfs.push(child_start..range.end);
                    }
                }
                Event::Eof => break,
                _ => {}
            }
        }
        if s.fonts.open.is_none() || s.fills.open.is_none() || s.borders.open.is_none() {
            return Err(Unsupported::Styles);
        }
        if s.cell_xfs.open.is_none() || s.xfs.is_empty() || s.fonts.count == 0 {
            return Err(Unsupported::Styles);
        }
        // New formats name cell style format 0.
        if s.cell_style_xfs.count == 0 {
            return Err(Unsupported::Styles);
        }
        Ok(s)
    }

    fn list_mut(&mut self, which: &str) -> &mut List {
        match which {
            "numFmts" => &mut self.num_fmts,
            "fonts" => &mut self.fonts,
            "fills" => &mut self.fills,
            "borders" => &mut self.borders,
            "cellStyleXfs" => &mut self.cell_style_xfs,
            _ => &mut self.cell_xfs,
        }
    }

    fn fill(&mut self, rgb: u32) -> usize {
        if let Some(&i) = self.fill_for.get(&rgb) {
            return i;
        }
        let i = self.fills.push(format!(
            "<fill><patternFill patternType=\"solid\"><fgColor rgb=\"FF{rgb:06X}\"/><bgColor indexed=\"64\"/></patternFill></fill>"
        ));
        self.fill_for.insert(rgb, i);
        i
    }

    /// The first font again, with `extra` children instead of those named in `drop`.
    fn font_like_default(&mut self, extra: &str, drop: &[&str]) -> usize {
        let mut font = String::from("<font>");
        font.push_str(extra);
        for (name, range) in &self.font0_children {
            if !drop.contains(&name.as_str()) {
                font.push_str(&String::from_utf8_lossy(&self.xml[range.clone()]));
            }
        }
        font.push_str("</font>");
        self.fonts.push(font)
    }

    /// The number format id of cell format `xf`.
    pub(super) fn num_fmt_of(&self, xf: usize) -> u32 {
        let Some(range) = self.xfs.get(xf) else {
            return 0;
        };
        let mut spans = Spans::new(&self.xml[range.clone()]);
        match spans.next() {
            Ok((Event::Start(e) | Event::Empty(e), _, _)) => attr(&e, "numFmtId")
                .and_then(|v| v.parse().ok())
                .unwrap_or(0),
            _ => 0,
        }
    }

    /// The cell format of a flagged cell: its own with the mark's fill (and a percentage format
    /// where `percent`).
    pub(super) fn marked(&mut self, xf: usize, mark: Mark, percent: bool) -> usize {
        let xf = if xf < self.xfs.len() { xf } else { 0 };
        if let Some(&i) = self.xf_for_mark.get(&(xf, mark, percent)) {
            return i;
        }
        let rgb = match mark {
            Mark::Flag(s) => Some(severity_color(s)),
            Mark::Corrected => Some(CORRECTED_COLOR),
            Mark::Plain if !percent => return xf,
            Mark::Plain => None,
        };
        let fill = rgb.map(|rgb| self.fill(rgb).to_string());
        let range = self.xfs[xf].clone();
        let element = &self.xml[range];
        let mut spans = Spans::new(element);
        let new = match spans.next() {
            Ok((ref event @ (Event::Start(ref e) | Event::Empty(ref e)), ref first, _)) => {
                let empty = matches!(event, Event::Empty(_));
                let mut set = Vec::new();
                if let Some(fill) = &fill {
                    set.push(("fillId", Some(fill.as_str())));
                    set.push(("applyFill", Some("1")));
                }
                if percent {
                    set.push(("numFmtId", Some("10")));
                    set.push(("applyNumberFormat", Some("1")));
                }
                let mut new = rewrite_tag(e, empty, &set);
                new.push_str(&String::from_utf8_lossy(&element[first.end..]));
                new
            }
            _ => format!(
                "<xf numFmtId=\"{}\" fontId=\"0\" fillId=\"{}\" borderId=\"0\" xfId=\"0\" applyFill=\"1\"/>",
                if percent { 10 } else { 0 },
                fill.as_deref().unwrap_or("0")
            ),
        };
        let i = self.cell_xfs.push(new);
        self.xf_for_mark.insert((xf, mark, percent), i);
        i
    }

    /// The cell format of a summary look (0 for plain).
    pub(super) fn look(&mut self, look: Look) -> usize {
        if look == Look::Plain {
            return 0;
        }
        if let Some(&i) = self.xf_for_look.get(&look) {
            return i;
        }
        let bold = |s: &mut Self| match s.bold_font {
            Some(f) => f,
            None => {
                let f = s.font_like_default("<b/>", &["b"]);
                s.bold_font = Some(f);
                f
            }
        };
        let thin = |s: &mut Self| match s.thin_border {
            Some(b) => b,
            None => {
                let side = |n: &str| format!("<{n} style=\"thin\"><color indexed=\"64\"/></{n}>");
                let b = s.borders.push(format!(
                    "<border>{}{}{}{}<diagonal/></border>",
                    side("left"),
                    side("right"),
                    side("top"),
                    side("bottom")
                ));
                s.thin_border = Some(b);
                b
            }
        };
        // (numFmtId, fontId, fillId, borderId, alignment)
        let (num_fmt, font, fill, border, align): (u32, usize, usize, usize, &str) = match look {
            Look::Plain => (0, 0, 0, 0, ""),
            Look::Label => (0, bold(self), 0, 0, ""),
            Look::Header => {
                let f = bold(self);
                let fill = self.fill(HEADER_COLOR);
                (0, f, fill, thin(self), "<alignment vertical=\"center\"/>")
            }
            Look::Body => (0, 0, 0, thin(self), "<alignment vertical=\"top\"/>"),
            Look::Wrap => (
                0,
                0,
                0,
                thin(self),
                "<alignment vertical=\"top\" wrapText=\"1\"/>",
            ),
            Look::Link => {
                let font = match self.link_font {
                    Some(f) => f,
                    None => {
                        let f = self.font_like_default(
                            &format!("<u/><color rgb=\"FF{LINK_COLOR:06X}\"/>"),
                            &["u", "color"],
                        );
                        self.link_font = Some(f);
                        f
                    }
                };
                (0, font, 0, thin(self), "<alignment vertical=\"top\"/>")
            }
            Look::Severity(sev) => {
                let fill = self.fill(severity_color(sev));
                (0, 0, fill, thin(self), "<alignment vertical=\"top\"/>")
            }
            Look::Fixed => {
                let fill = self.fill(CORRECTED_COLOR);
                (0, 0, fill, thin(self), "<alignment vertical=\"top\"/>")
            }
            Look::Score(d) => {
                let id = match d {
                    0 => 0,
                    2 => 2,
                    d => {
                        let id = self.next_num_fmt;
                        self.next_num_fmt += 1;
                        self.num_fmts.push(format!(
                            "<numFmt numFmtId=\"{id}\" formatCode=\"0.{}\"/>",
                            "0".repeat(d as usize)
                        ));
                        id
                    }
                };
                (id, 0, 0, 0, "<alignment horizontal=\"left\"/>")
            }
        };
        let mut xf = format!(
            "<xf numFmtId=\"{num_fmt}\" fontId=\"{font}\" fillId=\"{fill}\" borderId=\"{border}\" xfId=\"0\""
        );
        for (on, name) in [
            (num_fmt != 0, "applyNumberFormat"),
            (font != 0, "applyFont"),
            (fill != 0, "applyFill"),
            (border != 0, "applyBorder"),
            (!align.is_empty(), "applyAlignment"),
        ] {
            if on {
                let _ = write!(xf, " {name}=\"1\"");
            }
        }
        if align.is_empty() {
            xf.push_str("/>");
        } else {
            let _ = write!(xf, ">{align}</xf>");
        }
        let i = self.cell_xfs.push(xf);
        self.xf_for_look.insert(look, i);
        i
    }

    /// styles.xml with everything added.
    pub(super) fn finish(self) -> Vec<u8> {
        let mut splices = Splices::default();
        for (name, list) in [
            ("numFmts", &self.num_fmts),
            ("fonts", &self.fonts),
            ("fills", &self.fills),
            ("borders", &self.borders),
            ("cellXfs", &self.cell_xfs),
        ] {
            if list.added.is_empty() {
                continue;
            }
            let count = (list.count + list.added.len()).to_string();
            let children = list.added.concat();
            match &list.open {
                Some(open) => {
                    let mut spans = Spans::new(&self.xml[open.clone()]);
                    let tag = match spans.next() {
                        Ok((Event::Start(e) | Event::Empty(e), _, _)) => {
                            rewrite_tag(&e, false, &[("count", Some(&count))])
                        }
                        _ => format!("<{name} count=\"{count}\">"),
                    };
                    if list.empty {
                        splices.put(open.clone(), format!("{tag}{children}</{name}>"));
                    } else {
                        splices.put(open.clone(), tag);
                        splices.put(list.close..list.close, children);
                    }
                }
                // Only numFmts can be missing here; it goes before the fonts.
                None => {
                    let at = self.fonts.open.as_ref().map_or(0, |r| r.start);
                    splices.put(
                        at..at,
                        format!("<{name} count=\"{count}\">{children}</{name}>"),
                    );
                }
            }
        }
        splices.apply(self.xml)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn styles_grow_lists_that_were_empty_or_missing() {
        let xml = format!(
            r#"<styleSheet xmlns="{MAIN_NS}"><numFmts count="0"/><fonts count="1"><font><sz val="11"/><color theme="1"/><name val="宋体"/></font></fonts><fills count="2"><fill><patternFill/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/><xf numFmtId="10" fontId="0" fillId="0" borderId="0"><alignment wrapText="1"/></xf></cellXfs></styleSheet>"#
        );
        let mut styles = Styles::parse(xml.as_bytes()).unwrap();
        assert_eq!(styles.num_fmt_of(1), 10);
        let marked = styles.marked(1, Mark::Flag(crate::model::Severity::Error), false);
        assert_eq!(marked, 2);
        assert_eq!(styles.look(Look::Score(3)), 3);
        assert_eq!(styles.look(Look::Link), 4);
        let out = String::from_utf8(styles.finish()).unwrap();
        assert!(
            out.contains(
                r#"<numFmts count="1"><numFmt numFmtId="164" formatCode="0.000"/></numFmts>"#
            ),
            "{out}"
        );
        assert!(out.contains(r#"<cellXfs count="5">"#), "{out}");
        assert!(out.contains(r#"<xf numFmtId="10" fontId="0" fillId="2" borderId="0" applyFill="1"><alignment wrapText="1"/></xf>"#), "{out}");
        // The link font is the default font, underlined and blue instead of its theme colour.
        assert!(
            out.contains(
                r#"<font><u/><color rgb="FF0563C1"/><sz val="11"/><name val="宋体"/></font>"#
            ),
            "{out}"
        );
        assert!(out.contains(r#"<fills count="3">"#), "{out}");

        let missing = xml.replace(r#"<numFmts count="0"/>"#, "");
        let mut styles = Styles::parse(missing.as_bytes()).unwrap();
        styles.look(Look::Score(1));
        let out = String::from_utf8(styles.finish()).unwrap();
        assert!(
            out.contains(
                r#"<numFmts count="1"><numFmt numFmtId="164" formatCode="0.0"/></numFmts><fonts"#
            ),
            "{out}"
        );
    }

    #[test]
    fn what_is_not_patched_says_why() {
        let prefixed = format!(r#"<x:styleSheet xmlns:x="{MAIN_NS}"><x:fonts/></x:styleSheet>"#);
        let err = Styles::parse(prefixed.as_bytes()).err().unwrap();
        assert_eq!(err, Unsupported::PrefixedXml);
        let strict = r#"<styleSheet xmlns="http://purl.oclc.org/ooxml/spreadsheetml/main"/>"#;
        assert_eq!(
            Styles::parse(strict.as_bytes()).err().unwrap(),
            Unsupported::Namespace
        );
        assert_eq!(
            Styles::parse(b"<styleSheet").err().unwrap(),
            Unsupported::MalformedXml
        );
    }
}
