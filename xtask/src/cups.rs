//! CUPS for the tests: the scheduler running (started by hand: no systemd on the CI
//! machines), a PDF printer `Relais-PDF` (cups-pdf) that works, and `Relais-Stopped`, a
//! queue that takes jobs but is stopped (`cupsdisable`), for the failure tests. Idempotent.
use std::process::Command;
use std::time::{Duration, Instant};

use crate::Result;

/// The printer that writes PDF files (cups-pdf).
pub const PDF_PRINTER: &str = "Relais-PDF";
/// A stopped queue: jobs wait there and never print.
pub const STOPPED_PRINTER: &str = "Relais-Stopped";

const CUPSD: &str = "/usr/sbin/cupsd";
const CUPS_PDF_PPD: &str = "lsb/usr/cups-pdf/CUPS-PDF_opt.ppd";

fn c_cmd(program: &str) -> Command {
    let mut c = Command::new(program);
    c.env("LC_ALL", "C");
    c
}

fn output(c: &mut Command) -> Result<String> {
    let out = c
        .output()
        .map_err(|e| format!("cannot start {:?}: {e}", c.get_program()))?;
    Ok(format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    ))
}

fn checked(c: &mut Command) -> Result {
    let out = c
        .output()
        .map_err(|e| format!("cannot start {:?}: {e}", c.get_program()))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{:?} failed: {}",
            c.get_program(),
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

fn scheduler_running() -> bool {
    output(c_cmd("lpstat").arg("-r")).is_ok_and(|s| s.contains("scheduler is running"))
}

fn has_queue(name: &str) -> bool {
    c_cmd("lpstat")
        .args(["-p", name])
        .output()
        .is_ok_and(|o| o.status.success())
}

fn add_pdf_queue(name: &str) -> Result {
    if !has_queue(name) {
        checked(c_cmd("lpadmin").args(["-p", name, "-E", "-v", "cups-pdf:/", "-m", CUPS_PDF_PPD]))?;
    }
    checked(c_cmd("cupsaccept").arg(name))
}

/// Starts the CUPS scheduler when it is not running, and sets up the two test queues.
pub fn ensure() -> Result {
    if !scheduler_running() {
        println!("==> starting the CUPS scheduler ({CUPSD})");
        // cupsd detaches itself and keeps running after xtask.
        checked(&mut c_cmd(CUPSD))?;
        let start = Instant::now();
        while !scheduler_running() {
            if start.elapsed() > Duration::from_secs(15) {
                return Err("the CUPS scheduler did not start within 15 s".into());
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }
    add_pdf_queue(PDF_PRINTER)?;
    checked(c_cmd("cupsenable").arg(PDF_PRINTER))?;
    add_pdf_queue(STOPPED_PRINTER)?;
    checked(c_cmd("cupsdisable").args(["-r", "Arrêtée pour les tests", STOPPED_PRINTER]))?;
    println!("CUPS: {PDF_PRINTER} ready, {STOPPED_PRINTER} stopped");
    Ok(())
}
