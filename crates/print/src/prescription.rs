//! The prescription (ordonnance) as an A4 PDF.
//!
//! Page 1: the prescriber's mentions on the left, the QR code of the unique number on the
//! right, the date, the patient's box, then the lines. When a line is for the affection de
//! longue durée the bizone layout applies: the ALD lines in the upper zone, the others
//! below, each zone under its regulatory heading. Lines that do not fit go to the next page,
//! which repeats the prescriber, the patient and the number; every page is numbered "i/n".
//! The notes and the signature block close the last page.
use relais_core::prescription::{Line, Prescription};

use crate::blocks::{self, BODY, BOX_GREY, MUTED, SMALL};
use crate::layout::{Style, Writer, BODY_BOTTOM, MARGIN_X, RIGHT, TEXT_W};
use crate::{fr, qr, PrintError, Signature};

/// Heading of the upper zone of the bizone layout (lines for the ALD).
pub const ALD_HEADING: &str = "Prescriptions relatives au traitement de l'affection de longue durée reconnue (liste ou hors liste)";
/// Sub-heading of the upper zone.
pub const ALD_SUBHEADING: &str = "(AFFECTION EXONÉRANTE)";
/// Heading of the lower zone of the bizone layout (the other lines).
pub const OTHER_HEADING: &str = "Prescriptions SANS RAPPORT avec l'affection de longue durée";
/// Sub-heading of the lower zone.
pub const OTHER_SUBHEADING: &str = "(MALADIES INTERCURRENTES)";

/// Top of the body on continuation pages, mm.
const CONTINUATION_TOP: f32 = 14.0;
/// Size of the QR code, mm.
const QR_SIZE: f32 = 30.0;
/// Left indent of a line's text, after its number, mm.
const INDENT: f32 = 8.0;

/// The prescription as an A4 PDF, unsigned (a box for the handwritten signature).
///
/// Validated first (on the date it was issued): invalid data gives [`PrintError::Invalid`]
/// naming the field, and no document.
pub fn render(prescription: &Prescription) -> Result<Vec<u8>, PrintError> {
    draw(prescription, None)
}

/// The prescription as an A4 PDF with its electronic signature block (signer, date, version,
/// SHA-256 of the signed content, the version it replaces).
pub fn render_signed(
    prescription: &Prescription,
    signature: &Signature,
) -> Result<Vec<u8>, PrintError> {
    signature.validate()?;
    draw(prescription, Some(signature))
}

fn draw(p: &Prescription, signature: Option<&Signature>) -> Result<Vec<u8>, PrintError> {
    p.validate(fr::day(&p.issued_at))?;
    let mut w = Writer::new(&format!("Ordonnance n° {}", p.id))?;
    w.new_page(12.0);
    first_page_header(&mut w, p)?;

    let mut number = 0;
    if p.is_bizone() {
        let (ald, other) = p.zones();
        zone(&mut w, p, ALD_HEADING, ALD_SUBHEADING, &ald, &mut number);
        w.y += 3.0;
        zone(
            &mut w,
            p,
            OTHER_HEADING,
            OTHER_SUBHEADING,
            &other,
            &mut number,
        );
    } else {
        w.y += 4.0;
        for line in &p.lines {
            number += 1;
            entry(&mut w, p, line, number, None);
        }
    }

    closing(&mut w, p, signature);

    let footer = format!(
        "Ordonnance n° {} · {}, {}",
        p.id,
        p.patient.full_name(),
        blocks::born_on(&p.patient)
    );
    w.each_page(|w, page, total| blocks::footer(w, &footer, page, total));
    Ok(w.finish())
}

/// Prescriber, QR code and number, date, patient.
fn first_page_header(w: &mut Writer, p: &Prescription) -> Result<(), PrintError> {
    let top = w.y;
    let qr_x = RIGHT - QR_SIZE;
    let left_width = TEXT_W - QR_SIZE - 14.0;
    blocks::prescriber(w, &p.prescriber, left_width);
    let left_bottom = w.y;

    // The quiet zone of the code is inside its square: align its dark modules with the text.
    qr::draw(w, &p.id, qr_x + 2.0, top - 1.0, QR_SIZE)?;
    let mut y = top + QR_SIZE + 1.5;
    // A long number (a UUID) reaches under the prescriber's column: then it goes below it.
    if RIGHT - w.width(&p.id, Style::bold(8.5)) < MARGIN_X + left_width + 2.0 {
        y = y.max(left_bottom + 3.5);
    }
    w.text_right(RIGHT, y, "Ordonnance n°", MUTED);
    y += 3.8;
    w.text_right(RIGHT, y, &p.id, Style::bold(8.5));

    w.y = left_bottom.max(y) + 4.0;
    w.hline(MARGIN_X, RIGHT, w.y, 0.8, 0.2);
    w.y += 6.5;
    w.text_at(MARGIN_X, w.y, "ORDONNANCE", Style::bold(13.0));
    let date = format!(
        "Le {} à {}, par téléconsultation",
        fr::date_long(fr::day(&p.issued_at)),
        fr::time(&p.issued_at)
    );
    w.text_right(RIGHT, w.y, &date, BODY);
    w.y += 1.5;
    blocks::patient_box(w, &p.patient, fr::day(&p.issued_at));
    Ok(())
}

