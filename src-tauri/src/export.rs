//! The export command: a one-line forward to [`Station::export_consultation_fhir`] on a
//! blocking thread (SQLCipher reads and the file write must not freeze the window).
use std::sync::Arc;

use relais_app::export::FhirExport;
use relais_app::{ApiError, Station};
use serde::Deserialize;
use tauri::State;

/// `{ consultationId }`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConsultationArgs {
    consultation_id: String,
}

/// Writes `<exports>/<consultation id>.fhir.json` and returns `{ path, resources }`.
#[tauri::command]
pub async fn export_consultation_fhir(
    s: State<'_, Arc<Station>>,
    args: ConsultationArgs,
) -> Result<FhirExport, ApiError> {
    let station = Arc::clone(&s);
    tauri::async_runtime::spawn_blocking(move || {
        station.export_consultation_fhir(&args.consultation_id)
    })
    .await
    .unwrap_or_else(|_| {
        Err(ApiError::new(
            "INTERNAL",
            "Erreur interne du poste. Réessayez ; si elle persiste, redémarrez Relais.",
        ))
    })
}
