//! The sick note (avis d'arrêt de travail) as an A4 PDF of two pages, as the parts of the
//! official form:
//!
//! - page 1, "Volets 1 et 2", for the service du contrôle médical of the patient's caisse
//!   d'assurance maladie: everything, including the medical reason and the remarks;
//! - page 2, "Volet 3", for the employer (or France Travail): the same without anything
//!   medical (neither the reason, nor the remarks, nor the justification of free exits).
//!
//! Each page carries the prescriber, the patient (and a box where the patient writes the
//! social security number and the employer), initial or prolongation, the period in
//! words ("du jeudi 26 novembre 2026 au samedi 28 novembre 2026 inclus, soit 3 jours"), the
//! exits, the teleconsultation mention and whether the prescriber is the médecin traitant,
//! the number, and the signature block. It does not pretend to be the secured Cerfa
//! form: a note says the GP also declares the sick note online when possible.
use relais_core::sick_note::{Exits, SickNote, TreatingGpSource};

use crate::blocks::{self, BODY, MUTED, SMALL};
use crate::layout::{Style, Writer, BODY_BOTTOM, MARGIN_X, RIGHT, TEXT_W};
use crate::{fr, PrintError, Signature};

/// Title printed on both pages.
pub const TITLE: &str = "AVIS D'ARRÊT DE TRAVAIL";
/// Subtitle printed under the title.
pub const SUBTITLE: &str = "Prescrit en téléconsultation";
/// Banner of page 1: the caisse's medical service.
pub const CAISSE_PART: &str =
    "Volets 1 et 2 — à adresser au service du contrôle médical de votre caisse d'assurance maladie";
/// Banner of page 2: the employer.
pub const EMPLOYER_PART: &str =
    "Volet 3 — à adresser à votre employeur (ou à Pôle emploi / France Travail)";
/// The note on the online declaration, on both pages.
pub const ONLINE_NOTE: &str = "Le médecin déclare aussi cet arrêt par le service en ligne de l'Assurance Maladie lorsque c'est possible.";
/// Said on the employer's page instead of the medical reason.
pub const NO_REASON_NOTE: &str =
    "Ce volet ne comporte pas le motif médical de l'arrêt, couvert par le secret médical.";
/// Heading of the box the patient fills in by hand.
pub const INSURED_HEADING: &str = "À compléter par l'assuré";
/// The teleconsultation mention.
pub const TELECONSULTATION_NOTE: &str = "Arrêt de travail prescrit en téléconsultation : limité à 3 jours, sauf s'il est prescrit par le médecin traitant du patient.";

const SECTION: Style = Style::bold(10.5);
const PERIOD: Style = Style::bold(11.5);
/// Column of the values in the rows, mm from the left margin.
const LABEL_W: f32 = 34.0;
const TEXT_X: f32 = MARGIN_X + 4.0;
const TEXT_WIDTH: f32 = TEXT_W - 4.0;

/// Which part of the form a page is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    /// Volets 1 et 2: the caisse's medical service, with the medical reason.
    Caisse,
    /// Volet 3: the employer, nothing medical.
    Employer,
}

impl Part {
    fn banner(self) -> &'static str {
        match self {
            Self::Caisse => CAISSE_PART,
            Self::Employer => EMPLOYER_PART,
        }
    }

    fn short(self) -> &'static str {
        match self {
            Self::Caisse => "Volets 1 et 2",
            Self::Employer => "Volet 3",
        }
    }
}

/// The sick note as an A4 PDF, unsigned (a box for the handwritten signature).
///
/// Validated first (on the day it was issued): invalid data gives [`PrintError::Invalid`]
/// naming the field, and no document.
pub fn render(note: &SickNote) -> Result<Vec<u8>, PrintError> {
    draw(note, None)
}

/// The sick note as an A4 PDF with its electronic signature block (signer, date, version,
/// SHA-256 of the signed content, the version it replaces).
pub fn render_signed(note: &SickNote, signature: &Signature) -> Result<Vec<u8>, PrintError> {
    signature.validate()?;
    draw(note, Some(signature))
}

/// "du jeudi 26 novembre 2026 au samedi 28 novembre 2026 inclus" (one day: "le jeudi 26
/// novembre 2026"); `None` when the note has no valid period.
pub fn period_text(note: &SickNote) -> Option<String> {
    let end = note.end_date()?;
    let start = fr::date_with_weekday(note.start_date);
    Some(if end == note.start_date {
        format!("le {start}")
    } else {
        format!("du {start} au {} inclus", fr::date_with_weekday(end))
    })
}

/// Whether the prescriber is the médecin traitant, as printed.
pub fn treating_gp_text(note: &SickNote) -> &'static str {
    match (note.by_treating_gp, note.treating_gp_source) {
        (true, TreatingGpSource::Record) => {
            "Le prescripteur est le médecin traitant du patient (numéro RPPS inscrit au dossier du patient)."
        }
        (true, TreatingGpSource::Declaration) => {
            "Le prescripteur est le médecin traitant du patient (déclaré par le prescripteur)."
        }
        (false, _) => "Le prescripteur n'est pas le médecin traitant du patient.",
    }
}

