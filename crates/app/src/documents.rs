//! The GP's signed documents at the station: received (live on the call's data channel, or
//! fetched from the hub), checked, stored encrypted, shown, and printed.
//!
//! - A document is stored only when its `sha256` matches its content
//!   ([`relais_protocol::documents::content_sha256`]); a mismatch is refused with
//!   `DOCUMENT_HASH_MISMATCH` and audited. The same document received twice (data channel,
//!   then hub) is stored once.
//! - Printing: a print job is recorded (`pending`) before anything is sent, then the PDF is
//!   rendered with `relais_print` into a private file, handed to the OS spooler
//!   ([`crate::printing`]), and followed each time its status is asked
//!   ([`Station::print_status`]) until it is printed or fails. A failed print stays in the
//!   record and is offered again ([`Station::pending_prints`], [`Station::retry_print`]);
//!   a restart loses nothing. The PDF file is deleted once the job ends.
//! - Network and spooler calls never hold the station's lock.
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use relais_protocol::documents::{content_sha256, DocumentKind, SignedDocument};
use relais_store::{Actor, AuditEvent, DocumentRow, PrintJobRow, PrintUpdate};
use serde::{Deserialize, Serialize};

use crate::error::ApiError;
use crate::printing::{PrintError, PrintSystem, Printer, SpoolJob};
use crate::station::Station;

/// Setting key of the station's chosen printer (JSON string).
pub const DEFAULT_PRINTER_SETTING: &str = "printer.default";

/// A job still printing after this long is given up (and withdrawn from the queue).
pub const PRINT_TIMEOUT_SECONDS: i64 = 120;

/// How a document reached the station.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ReceivedVia {
    /// Fetched from the hub.
    Hub,
    /// Live on the call's data channel.
    DataChannel,
}

impl ReceivedVia {
    fn code(self) -> &'static str {
        match self {
            ReceivedVia::Hub => "hub",
            ReceivedVia::DataChannel => "dataChannel",
        }
    }
}

/// The GP who signed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SignedBy {
    /// Name, e.g. "Dr Claire Martin".
    pub name: String,
    /// RPPS number.
    pub rpps: String,
}

/// A print of a document, as the UI shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PrintJob {
    /// Id.
    pub id: String,
    /// The document printed.
    pub document_id: String,
    /// Its kind (`prescription`, `report`, `sickNote`).
    pub document_kind: String,
    /// Its version.
    pub document_version: u32,
    /// The station's consultation.
    pub consultation_id: String,
    /// Printer (queue) name.
    pub printer: String,
    /// `pending`, `printing`, `done`, `failed`, `cancelled`.
    pub state: String,
    /// Stable code of the failure.
    pub code: Option<String>,
    /// French message of the failure.
    pub message: Option<String>,
    /// Times handed to the spooler.
    pub attempts: u32,
    /// The spooler's job id.
    pub spool_job: Option<String>,
    /// When it was asked for.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

/// A signed document, as the UI shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Document {
    /// Id (the hub's).
    pub id: String,
    /// The station's consultation.
    pub consultation_id: String,
    /// `prescription`, `report` or `sickNote`.
    pub kind: String,
    /// Version, 1 then + 1 per correction.
    pub version: u32,
    /// Id of the version it corrects.
    pub supersedes: Option<String>,
    /// Whether a newer version replaces it.
    pub superseded: bool,
    /// The signed content (Prescription, Report or SickNote JSON).
    pub content: serde_json::Value,
    /// SHA-256 of the content.
    pub sha256: String,
    /// Its first 12 hex digits.
    pub short_hash: String,
    /// When the GP signed.
    pub signed_at: DateTime<Utc>,
    /// The GP.
    pub signed_by: SignedBy,
    /// When the station stored it.
    pub received_at: DateTime<Utc>,
    /// `hub` or `dataChannel`.
    pub received_via: String,
    /// Its prints, oldest first.
    pub prints: Vec<PrintJob>,
}

