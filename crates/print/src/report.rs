//! The consultation report (compte rendu) as an A4 PDF.
//!
//! The GP's identity, the report's number and the consultation's, the date and time, the
//! patient, then the participants and consent, the reason, findings, readings, diagnosis,
//! orientation, prescriptions, acts with their fees, technical incidents, the copy to the
//! médecin traitant, and the signature block. Long texts flow onto numbered pages.
use relais_core::measurement::{format_fr, Reading};
use relais_core::report::{euros_text, Report};

use crate::blocks::{self, MUTED, SMALL};
use crate::layout::{Style, Writer, BODY_BOTTOM, MARGIN_X, RIGHT, TEXT_W};
use crate::{fr, PrintError, Signature};

/// Title printed under the header.
pub const TITLE: &str = "COMPTE RENDU DE TÉLÉCONSULTATION ASSISTÉE";

const SECTION: Style = Style::bold(10.5);
/// Body text of the report, a little smaller than the prescription's.
const BODY: Style = Style::regular(9.5);
/// Left edge of a section's text, mm.
const TEXT_X: f32 = MARGIN_X + 4.0;
const TEXT_WIDTH: f32 = TEXT_W - 4.0;

/// The report as an A4 PDF, unsigned (a box for the handwritten signature).
///
/// Validated first (on the day of the consultation): invalid data gives
/// [`PrintError::Invalid`] naming the field, and no document.
pub fn render(report: &Report) -> Result<Vec<u8>, PrintError> {
    draw(report, None)
}

/// The report as an A4 PDF with its electronic signature block.
pub fn render_signed(report: &Report, signature: &Signature) -> Result<Vec<u8>, PrintError> {
    signature.validate()?;
    draw(report, Some(signature))
}

fn draw(r: &Report, signature: Option<&Signature>) -> Result<Vec<u8>, PrintError> {
    let day = fr::day(&r.started_at);
    r.validate(day)?;
    let mut w = Writer::new(&format!("Compte rendu de téléconsultation n° {}", r.id))?;
    w.new_page(12.0);
    header(&mut w, r);

    participants(&mut w, r);
    section(&mut w, r, "Motif de la consultation", r.reason.trim());
    section(&mut w, r, "Examen clinique", r.findings.trim());
    readings(&mut w, r);
    let diagnosis = r.diagnosis.trim();
    section(
        &mut w,
        r,
        "Diagnostic",
        if diagnosis.is_empty() {
            "Non précisé."
        } else {
            diagnosis
        },
    );
    section(&mut w, r, "Orientation", r.orientation.trim());
    let prescriptions = if r.prescription_ids.is_empty() {
        "Aucune ordonnance.".to_string()
    } else {
        r.prescription_ids
            .iter()
            .map(|id| format!("Ordonnance n° {id}."))
            .collect::<Vec<_>>()
            .join("\n")
    };
    section(&mut w, r, "Prescriptions", &prescriptions);
    acts(&mut w, r);
    let incidents = if r.incidents.is_empty() {
        "Aucun incident technique.".to_string()
    } else {
        r.incidents
            .iter()
            .map(|i| format!("{} : {}", fr::time(&i.at), i.description.trim()))
            .collect::<Vec<_>>()
            .join("\n")
    };
    section(&mut w, r, "Incidents techniques", &incidents);

    let height = blocks::signature_height(&w, signature);
    ensure(&mut w, r, height + 4.0);
    w.y += 2.0;
    blocks::signature(&mut w, "Signature du médecin", r.gp.name.trim(), signature);

    let footer = format!(
        "Compte rendu n° {} · {}, {}",
        r.id,
        r.patient.full_name(),
        blocks::born_on(&r.patient)
    );
    w.each_page(|w, page, total| blocks::footer(w, &footer, page, total));
    Ok(w.finish())
}

fn header(w: &mut Writer, r: &Report) {
    let top = w.y;
    blocks::prescriber(w, &r.gp, TEXT_W - 60.0);
    let left_bottom = w.y;
    let mut y = top + 6.0;
    w.text_right(RIGHT, y, "Compte rendu n°", MUTED);
    y += 4.2;
    w.text_right(RIGHT, y, &r.id, Style::bold(9.0));
    y += 5.0;
    w.text_right(RIGHT, y, "Consultation", MUTED);
    y += 4.2;
    w.text_right(RIGHT, y, &r.consultation_id, Style::bold(9.0));

    w.y = left_bottom.max(y) + 4.0;
    w.hline(MARGIN_X, RIGHT, w.y, 0.8, 0.2);
    w.y += 6.5;
    w.text_at(MARGIN_X, w.y, TITLE, Style::bold(12.5));
    w.y += 1.0;
    let mut when = format!(
        "Le {}, de {}",
        fr::date_long(fr::day(&r.started_at)),
        fr::time(&r.started_at)
    );
    match r.ended_at {
        Some(end) => {
            let minutes = (end - r.started_at).num_minutes();
            when.push_str(&format!(" à {} ({minutes} min)", fr::time(&end)));
        }
        None => when = when.replace(", de ", ", à partir de "),
    }
    w.paragraph(MARGIN_X, TEXT_W, &when, BODY);
    w.y += 1.0;
    blocks::patient_box(w, &r.patient, fr::day(&r.started_at));
}

fn continuation(w: &mut Writer, r: &Report) {
    w.new_page(14.0);
    w.y += 4.0;
    w.text_at(MARGIN_X, w.y, r.gp.name.trim(), Style::bold(10.5));
    w.text_right(
        RIGHT,
        w.y,
        &format!("Compte rendu n° {} (suite)", r.id),
        Style::bold(9.0),
    );
    w.y += 4.2;
    w.text_at(
        MARGIN_X,
        w.y,
        &format!("N° RPPS : {}", r.gp.rpps.trim()),
        SMALL,
    );
    w.text_right(RIGHT, w.y, &r.patient.full_name(), SMALL);
    w.y += 3.0;
    w.hline(MARGIN_X, RIGHT, w.y, 0.8, 0.2);
    w.y += 2.0;
}

