//! Helpers of the rendering tests: fixtures, and the real poppler tools on the produced PDFs.
#![allow(dead_code)]
#![allow(clippy::unwrap_used)] // Test helpers outside #[test] functions may unwrap.

use std::path::{Path, PathBuf};
use std::process::Command;

use relais_core::prescription::Prescription;
use relais_core::report::Report;
use serde_json::Value;

/// The workspace's example prescription.
pub fn prescription_json() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/prescription.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The example report of this crate.
pub fn report_json() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/report.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Reads a prescription through its public JSON contract.
pub fn prescription(v: &Value) -> Prescription {
    Prescription::from_json(&v.to_string()).unwrap()
}

/// Reads a report through its JSON shape.
pub fn report(v: &Value) -> Report {
    Report::from_json(&v.to_string()).unwrap()
}

/// Keeps the PDF under the target directory, for people to look at after a run.
pub fn keep(name: &str, pdf: &[u8]) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("print");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, pdf).unwrap();
    path
}

/// The text of the PDF by `pdftotext` (pages separated by form feeds).
pub fn pdftotext(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doc.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = Command::new("pdftotext")
        .arg("-layout")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    assert!(
        out.status.success(),
        "pdftotext: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Text with every run of white space made one space (lines and columns joined).
pub fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// One page rendered by `pdftoppm` at `dpi`, in grey levels: (width, height, pixels).
pub fn raster(pdf: &[u8], page: usize, dpi: u32) -> (u32, u32, Vec<u8>) {
    raster_region(pdf, page, dpi, None)
}

/// Part of a page (`x`, `y`, width, height in pixels at `dpi`), or all of it.
pub fn raster_region(
    pdf: &[u8],
    page: usize,
    dpi: u32,
    region: Option<(u32, u32, u32, u32)>,
) -> (u32, u32, Vec<u8>) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doc.pdf");
    std::fs::write(&path, pdf).unwrap();
    let prefix = dir.path().join("page");
    let status = Command::new("pdftoppm")
        .args(["-r", &dpi.to_string(), "-png", "-singlefile"])
        .args(["-f", &page.to_string(), "-l", &page.to_string()])
        .args(region.map_or_else(Vec::new, |(x, y, w, h)| {
            vec![
                "-x".to_string(),
                x.to_string(),
                "-y".to_string(),
                y.to_string(),
                "-W".to_string(),
                w.to_string(),
                "-H".to_string(),
                h.to_string(),
            ]
        }))
        .arg(&path)
        .arg(&prefix)
        .status()
        .expect("pdftoppm (poppler-utils) is installed");
    assert!(status.success());
    let file = std::fs::File::open(dir.path().join("page.png")).unwrap();
    let mut decoder = png::Decoder::new(std::io::BufReader::new(file));
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    let grey = buf[..info.buffer_size()]
        .chunks(channels)
        .map(|px| {
            let rgb = &px[..channels.min(3)];
            (rgb.iter().map(|&c| u32::from(c)).sum::<u32>() / rgb.len() as u32) as u8
        })
        .collect();
    (info.width, info.height, grey)
}

/// The texts of the QR codes found in the top right quarter of a page rendered at `dpi`.
pub fn qr_codes(pdf: &[u8], page: usize, dpi: u32) -> Vec<String> {
    let (page_w, page_h) = (210.0 / 25.4 * dpi as f32, 297.0 / 25.4 * dpi as f32);
    let region = (
        (page_w / 2.0) as u32,
        0,
        (page_w / 2.0) as u32,
        (page_h / 4.0) as u32,
    );
    let (w, h, px) = raster_region(pdf, page, dpi, Some(region));
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(w as usize, h as usize, |x, y| {
        px[y * w as usize + x]
    });
    img.detect_grids()
        .into_iter()
        .filter_map(|g| g.decode().ok().map(|(_, text)| text))
        .collect()
}
