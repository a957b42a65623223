//! CUPS in the tests: the queues `cargo xtask test` sets up (`xtask/src/cups.rs`), the
//! files the PDF printer (cups-pdf) writes, and a look at a PDF through `pdftoppm`.
//!
//! cups-pdf writes each job to its `Out` directory (`/etc/cups/cups-pdf.conf`, Debian:
//! `${HOME}/PDF` of the job's owner — `/root/PDF` for root's jobs), in a file whose name
//! ends with `job_<n>.pdf`, `n` the CUPS job number. Its text is re-encoded: a test checks
//! that the job completed and that the file renders to a page that is not blank.
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::Result;

/// The printer that writes PDF files.
pub const PDF_PRINTER: &str = "Relais-PDF";
/// A queue that takes jobs but is stopped.
pub const STOPPED_PRINTER: &str = "Relais-Stopped";

/// Whether the CUPS scheduler answers (the tests that print need it).
pub fn available() -> bool {
    Command::new("lpstat")
        .arg("-r")
        .env("LC_ALL", "C")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("scheduler is running"))
}

/// Fails with what to do when CUPS or its test queues are missing.
pub fn require() -> Result {
    if !available() {
        return Err("CUPS is not running: run `cargo xtask test` (it starts /usr/sbin/cupsd and adds the test printers)".into());
    }
    for q in [PDF_PRINTER, STOPPED_PRINTER] {
        let ok = Command::new("lpstat")
            .args(["-p", q])
            .env("LC_ALL", "C")
            .output()
            .is_ok_and(|o| o.status.success());
        if !ok {
            return Err(format!("the CUPS queue {q} is missing: run `cargo xtask test`").into());
        }
    }
    Ok(())
}

/// cups-pdf's output directory for jobs of the current user.
pub fn output_dir() -> PathBuf {
    let conf = std::fs::read_to_string("/etc/cups/cups-pdf.conf").unwrap_or_default();
    let out = conf
        .lines()
        .map(str::trim)
        .find_map(|l| l.strip_prefix("Out ").map(str::trim))
        .unwrap_or("${HOME}/PDF")
        .to_string();
    let home = home_of_current_user();
    let user = std::env::var("USER").unwrap_or_else(|_| "root".into());
    PathBuf::from(out.replace("${HOME}", &home).replace("${USER}", &user))
}

fn home_of_current_user() -> String {
    // cups-pdf takes the home from the password database, not from $HOME.
    let uid = Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
    passwd
        .lines()
        .map(|l| l.split(':').collect::<Vec<_>>())
        .find(|f| f.len() > 5 && f[2] == uid)
        .map(|f| f[5].to_string())
        .or_else(|| std::env::var("HOME").ok())
        .unwrap_or_else(|| "/root".into())
}

/// The CUPS job number of `Relais-PDF-12` (`12`).
pub fn job_number(spool_job: &str) -> Option<u32> {
    spool_job.rsplit('-').next()?.parse().ok()
}

/// Waits until cups-pdf has written the file of job `spool_job` (and stopped growing).
pub fn wait_for_output(spool_job: &str, limit: Duration) -> Result<PathBuf> {
    let n = job_number(spool_job).ok_or_else(|| format!("not a CUPS job id: {spool_job}"))?;
    let suffix = format!("job_{n}.pdf");
    let dir = output_dir();
    let deadline = Instant::now() + limit;
    let mut last_len = None;
    while Instant::now() < deadline {
        let found = std::fs::read_dir(&dir)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .find(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.ends_with(&suffix))
            });
        if let Some(path) = found {
            let len = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
            if len > 0 && last_len == Some(len) {
                return Ok(path);
            }
            last_len = Some(len);
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    Err(format!(
        "cups-pdf wrote no file ending in {suffix} in {} within {limit:?}",
        dir.display()
    )
    .into())
}

/// The document as handed to CUPS for job `spool_job`, as the scheduler keeps it
/// (`/var/spool/cups/d<n>-001`, kept a day by default: `PreserveJobFiles`). cups-pdf's own
/// output is rewritten by Ghostscript through PostScript, which loses the text's encoding;
/// the text of what was printed is read here.
pub fn spooled_document(spool_job: &str) -> Result<PathBuf> {
    let n = job_number(spool_job).ok_or_else(|| format!("not a CUPS job id: {spool_job}"))?;
    let path = PathBuf::from(format!("/var/spool/cups/d{n:05}-001"));
    std::fs::metadata(&path).map_err(|e| {
        format!(
            "the CUPS spool file {} cannot be read ({e}): the test runs as root with PreserveJobFiles on",
            path.display()
        )
    })?;
    Ok(path)
}

