//! rust_xlsxwriter formats from the input's calamine styles, with the marks' fills.

use std::collections::HashMap;

use rust_xlsxwriter as xw;

use crate::annotate::plan::{severity_color, Mark, CORRECTED_COLOR};

pub(super) const DATE_FORMAT: &str = "yyyy-mm-dd";
pub(super) const PERCENT_FORMAT: &str = "0.00%";

/// rust_xlsxwriter formats built from the calamine style palette, by (style index, mark,
/// number format supplied where the style has none).
pub(super) struct Formats<'a> {
    styles: &'a [calamine::Style],
    cache: HashMap<(usize, Mark, Option<&'static str>), xw::Format>,
}

impl<'a> Formats<'a> {
    pub(super) fn new(styles: &'a [calamine::Style]) -> Self {
        Formats {
            styles,
            cache: HashMap::new(),
        }
    }

    pub(super) fn has_number_format(&self, style: usize) -> bool {
        self.styles
            .get(style)
            .and_then(|s| s.number_format.as_ref())
            .is_some_and(|f| !f.format_code.eq_ignore_ascii_case("general"))
    }

    pub(super) fn get(
        &mut self,
        style: usize,
        mark: Mark,
        fallback: Option<&'static str>,
    ) -> &xw::Format {
        let styles = self.styles;
        self.cache
            .entry((style, mark, fallback))
            .or_insert_with(|| {
                let mut format = styles.get(style).map(format_of_style).unwrap_or_default();
                if let Some(code) = fallback {
                    format = format.set_num_format(code);
                }
                match mark {
                    Mark::Plain => format,
                    Mark::Flag(severity) => solid(format, severity_color(severity)),
                    Mark::Corrected => solid(format, CORRECTED_COLOR),
                }
            })
    }
}

pub(in crate::annotate) fn solid(format: xw::Format, rgb: u32) -> xw::Format {
    format
        .set_pattern(xw::FormatPattern::Solid)
        .set_background_color(xw::Color::RGB(rgb))
}

fn rgb(c: &calamine::Color) -> xw::Color {
    xw::Color::RGB((u32::from(c.red) << 16) | (u32::from(c.green) << 8) | u32::from(c.blue))
}

/// A rust_xlsxwriter format with the number format, font, fill, borders, alignment and
/// protection of a calamine style.
fn format_of_style(style: &calamine::Style) -> xw::Format {
    let mut f = xw::Format::new();
    if let Some(nf) = &style.number_format {
        match nf.format_id {
            Some(0) => {}
            // Built-in formats keep their id, so locale-dependent ones stay so.
            Some(id @ 1..=163) => f = f.set_num_format_index(id as u8),
            _ if nf.format_code.eq_ignore_ascii_case("general") || nf.format_code.is_empty() => {}
            _ => f = f.set_num_format(nf.format_code.as_str()),
        }
    }
    if let Some(font) = &style.font {
        f = with_font(f, font);
    }
    if let Some(fill) = &style.fill {
        f = with_fill(f, fill);
    }
    if let Some(b) = &style.borders {
        f = with_borders(f, b);
    }
    if let Some(a) = &style.alignment {
        f = with_alignment(f, a);
    }
    if let Some(p) = &style.protection {
        f = with_protection(f, p);
    }
    f
}