fn draw(n: &SickNote, signature: Option<&Signature>) -> Result<Vec<u8>, PrintError> {
    n.validate(fr::day(&n.issued_at))?;
    let period = period_text(n).ok_or_else(|| {
        PrintError::Invalid(relais_core::prescription::DocumentError::new(
            "days",
            relais_core::prescription::DocumentErrorKind::Malformed {
                detail: "période hors calendrier".into(),
            },
        ))
    })?;
    let mut w = Writer::new(&format!("Avis d'arrêt de travail n° {}", n.id))?;
    let mut parts = Vec::new();
    for part in [Part::Caisse, Part::Employer] {
        let first = w.pages() + 1;
        page(&mut w, n, part, &period, signature);
        parts.push((first..=w.pages(), part));
    }
    let footer = |part: Part| {
        format!(
            "Avis d'arrêt de travail n° {} · {}, {} · {}",
            n.id,
            n.patient.full_name(),
            blocks::born_on(&n.patient),
            part.short()
        )
    };
    w.each_page(|w, page, total| {
        let part = parts
            .iter()
            .find(|(pages, _)| pages.contains(&page))
            .map_or(Part::Employer, |(_, p)| *p);
        blocks::footer(w, &footer(part), page, total)
    });
    Ok(w.finish())
}

/// One part of the form, from a new page.
fn page(w: &mut Writer, n: &SickNote, part: Part, period: &str, signature: Option<&Signature>) {
    w.new_page(12.0);
    header(w, n, part);

    title(w, n, part, "Arrêt de travail");
    row(w, n, part, "Nature", n.kind.label());
    ensure(w, n, part, PERIOD.leading() * 2.0 + BODY.leading() + 2.0);
    w.y += 1.5;
    let mut period = period.to_string();
    if let Some(first) = period.get(..1) {
        period = first.to_uppercase() + &period[1..];
    }
    w.paragraph(TEXT_X, TEXT_WIDTH, &period, PERIOD);
    w.paragraph(
        TEXT_X,
        TEXT_WIDTH,
        &format!("soit {} (jours calendaires)", n.days_text()),
        BODY,
    );
    w.y += 1.0;
    row(w, n, part, "Sorties", n.exits.label());
    flow(
        w,
        n,
        part,
        TEXT_X + LABEL_W,
        TEXT_WIDTH - LABEL_W,
        n.exits.rule_text(),
        MUTED,
    );
    if part == Part::Caisse && n.exits == Exits::AllowedAnyTime {
        let why = n.exits_justification.as_deref().unwrap_or("").trim();
        row(w, n, part, "Justification", why);
    }

    title(w, n, part, "Médecin traitant");
    flow(w, n, part, TEXT_X, TEXT_WIDTH, treating_gp_text(n), BODY);

    match part {
        Part::Caisse => {
            title(w, n, part, "Motif médical (confidentiel)");
            flow(
                w,
                n,
                part,
                TEXT_X,
                TEXT_WIDTH,
                "Réservé au service du contrôle médical de la caisse d'assurance maladie.",
                MUTED,
            );
            w.y += 1.0;
            flow(w, n, part, TEXT_X, TEXT_WIDTH, n.reason.trim(), BODY);
            let notes = n.notes.trim();
            if !notes.is_empty() {
                title(w, n, part, "Remarques du prescripteur");
                flow(w, n, part, TEXT_X, TEXT_WIDTH, notes, BODY);
            }
        }
        Part::Employer => {
            w.y += 3.0;
            flow(
                w,
                n,
                part,
                TEXT_X,
                TEXT_WIDTH,
                NO_REASON_NOTE,
                Style::bold(9.0),
            );
        }
    }

    w.y += 3.0;
    flow(w, n, part, MARGIN_X, TEXT_W, TELECONSULTATION_NOTE, SMALL);
    let height = blocks::signature_height(w, signature) + 4.0;
    ensure(w, n, part, height);
    w.y += 1.0;
    blocks::signature(
        w,
        "Signature du prescripteur",
        n.prescriber.name.trim(),
        signature,
    );
    // The online declaration, just above the footer.
    let lines = w.wrap(ONLINE_NOTE, MUTED, TEXT_W);
    let note_top = BODY_BOTTOM - MUTED.leading() * lines.len() as f32;
    let y = w.y.max(note_top - 2.0);
    w.y = y;
    for line in &lines {
        w.y += MUTED.leading();
        w.text_at(MARGIN_X, w.y, line, MUTED);
    }
}

