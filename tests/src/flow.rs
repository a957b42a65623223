//! What a nurse does at the station, step by step, through its screens.
use chrono::NaiveDate;

use crate::{Result, Station};

/// Answers the first-start form: a pharmacy in Chartres and its first (manager) account.
pub async fn first_start(s: &Station) -> Result {
    s.screen("setup").await?;
    s.screenshot("01-first-start").await?;
    s.select("site-kind", "pharmacie").await?;
    s.fill("site-name", "Pharmacie du Parvis").await?;
    s.fill("site-commune", "Chartres").await?;
    s.fill("site-address", "5 rue Mathurin-Régnier").await?;
    s.fill("user-username", "ines").await?;
    s.fill("user-displayname", "Inès Martin").await?;
    s.fill("user-profession", "Pharmacienne").await?;
    s.fill("user-password", "correct horse battery").await?;
    s.fill("user-password-confirm", "correct horse battery")
        .await?;
    s.click("setup-submit").await?;
    s.screen("today").await?;
    Ok(())
}

/// A patient to create through the form.
pub struct Person<'a> {
    /// Family name, upper case.
    pub family: &'a str,
    /// Given names.
    pub given: &'a str,
    /// `F`, `M` or `I`.
    pub sex: &'a str,
    /// Birth date.
    pub birth: NaiveDate,
}

/// `24/11/1950`.
pub fn ddmmyyyy(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// Creates a patient through the form.
pub async fn create_patient(s: &Station, p: &Person<'_>) -> Result {
    create_patient_checking(s, p, false).await
}

/// Creates a patient; with `check_nir`, first types a NIR with a wrong key and waits for
/// the live validation to say so next to the field.
pub async fn create_patient_checking(s: &Station, p: &Person<'_>, check_nir: bool) -> Result {
    s.click("home-button").await?;
    s.screen("today").await?;
    s.click("new-patient").await?;
    s.screen("patient-form").await?;
    s.fill("patient-familyName", p.family).await?;
    s.fill("patient-givenNames", p.given).await?;
    s.select("patient-sex", p.sex).await?;
    s.fill("patient-birthDate", &ddmmyyyy(p.birth)).await?;
    s.fill("patient-phone", "06 12 34 56 78").await?;
    s.fill("patient-commune", "Chartres").await?;
    s.fill("patient-postalCode", "28000").await?;
    if check_nir {
        s.fill("patient-nir", "1 50 11 28 085 123 00").await?;
        let error = s.wait_for_text("error-nir", "clé").await?;
        assert!(!error.is_empty());
        s.screenshot("04-patient-form-errors").await?;
        s.fill("patient-nir", "").await?;
    }
    s.click("patient-submit").await?;
    s.screen("patient").await?;
    let name = s.text("patient-name").await?;
    assert!(
        name.to_uppercase().contains(p.family),
        "patient page shows {name}"
    );
    Ok(())
}

/// Fills the intake with every safety answer "no" and the given motif.
pub async fn intake(s: &Station, complaint: &str) -> Result {
    s.click("new-consultation").await?;
    s.screen("intake").await?;
    s.fill("intake-complaint", complaint).await?;
    for q in ["abdominalPain", "technicalGesture", "emergencySigns"] {
        s.click(&format!("answer-{q}-no")).await?;
    }
    s.click("intake-consent").await?;
    s.screenshot("04b-intake").await?;
    s.click("intake-submit").await?;
    Ok(())
}
