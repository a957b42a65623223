//! A small A4 page writer over printpdf's operation lists: embedded fonts, measured and
//! wrapped text, rules, boxes, pages and their footers. Coordinates are millimetres from
//! the top-left corner of the page; text is placed by its baseline.
use std::collections::BTreeSet;

use printpdf::{
    Color, FontId, Line, LinePoint, Mm, Op, PaintMode, ParsedFont, PdfDocument, PdfFont,
    PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt, Rect, Rgb, TextItem, WindingOrder,
};

use crate::PrintError;

/// A4 width, mm.
pub(crate) const PAGE_W: f32 = 210.0;
/// A4 height, mm.
pub(crate) const PAGE_H: f32 = 297.0;
/// Left and right margins, mm.
pub(crate) const MARGIN_X: f32 = 18.0;
/// Right edge of the text area, mm.
pub(crate) const RIGHT: f32 = PAGE_W - MARGIN_X;
/// Width of the text area, mm.
pub(crate) const TEXT_W: f32 = PAGE_W - 2.0 * MARGIN_X;
/// Lowest baseline of the body (the footer lives below), mm from the top.
pub(crate) const BODY_BOTTOM: f32 = PAGE_H - 20.5;

const REGULAR_TTF: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
const BOLD_TTF: &[u8] = include_bytes!("../fonts/DejaVuSans-Bold.ttf");

/// Millimetres in one point.
const MM_PER_PT: f32 = 25.4 / 72.0;

/// Regular or bold face of the embedded DejaVu Sans.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Face {
    /// DejaVu Sans.
    Regular,
    /// DejaVu Sans Bold.
    Bold,
}

/// A face, a size in points and a grey level (0 black, 1 white).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Style {
    pub face: Face,
    pub size: f32,
    pub grey: f32,
}

impl Style {
    /// Regular black text of `size` points.
    pub const fn regular(size: f32) -> Self {
        Self {
            face: Face::Regular,
            size,
            grey: 0.0,
        }
    }

    /// Bold black text of `size` points.
    pub const fn bold(size: f32) -> Self {
        Self {
            face: Face::Bold,
            size,
            grey: 0.0,
        }
    }

    /// The same in a grey level.
    pub const fn grey(self, grey: f32) -> Self {
        Self { grey, ..self }
    }

    /// Comfortable distance between two baselines, mm.
    pub fn leading(self) -> f32 {
        self.size * 1.32 * MM_PER_PT
    }
}

/// The document being written.
pub(crate) struct Writer {
    doc: PdfDocument,
    regular: ParsedFont,
    bold: ParsedFont,
    regular_id: FontId,
    bold_id: FontId,
    /// Characters written in each face, for the font subsets.
    regular_chars: BTreeSet<char>,
    bold_chars: BTreeSet<char>,
    pages: Vec<Vec<Op>>,
    /// Current baseline, mm from the top of the current page.
    pub y: f32,
}

fn grey(level: f32) -> Color {
    Color::Rgb(Rgb {
        r: level,
        g: level,
        b: level,
        icc_profile: None,
    })
}

/// A point `x` mm from the left, `y` mm from the top.
fn at(x: f32, y: f32) -> Point {
    Point::new(Mm(x), Mm(PAGE_H - y))
}

impl Writer {
    /// A document titled `title` with its fonts, no page yet.
    pub fn new(title: &str) -> Result<Self, PrintError> {
        let mut warnings = Vec::new();
        let regular =
            ParsedFont::from_bytes(REGULAR_TTF, 0, &mut warnings).ok_or(PrintError::Font)?;
        let bold = ParsedFont::from_bytes(BOLD_TTF, 0, &mut warnings).ok_or(PrintError::Font)?;
        let mut doc = PdfDocument::new(title);
        doc.metadata.info.creator = "Relais".to_string();
        doc.metadata.info.producer = "Relais".to_string();
        // The fonts are added at the end, reduced to the glyphs the pages use.
        Ok(Self {
            doc,
            regular,
            bold,
            regular_id: FontId::new(),
            bold_id: FontId::new(),
            regular_chars: BTreeSet::new(),
            bold_chars: BTreeSet::new(),
            pages: Vec::new(),
            y: 0.0,
        })
    }

    /// Number of pages started so far.
    pub fn pages(&self) -> usize {
        self.pages.len()
    }

    /// Starts a new page; the cursor goes to `top`.
    pub fn new_page(&mut self, top: f32) {
        self.pages.push(Vec::new());
        self.y = top;
    }

