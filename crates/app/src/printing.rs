//! Printing a PDF through the operating system's spooler, and following the job.
//!
//! Tauri has no print API: the station renders the PDF itself (`relais_print`) and hands
//! the file to the OS. Everything OS-specific sits behind [`PrintSystem`]:
//!
//! - **Linux and macOS: CUPS** ([`Cups`]), through its command-line clients, run with
//!   `LC_ALL=C` so that their output can be read: `lpstat -p` / `-a` / `-d` for the queues,
//!   their state and the default, `lp -d <queue> -t <title> <file>` to print (the job id is
//!   read from `request id is <queue>-<n>`), `lpstat -W not-completed -o <queue>` to follow
//!   a job, and `cancel <job>`. When `ipptool` is there (Debian `cups-ipp-utils`; built in
//!   on macOS), a finished job's `job-state` tells "completed" from "canceled"/"aborted";
//!   without it a finished job counts as printed. macOS ships the same clients, so the same
//!   code path serves it.
//! - **Windows: documented, not implemented** ([`Unsupported`] answers `PRINTING_UNSUPPORTED`).
//!   The path to implement: list queues and the default with `EnumPrintersW` /
//!   `GetDefaultPrinterW`; print by rendering the PDF pages (PDFium, e.g. the `pdfium-render`
//!   crate) onto a printer device context (`CreateDCW`, `StartDocW` — whose return value is
//!   the spooler's job id —, `StartPage`/`EndPage`, `EndDoc`), or hand the file to the
//!   spooler with `ShellExecuteW(verb "printto", file, "\"<printer>\"")` when a PDF reader is
//!   installed (no job id then: find it with `EnumJobsW` by document name); follow the job with
//!   `GetJobW` (level 1: `JOB_STATUS_PRINTED`, `JOB_STATUS_ERROR`, `JOB_STATUS_OFFLINE`,
//!   `JOB_STATUS_PAPEROUT`, `JOB_STATUS_DELETED`; the job disappearing means it is done) and
//!   the queue with `GetPrinterW` (level 2 `Status`: `PRINTER_STATUS_PAUSED`, `_ERROR`,
//!   `_OFFLINE`) — the same [`SpoolJob`] and [`Printer`] shapes as here.
//!
//! Errors are [`PrintError`]: a stable code (`CUPS_UNAVAILABLE`, `PRINTER_NOT_FOUND`,
//! `PRINTER_STOPPED`, `PRINT_FAILED`…) and a French message that says what to do.
use std::path::Path;
use std::sync::Arc;

use serde::Serialize;

mod cups;

pub use cups::Cups;

/// The state of a print queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum PrinterState {
    /// Ready.
    Idle,
    /// Printing a job.
    Printing,
    /// Stopped (disabled, paused): jobs wait in the queue.
    Stopped,
}

/// A print queue of this computer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Printer {
    /// Queue name, as given to `lp -d`.
    pub name: String,
    /// The system's default queue.
    pub is_default: bool,
    /// Idle, printing or stopped.
    pub state: PrinterState,
    /// Whether it takes new jobs.
    pub accepting: bool,
    /// The queue's own message (why it is stopped…), as the system gives it.
    pub message: Option<String>,
}

impl Printer {
    /// Whether a job sent now would print.
    pub fn is_ready(&self) -> bool {
        self.accepting && self.state != PrinterState::Stopped
    }
}

/// Where a job handed to the spooler stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpoolJob {
    /// Waiting or printing, queue running.
    InProgress,
    /// Waiting in a stopped queue: it will not print by itself.
    Blocked,
    /// Printed.
    Completed,
    /// Cancelled (by someone at the printer or the system).
    Cancelled,
    /// Given up by the spooler (filter or printer error).
    Aborted,
}

/// What can go wrong when printing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PrintError {
    /// The print system is not running or not installed.
    #[error("Le système d’impression de cet ordinateur ne répond pas. Redémarrez l’ordinateur ; si cela continue, prévenez le support.")]
    CupsUnavailable(String),
    /// No such printer.
    #[error("L’imprimante « {0} » est introuvable. Choisissez une autre imprimante dans Réglages › Imprimante.")]
    PrinterNotFound(String),
    /// The printer is stopped or refuses jobs.
    #[error("L’imprimante « {0} » est arrêtée (éteinte, hors ligne ou mise en pause). Vérifiez-la (allumée, papier, câble), puis touchez Réessayer.")]
    PrinterStopped(String),
    /// No printer chosen and none by default.
    #[error("Aucune imprimante n’est choisie. Choisissez-en une dans Réglages › Imprimante.")]
    NoPrinter,
    /// The spooler refused or lost the job.
    #[error("L’impression a échoué ({0}). Vérifiez l’imprimante, puis touchez Réessayer.")]
    PrintFailed(String),
    /// The job did not finish in time.
    #[error("L’impression ne s’est pas terminée à temps. Vérifiez l’imprimante, puis touchez Réessayer.")]
    Timeout,
    /// This system has no supported print path (Windows).
    #[error("L’impression n’est pas encore possible sur ce système d’exploitation.")]
    Unsupported,
}

