//! The signed report of the core ([`relais_core::report::Report`]) as document sections.
use chrono::{DateTime, Utc};
use relais_core::report::{euros_text, Report};

use crate::input::{ReportInput, ReportSection, SectionKind};

/// Title of the report document.
pub const REPORT_TITLE: &str = "Compte rendu de téléconsultation";

/// The sections of a report, for [`crate::ConsultationExport::report`].
///
/// `version` and `signed_at`, `sha256` come from the signed document that carries the
/// report (a correction is a new version).
pub fn report_input(
    report: &Report,
    version: u32,
    signed_at: Option<DateTime<Utc>>,
    sha256: Option<String>,
) -> ReportInput {
    let mut sections = vec![
        section(SectionKind::Reason, "Motif", &report.reason),
        section(SectionKind::Findings, "Examen clinique", &report.findings),
        section(SectionKind::Diagnosis, "Diagnostic", &report.diagnosis),
        section(SectionKind::Plan, "Orientation", &report.orientation),
    ];
    let acts: Vec<String> = report
        .acts
        .iter()
        .map(|a| {
            format!(
                "{} — {} ({})",
                a.code(),
                a.label(),
                euros_text(a.fee_cents())
            )
        })
        .collect();
    sections.push(section(SectionKind::Procedures, "Actes", &acts.join("\n")));
    sections.push(section(
        SectionKind::Other,
        "Consentement",
        if report.patient_consent {
            "Le patient a donné son consentement à la téléconsultation."
        } else {
            "Consentement du patient non recueilli."
        },
    ));
    if !report.prescription_ids.is_empty() {
        sections.push(section(
            SectionKind::Other,
            "Ordonnances remises",
            &report.prescription_ids.join("\n"),
        ));
    }
    if let Some(copy) = &report.copy_to {
        let to = match copy
            .address
            .as_deref()
            .map(str::trim)
            .filter(|a| !a.is_empty())
        {
            Some(address) => format!("Copie adressée à {} ({address}).", copy.name.trim()),
            None => format!("Copie adressée à {}.", copy.name.trim()),
        };
        sections.push(section(
            SectionKind::Other,
            "Copie au médecin traitant",
            &to,
        ));
    }
    ReportInput {
        id: report.id.clone(),
        version: version.max(1),
        title: REPORT_TITLE.to_string(),
        signed_at,
        sha256,
        sections,
    }
}

fn section(kind: SectionKind, title: &str, text: &str) -> ReportSection {
    ReportSection {
        kind,
        title: title.to_string(),
        text: text.trim().to_string(),
    }
}