    fn ops(&mut self) -> &mut Vec<Op> {
        if self.pages.is_empty() {
            self.pages.push(Vec::new());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    fn font(&self, face: Face) -> &ParsedFont {
        match face {
            Face::Regular => &self.regular,
            Face::Bold => &self.bold,
        }
    }

    /// Width of `text` in `style`, mm.
    pub fn width(&self, text: &str, style: Style) -> f32 {
        let font = self.font(style.face);
        let units: u32 = text
            .chars()
            .map(|c| {
                font.lookup_glyph_index(c as u32)
                    .and_then(|g| font.get_glyph_width(g))
                    .map_or(0, u32::from)
            })
            .sum();
        units as f32 / f32::from(font.units_per_em.max(1)) * style.size * MM_PER_PT
    }

    /// `text` broken into lines no wider than `width` mm: at spaces, inside a word only when
    /// the word alone is too wide. Explicit newlines are kept.
    pub fn wrap(&self, text: &str, style: Style, width: f32) -> Vec<String> {
        let mut lines = Vec::new();
        for paragraph in text.split('\n') {
            let mut line = String::new();
            for word in paragraph.split_whitespace() {
                let candidate = if line.is_empty() {
                    word.to_string()
                } else {
                    format!("{line} {word}")
                };
                if self.width(&candidate, style) <= width {
                    line = candidate;
                    continue;
                }
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                // The word alone: cut it where it overflows.
                for c in word.chars() {
                    line.push(c);
                    if self.width(&line, style) > width && line.chars().count() > 1 {
                        line.pop();
                        lines.push(std::mem::take(&mut line));
                        line.push(c);
                    }
                }
            }
            lines.push(line);
        }
        lines
    }

    /// Writes `text` with its baseline at (`x`, `y`).
    pub fn text_at(&mut self, x: f32, y: f32, text: &str, style: Style) {
        if text.is_empty() {
            return;
        }
        let (id, chars) = match style.face {
            Face::Regular => (&self.regular_id, &mut self.regular_chars),
            Face::Bold => (&self.bold_id, &mut self.bold_chars),
        };
        chars.extend(text.chars());
        let font = PdfFontHandle::External(id.clone());
        self.ops().extend([
            Op::SetFillColor {
                col: grey(style.grey),
            },
            Op::StartTextSection,
            Op::SetFont {
                font,
                size: Pt(style.size),
            },
            Op::SetTextCursor { pos: at(x, y) },
            Op::ShowText {
                items: vec![TextItem::Text(text.to_string())],
            },
            Op::EndTextSection,
        ]);
    }

    /// Writes `text` ending at `right`, baseline `y`.
    pub fn text_right(&mut self, right: f32, y: f32, text: &str, style: Style) {
        let w = self.width(text, style);
        self.text_at(right - w, y, text, style);
    }

    /// Writes wrapped lines from the cursor (first baseline one leading below it), moving it down.
    pub fn paragraph(&mut self, x: f32, width: f32, text: &str, style: Style) {
        for line in self.wrap(text, style, width) {
            self.y += style.leading();
            self.text_at(x, self.y, &line, style);
        }
    }

    /// Height that [`Writer::paragraph`] would take, mm.
    pub fn paragraph_height(&self, width: f32, text: &str, style: Style) -> f32 {
        self.wrap(text, style, width).len() as f32 * style.leading()
    }

    /// A filled rectangle, top-left (`x`, `y`), in grey `level`.
    pub fn fill_rect(&mut self, x: f32, y: f32, w: f32, h: f32, level: f32) {
        self.rect(x, y, w, h, level, PaintMode::Fill);
    }

    /// A rectangle outline, top-left (`x`, `y`), `thickness` pt, grey `level`.
    pub fn stroke_rect(&mut self, x: f32, y: f32, w: f32, h: f32, thickness: f32, level: f32) {
        self.ops()
            .push(Op::SetOutlineThickness { pt: Pt(thickness) });
        self.rect(x, y, w, h, level, PaintMode::Stroke);
    }

    fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, level: f32, mode: PaintMode) {
        let colour = match mode {
            PaintMode::Stroke => Op::SetOutlineColor { col: grey(level) },
            _ => Op::SetFillColor { col: grey(level) },
        };
        let lower_left = at(x, y + h);
        self.ops().extend([
            colour,
            Op::DrawRectangle {
                rectangle: Rect {
                    x: lower_left.x,
                    y: lower_left.y,
                    width: Mm(w).into(),
                    height: Mm(h).into(),
                    mode: Some(mode),
                    winding_order: Some(WindingOrder::NonZero),
                },
            },
        ]);
    }

    /// A horizontal rule from `x1` to `x2` at `y`.
    pub fn hline(&mut self, x1: f32, x2: f32, y: f32, thickness: f32, level: f32) {
        self.ops().extend([
            Op::SetOutlineColor { col: grey(level) },
            Op::SetOutlineThickness { pt: Pt(thickness) },
            Op::DrawLine {
                line: Line {
                    points: vec![
                        LinePoint {
                            p: at(x1, y),
                            bezier: false,
                        },
                        LinePoint {
                            p: at(x2, y),
                            bezier: false,
                        },
                    ],
                    is_closed: false,
                },
            },
        ]);
    }

    /// Writes on every page (after the layout, when the page count is known).
    pub fn each_page(&mut self, mut draw: impl FnMut(&mut Writer, usize, usize)) {
        let total = self.pages.len();
        let pages = std::mem::take(&mut self.pages);
        let mut done = Vec::with_capacity(total);
        for (i, ops) in pages.into_iter().enumerate() {
            self.pages = vec![ops];
            draw(self, i + 1, total);
            done.append(&mut self.pages);
        }
        self.pages = done;
    }

    /// The PDF bytes, with the two faces reduced to the glyphs used.
    pub fn finish(mut self) -> Vec<u8> {
        let fonts = [
            (
                &self.regular_id,
                &self.regular,
                REGULAR_TTF,
                &self.regular_chars,
            ),
            (&self.bold_id, &self.bold, BOLD_TTF, &self.bold_chars),
        ];
        for (id, full, bytes, chars) in fonts {
            if chars.is_empty() {
                continue;
            }
            // Should subsetting ever fail, the whole face is embedded: larger, same text.
            let font = subset(bytes, full, chars).unwrap_or_else(|| full.clone());
            self.doc
                .resources
                .fonts
                .map
                .insert(id.clone(), PdfFont::new(font));
        }
        let pages = std::mem::take(&mut self.pages)
            .into_iter()
            .map(|ops| PdfPage::new(Mm(PAGE_W), Mm(PAGE_H), ops))
            .collect();
        self.doc.with_pages(pages);
        self.doc.save(&PdfSaveOptions::default(), &mut Vec::new())
    }
}

/// `bytes` (the face `full` was parsed from) reduced to the glyphs of `chars`, parsed again.
fn subset(bytes: &[u8], full: &ParsedFont, chars: &BTreeSet<char>) -> Option<ParsedFont> {
    use allsorts::binary::read::ReadScope;
    use allsorts::font_data::FontData;
    use allsorts::subset::{subset, CmapTarget, SubsetProfile};

    // Glyph 0 (.notdef) first, then each glyph once, in order.
    let mut glyphs: Vec<u16> = chars
        .iter()
        .filter_map(|&c| full.lookup_glyph_index(c as u32))
        .collect();
    glyphs.push(0);
    glyphs.sort_unstable();
    glyphs.dedup();
    let data = ReadScope::new(bytes).read::<FontData<'_>>().ok()?;
    let provider = data.table_provider(0).ok()?;
    let reduced = subset(
        &provider,
        &glyphs,
        &SubsetProfile::Minimal,
        CmapTarget::Unicode,
    )
    .ok()?;
    ParsedFont::from_bytes(&reduced, 0, &mut Vec::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_and_wrapping() {
        let w = Writer::new("t").unwrap();
        let body = Style::regular(10.0);
        // DejaVu Sans: "M" is 0.863 em, 10 pt = 3.53 mm.
        assert!((w.width("M", body) - 0.863 * 10.0 * MM_PER_PT).abs() < 0.01);
        assert!(w.width("é€", body) > 0.0);
        assert!(w.width("MM", Style::bold(10.0)) > w.width("MM", body));
        let lines = w.wrap(
            "un deux trois quatre cinq six sept huit neuf dix",
            body,
            30.0,
        );
        assert!(lines.len() > 1);
        for l in &lines {
            assert!(w.width(l, body) <= 30.0, "{l}");
        }
        assert_eq!(
            lines.join(" "),
            "un deux trois quatre cinq six sept huit neuf dix"
        );
        // A word wider than the line is cut, nothing lost.
        let long = "x".repeat(200);
        let lines = w.wrap(&long, body, 40.0);
        assert!(lines.len() >= 5);
        assert_eq!(lines.concat(), long);
        // Explicit newlines are kept, empty text is one empty line.
        assert_eq!(w.wrap("a\nb", body, 100.0), ["a", "b"]);
        assert_eq!(w.wrap("", body, 100.0), [""]);
    }

    #[test]
    fn the_subset_keeps_the_glyphs_and_their_widths() {
        let w = Writer::new("t").unwrap();
        let chars: BTreeSet<char> = "Hélène €àç 0123".chars().collect();
        let reduced = subset(REGULAR_TTF, &w.regular, &chars).unwrap();
        assert!(reduced.source_bytes().unwrap().len() < REGULAR_TTF.len() / 10);
        for c in chars {
            let full = w.regular.lookup_glyph_index(c as u32).unwrap();
            let sub = reduced.lookup_glyph_index(c as u32).unwrap();
            assert_eq!(
                w.regular.get_glyph_width(full),
                reduced.get_glyph_width(sub),
                "{c}"
            );
        }
        assert_eq!(reduced.lookup_glyph_index('Z' as u32), None);
    }
}
