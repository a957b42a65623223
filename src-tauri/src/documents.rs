//! The documents and printing commands: one-line forwards to [`Station`] on a blocking
//! thread (the spooler's clients and SQLCipher must not freeze the window).
use std::sync::Arc;

use relais_app::documents::{Document, PrintJob, Printers};
use relais_app::{ApiError, Station};
use serde::Deserialize;
use tauri::State;

type Shared<'a> = State<'a, Arc<Station>>;
type Reply<T> = Result<T, ApiError>;

async fn run<T: Send + 'static>(
    station: Shared<'_>,
    f: impl FnOnce(&Station) -> Reply<T> + Send + 'static,
) -> Reply<T> {
    let station = Arc::clone(&station);
    tauri::async_runtime::spawn_blocking(move || f(&station))
        .await
        .unwrap_or_else(|_| {
            Err(ApiError::new(
                "INTERNAL",
                "Erreur interne du poste. Réessayez ; si elle persiste, redémarrez Relais.",
            ))
        })
}

/// `{ consultationId }`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConsultationArgs {
    consultation_id: String,
}

/// `{ id }`.
#[derive(Deserialize)]
pub struct IdArgs {
    id: String,
}

/// `{ documentId, printer? }`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PrintArgs {
    document_id: String,
    #[serde(default)]
    printer: Option<String>,
}

/// `{ jobId }`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JobArgs {
    job_id: String,
}

/// `{ name }` (null: the system's default).
#[derive(Deserialize)]
pub struct PrinterArgs {
    #[serde(default)]
    name: Option<String>,
}

#[tauri::command]
pub async fn consultation_documents(s: Shared<'_>, args: ConsultationArgs) -> Reply<Vec<Document>> {
    run(s, move |s| s.documents(&args.consultation_id)).await
}

#[tauri::command]
pub async fn fetch_documents(s: Shared<'_>, args: ConsultationArgs) -> Reply<Vec<Document>> {
    s.fetch_documents(&args.consultation_id).await
}

#[tauri::command]
pub async fn get_document(s: Shared<'_>, args: IdArgs) -> Reply<Document> {
    run(s, move |s| s.document(&args.id)).await
}

#[tauri::command]
pub async fn list_printers(s: Shared<'_>) -> Reply<Printers> {
    run(s, |s| s.printers()).await
}

#[tauri::command]
pub async fn set_default_printer(s: Shared<'_>, args: PrinterArgs) -> Reply<Printers> {
    run(s, move |s| s.set_default_printer(args.name.as_deref())).await
}

#[tauri::command]
pub async fn print_document(s: Shared<'_>, args: PrintArgs) -> Reply<PrintJob> {
    run(s, move |s| {
        s.print_document(&args.document_id, args.printer.as_deref())
    })
    .await
}

#[tauri::command]
pub async fn print_status(s: Shared<'_>, args: JobArgs) -> Reply<PrintJob> {
    run(s, move |s| s.print_status(&args.job_id)).await
}

#[tauri::command]
pub async fn retry_print(s: Shared<'_>, args: JobArgs) -> Reply<PrintJob> {
    run(s, move |s| s.retry_print(&args.job_id)).await
}

#[tauri::command]
pub async fn cancel_print(s: Shared<'_>, args: JobArgs) -> Reply<PrintJob> {
    run(s, move |s| s.cancel_print(&args.job_id)).await
}

#[tauri::command]
pub async fn pending_prints(s: Shared<'_>) -> Reply<Vec<PrintJob>> {
    run(s, |s| s.pending_prints()).await
}
