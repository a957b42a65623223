//! The ranges: possible (outside is refused) and usual (outside asks for confirmation).
use super::Plausibility;
use crate::fr;

/// Ranges of one quantity.
pub(super) struct Limits {
    /// Code prefix, e.g. "SYSTOLIC".
    code: &'static str,
    /// French name, capitalised, e.g. "Pression systolique".
    label: &'static str,
    /// Unit as displayed, e.g. "mmHg".
    unit: &'static str,
    /// Decimals shown in messages.
    decimals: usize,
    /// Lowest possible value.
    min: f64,
    /// Highest possible value.
    max: f64,
    /// Unusual below this value ("basse").
    low_below: Option<f64>,
    /// Unusual from this value: (threshold, threshold itself included).
    high_from: Option<(f64, bool)>,
    /// French words for low and high ("basse", "élevée").
    words: (&'static str, &'static str),
}

pub(super) const SYSTOLIC: Limits = Limits {
    code: "SYSTOLIC",
    label: "Pression systolique",
    unit: "mmHg",
    decimals: 0,
    min: 50.0,
    max: 280.0,
    low_below: Some(90.0),
    high_from: Some((180.0, true)),
    words: ("basse", "élevée"),
};

pub(super) const DIASTOLIC: Limits = Limits {
    code: "DIASTOLIC",
    label: "Pression diastolique",
    unit: "mmHg",
    decimals: 0,
    min: 30.0,
    max: 180.0,
    low_below: Some(50.0),
    high_from: Some((110.0, true)),
    words: ("basse", "élevée"),
};

pub(super) const PULSE: Limits = Limits {
    code: "PULSE",
    label: "Pouls",
    unit: "/min",
    decimals: 0,
    min: 20.0,
    max: 250.0,
    low_below: Some(45.0),
    high_from: Some((130.0, false)),
    words: ("lent", "rapide"),
};

pub(super) const SPO2: Limits = Limits {
    code: "SPO2",
    label: "Saturation en oxygène",
    unit: "%",
    decimals: 0,
    min: 50.0,
    max: 100.0,
    low_below: Some(92.0),
    high_from: None,
    words: ("basse", "élevée"),
};

pub(super) const TEMPERATURE: Limits = Limits {
    code: "TEMPERATURE",
    label: "Température",
    unit: "°C",
    decimals: 1,
    min: 30.0,
    max: 45.0,
    low_below: Some(35.5),
    high_from: Some((39.5, true)),
    words: ("basse", "élevée"),
};

pub(super) const WEIGHT: Limits = Limits {
    code: "WEIGHT",
    label: "Poids",
    unit: "kg",
    decimals: 2,
    min: 0.3,
    max: 400.0,
    low_below: None,
    high_from: None,
    words: ("faible", "élevé"),
};

pub(super) const GLYCAEMIA: Limits = Limits {
    code: "GLYCAEMIA",
    label: "Glycémie",
    unit: "g/L",
    decimals: 2,
    min: 0.2,
    max: 6.0,
    low_below: Some(0.6),
    high_from: Some((2.5, false)),
    words: ("basse", "élevée"),
};

impl Limits {
    /// Implausible, unusual or plausible.
    pub(super) fn check(&self, value: f64) -> Plausibility {
        self.implausible(value)
            .or_else(|| self.unusual(value))
            .unwrap_or(Plausibility::Plausible)
    }

    /// `Some` when not finite or outside [min, max].
    pub(super) fn implausible(&self, value: f64) -> Option<Plausibility> {
        if value.is_finite() && (self.min..=self.max).contains(&value) {
            return None;
        }
        let shown = if value.is_finite() {
            format!("{} {}", self.num(value), self.unit)
        } else {
            "valeur illisible".to_string()
        };
        Some(Plausibility::Implausible {
            code: format!("{}_RANGE", self.code),
            message: format!(
                "{} impossible ({shown}) : la valeur doit être comprise entre {} et {} {}. Refaites la mesure.",
                self.label,
                fr::trimmed(self.min, 2),
                fr::trimmed(self.max, 2),
                self.unit
            ),
            min: self.min,
            max: self.max,
        })
    }

    /// `Some` when below the low threshold or from the high one.
    pub(super) fn unusual(&self, value: f64) -> Option<Plausibility> {
        let low = self.low_below.is_some_and(|t| value < t);
        let high = self
            .high_from
            .is_some_and(|(t, inclusive)| if inclusive { value >= t } else { value > t });
        let (suffix, word) = match (low, high) {
            (true, _) => ("LOW", self.words.0),
            (false, true) => ("HIGH", self.words.1),
            (false, false) => return None,
        };
        Some(Plausibility::Unusual {
            code: format!("{}_{suffix}", self.code),
            message: format!(
                "{} {word} ({} {}) : confirmez la mesure.",
                self.label,
                self.num(value),
                self.unit
            ),
        })
    }

    fn num(&self, value: f64) -> String {
        if self.decimals >= 2 {
            fr::trimmed(value, self.decimals)
        } else {
            fr::fixed(value, self.decimals)
        }
    }
}

/// Diastolic at or above systolic: the cuff misread.
pub(super) fn diastolic_not_below(systolic: f64, diastolic: f64) -> Option<Plausibility> {
    (diastolic >= systolic).then(|| Plausibility::Implausible {
        code: "DIASTOLIC_NOT_BELOW_SYSTOLIC".to_string(),
        message: format!(
            "Pression diastolique ({} mmHg) supérieure ou égale à la systolique ({} mmHg) : refaites la mesure.",
            fr::fixed(diastolic, 0),
            fr::fixed(systolic, 0)
        ),
        min: DIASTOLIC.min,
        max: DIASTOLIC.max.min(systolic),
    })
}