/// The printers and the station's choice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Printers {
    /// The queues of this computer.
    pub printers: Vec<Printer>,
    /// The printer chosen in the station's settings.
    pub chosen: Option<String>,
    /// The printer a print goes to: the chosen one, else the system's default.
    pub effective: Option<String>,
}

fn hash_mismatch() -> ApiError {
    ApiError::new(
        "DOCUMENT_HASH_MISMATCH",
        "Le document reçu ne correspond pas à son empreinte : il a été refusé et n’a pas été enregistré. Demandez au médecin de le renvoyer.",
    )
}

fn unknown_consultation() -> ApiError {
    ApiError::new(
        "DOCUMENT_UNKNOWN_CONSULTATION",
        "Ce document concerne une consultation qui n’a pas été demandée depuis ce poste : il n’a pas été enregistré.",
    )
}

fn not_printable(code: &str) -> ApiError {
    ApiError::new(
        "DOCUMENT_NOT_PRINTABLE",
        format!("Ce document ne peut pas être mis en page pour l’impression ({code}). Prévenez le support."),
    )
}

fn print_job_dto(row: PrintJobRow, doc: &DocumentRow) -> PrintJob {
    PrintJob {
        id: row.id,
        document_id: row.document_id,
        document_kind: doc.kind.clone(),
        document_version: doc.version,
        consultation_id: doc.consultation_id.clone(),
        printer: row.printer,
        state: row.state,
        code: row.code,
        message: row.message,
        attempts: row.attempts,
        spool_job: row.spool_job,
        created_at: row.created_at,
        updated_at: row.updated_at,
    }
}

fn document_dto(row: DocumentRow, superseded: bool, prints: Vec<PrintJobRow>) -> Document {
    let prints = prints.into_iter().map(|p| print_job_dto(p, &row)).collect();
    Document {
        short_hash: row.sha256.get(..12).unwrap_or(&row.sha256).to_string(),
        id: row.id,
        consultation_id: row.consultation_id,
        kind: row.kind,
        version: row.version,
        supersedes: row.supersedes,
        superseded,
        content: row.content,
        sha256: row.sha256,
        signed_at: row.signed_at,
        signed_by: SignedBy {
            name: row.signed_by,
            rpps: row.signed_by_rpps,
        },
        received_at: row.received_at,
        received_via: row.received_via,
        prints,
    }
}

/// Renders a stored document as a PDF (A4) with `relais_print`, its signature block included.
pub fn render_pdf(doc: &DocumentRow) -> Result<Vec<u8>, ApiError> {
    let content = doc.content.to_string();
    let signature = relais_print::Signature {
        signed_at: doc.signed_at.with_timezone(&chrono::Local).fixed_offset(),
        signer: doc.signed_by.clone(),
        version: doc.version,
        sha256: doc.sha256.clone(),
        supersedes: doc.supersedes.as_ref().map(|id| {
            format!(
                "version {} (document {})",
                doc.version.saturating_sub(1),
                short_id(id)
            )
        }),
    };
    match DocumentKind::from_code(&doc.kind) {
        Some(DocumentKind::Prescription) => {
            let p = relais_core::prescription::Prescription::from_json(&content)
                .map_err(|e| not_printable(e.code()))?;
            relais_print::prescription::render_signed(&p, &signature)
                .map_err(|e| not_printable(e.code()))
        }
        Some(DocumentKind::Report) => {
            let r = relais_core::report::Report::from_json(&content)
                .map_err(|e| not_printable(e.code()))?;
            relais_print::report::render_signed(&r, &signature).map_err(|e| not_printable(e.code()))
        }
        Some(DocumentKind::SickNote) => {
            let n = relais_core::sick_note::SickNote::from_json(&content)
                .map_err(|e| not_printable(e.code()))?;
            relais_print::sick_note::render_signed(&n, &signature)
                .map_err(|e| not_printable(e.code()))
        }
        None => Err(not_printable("KIND")),
    }
}

