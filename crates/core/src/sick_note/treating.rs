//! Whether the prescriber of a sick note is the patient's médecin traitant.
use serde::{Deserialize, Serialize};

use super::SickNoteError;
use crate::prescription::{DocumentError, DocumentErrorKind};

/// How the hub established that the prescriber is (or is not) the médecin traitant.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum TreatingGpSource {
    /// The patient's record names the médecin traitant's RPPS, compared with the prescriber's.
    Record,
    /// No RPPS recorded: the prescriber's own declaration stands.
    #[default]
    Declaration,
}

/// The decision of [`treating_gp`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TreatingGp {
    /// The prescriber is the médecin traitant.
    pub by_treating_gp: bool,
    /// How it was established.
    pub source: TreatingGpSource,
}

fn digits(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Decides whether the GP (RPPS `gp_rpps`) is the patient's médecin traitant.
///
/// When the patient's record gives the médecin traitant's RPPS (`recorded_rpps`), the record
/// decides: the GP is the médecin traitant when the numbers match. A declaration "I am the
/// médecin traitant" that the record contradicts is refused (`SICK_NOTE_NOT_TREATING_GP`
/// on `declaredTreatingGp`); a GP who does not tick the box but whose RPPS the record names
/// is the médecin traitant. When no RPPS is recorded, the GP's declaration stands.
pub fn treating_gp(
    gp_rpps: &str,
    recorded_rpps: Option<&str>,
    declared: bool,
) -> Result<TreatingGp, DocumentError> {
    let recorded = recorded_rpps.map(digits).filter(|r| !r.is_empty());
    match recorded {
        Some(recorded) => {
            let matches = recorded == digits(gp_rpps);
            if declared && !matches {
                return Err(DocumentError::new(
                    "declaredTreatingGp",
                    DocumentErrorKind::SickNote(SickNoteError::NotTreatingGp),
                ));
            }
            Ok(TreatingGp {
                by_treating_gp: matches,
                source: TreatingGpSource::Record,
            })
        }
        None => Ok(TreatingGp {
            by_treating_gp: declared,
            source: TreatingGpSource::Declaration,
        }),
    }
}
