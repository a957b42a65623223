//! Code systems, identifier systems and codes used by the export.

/// LOINC.
pub const LOINC: &str = "http://loinc.org";
/// UCUM units.
pub const UCUM: &str = "http://unitsofmeasure.org";
/// Observation categories.
pub const OBSERVATION_CATEGORY: &str = "http://terminology.hl7.org/CodeSystem/observation-category";
/// HL7 v3 ActCode (Encounter.class).
pub const V3_ACT_CODE: &str = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
/// HL7 v3 ParticipationType (Encounter.participant.type).
pub const V3_PARTICIPATION_TYPE: &str =
    "http://terminology.hl7.org/CodeSystem/v3-ParticipationType";

/// INS-NIR: the NIR used as national health identifier (OID of the INS-NIR authority).
pub const INS_NIR_SYSTEM: &str = "urn:oid:1.2.250.1.213.1.4.8";
/// INS-NIA: the temporary number used as national health identifier.
pub const INS_NIA_SYSTEM: &str = "urn:oid:1.2.250.1.213.1.4.9";
/// National identifier of health professionals (IdNatPS = "8" + RPPS for RPPS holders).
pub const IDNATPS_SYSTEM: &str = "urn:oid:1.2.250.1.71.4.2.1";
/// The RPPS directory (FR Core `rpps` identifier slice).
pub const RPPS_SYSTEM: &str = "https://rpps.esante.gouv.fr";
/// Identifier types of FR Core (INS-NIR, INS-NIA, IDNPS, RPPS).
pub const FR_IDENTIFIER_TYPE: &str = "https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-v2-0203";
/// FR Core extension: reliability of the patient's identity.
pub const FR_IDENTITY_RELIABILITY: &str =
    "https://hl7.fr/ig/fhir/core/StructureDefinition/fr-core-identity-reliability";
/// FR Core code system of the four RNIV identity statuses.
pub const FR_IDENTITY_STATUS: &str =
    "https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-identity-status";
/// Birth place (core FHIR extension), with the INSEE code of the commune.
pub const BIRTH_PLACE: &str = "http://hl7.org/fhir/StructureDefinition/patient-birthPlace";
/// FR Core extension on an address: the INSEE code of the commune.
pub const FR_INSEE_CODE: &str =
    "https://hl7.fr/ig/fhir/core/StructureDefinition/fr-core-address-insee-code";
/// INSEE codes of communes (ANS terminology TRE-R13).
pub const INSEE_COMMUNE: &str =
    "https://mos.esante.gouv.fr/NOS/TRE_R13-CommuneOM/FHIR/TRE-R13-CommuneOM";
/// Local identifiers of the station: the record's UUIDs as URIs.
pub const URI_SYSTEM: &str = "urn:ietf:rfc:3986";
/// Relais extension: the prescription line treats the patient's affection de longue durée.
pub const RELAIS_ALD: &str = "https://relais.example.fr/fhir/StructureDefinition/ald";
/// Relais identifier system of prescription numbers.
pub const RELAIS_PRESCRIPTION: &str = "https://relais.example.fr/fhir/prescription-number";

/// LOINC code of a consultation note (compte rendu de consultation).
pub const CONSULT_NOTE: (&str, &str) = ("11488-4", "Consult note");