/// Writes `bytes` to a new private file (mode 0600 on Unix) in a private folder.
fn write_private(dir: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf, ApiError> {
    let io = |_| {
        ApiError::new(
            "PRINT_FILE",
            "Le fichier à imprimer n’a pas pu être préparé (disque plein ou protégé).",
        )
    };
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(dir).map_err(io)?;
    let path = dir.join(name);
    let _ = std::fs::remove_file(&path);
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    let mut f = o.open(&path).map_err(io)?;
    std::io::Write::write_all(&mut f, bytes).map_err(io)?;
    f.sync_all().map_err(io)?;
    Ok(path)
}

impl Station {
    /// The print system in use (CUPS by default).
    pub fn print_system(&self) -> Arc<dyn PrintSystem> {
        self.print_system
            .read()
            .map(|p| Arc::clone(&p))
            .unwrap_or_else(|p| Arc::clone(&p.into_inner()))
    }

    /// Replaces the print system (tests, or another OS path).
    pub fn set_print_system(&self, system: Arc<dyn PrintSystem>) {
        match self.print_system.write() {
            Ok(mut p) => *p = system,
            Err(p) => *p.into_inner() = system,
        }
    }

    fn print_dir(&self) -> PathBuf {
        self.config().data_dir.join("print")
    }

    /// Checks and stores a signed document (a system action: it works while the session is
    /// locked, as during a call). Answers `Ok(true)` when it was new, `Ok(false)` when it
    /// was already stored. Refused: `DOCUMENT_HASH_MISMATCH`, `DOCUMENT_UNKNOWN_CONSULTATION`.
    pub fn receive_document(
        &self,
        doc: &SignedDocument,
        via: ReceivedVia,
    ) -> Result<bool, ApiError> {
        let actor = Actor::system();
        let hash_ok = content_sha256(&doc.content) == doc.sha256;
        let consultation = self.with_store(|store, now| {
            if !hash_ok {
                store.append_audit(
                    &actor,
                    now,
                    &AuditEvent {
                        action: "document.refused",
                        record_type: "document",
                        record_id: Some(&doc.id),
                        detail: "code=DOCUMENT_HASH_MISMATCH",
                    },
                )?;
                return Ok(None);
            }
            store.consultation_of_hub(&doc.consultation_id)
        })?;
        if !hash_ok {
            tracing::warn!(document = %doc.id, "signed document refused: hash mismatch");
            return Err(hash_mismatch());
        }
        let Some(consultation_id) = consultation else {
            tracing::warn!(document = %doc.id, "signed document of an unknown consultation");
            return Err(unknown_consultation());
        };
        let row = DocumentRow {
            id: doc.id.clone(),
            consultation_id,
            kind: doc.kind.code().to_string(),
            version: doc.version,
            supersedes: doc.supersedes.clone(),
            content: doc.content.clone(),
            sha256: doc.sha256.clone(),
            signed_at: doc.signed_at,
            signed_by: doc.signed_by.name.clone(),
            signed_by_rpps: doc.signed_by.rpps.clone(),
            received_at: doc.signed_at,
            received_via: via.code().to_string(),
        };
        let new = self.with_store(|store, now| store.insert_document(&actor, now, &row))?;
        if new {
            tracing::info!(document = %doc.id, kind = doc.kind.code(), version = doc.version, via = via.code(), "signed document stored");
        }
        Ok(new)
    }

    /// Fetches the consultation's signed documents from the hub, stores the new ones, and
    /// answers them all. Without a hub request for it, only the stored ones.
    pub async fn fetch_documents(&self, consultation_id: &str) -> Result<Vec<Document>, ApiError> {
        if let Some(hub_id) = self.hub_consultation(consultation_id)? {
            let client = self.hub_client()?;
            let docs = client.documents(&hub_id).await?;
            let mut first_error = None;
            for doc in &docs {
                if let Err(e) = self.receive_document(doc, ReceivedVia::Hub) {
                    first_error.get_or_insert(e);
                }
            }
            if let Some(e) = first_error {
                return Err(e);
            }
        }
        self.documents(consultation_id)
    }

    /// The stored documents of a consultation, by kind then version, with their prints.
    pub fn documents(&self, consultation_id: &str) -> Result<Vec<Document>, ApiError> {
        self.with_session(|ctx| {
            ctx.store.get_consultation(consultation_id)?;
            let rows =
                ctx.store
                    .documents_for_consultation(&ctx.actor, ctx.now, consultation_id)?;
            let superseded: Vec<String> =
                rows.iter().filter_map(|r| r.supersedes.clone()).collect();
            rows.into_iter()
                .map(|r| {
                    let prints = ctx.store.print_jobs_for_document(&r.id)?;
                    let is_superseded = superseded.contains(&r.id);
                    Ok(document_dto(r, is_superseded, prints))
                })
                .collect()
        })
    }

    /// One stored document with its prints.
    pub fn document(&self, id: &str) -> Result<Document, ApiError> {
        self.with_session(|ctx| {
            let row = ctx.store.get_document(&ctx.actor, ctx.now, id)?;
            let prints = ctx.store.print_jobs_for_document(id)?;
            Ok(document_dto(row, false, prints))
        })
    }

    /// The printers of this computer and the station's choice.
    pub fn printers(&self) -> Result<Printers, ApiError> {
        let chosen = self.with_session(|ctx| self.chosen_printer(ctx))?;
        let printers = self.print_system().printers()?;
        let system_default = printers
            .iter()
            .find(|p| p.is_default)
            .map(|p| p.name.clone());
        Ok(Printers {
            effective: chosen.clone().or(system_default),
            chosen,
            printers,
        })
    }

    fn chosen_printer(&self, ctx: &crate::station::Ctx<'_>) -> Result<Option<String>, ApiError> {
        Ok(ctx
            .store
            .setting(DEFAULT_PRINTER_SETTING)?
            .and_then(|v| v.as_str().map(str::to_string))
            .filter(|s| !s.is_empty()))
    }

    /// Chooses the station's printer (`None`: the system's default). An unknown printer is
    /// refused with `PRINTER_NOT_FOUND`.
    pub fn set_default_printer(&self, name: Option<&str>) -> Result<Printers, ApiError> {
        let name = name.map(str::trim).filter(|s| !s.is_empty());
        if let Some(name) = name {
            let printers = self.print_system().printers()?;
            if !printers.iter().any(|p| p.name == name) {
                return Err(PrintError::PrinterNotFound(name.to_string()).into());
            }
        }
        self.with_session(|ctx| {
            let value = name.map_or(serde_json::Value::Null, |n| {
                serde_json::Value::String(n.into())
            });
            Ok(ctx
                .store
                .set_setting(&ctx.actor, ctx.now, DEFAULT_PRINTER_SETTING, &value)?)
        })?;
        self.printers()
    }

    /// Prints a document (again, for a reprint) on `printer`, else the chosen printer, else
    /// the system's default. The print is recorded first; a failure leaves it `failed` with
    /// its code and message (answered, not an error) so that it is offered again.
    pub fn print_document(
        &self,
        document_id: &str,
        printer: Option<&str>,
    ) -> Result<PrintJob, ApiError> {
        let requested = printer
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string);
        let chosen = match requested {
            Some(p) => Some(p),
            None => self.with_session(|ctx| self.chosen_printer(ctx))?,
        };
        let printer = match chosen {
            Some(p) => p,
            None => self
                .print_system()
                .printers()?
                .into_iter()
                .find(|p| p.is_default)
                .map(|p| p.name)
                .ok_or(PrintError::NoPrinter)?,
        };
        let (job, doc) = self.with_session(|ctx| {
            let doc = ctx.store.get_document(&ctx.actor, ctx.now, document_id)?;
            let job = ctx
                .store
                .create_print_job(&ctx.actor, ctx.now, document_id, &printer)?;
            Ok((job, doc))
        })?;
        self.submit(job, &doc)
    }

    /// Sends a failed (or interrupted) print again: same job, one more attempt.
    pub fn retry_print(&self, job_id: &str) -> Result<PrintJob, ApiError> {
        let (job, doc) = self.with_session(|ctx| {
            let job = ctx.store.print_job(job_id)?;
            let doc = ctx
                .store
                .get_document(&ctx.actor, ctx.now, &job.document_id)?;
            Ok((job, doc))
        })?;
        if !matches!(job.state.as_str(), "failed" | "pending") {
            return Ok(print_job_dto(job, &doc));
        }
        self.submit(job, &doc)
    }

    /// Gives up a failed or pending print (it is no longer offered).
    pub fn cancel_print(&self, job_id: &str) -> Result<PrintJob, ApiError> {
        self.with_session(|ctx| {
            let job = ctx.store.print_job(job_id)?;
            let doc = ctx
                .store
                .get_document(&ctx.actor, ctx.now, &job.document_id)?;
            let job =
                ctx.store
                    .update_print_job(&ctx.actor, ctx.now, job_id, &PrintUpdate::Cancelled)?;
            Ok(print_job_dto(job, &doc))
        })
    }

    /// Renders, writes and hands the PDF to the spooler; records the outcome.
    fn submit(&self, job: PrintJobRow, doc: &DocumentRow) -> Result<PrintJob, ApiError> {
        let outcome = render_pdf(doc).and_then(|pdf| {
            let path = write_private(&self.print_dir(), &format!("{}.pdf", job.id), &pdf)?;
            let title = format!("Relais {} {}", kind_title(&doc.kind), short_id(&doc.id));
            let submitted = self.print_system().submit(&job.printer, &title, &path);
            if submitted.is_err() {
                let _ = std::fs::remove_file(&path);
            }
            submitted.map_err(ApiError::from)
        });
        let update = match outcome {
            Ok(spool_job) => PrintUpdate::Submitted { spool_job },
            Err(e) => {
                tracing::warn!(job = %job.id, code = %e.code, "print not sent");
                PrintUpdate::Failed {
                    code: e.code,
                    message: e.message,
                }
            }
        };
        let row = self.with_session(|ctx| {
            Ok(ctx
                .store
                .update_print_job(&ctx.actor, ctx.now, &job.id, &update)?)
        })?;
        Ok(print_job_dto(row, doc))
    }

    /// Where a print stands; a job being printed is asked to the spooler and its outcome
    /// recorded (printed, failed with `PRINTER_STOPPED`…, or `PRINT_TIMEOUT` after
    /// [`PRINT_TIMEOUT_SECONDS`]). A job blocked in a stopped queue is withdrawn from it, so
    /// that it never prints twice after a retry.
    pub fn print_status(&self, job_id: &str) -> Result<PrintJob, ApiError> {
        let (job, doc, now) = self.with_session(|ctx| {
            let job = ctx.store.print_job(job_id)?;
            let doc = ctx
                .store
                .get_document(&ctx.actor, ctx.now, &job.document_id)?;
            Ok((job, doc, ctx.now))
        })?;
        if job.state != "printing" {
            return Ok(print_job_dto(job, &doc));
        }
        let Some(spool_job) = job.spool_job.clone() else {
            return Ok(print_job_dto(job, &doc));
        };
        let system = self.print_system();
        let timed_out = job
            .submitted_at
            .is_some_and(|at| (now - at).num_seconds() >= PRINT_TIMEOUT_SECONDS);
        let update = match system.job(&job.printer, &spool_job) {
            Ok(SpoolJob::Completed) => Some(PrintUpdate::Done),
            Ok(SpoolJob::InProgress) if !timed_out => None,
            Ok(SpoolJob::InProgress) => {
                let _ = system.cancel(&spool_job);
                Some(failed(&PrintError::Timeout))
            }
            Ok(SpoolJob::Blocked) => {
                let _ = system.cancel(&spool_job);
                Some(failed(&PrintError::PrinterStopped(job.printer.clone())))
            }
            Ok(SpoolJob::Cancelled) => Some(failed(&PrintError::PrintFailed(
                "impression annulée sur l’imprimante".into(),
            ))),
            Ok(SpoolJob::Aborted) => Some(failed(&PrintError::PrintFailed(
                "abandonnée par le système d’impression".into(),
            ))),
            // The spooler does not answer: wait, up to the time limit.
            Err(_) if !timed_out => None,
            Err(e) => Some(failed(&e)),
        };
        let Some(update) = update else {
            return Ok(print_job_dto(job, &doc));
        };
        let _ = std::fs::remove_file(self.print_dir().join(format!("{}.pdf", job.id)));
        let row = self.with_session(|ctx| {
            Ok(ctx
                .store
                .update_print_job(&ctx.actor, ctx.now, &job.id, &update)?)
        })?;
        Ok(print_job_dto(row, &doc))
    }

    /// Prints not finished well (pending, printing or failed), oldest first; the ones being
    /// printed are asked to the spooler first. Offered again at start-up and after a call.
    pub fn pending_prints(&self) -> Result<Vec<PrintJob>, ApiError> {
        let open = self.with_session(|ctx| Ok(ctx.store.open_print_jobs()?))?;
        let mut out = Vec::new();
        for job in open {
            let job = self.print_status(&job.id)?;
            if job.state != "done" {
                out.push(job);
            }
        }
        Ok(out)
    }
}