fn with_font(mut f: xw::Format, font: &calamine::Font) -> xw::Format {
    if let Some(name) = &font.name {
        f = f.set_font_name(name.as_str());
    }
    if let Some(size) = font.size.filter(|s| s.is_finite() && *s > 0.0) {
        f = f.set_font_size(size);
    }
    if font.is_bold() {
        f = f.set_bold();
    }
    if font.is_italic() {
        f = f.set_italic();
    }
    if font.has_strikethrough() {
        f = f.set_font_strikethrough();
    }
    f = match font.underline {
        calamine::UnderlineStyle::Single => f.set_underline(xw::FormatUnderline::Single),
        calamine::UnderlineStyle::Double => f.set_underline(xw::FormatUnderline::Double),
        calamine::UnderlineStyle::SingleAccounting => {
            f.set_underline(xw::FormatUnderline::SingleAccounting)
        }
        calamine::UnderlineStyle::DoubleAccounting => {
            f.set_underline(xw::FormatUnderline::DoubleAccounting)
        }
        _ => f,
    };
    if let Some(color) = &font.color {
        f = f.set_font_color(rgb(color));
    }
    if let Some(family) = font.family {
        f = f.set_font_family(family);
    }
    f
}

fn with_fill(mut f: xw::Format, fill: &calamine::Fill) -> xw::Format {
    f = match fill.pattern {
        calamine::FillPattern::None => f,
        calamine::FillPattern::Solid => match fill.get_color() {
            Some(c) => f
                .set_pattern(xw::FormatPattern::Solid)
                .set_background_color(rgb(&c)),
            None => f,
        },
        pattern => {
            let mut g = f.set_pattern(fill_pattern(pattern));
            if let Some(c) = &fill.foreground_color {
                g = g.set_foreground_color(rgb(c));
            }
            if let Some(c) = &fill.background_color {
                g = g.set_background_color(rgb(c));
            }
            g
        }
    };
    f
}

fn with_borders(mut f: xw::Format, b: &calamine::Borders) -> xw::Format {
    type SetStyle = fn(xw::Format, xw::FormatBorder) -> xw::Format;
    type SetColor = fn(xw::Format, xw::Color) -> xw::Format;
    let sides: [(&calamine::Border, SetStyle, SetColor); 4] = [
        (
            &b.top,
            |f, s| f.set_border_top(s),
            |f, c| f.set_border_top_color(c),
        ),
        (
            &b.bottom,
            |f, s| f.set_border_bottom(s),
            |f, c| f.set_border_bottom_color(c),
        ),
        (
            &b.left,
            |f, s| f.set_border_left(s),
            |f, c| f.set_border_left_color(c),
        ),
        (
            &b.right,
            |f, s| f.set_border_right(s),
            |f, c| f.set_border_right_color(c),
        ),
    ];
    for (border, set_style, set_color) in sides {
        if border.is_visible() {
            f = set_style(f, border_style(border.style));
            if let Some(c) = &border.color {
                f = set_color(f, rgb(c));
            }
        }
    }
    let (up, down) = (b.diagonal_up.is_visible(), b.diagonal_down.is_visible());
    if up || down {
        let border = if up { &b.diagonal_up } else { &b.diagonal_down };
        let kind = match (up, down) {
            (true, true) => xw::FormatDiagonalBorder::BorderUpDown,
            (true, false) => xw::FormatDiagonalBorder::BorderUp,
            _ => xw::FormatDiagonalBorder::BorderDown,
        };
        f = f
            .set_border_diagonal(border_style(border.style))
            .set_border_diagonal_type(kind);
        if let Some(c) = &border.color {
            f = f.set_border_diagonal_color(rgb(c));
        }
    }
    f
}