/// Prescriber and number, title and date, the part's banner, the patient.
fn header(w: &mut Writer, n: &SickNote, part: Part) {
    let top = w.y;
    let number = Style::bold(8.5);
    let right_w = w.width(&n.id, number).max(40.0);
    let left_width = (TEXT_W - right_w - 8.0).min(TEXT_W - 50.0);
    blocks::prescriber(w, &n.prescriber, left_width);
    let left_bottom = w.y;
    let mut y = top + 6.0;
    w.text_right(RIGHT, y, "Arrêt de travail n°", MUTED);
    y += 4.2;
    w.text_right(RIGHT, y, &n.id, number);

    w.y = left_bottom.max(y) + 4.0;
    w.hline(MARGIN_X, RIGHT, w.y, 0.8, 0.2);
    w.y += 6.5;
    w.text_at(MARGIN_X, w.y, TITLE, Style::bold(13.0));
    let date = format!(
        "Le {} à {}",
        fr::date_long(fr::day(&n.issued_at)),
        fr::time(&n.issued_at)
    );
    w.text_right(RIGHT, w.y, &date, BODY);
    w.y += 0.5;
    w.paragraph(MARGIN_X, TEXT_W, SUBTITLE, Style::bold(9.5).grey(0.3));
    banner(w, part);
    blocks::patient_box(w, &n.patient, fr::day(&n.issued_at));
    by_the_insured(w);
}

/// What the patient writes by hand: the social security number and the employer.
fn by_the_insured(w: &mut Writer) {
    let top = w.y + 2.5;
    let h = 17.0;
    w.stroke_rect(MARGIN_X, top, TEXT_W, h, 0.4, 0.55);
    let x = MARGIN_X + 4.0;
    let mut y = top + 4.8;
    w.text_at(x, y, INSURED_HEADING, Style::bold(8.5));
    for label in [
        "N° d'immatriculation (sécurité sociale)",
        "Employeur ou organisme (nom et adresse)",
    ] {
        y += 5.2;
        w.text_at(x, y, label, MUTED);
        let from = x + w.width(label, MUTED) + 2.0;
        w.hline(from, RIGHT - 4.0, y + 0.6, 0.3, 0.5);
    }
    w.y = top + h;
}

/// The part of the form, white on dark, with the time limit to send it.
fn banner(w: &mut Writer, part: Part) {
    let text = Style::bold(9.5).grey(1.0);
    let top = w.y + 3.0;
    let inner = TEXT_W - 8.0;
    let h = w.paragraph_height(inner, part.banner(), text) + 3.0;
    w.fill_rect(MARGIN_X, top, TEXT_W, h, 0.2);
    w.y = top + 0.4;
    w.paragraph(MARGIN_X + 4.0, inner, part.banner(), text);
    w.y = top + h;
    w.y += 0.5;
    w.paragraph(
        MARGIN_X,
        TEXT_W,
        "À envoyer dans les 48 heures. Conservez une copie de chaque volet.",
        MUTED,
    );
}

/// The compact header of a continuation page of `part`.
fn continuation(w: &mut Writer, n: &SickNote, part: Part) {
    w.new_page(14.0);
    w.y += 4.0;
    w.text_at(MARGIN_X, w.y, n.prescriber.name.trim(), Style::bold(10.5));
    w.text_right(
        RIGHT,
        w.y,
        &format!("{} (suite)", part.short()),
        Style::bold(9.0),
    );
    w.y += 4.2;
    w.text_at(
        MARGIN_X,
        w.y,
        &format!("N° RPPS : {}", n.prescriber.rpps.trim()),
        SMALL,
    );
    w.text_right(RIGHT, w.y, &format!("Arrêt de travail n° {}", n.id), SMALL);
    w.y += 3.8;
    w.text_right(RIGHT, w.y, &n.patient.full_name(), SMALL);
    w.y += 3.0;
    w.hline(MARGIN_X, RIGHT, w.y, 0.8, 0.2);
    w.y += 2.0;
}

/// Moves to a continuation page when `height` mm does not fit above the footer (and the
/// note on the online declaration).
fn ensure(w: &mut Writer, n: &SickNote, part: Part, height: f32) {
    if w.y + height > BODY_BOTTOM - 2.0 * MUTED.leading() - 2.0 {
        continuation(w, n, part);
    }
}

/// A section title with a thin rule.
fn title(w: &mut Writer, n: &SickNote, part: Part, text: &str) {
    ensure(w, n, part, 7.0 + SECTION.leading() + 2.0 * BODY.leading());
    w.y += 3.0 + SECTION.leading();
    w.text_at(MARGIN_X, w.y, text, SECTION);
    w.hline(MARGIN_X, RIGHT, w.y + 1.6, 0.4, 0.7);
    w.y += 1.4;
}

/// Wrapped text that flows onto a continuation page when needed.
fn flow(w: &mut Writer, n: &SickNote, part: Part, x: f32, width: f32, text: &str, style: Style) {
    for line in w.wrap(text, style, width) {
        ensure(w, n, part, style.leading());
        w.y += style.leading();
        w.text_at(x, w.y, &line, style);
    }
}

/// Label in grey in a fixed column, value beside it.
fn row(w: &mut Writer, n: &SickNote, part: Part, label: &str, value: &str) {
    let lines = w.wrap(value, BODY, TEXT_WIDTH - LABEL_W);
    ensure(w, n, part, BODY.leading() * lines.len() as f32);
    w.y += BODY.leading() + 0.5;
    w.text_at(TEXT_X, w.y, label, MUTED);
    for (i, line) in lines.iter().enumerate() {
        if i > 0 {
            w.y += BODY.leading();
        }
        w.text_at(TEXT_X + LABEL_W, w.y, line, BODY);
    }
}