fn failed(e: &PrintError) -> PrintUpdate {
    PrintUpdate::Failed {
        code: e.code().to_string(),
        message: e.to_string(),
    }
}

fn kind_title(kind: &str) -> &'static str {
    match kind {
        "prescription" => "ordonnance",
        "report" => "compte rendu",
        "sickNote" => "arrêt de travail",
        _ => "document",
    }
}

fn short_id(id: &str) -> &str {
    id.get(..8).unwrap_or(id)
}

#[cfg(test)]
mod tests {
    //! The print job's state machine against a scripted spooler (the real CUPS paths are
    //! tested in `tests/tests/printing_cups.rs`).
    use std::sync::Mutex;

    use chrono::Duration;
    use relais_protocol::documents::Signer;
    use relais_store::{ConsultationRow, PatientRow};

    use super::*;
    use crate::dto::{SetupInput, SiteInput, SiteKind, UserInput};
    use crate::printing::PrinterState;
    use crate::{Clock, Config, KeyStoreChoice};

    struct TestClock(Arc<Mutex<DateTime<Utc>>>);
    impl Clock for TestClock {
        fn now(&self) -> DateTime<Utc> {
            *self.0.lock().expect("clock")
        }
    }

    #[derive(Default)]
    struct Spool {
        next: Mutex<Vec<SpoolJob>>,
        cancelled: Mutex<Vec<String>>,
    }
    impl PrintSystem for Spool {
        fn printers(&self) -> Result<Vec<Printer>, PrintError> {
            Ok(vec![Printer {
                name: "P".into(),
                is_default: true,
                state: PrinterState::Idle,
                accepting: true,
                message: None,
            }])
        }
        fn submit(&self, printer: &str, _: &str, pdf: &Path) -> Result<String, PrintError> {
            assert!(std::fs::read(pdf).expect("pdf").starts_with(b"%PDF"));
            Ok(format!("{printer}-1"))
        }
        fn job(&self, _: &str, _: &str) -> Result<SpoolJob, PrintError> {
            Ok(self
                .next
                .lock()
                .expect("next")
                .pop()
                .unwrap_or(SpoolJob::InProgress))
        }
        fn cancel(&self, job: &str) -> Result<(), PrintError> {
            self.cancelled.lock().expect("c").push(job.to_string());
            Ok(())
        }
    }