fn with_alignment(mut f: xw::Format, a: &calamine::Alignment) -> xw::Format {
    f = match a.horizontal {
        calamine::HorizontalAlignment::Left => f.set_align(xw::FormatAlign::Left),
        calamine::HorizontalAlignment::Center => f.set_align(xw::FormatAlign::Center),
        calamine::HorizontalAlignment::CenterContinuous => {
            f.set_align(xw::FormatAlign::CenterAcross)
        }
        calamine::HorizontalAlignment::Right => f.set_align(xw::FormatAlign::Right),
        calamine::HorizontalAlignment::Justify => f.set_align(xw::FormatAlign::Justify),
        calamine::HorizontalAlignment::Distributed => f.set_align(xw::FormatAlign::Distributed),
        calamine::HorizontalAlignment::Fill => f.set_align(xw::FormatAlign::Fill),
        _ => f,
    };
    f = match a.vertical {
        calamine::VerticalAlignment::Top => f.set_align(xw::FormatAlign::Top),
        calamine::VerticalAlignment::Center => f.set_align(xw::FormatAlign::VerticalCenter),
        calamine::VerticalAlignment::Justify => f.set_align(xw::FormatAlign::VerticalJustify),
        calamine::VerticalAlignment::Distributed => {
            f.set_align(xw::FormatAlign::VerticalDistributed)
        }
        _ => f,
    };
    if a.wrap_text {
        f = f.set_text_wrap();
    }
    if a.shrink_to_fit {
        f = f.set_shrink();
    }
    if let Some(indent) = a.indent.filter(|i| *i > 0) {
        f = f.set_indent(indent);
    }
    f = match a.text_rotation {
        calamine::TextRotation::Degrees(d @ 1..=90) => f.set_rotation(d as i16),
        calamine::TextRotation::Degrees(d @ 91..=180) => f.set_rotation(90 - d as i16),
        calamine::TextRotation::Stacked => f.set_rotation(270),
        _ => f,
    };
    f
}

fn with_protection(mut f: xw::Format, p: &calamine::Protection) -> xw::Format {
    if !p.locked {
        f = f.set_unlocked();
    }
    if p.hidden {
        f = f.set_hidden();
    }
    f
}

fn border_style(style: calamine::BorderStyle) -> xw::FormatBorder {
    use calamine::BorderStyle as B;
    match style {
        B::Thin => xw::FormatBorder::Thin,
        B::Medium => xw::FormatBorder::Medium,
        B::Thick => xw::FormatBorder::Thick,
        B::Double => xw::FormatBorder::Double,
        B::Hair => xw::FormatBorder::Hair,
        B::Dashed => xw::FormatBorder::Dashed,
        B::Dotted => xw::FormatBorder::Dotted,
        B::MediumDashed => xw::FormatBorder::MediumDashed,
        B::DashDot => xw::FormatBorder::DashDot,
        B::MediumDashDot => xw::FormatBorder::MediumDashDot,
        B::DashDotDot => xw::FormatBorder::DashDotDot,
        B::MediumDashDotDot => xw::FormatBorder::MediumDashDotDot,
        B::SlantDashDot => xw::FormatBorder::SlantDashDot,
        _ => xw::FormatBorder::None,
    }
}

fn fill_pattern(pattern: calamine::FillPattern) -> xw::FormatPattern {
    use calamine::FillPattern as P;
    match pattern {
        P::Solid => xw::FormatPattern::Solid,
        P::DarkGray => xw::FormatPattern::DarkGray,
        P::MediumGray => xw::FormatPattern::MediumGray,
        P::LightGray => xw::FormatPattern::LightGray,
        P::Gray125 => xw::FormatPattern::Gray125,
        P::Gray0625 => xw::FormatPattern::Gray0625,
        P::DarkHorizontal => xw::FormatPattern::DarkHorizontal,
        P::DarkVertical => xw::FormatPattern::DarkVertical,
        P::DarkDown => xw::FormatPattern::DarkDown,
        P::DarkUp => xw::FormatPattern::DarkUp,
        P::DarkGrid => xw::FormatPattern::DarkGrid,
        P::DarkTrellis => xw::FormatPattern::DarkTrellis,
        P::LightHorizontal => xw::FormatPattern::LightHorizontal,
        P::LightVertical => xw::FormatPattern::LightVertical,
        P::LightDown => xw::FormatPattern::LightDown,
        P::LightUp => xw::FormatPattern::LightUp,
        P::LightGrid => xw::FormatPattern::LightGrid,
        P::LightTrellis => xw::FormatPattern::LightTrellis,
        _ => xw::FormatPattern::None,
    }
}