fn ensure(w: &mut Writer, r: &Report, height: f32) {
    if w.y + height > BODY_BOTTOM {
        continuation(w, r);
    }
}

/// A section title with a thin rule.
fn title(w: &mut Writer, r: &Report, text: &str) {
    ensure(w, r, 7.0 + SECTION.leading() + 2.0 * BODY.leading());
    w.y += 2.6 + SECTION.leading();
    w.text_at(MARGIN_X, w.y, text, SECTION);
    w.hline(MARGIN_X, RIGHT, w.y + 1.6, 0.4, 0.7);
    w.y += 1.4;
}

/// Wrapped text that flows onto the next page when needed.
fn flow(w: &mut Writer, r: &Report, x: f32, width: f32, text: &str, style: Style) {
    for line in w.wrap(text, style, width) {
        ensure(w, r, style.leading());
        w.y += style.leading();
        w.text_at(x, w.y, &line, style);
    }
}

fn section(w: &mut Writer, r: &Report, heading: &str, text: &str) {
    title(w, r, heading);
    flow(w, r, TEXT_X, TEXT_WIDTH, text, BODY);
}

/// Label and value on one row: the label in grey in a fixed column.
fn row(w: &mut Writer, r: &Report, label: &str, value: &str) {
    let label_w = 46.0;
    let lines = w.wrap(value, BODY, TEXT_WIDTH - label_w);
    ensure(w, r, BODY.leading() * lines.len() as f32);
    w.y += BODY.leading();
    w.text_at(TEXT_X, w.y, label, MUTED);
    for (i, line) in lines.iter().enumerate() {
        if i > 0 {
            w.y += BODY.leading();
        }
        w.text_at(TEXT_X + label_w, w.y, line, BODY);
    }
}

fn participants(w: &mut Writer, r: &Report) {
    title(w, r, "Participants");
    let gp = format!(
        "{}, {} (N° RPPS {})",
        r.gp.name.trim(),
        r.gp.qualification.trim(),
        r.gp.rpps.trim()
    );
    row(w, r, "Médecin téléconsultant", &gp);
    let a = &r.assistant;
    let mut assistant = format!("{}, {}", a.name.trim(), a.profession.trim());
    if let Some(rpps) = a.rpps.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        assistant.push_str(&format!(" (N° RPPS {rpps})"));
    }
    row(w, r, "Professionnel assistant", &assistant);
    if let Some(place) = a.place.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        row(w, r, "Lieu de la consultation", place);
    }
    row(
        w,
        r,
        "Consentement",
        "Consentement à la téléconsultation recueilli.",
    );
    let copy = match &r.copy_to {
        Some(c) => match c
            .address
            .as_deref()
            .map(str::trim)
            .filter(|a| !a.is_empty())
        {
            Some(address) => format!("{}, {address}", c.name.trim()),
            None => c.name.trim().to_string(),
        },
        None => "Pas de médecin traitant déclaré : aucune copie.".to_string(),
    };
    row(w, r, "Copie au médecin traitant", &copy);
}

/// French name of a reading's measure.
fn measure_label(reading: &Reading) -> &'static str {
    match reading {
        Reading::BloodPressure { .. } => "Pression artérielle",
        Reading::Pulse { .. } => "Fréquence cardiaque",
        Reading::SpO2 { .. } => "Saturation en oxygène (SpO2)",
        Reading::Temperature { .. } => "Température",
        Reading::Weight { .. } => "Poids",
        Reading::Glycaemia { .. } => "Glycémie capillaire",
    }
}

fn readings(w: &mut Writer, r: &Report) {
    title(w, r, "Mesures");
    if r.readings.is_empty() {
        flow(w, r, TEXT_X, TEXT_WIDTH, "Aucune mesure.", BODY);
        return;
    }
    for taken in &r.readings {
        ensure(w, r, BODY.leading());
        w.y += BODY.leading();
        w.text_at(TEXT_X, w.y, &fr::time(&taken.taken_at), MUTED);
        w.text_at(TEXT_X + 20.0, w.y, measure_label(&taken.reading), BODY);
        w.text_at(
            TEXT_X + 90.0,
            w.y,
            &format_fr(&taken.reading),
            Style::bold(9.5),
        );
    }
}

fn acts(w: &mut Writer, r: &Report) {
    title(w, r, "Actes");
    let fee_right = RIGHT - 2.0;
    for act in &r.acts {
        let lines = w.wrap(act.label(), BODY, TEXT_WIDTH - 16.0 - 26.0);
        ensure(w, r, BODY.leading() * lines.len() as f32);
        w.y += BODY.leading();
        w.text_at(TEXT_X, w.y, act.code(), Style::bold(9.5));
        w.text_right(fee_right, w.y, &euros_text(act.fee_cents()), BODY);
        for (i, line) in lines.iter().enumerate() {
            if i > 0 {
                w.y += BODY.leading();
            }
            w.text_at(TEXT_X + 16.0, w.y, line, BODY);
        }
    }
    ensure(w, r, BODY.leading() + 2.0);
    w.y += 1.6;
    w.hline(RIGHT - 60.0, RIGHT, w.y, 0.4, 0.6);
    w.y += BODY.leading();
    w.text_right(
        fee_right - 28.0,
        w.y,
        "Total (tiers payant, secteur 1)",
        MUTED,
    );
    w.text_right(
        fee_right,
        w.y,
        &euros_text(r.total_cents()),
        Style::bold(9.5),
    );
}