    fn prescription() -> serde_json::Value {
        serde_json::json!({
            "id": "ORD-1", "issuedAt": "2026-11-26T10:42:00+01:00",
            "prescriber": { "name": "Dr Claire Martin", "qualification": "Médecin généraliste",
                "rpps": "10100345676", "address": "12 rue du Bourg, 28000 Chartres, France",
                "phone": "+33237123456", "email": "c.martin@example.fr" },
            "patient": { "familyName": "DURAND", "givenNames": "Paul", "sex": "M", "birthDate": "1950-03-14" },
            "lines": [{ "drug": "Paracétamol 1 g", "dosage": "1 comprimé 3 fois par jour", "duration": "5 jours",
                "renewals": 0, "ald": false, "nonSubstitutable": false }],
            "notes": ""
        })
    }

    /// A signed-in station with one consultation known at the hub as `hub-1`.
    fn station(dir: &Path) -> (Station, Arc<Mutex<DateTime<Utc>>>, Arc<Spool>) {
        let now = Arc::new(Mutex::new(Utc::now()));
        let station = Station::start(
            Config {
                data_dir: dir.to_path_buf(),
                key_store: KeyStoreChoice::Passphrase,
                lock_after_seconds: 3600,
                hub_url: None,
                hub_fingerprint: None,
            },
            Box::new(TestClock(Arc::clone(&now))),
        );
        station
            .unlock_storage("phrase secrète de test 2026")
            .expect("unlock");
        station
            .setup_site(SetupInput {
                site: SiteInput {
                    kind: SiteKind::Pharmacie,
                    name: "Pharmacie".into(),
                    commune: "Chartres".into(),
                    address: None,
                },
                user: UserInput {
                    username: "ines".into(),
                    display_name: "Inès".into(),
                    profession: "Pharmacienne".into(),
                    rpps: None,
                    password: "mot de passe assez long".into(),
                },
            })
            .expect("setup");
        station
            .with_store(|store, at| {
                let a = Actor::system();
                let patient = store.insert_patient(
                    &a,
                    at,
                    &PatientRow {
                        id: String::new(),
                        search_key: "durand paul".into(),
                        birth_date: chrono::NaiveDate::from_ymd_opt(1950, 3, 14).expect("d"),
                        nir: None,
                        data: serde_json::json!({}),
                        created_at: at,
                        updated_at: at,
                    },
                )?;
                let c = store.insert_consultation(
                    &a,
                    at,
                    &ConsultationRow {
                        id: "c1".into(),
                        patient_id: patient,
                        state: "inCall".into(),
                        intake: serde_json::json!({}),
                        assessment: serde_json::json!({}),
                        redirection_acknowledged_at: None,
                        created_at: at,
                        updated_at: at,
                    },
                )?;
                store.set_hub_consultation(&a, at, &c, "hub-1")
            })
            .expect("consultation");
        let spool = Arc::new(Spool::default());
        station.set_print_system(spool.clone());
        (station, now, spool)
    }