/// Number of pages of a PDF (`pdfinfo`).
pub fn pdf_pages(pdf: &Path) -> Result<u32> {
    let out = Command::new("pdfinfo")
        .arg(pdf)
        .env("LC_ALL", "C")
        .output()?;
    if !out.status.success() {
        return Err(format!("pdfinfo could not read {}", pdf.display()).into());
    }
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.lines()
        .find_map(|l| l.strip_prefix("Pages:").map(|v| v.trim().parse::<u32>()))
        .ok_or("pdfinfo gave no page count")?
        .map_err(|e| e.into())
}

/// The text of page `page` (1-based) of a PDF (`pdftotext -layout`).
pub fn pdf_page_text(pdf: &Path, page: u32) -> Result<String> {
    let p = page.to_string();
    let out = Command::new("pdftotext")
        .args(["-f", &p, "-l", &p, "-layout", "-enc", "UTF-8"])
        .arg(pdf)
        .arg("-")
        .output()?;
    if !out.status.success() {
        return Err(format!(
            "pdftotext could not read {}: {}",
            pdf.display(),
            String::from_utf8_lossy(&out.stderr)
        )
        .into());
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// What `pdftoppm` made of the first page of a PDF.
#[derive(Debug, Clone)]
pub struct PageImage {
    /// Width in pixels.
    pub width: usize,
    /// Height in pixels.
    pub height: usize,
    /// Share of pixels darker than mid-grey (ink), 0 to 1.
    pub ink: f64,
    /// The PNG file, when asked for.
    pub png: Option<PathBuf>,
}

/// Renders page 1 of `pdf` with `pdftoppm` (50 dpi, greyscale) and measures its ink; with
/// `png_to`, also saves it as a PNG (150 dpi) to look at.
pub fn render_first_page(pdf: &Path, png_to: Option<&Path>) -> Result<PageImage> {
    render_page(pdf, 1, png_to)
}

/// Like [`render_first_page`], for page `page` (1-based).
pub fn render_page(pdf: &Path, page: u32, png_to: Option<&Path>) -> Result<PageImage> {
    let p = page.to_string();
    let tmp = tempfile::tempdir()?;
    let base = tmp.path().join("page");
    let out = Command::new("pdftoppm")
        .args(["-f", &p, "-l", &p, "-r", "50", "-gray", "-singlefile"])
        .arg(pdf)
        .arg(&base)
        .output()?;
    if !out.status.success() {
        return Err(format!(
            "pdftoppm could not render {}: {}",
            pdf.display(),
            String::from_utf8_lossy(&out.stderr)
        )
        .into());
    }
    let pgm = std::fs::read(base.with_extension("pgm"))?;
    let (width, height, pixels) = parse_pgm(&pgm)?;
    let dark = pixels.iter().filter(|&&p| p < 128).count();
    let ink = dark as f64 / (width * height).max(1) as f64;
    let png = match png_to {
        Some(target) => {
            let stem = target.with_extension("");
            let ok = Command::new("pdftoppm")
                .args(["-f", &p, "-l", &p, "-r", "150", "-png", "-singlefile"])
                .arg(pdf)
                .arg(&stem)
                .status()?
                .success();
            ok.then(|| stem.with_extension("png"))
        }
        None => None,
    };
    Ok(PageImage {
        width,
        height,
        ink,
        png,
    })
}

/// A binary PGM (`P5`, 8-bit): width, height, pixels.
fn parse_pgm(bytes: &[u8]) -> Result<(usize, usize, &[u8])> {
    let mut fields = Vec::new();
    let mut i = 0;
    while fields.len() < 4 && i < bytes.len() {
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if i < bytes.len() && bytes[i] == b'#' {
            while i < bytes.len() && bytes[i] != b'\n' {
                i += 1;
            }
            continue;
        }
        let start = i;
        while i < bytes.len() && !bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        fields.push(String::from_utf8_lossy(&bytes[start..i]).into_owned());
    }
    if fields.len() < 4 || fields[0] != "P5" {
        return Err("pdftoppm did not write a binary PGM".into());
    }
    let width: usize = fields[1].parse()?;
    let height: usize = fields[2].parse()?;
    let pixels = bytes
        .get(i + 1..i + 1 + width * height)
        .ok_or("PGM too short")?;
    Ok((width, height, pixels))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pgm_and_job_numbers() {
        let mut pgm = b"P5\n# c\n2 2\n255\n".to_vec();
        pgm.extend_from_slice(&[0, 255, 255, 255]);
        let (w, h, px) = parse_pgm(&pgm).expect("pgm");
        assert_eq!((w, h, px.len()), (2, 2, 4));
        assert_eq!(job_number("Relais-PDF-12"), Some(12));
        assert_eq!(job_number("x"), None);
    }
}
