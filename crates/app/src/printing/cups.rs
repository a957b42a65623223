//! CUPS through its command-line clients (`lp`, `lpstat`, `cancel`, `ipptool`), Linux and macOS.
//!
//! The clients run with `LC_ALL=C` (their messages are translated otherwise) and honour
//! `CUPS_SERVER` like any CUPS program. The parsers are plain functions, tested on real
//! outputs.
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use super::{PrintError, PrintSystem, Printer, PrinterState, SpoolJob};

/// CUPS, reached through its command-line clients found on the `PATH`.
#[derive(Debug, Clone, Default)]
pub struct Cups {
    _private: (),
}

/// What `ipptool` is asked for a job: its state.
const GET_JOB_STATE_TEST: &str = r#"{
  NAME "Relais: job state"
  OPERATION Get-Job-Attributes
  GROUP operation-attributes-tag
  ATTR charset attributes-charset utf-8
  ATTR naturalLanguage attributes-natural-language en
  ATTR uri job-uri $uri
  ATTR name requesting-user-name $user
  ATTR keyword requested-attributes job-state
  STATUS successful-ok
  DISPLAY job-state
}
"#;

fn run(program: &str, args: &[&str]) -> Result<Output, PrintError> {
    Command::new(program)
        .args(args)
        .env("LC_ALL", "C")
        .env("LANG", "C")
        .output()
        .map_err(|e| PrintError::CupsUnavailable(format!("{program}: {e}")))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

impl Cups {
    /// Whether the CUPS scheduler answers.
    pub fn scheduler_running(&self) -> bool {
        run("lpstat", &["-r"])
            .map(|o| scheduler_running_in(&text(&o.stdout)))
            .unwrap_or(false)
    }

    /// Maps a client's failure: a scheduler that does not answer is `CUPS_UNAVAILABLE`
    /// whatever the client said (`lp` reports "printer does not exist" then).
    fn failure(&self, printer: &str, stderr: &str) -> PrintError {
        if !self.scheduler_running() {
            return PrintError::CupsUnavailable(stderr.trim().to_string());
        }
        classify_error(printer, stderr)
    }

    /// A finished job's end state from `ipptool`, `None` when it cannot tell.
    fn finished_state(&self, job: &str) -> Option<SpoolJob> {
        let number = job_number(job)?;
        let test = test_file()?;
        let host = std::env::var("CUPS_SERVER")
            .ok()
            .filter(|s| !s.is_empty() && !s.starts_with('/'))
            .unwrap_or_else(|| "localhost".to_string());
        let uri = format!("ipp://{host}/jobs/{number}");
        let test = test.to_string_lossy().into_owned();
        let out = run("ipptool", &["-c", &uri, &test]).ok()?;
        parse_ipptool_job_state(&text(&out.stdout))
    }
}

/// The ipptool test file, written once in the temporary directory.
fn test_file() -> Option<PathBuf> {
    let path = std::env::temp_dir().join("relais-get-job-state.test");
    let current = std::fs::read_to_string(&path).ok();
    if current.as_deref() != Some(GET_JOB_STATE_TEST) {
        std::fs::write(&path, GET_JOB_STATE_TEST).ok()?;
    }
    Some(path)
}

impl PrintSystem for Cups {
    fn printers(&self) -> Result<Vec<Printer>, PrintError> {
        let p = run("lpstat", &["-p"])?;
        let stdout = text(&p.stdout);
        let stderr = text(&p.stderr);
        if !p.status.success() && !no_destinations(&stderr) {
            return Err(PrintError::CupsUnavailable(stderr.trim().to_string()));
        }
        let mut printers = parse_lpstat_p(&stdout);
        if printers.is_empty() {
            if !self.scheduler_running() {
                return Err(PrintError::CupsUnavailable(stderr.trim().to_string()));
            }
            return Ok(printers);
        }
        let a = run("lpstat", &["-a"])?;
        let refusing = parse_lpstat_a_refusing(&text(&a.stdout));
        let d = run("lpstat", &["-d"])?;
        let default = parse_lpstat_d(&text(&d.stdout));
        for p in &mut printers {
            p.accepting = !refusing.contains(&p.name);
            p.is_default = default.as_deref() == Some(p.name.as_str());
        }
        Ok(printers)
    }

    fn submit(&self, printer: &str, title: &str, pdf: &Path) -> Result<String, PrintError> {
        let file = pdf.to_string_lossy().into_owned();
        let out = run("lp", &["-d", printer, "-t", title, "--", &file])?;
        let stdout = text(&out.stdout);
        if out.status.success() {
            if let Some(id) = parse_request_id(&stdout) {
                return Ok(id);
            }
            return Err(PrintError::PrintFailed(format!(
                "réponse inattendue : {}",
                stdout.trim()
            )));
        }
        Err(self.failure(printer, &text(&out.stderr)))
    }

    fn job(&self, printer: &str, job: &str) -> Result<SpoolJob, PrintError> {
        let out = run("lpstat", &["-W", "not-completed", "-o", printer])?;
        if !out.status.success() {
            return Err(self.failure(printer, &text(&out.stderr)));
        }
        if listed_jobs(&text(&out.stdout)).iter().any(|j| j == job) {
            let p = run("lpstat", &["-p", printer])?;
            if !p.status.success() {
                return Err(self.failure(printer, &text(&p.stderr)));
            }
            let stopped = parse_lpstat_p(&text(&p.stdout))
                .iter()
                .any(|q| q.name == printer && q.state == PrinterState::Stopped);
            return Ok(if stopped {
                SpoolJob::Blocked
            } else {
                SpoolJob::InProgress
            });
        }
        // Finished: completed unless ipptool says it was cancelled or aborted.
        Ok(self.finished_state(job).unwrap_or(SpoolJob::Completed))
    }

    fn cancel(&self, job: &str) -> Result<(), PrintError> {
        let out = run("cancel", &[job])?;
        if !out.status.success() {
            // Already finished or gone: nothing to withdraw.
            tracing::info!(job, "print job not cancelled (already finished)");
        }
        Ok(())
    }
}

/// `lpstat -r`: "scheduler is running" / "scheduler is not running".
fn scheduler_running_in(stdout: &str) -> bool {
    stdout.contains("scheduler is running")
}

fn no_destinations(stderr: &str) -> bool {
    stderr.contains("No destinations added")
}

/// A client's error text → the error for the user.
fn classify_error(printer: &str, stderr: &str) -> PrintError {
    let s = stderr.trim();
    if s.contains("does not exist")
        || s.contains("Invalid destination name")
        || s.contains("Unknown destination")
    {
        PrintError::PrinterNotFound(printer.to_string())
    } else if s.contains("not accepting jobs") {
        PrintError::PrinterStopped(printer.to_string())
    } else if s.contains("Scheduler is not running")
        || s.contains("Unable to connect")
        || s.contains("Connection refused")
    {
        PrintError::CupsUnavailable(s.to_string())
    } else {
        let first = s.lines().next().unwrap_or("erreur inconnue");
        PrintError::PrintFailed(first.chars().take(200).collect())
    }
}

/// `request id is Relais-PDF-12 (1 file(s))` → `Relais-PDF-12`.
fn parse_request_id(stdout: &str) -> Option<String> {
    stdout.lines().find_map(|l| {
        l.trim()
            .strip_prefix("request id is ")
            .and_then(|rest| rest.split_whitespace().next())
            .map(str::to_string)
    })
}

/// `Relais-PDF-12` → `12`.
fn job_number(job: &str) -> Option<u32> {
    job.rsplit('-').next()?.parse().ok()
}

/// First column of `lpstat -o` lines (continuation lines start with a tab).
fn listed_jobs(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .filter(|l| !l.starts_with(char::is_whitespace))
        .filter_map(|l| l.split_whitespace().next())
        .map(str::to_string)
        .collect()
}

/// `lpstat -p`: queues, their state and the reason given on the next line.
///
/// ```text
/// printer Relais-PDF is idle.  enabled since Thu Nov 26 14:07:27 2026
/// printer Bureau now printing Bureau-3.  enabled since …
/// printer Relais-Stopped disabled since Thu Nov 26 14:07:28 2026 -
///     Paused for the test
/// ```
fn parse_lpstat_p(stdout: &str) -> Vec<Printer> {
    let mut out: Vec<Printer> = Vec::new();
    for line in stdout.lines() {
        if let Some(rest) = line.strip_prefix("printer ") {
            let Some(name) = rest.split_whitespace().next() else {
                continue;
            };
            let after = rest[name.len()..].trim_start();
            let state = if after.starts_with("disabled") {
                PrinterState::Stopped
            } else if after.starts_with("now printing") {
                PrinterState::Printing
            } else {
                PrinterState::Idle
            };
            out.push(Printer {
                name: name.to_string(),
                is_default: false,
                state,
                accepting: true,
                message: None,
            });
        } else if line.starts_with(char::is_whitespace) {
            let msg = line.trim();
            if let Some(last) = out.last_mut() {
                if !msg.is_empty() && last.message.is_none() {
                    last.message = Some(msg.to_string());
                }
            }
        }
    }
    out
}

/// `lpstat -a`: the queues that refuse jobs (`X not accepting requests since …`).
fn parse_lpstat_a_refusing(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .filter(|l| !l.starts_with(char::is_whitespace) && l.contains(" not accepting requests"))
        .filter_map(|l| l.split_whitespace().next())
        .map(str::to_string)
        .collect()
}

/// `lpstat -d`: `system default destination: X` / `no system default destination`.
fn parse_lpstat_d(stdout: &str) -> Option<String> {
    stdout.lines().find_map(|l| {
        l.trim()
            .strip_prefix("system default destination:")
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    })
}

/// `ipptool -c` output (`job-state` header then the value) → the end state.
fn parse_ipptool_job_state(stdout: &str) -> Option<SpoolJob> {
    let mut lines = stdout.lines().map(str::trim);
    lines.find(|l| *l == "job-state")?;
    match lines.next()? {
        "completed" => Some(SpoolJob::Completed),
        "canceled" => Some(SpoolJob::Cancelled),
        "aborted" => Some(SpoolJob::Aborted),
        "stopped" => Some(SpoolJob::Blocked),
        "pending" | "pending-held" | "processing" => Some(SpoolJob::InProgress),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lpstat_p_gives_queues_states_and_reasons() {
        let out = "printer Relais-PDF is idle.  enabled since Thu Nov 26 14:07:27 2026\n\
                   printer Bureau now printing Bureau-3.  enabled since Thu Nov 26 14:07:27 2026\n\
                   printer Relais-Stopped disabled since Thu Nov 26 14:07:28 2026 -\n\
                   \tPaused for the test\n";
        let p = parse_lpstat_p(out);
        assert_eq!(p.len(), 3);
        assert_eq!(
            (p[0].name.as_str(), p[0].state, p[0].message.as_deref()),
            ("Relais-PDF", PrinterState::Idle, None)
        );
        assert_eq!(p[1].state, PrinterState::Printing);
        assert_eq!(
            (p[2].name.as_str(), p[2].state, p[2].message.as_deref()),
            (
                "Relais-Stopped",
                PrinterState::Stopped,
                Some("Paused for the test")
            )
        );
        assert!(parse_lpstat_p("").is_empty());
    }

    #[test]
    fn lpstat_a_and_d() {
        let a = "Relais-PDF accepting requests since Thu Nov 26 14:07:50 2026\n\
                 Bureau not accepting requests since Thu Nov 26 14:07:28 2026 -\n\
                 \tRejecting Jobs\n";
        assert_eq!(parse_lpstat_a_refusing(a), vec!["Bureau".to_string()]);
        assert_eq!(
            parse_lpstat_d("system default destination: Relais-PDF\n").as_deref(),
            Some("Relais-PDF")
        );
        assert_eq!(parse_lpstat_d("no system default destination\n"), None);
    }

    #[test]
    fn lp_request_id_and_job_number() {
        assert_eq!(
            parse_request_id("request id is Relais-PDF-12 (1 file(s))\n").as_deref(),
            Some("Relais-PDF-12")
        );
        assert_eq!(parse_request_id("something else"), None);
        assert_eq!(job_number("Relais-PDF-12"), Some(12));
        assert_eq!(job_number("Relais-PDF"), None);
    }

    #[test]
    fn lpstat_o_lists_job_ids_only() {
        let out = "Relais-PDF-1            root            110592   Thu Nov 26 14:07:50 2026\n\
                   \tStatus: \n\tAlerts: processing-to-stop-point\n\tqueued for Relais-PDF\n\
                   Relais-PDF-2            root            110592   Thu Nov 26 14:07:51 2026\n";
        assert_eq!(listed_jobs(out), vec!["Relais-PDF-1", "Relais-PDF-2"]);
    }

    #[test]
    fn client_errors_map_to_stable_codes() {
        let code = |s: &str| classify_error("P", s).code();
        assert_eq!(
            code("lp: Error - The printer or class does not exist."),
            "PRINTER_NOT_FOUND"
        );
        assert_eq!(
            code("lpstat: Invalid destination name in list \"P\"."),
            "PRINTER_NOT_FOUND"
        );
        assert_eq!(
            code("lp: Destination \"P\" is not accepting jobs."),
            "PRINTER_STOPPED"
        );
        assert_eq!(
            code("lpstat: Scheduler is not running."),
            "CUPS_UNAVAILABLE"
        );
        assert_eq!(code("lp: something odd"), "PRINT_FAILED");
        assert!(scheduler_running_in("scheduler is running\n"));
        assert!(!scheduler_running_in("scheduler is not running\n"));
    }

    #[test]
    fn ipptool_job_states() {
        assert_eq!(
            parse_ipptool_job_state("job-state\ncompleted\n"),
            Some(SpoolJob::Completed)
        );
        assert_eq!(
            parse_ipptool_job_state("job-state\ncanceled\n"),
            Some(SpoolJob::Cancelled)
        );
        assert_eq!(
            parse_ipptool_job_state("job-state\naborted\n"),
            Some(SpoolJob::Aborted)
        );
        assert_eq!(parse_ipptool_job_state(""), None);
    }
}