    fn signed(id: &str, content: serde_json::Value) -> SignedDocument {
        SignedDocument {
            id: id.into(),
            consultation_id: "hub-1".into(),
            kind: DocumentKind::Prescription,
            version: 1,
            supersedes: None,
            sha256: content_sha256(&content),
            content,
            signed_at: Utc::now(),
            signed_by: Signer {
                name: "Dr Claire Martin".into(),
                rpps: "10100345676".into(),
            },
        }
    }

    #[test]
    fn a_job_that_never_ends_times_out_and_is_withdrawn() {
        let dir = tempfile::tempdir().expect("tmp");
        let (station, now, spool) = station(dir.path());
        station
            .receive_document(&signed("d1", prescription()), ReceivedVia::Hub)
            .expect("doc");
        let job = station.print_document("d1", None).expect("print");
        assert_eq!(
            (job.state.as_str(), job.printer.as_str()),
            ("printing", "P")
        );
        assert_eq!(station.print_status(&job.id).expect("s").state, "printing");
        *now.lock().expect("now") += Duration::seconds(PRINT_TIMEOUT_SECONDS + 1);
        let timed_out = station.print_status(&job.id).expect("s");
        assert_eq!(timed_out.code.as_deref(), Some("PRINT_TIMEOUT"));
        assert_eq!(*spool.cancelled.lock().expect("c"), vec!["P-1".to_string()]);
        assert!(!dir
            .path()
            .join("print")
            .join(format!("{}.pdf", job.id))
            .exists());
    }