impl PrintError {
    /// Stable code for programs.
    pub fn code(&self) -> &'static str {
        match self {
            PrintError::CupsUnavailable(_) => "CUPS_UNAVAILABLE",
            PrintError::PrinterNotFound(_) => "PRINTER_NOT_FOUND",
            PrintError::PrinterStopped(_) => "PRINTER_STOPPED",
            PrintError::NoPrinter => "NO_PRINTER",
            PrintError::PrintFailed(_) => "PRINT_FAILED",
            PrintError::Timeout => "PRINT_TIMEOUT",
            PrintError::Unsupported => "PRINTING_UNSUPPORTED",
        }
    }
}

impl From<PrintError> for crate::ApiError {
    fn from(e: PrintError) -> Self {
        crate::ApiError::new(e.code(), e.to_string())
    }
}

/// The OS spooler, as the station uses it.
pub trait PrintSystem: Send + Sync {
    /// The queues of this computer, the default one marked.
    fn printers(&self) -> Result<Vec<Printer>, PrintError>;
    /// Hands a PDF file to `printer` under `title`; answers the spooler's job id.
    fn submit(&self, printer: &str, title: &str, pdf: &Path) -> Result<String, PrintError>;
    /// Where job `job` of `printer` stands.
    fn job(&self, printer: &str, job: &str) -> Result<SpoolJob, PrintError>;
    /// Withdraws a job from its queue (nothing happens if it already finished).
    fn cancel(&self, job: &str) -> Result<(), PrintError>;
}

/// A system without a supported print path: every call answers [`PrintError::Unsupported`].
#[derive(Debug, Default, Clone, Copy)]
pub struct Unsupported;

impl PrintSystem for Unsupported {
    fn printers(&self) -> Result<Vec<Printer>, PrintError> {
        Err(PrintError::Unsupported)
    }
    fn submit(&self, _: &str, _: &str, _: &Path) -> Result<String, PrintError> {
        Err(PrintError::Unsupported)
    }
    fn job(&self, _: &str, _: &str) -> Result<SpoolJob, PrintError> {
        Err(PrintError::Unsupported)
    }
    fn cancel(&self, _: &str) -> Result<(), PrintError> {
        Err(PrintError::Unsupported)
    }
}

/// The print system of this OS: CUPS on Unix (Linux, macOS), [`Unsupported`] elsewhere.
pub fn os_print_system() -> Arc<dyn PrintSystem> {
    if cfg!(unix) {
        Arc::new(Cups::default())
    } else {
        Arc::new(Unsupported)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_stable_and_messages_french() {
        let cases = [
            (PrintError::CupsUnavailable("x".into()), "CUPS_UNAVAILABLE"),
            (PrintError::PrinterNotFound("P".into()), "PRINTER_NOT_FOUND"),
            (PrintError::PrinterStopped("P".into()), "PRINTER_STOPPED"),
            (PrintError::NoPrinter, "NO_PRINTER"),
            (PrintError::PrintFailed("x".into()), "PRINT_FAILED"),
            (PrintError::Timeout, "PRINT_TIMEOUT"),
            (PrintError::Unsupported, "PRINTING_UNSUPPORTED"),
        ];
        for (e, code) in cases {
            assert_eq!(e.code(), code);
            let api: crate::ApiError = e.clone().into();
            assert_eq!(api.code, code);
            assert!(api.message.starts_with('L') || api.message.starts_with('A'));
        }
        assert!(PrintError::PrinterStopped("Bureau".into())
            .to_string()
            .contains("« Bureau » est arrêtée"));
    }

    #[test]
    fn a_printer_is_ready_when_accepting_and_not_stopped() {
        let p = Printer {
            name: "P".into(),
            is_default: false,
            state: PrinterState::Idle,
            accepting: true,
            message: None,
        };
        assert!(p.is_ready());
        assert!(!Printer {
            state: PrinterState::Stopped,
            ..p.clone()
        }
        .is_ready());
        assert!(!Printer {
            accepting: false,
            ..p
        }
        .is_ready());
    }
}
