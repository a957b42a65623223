//! HL7 FHIR R4 export of a consultation.
//!
//! [`build`] turns a [`ConsultationExport`] (what the station's record knows of one
//! consultation) into a FHIR R4 `Bundle` of type `document`, as JSON:
//!
//! - **Composition** first: the signed report (`final`, attested by the doctor) or, before
//!   the doctor wrote one, the station's record of the consultation (`preliminary`); its
//!   sections reference the resources below and always state the technical incidents;
//! - **Patient**: INS traits, the RNIV identity status (FR Core `fr-core-identity-reliability`),
//!   the INS (INS-NIR `urn:oid:1.2.250.1.213.1.4.8` or INS-NIA `urn:oid:1.2.250.1.213.1.4.9`)
//!   for a qualified identity only, as the RNIV requires; the médecin traitant;
//! - **Practitioner**: the remote doctor and the assisting professional, with the RPPS as
//!   FR Core carries it (IdNatPS `urn:oid:1.2.250.1.71.4.2.1` = "8" + RPPS, and
//!   `https://rpps.esante.gouv.fr`);
//! - **Encounter** (class `VR`, virtual) with its period and participants, at the site's **Location**;
//! - **Observation** per reading, LOINC-coded with UCUM units (blood pressure panel 85354-9
//!   with 8480-6/8462-4, heart rate 8867-4, SpO2 59408-5 + 2708-6, temperature 8310-5,
//!   weight 29463-7, capillary glucose 41653-7), and the instrument's **Device**;
//! - **MedicationRequest** per prescription line (dosage text, quantity, renewals,
//!   substitution, ALD);
//! - **DocumentReference** with the report's PDF in base64, and one per sick note (type
//!   text "Avis d'arrêt de travail", its two volets as printed), listed in a Composition section.
//!
//! Pure: no I/O, no clock (the export time is an input). Every `fullUrl` and reference is a
//! `urn:uuid:` derived from the consultation's id, so re-exporting gives the same ids.
//! The tests validate the output with an independent validator (the Python package
//! `fhir.resources`, R4B models).
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod bundle;
pub mod codes;
mod common;
mod document;
mod encounter;
mod error;
mod ids;
mod input;
mod medication;
mod narrative;
mod observation;
mod patient;
mod practitioner;
mod report;

pub use bundle::{build, RECORD_TITLE};
pub use error::FhirError;
pub use ids::Ids;
pub use input::*;
pub use observation::loinc_code;
pub use report::{report_input, REPORT_TITLE};

/// The Bundle of [`build`] as pretty-printed JSON text.
pub fn to_json(input: &ConsultationExport) -> Result<String, FhirError> {
    let bundle = build(input)?;
    // Serializing a `Value` cannot fail (its keys are strings).
    Ok(serde_json::to_string_pretty(&bundle).unwrap_or_default())
}