    #[test]
    fn cancelled_or_aborted_at_the_spooler_is_a_failure_offered_again() {
        let dir = tempfile::tempdir().expect("tmp");
        let (station, _now, spool) = station(dir.path());
        station
            .receive_document(&signed("d1", prescription()), ReceivedVia::Hub)
            .expect("doc");
        for end in [SpoolJob::Cancelled, SpoolJob::Aborted] {
            let job = station.print_document("d1", None).expect("print");
            spool.next.lock().expect("next").push(end);
            let failed = station.print_status(&job.id).expect("s");
            assert_eq!(failed.state, "failed");
            assert_eq!(failed.code.as_deref(), Some("PRINT_FAILED"));
        }
        assert_eq!(station.pending_prints().expect("pending").len(), 2);
        let job = &station.pending_prints().expect("pending")[0];
        spool.next.lock().expect("next").push(SpoolJob::Completed);
        let again = station.retry_print(&job.id).expect("retry");
        assert_eq!(again.attempts, 2);
        assert_eq!(station.print_status(&job.id).expect("s").state, "done");
    }

    fn sick_note() -> serde_json::Value {
        serde_json::json!({
            "id": "AAT-1", "issuedAt": "2026-11-26T10:42:00+01:00",
            "prescriber": prescription()["prescriber"],
            "patient": prescription()["patient"],
            "kind": "initial", "startDate": "2026-11-26", "days": 3,
            "byTreatingGp": false, "treatingGpSource": "declaration",
            "reason": "Syndrome grippal", "exits": "allowed", "exitsJustification": null, "notes": ""
        })
    }

