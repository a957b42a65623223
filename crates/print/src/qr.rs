//! The QR code of a document number, drawn as vector squares.
use qrcode::{Color, EcLevel, QrCode};

use crate::layout::Writer;
use crate::PrintError;

/// Draws the QR code of `data` in a `size` mm square at top-left (`x`, `y`), quiet zone included.
pub(crate) fn draw(
    w: &mut Writer,
    data: &str,
    x: f32,
    y: f32,
    size: f32,
) -> Result<(), PrintError> {
    let code = QrCode::with_error_correction_level(data.as_bytes(), EcLevel::M)
        .map_err(|_| PrintError::QrCode)?;
    let n = code.width();
    let colors = code.to_colors();
    // Four modules of quiet zone on each side, as the standard asks.
    let module = size / (n + 8) as f32;
    let (x0, y0) = (x + 4.0 * module, y + 4.0 * module);
    for row in 0..n {
        // One rectangle per horizontal run of dark modules.
        let mut col = 0;
        while col < n {
            if colors[row * n + col] == Color::Dark {
                let start = col;
                while col < n && colors[row * n + col] == Color::Dark {
                    col += 1;
                }
                // A hair wider than the run so that adjacent rows leave no seam.
                w.fill_rect(
                    x0 + start as f32 * module,
                    y0 + row as f32 * module,
                    (col - start) as f32 * module,
                    module * 1.02,
                    0.0,
                );
            } else {
                col += 1;
            }
        }
    }
    Ok(())
}