/// The compact header of a continuation page.
fn continuation_header(w: &mut Writer, p: &Prescription) {
    w.new_page(CONTINUATION_TOP);
    w.y += 4.0;
    let pr = &p.prescriber;
    w.text_at(MARGIN_X, w.y, pr.name.trim(), Style::bold(10.5));
    w.text_right(
        RIGHT,
        w.y,
        &format!("Ordonnance n° {} (suite)", p.id),
        Style::bold(9.0),
    );
    w.y += 4.2;
    w.text_at(
        MARGIN_X,
        w.y,
        &format!("N° RPPS : {}", pr.rpps.trim()),
        SMALL,
    );
    w.text_right(
        RIGHT,
        w.y,
        &format!("{}, {}", p.patient.full_name(), blocks::born_on(&p.patient)),
        SMALL,
    );
    w.y += 3.0;
    w.hline(MARGIN_X, RIGHT, w.y, 0.8, 0.2);
    w.y += 3.0;
}

/// Moves to a new page when `height` mm does not fit above the footer.
fn ensure(w: &mut Writer, p: &Prescription, height: f32) -> bool {
    if w.y + height > BODY_BOTTOM {
        continuation_header(w, p);
        true
    } else {
        false
    }
}

/// A zone of the bizone layout: its heading, then its lines (or "Néant").
fn zone(
    w: &mut Writer,
    p: &Prescription,
    heading: &str,
    subheading: &str,
    lines: &[&Line],
    number: &mut usize,
) {
    let first_height = lines.first().map_or(8.0, |l| entry_height(w, l));
    ensure(w, p, heading_height(w, heading) + first_height);
    zone_heading(w, heading, subheading, false);
    if lines.is_empty() {
        w.y += BODY.leading() + 1.0;
        w.text_at(MARGIN_X + INDENT, w.y, "Néant", MUTED);
        w.y += 2.0;
    }
    for line in lines {
        *number += 1;
        entry(w, p, line, *number, Some((heading, subheading)));
    }
}

const HEADING: Style = Style::bold(9.5);

fn heading_height(w: &Writer, heading: &str) -> f32 {
    w.paragraph_height(TEXT_W - 8.0, heading, HEADING) + SMALL.leading() + 5.0
}

fn zone_heading(w: &mut Writer, heading: &str, subheading: &str, continued: bool) {
    let top = w.y + 2.0;
    let h = heading_height(w, heading);
    w.fill_rect(MARGIN_X, top, TEXT_W, h, BOX_GREY);
    w.hline(MARGIN_X, RIGHT, top, 1.2, 0.15);
    w.y = top + 1.0;
    w.paragraph(MARGIN_X + 4.0, TEXT_W - 8.0, heading, HEADING);
    let sub = if continued {
        format!("{subheading} (suite)")
    } else {
        subheading.to_string()
    };
    w.paragraph(
        MARGIN_X + 4.0,
        TEXT_W - 8.0,
        &sub,
        Style::bold(8.0).grey(0.3),
    );
    w.y = top + h;
}

const DRUG: Style = Style::bold(10.5);

/// The texts of one line: drug, dosage, details (duration, quantity, renewals).
fn entry_texts(line: &Line) -> (String, String, String) {
    let mut details = Vec::new();
    if let Some(d) = line
        .duration
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        details.push(format!("Durée : {d}"));
    }
    if let Some(q) = line
        .quantity
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        details.push(format!("Quantité : {q}"));
    }
    details.push(
        line.renewals_text()
            .unwrap_or_else(|| "Non renouvelable".to_string()),
    );
    (
        line.drug.trim().to_string(),
        line.dosage.trim().to_string(),
        details.join("   ·   "),
    )
}

fn entry_height(w: &Writer, line: &Line) -> f32 {
    let width = TEXT_W - INDENT;
    let (drug, dosage, details) = entry_texts(line);
    let ns = if line.non_substitutable {
        SMALL.leading() + 0.5
    } else {
        0.0
    };
    ns + w.paragraph_height(width, &drug, DRUG)
        + w.paragraph_height(width, &dosage, BODY)
        + w.paragraph_height(width, &details, MUTED)
        + 5.0
}

/// One numbered line; `zone` repeats the zone's heading when the line opens a new page.
fn entry(w: &mut Writer, p: &Prescription, line: &Line, number: usize, zone: Option<(&str, &str)>) {
    if ensure(w, p, entry_height(w, line)) {
        if let Some((heading, subheading)) = zone {
            zone_heading(w, heading, subheading, true);
        }
    }
    let width = TEXT_W - INDENT;
    let (drug, dosage, details) = entry_texts(line);
    w.y += 3.0;
    if line.non_substitutable {
        w.y += SMALL.leading();
        w.text_at(MARGIN_X + INDENT, w.y, "Non substituable", Style::bold(8.5));
        w.y += 0.5;
    }
    let first = w.y + DRUG.leading();
    w.text_right(MARGIN_X + INDENT - 2.5, first, &format!("{number}."), DRUG);
    w.paragraph(MARGIN_X + INDENT, width, &drug, DRUG);
    w.paragraph(MARGIN_X + INDENT, width, &dosage, BODY);
    w.paragraph(MARGIN_X + INDENT, width, &details, MUTED);
    w.y += 2.0;
}

/// Notes and signature, kept together on the last page.
fn closing(w: &mut Writer, p: &Prescription, signature: Option<&Signature>) {
    let notes = p.notes.trim();
    let notes_height = if notes.is_empty() {
        0.0
    } else {
        8.0 + w.paragraph_height(TEXT_W, notes, BODY)
    };
    ensure(
        w,
        p,
        notes_height + blocks::signature_height(w, signature) + 4.0,
    );
    if !notes.is_empty() {
        w.y += 4.0;
        w.hline(MARGIN_X, RIGHT, w.y, 0.4, 0.7);
        w.y += 0.5;
        w.paragraph(MARGIN_X, TEXT_W, "Instructions", Style::bold(9.5));
        w.paragraph(MARGIN_X, TEXT_W, notes, BODY);
    }
    w.y += 2.0;
    blocks::signature(
        w,
        "Signature du prescripteur",
        p.prescriber.name.trim(),
        signature,
    );
}