    #[test]
    fn a_sick_note_is_stored_rendered_on_two_pages_and_printed() {
        let dir = tempfile::tempdir().expect("tmp");
        let (station, _now, spool) = station(dir.path());
        let mut doc = signed("s1", sick_note());
        doc.kind = DocumentKind::SickNote;
        assert!(station
            .receive_document(&doc, ReceivedVia::DataChannel)
            .expect("stored"));
        let listed = station.documents("c1").expect("list");
        assert_eq!(listed.len(), 1);
        assert_eq!(
            (listed[0].kind.as_str(), listed[0].version),
            ("sickNote", 1)
        );
        assert_eq!(listed[0].content["reason"], "Syndrome grippal");

        // Rendered by relais_print: the caisse's page with the reason, the employer's without.
        let row = station
            .with_store(|store, at| store.get_document(&Actor::system(), at, "s1"))
            .expect("row");
        let pdf = render_pdf(&row).expect("pdf");
        let path = dir.path().join("sick-note.pdf");
        std::fs::write(&path, &pdf).expect("write");
        let out = std::process::Command::new("pdftotext")
            .arg(&path)
            .arg("-")
            .output()
            .expect("pdftotext (poppler-utils)");
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        let pages: Vec<&str> = text
            .split('\u{c}')
            .filter(|p| !p.trim().is_empty())
            .collect();
        assert_eq!(pages.len(), 2, "{text}");
        assert!(pages[0].contains("Syndrome grippal") && !pages[1].contains("Syndrome grippal"));
        assert!(pages[1].contains("employeur"));

        // Queued and followed like a prescription, reprint included.
        let job = station.print_document("s1", None).expect("print");
        assert_eq!(
            (job.state.as_str(), job.document_kind.as_str()),
            ("printing", "sickNote")
        );
        spool.next.lock().expect("next").push(SpoolJob::Completed);
        assert_eq!(station.print_status(&job.id).expect("s").state, "done");
        let again = station.print_document("s1", None).expect("reprint");
        assert_ne!(again.id, job.id);
        assert_eq!(station.document("s1").expect("doc").prints.len(), 2);
    }

    #[test]
    fn an_unprintable_document_fails_with_its_code_and_nothing_is_sent() {
        let dir = tempfile::tempdir().expect("tmp");
        let (station, _now, _spool) = station(dir.path());
        let mut content = prescription();
        content["lines"] = serde_json::json!([]);
        station
            .receive_document(&signed("d2", content), ReceivedVia::DataChannel)
            .expect("stored: the signed record is kept even if it cannot be laid out");
        let job = station.print_document("d2", None).expect("print");
        assert_eq!(job.state, "failed");
        assert_eq!(job.code.as_deref(), Some("DOCUMENT_NOT_PRINTABLE"));
        assert!(job.spool_job.is_none());
    }
}
