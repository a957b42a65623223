//! Pieces shared by the documents: the prescriber's identity, the patient's, the signature block, the footer.
use relais_core::identity::Sex;
use relais_core::prescription::{age_text, sex_label, Patient, Prescriber};

use crate::fr;
use crate::layout::{Style, Writer, MARGIN_X, PAGE_H, RIGHT, TEXT_W};
use crate::Signature;

/// Body text.
pub(crate) const BODY: Style = Style::regular(10.0);
/// Small print.
pub(crate) const SMALL: Style = Style::regular(8.5);
/// Labels and secondary text.
pub(crate) const MUTED: Style = Style::regular(8.5).grey(0.35);
/// Light grey of the boxes.
pub(crate) const BOX_GREY: f32 = 0.94;

/// The prescriber's mandatory mentions from the cursor down, within `width` mm.
pub(crate) fn prescriber(w: &mut Writer, p: &Prescriber, width: f32) {
    let name = Style::bold(14.0);
    w.y += name.leading() * 0.8;
    w.text_at(MARGIN_X, w.y, p.name.trim(), name);
    w.paragraph(MARGIN_X, width, p.qualification.trim(), BODY);
    w.y += 1.0;
    w.paragraph(
        MARGIN_X,
        width,
        &format!(
            "N° RPPS : {}",
            p.rpps.split_whitespace().collect::<String>()
        ),
        SMALL,
    );
    w.paragraph(MARGIN_X, width, &p.postal_address(), SMALL);
    w.paragraph(
        MARGIN_X,
        width,
        &format!("Tél. : {}", p.phone_international()),
        SMALL,
    );
    w.paragraph(
        MARGIN_X,
        width,
        &format!("Courriel : {}", p.email.trim()),
        SMALL,
    );
}

/// "née le 03/12/1984", in lower case for the middle of a sentence.
pub(crate) fn born_on(patient: &Patient) -> String {
    let verb = match patient.sex {
        Sex::F => "née",
        Sex::M => "né",
        Sex::I => "né(e)",
    };
    format!("{verb} le {}", fr::date_short(patient.birth_date))
}

/// "Née le 03/12/1984 (41 ans)": the age on `on`, the document's date.
pub(crate) fn born(patient: &Patient, on: chrono::NaiveDate) -> String {
    let text = born_on(patient);
    let text = format!("N{}", &text[1..]);
    match age_text(patient.birth_date, on) {
        Some(age) => format!("{text} ({age})"),
        None => text,
    }
}

/// "72,5 kg".
pub(crate) fn kilograms(kg: f64) -> String {
    format!("{} kg", (kg * 100.0).round() / 100.0).replace('.', ",")
}

/// The patient's box: full name, then sex, birth date and age, weight when known.
pub(crate) fn patient_box(w: &mut Writer, patient: &Patient, on: chrono::NaiveDate) {
    let top = w.y + 2.0;
    let mut details = vec![
        format!("Sexe : {}", sex_label(patient.sex)),
        born(patient, on),
    ];
    if let Some(kg) = patient.weight_kg {
        details.push(format!("Poids : {}", kilograms(kg)));
    }
    let details = details.join("   ·   ");
    let inner = TEXT_W - 8.0;
    let name = Style::bold(11.5);
    let h = 4.0 + name.leading() + w.paragraph_height(inner, &details, BODY) + 3.0;
    w.fill_rect(MARGIN_X, top, TEXT_W, h, BOX_GREY);
    w.y = top + 1.5;
    w.text_at(MARGIN_X + 4.0, w.y + name.leading(), "Patient", MUTED);
    let label_w = w.width("Patient", MUTED) + 4.0;
    w.y += name.leading();
    w.text_at(MARGIN_X + 4.0 + label_w, w.y, &patient.full_name(), name);
    w.paragraph(MARGIN_X + 4.0 + label_w, inner - label_w, &details, BODY);
    w.y = top + h;
}

/// Width of the signature block, mm.
const SIGNATURE_W: f32 = 92.0;

/// The "replaces" lines of a correction, wrapped to the signature block.
fn supersedes_lines(w: &Writer, signature: Option<&Signature>) -> Vec<String> {
    match signature.and_then(|s| s.supersedes.as_deref()) {
        Some(previous) => w.wrap(
            &format!("Remplace le document n° {}", previous.trim()),
            SMALL,
            SIGNATURE_W - 7.0,
        ),
        None => Vec::new(),
    }
}

/// Height of the signature block, mm.
pub(crate) fn signature_height(w: &Writer, signature: Option<&Signature>) -> f32 {
    match signature {
        Some(_) => 32.0 + 3.9 * supersedes_lines(w, signature).len() as f32,
        None => 30.0,
    }
}

/// The signature block, right-aligned from the cursor: the electronic signature when signed,
/// a box for a handwritten signature otherwise.
pub(crate) fn signature(w: &mut Writer, label: &str, who: &str, signature: Option<&Signature>) {
    let width = SIGNATURE_W;
    let x = RIGHT - width;
    let top = w.y + 4.0;
    let h = signature_height(w, signature) - 4.0;
    w.stroke_rect(x, top, width, h, 0.6, 0.55);
    let pad = x + 3.5;
    let mut y = top + 5.0;
    match signature {
        None => {
            w.text_at(pad, y, label, Style::bold(9.0));
            y += 4.2;
            w.text_at(pad, y, who, MUTED);
        }
        Some(s) => {
            w.text_at(pad, y, "Signé électroniquement", Style::bold(9.5));
            y += 4.4;
            w.text_at(pad, y, &format!("par {}", s.signer.trim()), SMALL);
            y += 3.9;
            w.text_at(
                pad,
                y,
                &format!(
                    "le {} à {} · version {}",
                    fr::date_short(fr::day(&s.signed_at)),
                    fr::time(&s.signed_at),
                    s.version
                ),
                SMALL,
            );
            for line in supersedes_lines(w, Some(s)) {
                y += 3.9;
                w.text_at(pad, y, &line, SMALL);
            }
            let hex = Style::regular(7.0);
            y += 4.4;
            w.text_at(pad, y, "Empreinte SHA-256 du contenu signé :", MUTED);
            let digest = s.sha256.to_ascii_lowercase();
            let (a, b) = digest.split_at(digest.len().min(32));
            y += 3.4;
            w.text_at(pad, y, a, hex);
            y += 3.0;
            w.text_at(pad, y, b, hex);
        }
    }
    w.y = top + h;
}

/// The footer of every page: a rule, `left` in small grey, "Page i/n" on the right.
pub(crate) fn footer(w: &mut Writer, left: &str, page: usize, total: usize) {
    let y = PAGE_H - 14.0;
    w.hline(MARGIN_X, RIGHT, y - 4.0, 0.5, 0.6);
    let pages = format!("Page {page}/{total}");
    let pages_w = w.width(&pages, MUTED);
    let lines = w.wrap(left, MUTED, TEXT_W - pages_w - 6.0);
    let mut ly = y;
    for line in &lines {
        w.text_at(MARGIN_X, ly, line, MUTED);
        ly += MUTED.leading();
    }
    w.text_right(RIGHT, y, &pages, Style::bold(8.5).grey(0.2));
}
