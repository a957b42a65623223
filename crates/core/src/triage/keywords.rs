//! The complaint scan: a safety net that finds exclusions the answers may have missed.
//!
//! The complaint is folded ([`crate::text::fold`]: case, accents, punctuation erased) and
//! split into words; every word is lightly stemmed (one trailing `s` or `x` removed, then
//! trailing `e`s, words of 2 letters or fewer left alone) so that plurals and feminines match
//! ("douleurs abdominales" = "douleur abdominale", "évanouie" = "évanoui"). Patterns get
//! the same treatment, so they are written in plain French below.
//!
//! A pattern is a phrase matched on whole words ("ventre" never matches inside "aventure");
//! `*` in a pattern allows up to [`MAX_GAP`] words in between ("mal * ventre" matches
//! "mal au ventre", "mal de ventre", "mal dans le bas du ventre").
//!
//! Negation and history are NOT interpreted: "pas de mal au ventre" or "antécédent d'AVC"
//! still match. The net errs towards the urgences and the 15; the assisting professional
//! rewords the complaint when a match is plainly wrong.
//!
//! Injections are deliberately not a technical gesture: the assisting nurse performs them on
//! the doctor's prescription.
use std::sync::OnceLock;

use super::Exclusion;
use crate::text::fold;

/// Most words allowed where a pattern has `*`.
pub const MAX_GAP: usize = 4;

/// Emergency signs: chest pain, stroke, severe breathlessness, loss of consciousness,
/// convulsions, haemorrhage, anaphylaxis, suicidal crisis. Call the 15 now.
pub const EMERGENCY_SIGNS: &[&str] = &[
    // Chest pain.
    "douleur * thoracique",
    "douleur * poitrine",
    "douleur * thorax",
    "mal * poitrine",
    "mal * thorax",
    "oppression * thoracique",
    "oppression * poitrine",
    "serrement * poitrine",
    "serre * poitrine",
    "poitrine * serrée",
    "poids * poitrine",
    "gêne * thoracique",
    "gêne * poitrine",
    "brûlure * poitrine",
    "angine de poitrine",
    "infarctus",
    "crise cardiaque",
    "arrêt cardiaque",
    // Stroke.
    "AVC",
    "accident vasculaire",
    "accident ischémique",
    "attaque cérébrale",
    "paralysie",
    "paralysé",
    "visage * travers",
    "bouche * travers",
    "visage * déformé",
    "bouche * déformée",
    "peut plus parler",
    "peux plus parler",
    "arrive plus * parler",
    "ne parle plus",
    "trouble * parole",
    "trouble * langage",
    "difficulté * parler",
    "aphasie",
    "faiblesse * côté",
    "hémiplégie",
    "hémiparésie",
    // Severe breathlessness.
    "étouffe",
    "étouffer",
    "étouffement",
    "suffoque",
    "suffocation",
    "asphyxie",
    "détresse respiratoire",
    "essoufflement * sévère",
    "essoufflement * important",
    "essoufflement * intense",
    "essoufflement * brutal",
    "très essoufflé",
    "ne respire plus",
    "respire plus du tout",
    "arrive pas * respirer",
    "arrive plus * respirer",
    "peut pas respirer",
    "peut plus respirer",
    "peux pas respirer",
    "peux plus respirer",
    "manque d'air",
    "cyanose",
    "lèvres bleues",
    "grande difficulté * respirer",
    "forte difficulté * respirer",
    "difficulté respiratoire * sévère",
    "difficulté respiratoire * importante",
    // Loss of consciousness.
    "perte * connaissance",
    "perdu * connaissance",
    "perd * connaissance",
    "évanouissement",
    "évanoui",
    "évanouir",
    "évanouit",
    "inconscient",
    "syncope",
    "tombé * pommes",
    "coma",
    "ne répond plus",
    // Convulsions.
    "convulsion",
    "convulse",
    "convulser",
    "convulsif",
    "convulsive",
    "crise * épilepsie",
    "crise * épileptique",
    "crise comitiale",
    // Haemorrhage.
    "hémorragie",
    "hémorragique",
    "saignement * abondant",
    "saignement * important",
    "saignement * massif",
    "saignement * arrête pas",
    "saigne * arrête pas",
    "saigne * abondamment",
    "saigne beaucoup",
    "vomit * sang",
    "vomi * sang",
    "vomissement * sang",
    "crache * sang",
    "cracher * sang",
    "hématémèse",
    "hémoptysie",
    // Anaphylaxis, suicidal crisis.
    "anaphylaxie",
    "anaphylactique",
    "œdème * Quincke",
    "suicide",
    "suicidaire",
];

/// Abdominal pain, any wording; every mention of the abdomen counts.
pub const ABDOMINAL_PAIN: &[&str] = &[
    "mal * ventre",
    "maux * ventre",
    "douleur * ventre",
    "crampe * ventre",
    "ventre * douloureux",
    "ventre * fait * mal",
    "mal * bide",
    "douleur * bide",
    "abdomen",
    "abdominal",
    "abdominale",
    "abdominaux",
    "abdo",
    "mal * estomac",
    "maux * estomac",
    "douleur * estomac",
    "crampe * estomac",
    "brûlure * estomac",
    "estomac * douloureux",
    "estomac * fait * mal",
    "épigastre",
    "épigastrique",
    "épigastralgie",
    "gastralgie",
    "colique",
    "douleur * flanc",
    "mal * flanc",
    "douleur * nombril",
    "mal * nombril",
    "fosse iliaque",
    "appendicite",
    "péritonite",
    "pancréatite",
    "cholécystite",
    "diverticulite",
    "occlusion intestinale",
];

/// Technical gestures a remote doctor cannot perform: sutures and their removal, casts,
/// splints to fit, incisions and drainage, punctures, complex dressings, foreign bodies…
pub const TECHNICAL_GESTURE: &[&str] = &[
    "suture",
    "suturer",
    "recoudre",
    "recousu",
    "agrafe",
    "agrafer",
    "retrait * fils",
    "retirer * fils",
    "enlever * fils",
    "ablation * fils",
    "ôter * fils",
    "couper * fils",
    "retrait * points",
    "retirer * points",
    "enlever * points",
    "ablation * points",
    "ôter * points",
    "plâtre",
    "plâtrer",
    "poser * attelle",
    "pose * attelle",
    "mettre * attelle",
    "attelle * poser",
    "attelle * mettre",
    "confection * attelle",
    "confectionner * attelle",
    "incision",
    "inciser",
    "drainage * abcès",
    "drainer * abcès",
    "abcès * drainer",
    "percer * abcès",
    "abcès * percer",
    "vider * abcès",
    "abcès * vider",
    "ponction",
    "ponctionner",
    "infiltration",
    "pansement * complexe",
    "méchage",
    "corps étranger",
    "stérilet",
    "implant contraceptif",
    "luxation",
    "plaie * profonde",
    "coupure * profonde",
    "entaille",
];

/// One pattern found in a complaint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeywordMatch {
    /// The exclusion the pattern belongs to.
    pub exclusion: Exclusion,
    /// The pattern as written in the lists of this module.
    pub pattern: &'static str,
}

/// A pattern ready to match: stemmed word runs separated by gaps.
struct Compiled {
    exclusion: Exclusion,
    pattern: &'static str,
    runs: Vec<Vec<String>>,
}

/// Every pattern found in `complaint`, emergency signs first, then abdominal pain, then
/// technical gestures, each in list order.
pub fn scan_complaint(complaint: &str) -> Vec<KeywordMatch> {
    let words = words(complaint);
    compiled()
        .iter()
        .filter(|c| matches(&words, &c.runs))
        .map(|c| KeywordMatch {
            exclusion: c.exclusion,
            pattern: c.pattern,
        })
        .collect()
}

fn compiled() -> &'static [Compiled] {
    static COMPILED: OnceLock<Vec<Compiled>> = OnceLock::new();
    COMPILED.get_or_init(|| {
        let families = [
            (Exclusion::EmergencySigns, EMERGENCY_SIGNS),
            (Exclusion::AbdominalPain, ABDOMINAL_PAIN),
            (Exclusion::TechnicalGesture, TECHNICAL_GESTURE),
        ];
        families
            .into_iter()
            .flat_map(|(exclusion, patterns)| {
                patterns.iter().map(move |&pattern| Compiled {
                    exclusion,
                    pattern,
                    runs: pattern
                        .split('*')
                        .map(words)
                        .filter(|r| !r.is_empty())
                        .collect(),
                })
            })
            .collect()
    })
}

/// Folded, stemmed words.
fn words(s: &str) -> Vec<String> {
    fold(s)
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(stem)
        .collect()
}

/// One trailing `s` or `x` removed, then trailing `e`s, keeping at least 2 letters.
fn stem(word: &str) -> String {
    let mut chars: Vec<char> = word.chars().collect();
    if chars.len() > 2 && matches!(chars.last(), Some('s' | 'x')) {
        chars.pop();
    }
    while chars.len() > 2 && chars.last() == Some(&'e') {
        chars.pop();
    }
    chars.into_iter().collect()
}

/// The runs appear in order in `words`, each run contiguous, at most [`MAX_GAP`] words between runs.
fn matches(words: &[String], runs: &[Vec<String>]) -> bool {
    !runs.is_empty() && (0..words.len()).any(|start| matches_at(words, runs, start))
}

fn matches_at(words: &[String], runs: &[Vec<String>], at: usize) -> bool {
    let Some((run, rest)) = runs.split_first() else {
        return true;
    };
    if !words.get(at..).is_some_and(|tail| tail.starts_with(run)) {
        return false;
    }
    if rest.is_empty() {
        return true;
    }
    let next = at + run.len();
    (next..=next + MAX_GAP)
        .take_while(|&i| i < words.len())
        .any(|i| matches_at(words, rest, i))
}

#[cfg(test)]
mod tests {
    use super::*;
    use Exclusion::{AbdominalPain as A, EmergencySigns as E, TechnicalGesture as T};

    fn check(complaint: &str, expected: &[Exclusion]) {
        let mut found: Vec<Exclusion> = scan_complaint(complaint)
            .into_iter()
            .map(|m| m.exclusion)
            .collect();
        found.dedup();
        assert_eq!(
            found,
            expected,
            "scan_complaint({complaint:?}) matched {:?}",
            scan_complaint(complaint)
        );
    }

    #[test]
    fn stems() {
        for (word, expected) in [
            ("douleurs", "douleur"),
            ("abdominales", "abdominal"),
            ("abdominal", "abdominal"),
            ("maux", "mau"),
            ("evanouie", "evanoui"),
            ("paralysee", "paralys"),
            ("paralyse", "paralys"),
            ("de", "de"),
            ("es", "es"),
            ("x", "x"),
            ("ee", "ee"),
        ] {
            assert_eq!(stem(word), expected, "stem({word})");
        }
    }

    #[test]
    fn abdominal_pain() {
        for complaint in [
            "Mal au ventre depuis hier",
            "mal de ventre",
            "MAL AU VENTRE",
            "maux de ventre",
            "Maux de ventre et nausées",
            "douleur au ventre",
            "douleurs au ventre",
            "Douleurs abdominales",
            "douleur abdominale basse",
            "douleurs abdo",
            "crampes abdominales",
            "ventre douloureux",
            "ventre ballonné et douloureux",
            "j'ai le ventre qui fait mal",
            "le ventre me fait très mal",
            "mal dans le bas du ventre",
            "mal au bas-ventre",
            "j'ai mal au dos et au ventre",
            "colique",
            "Coliques néphrétiques ?",
            "crampes d'estomac",
            "crampe à l'estomac",
            "mal à l'estomac",
            "Mal a l estomac",
            "mal à l’estomac après les repas",
            "brûlures d'estomac",
            "douleur épigastrique",
            "épigastralgies",
            "suspicion d'appendicite",
            "douleur dans la fosse iliaque droite",
            "douleur au flanc gauche",
            "gêne abdominale",
            "pas de mal au ventre",
        ] {
            check(complaint, &[A]);
        }
    }

    #[test]
    fn technical_gesture() {
        for complaint in [
            "besoin de points de suture",
            "Coupure au doigt à suturer",
            "plaie à recoudre",
            "il faut recoudre",
            "ablation des fils",
            "retrait des fils",
            "enlever les fils",
            "retirer les points",
            "retrait des points de suture",
            "retrait d'agrafes",
            "agrafes à enlever",
            "plâtre trop serré",
            "pose d'un plâtre",
            "poser une attelle",
            "attelle à poser",
            "abcès à drainer",
            "drainage d'abcès",
            "incision d'un abcès",
            "pansement complexe",
            "pansements très complexes",
            "corps étranger dans l'oeil",
            "pose de stérilet",
            "entaille profonde à la main",
            "plaie profonde",
            "luxation de l'épaule",
            "infiltration du genou",
        ] {
            check(complaint, &[T]);
        }
    }

    #[test]
    fn emergency_signs() {
        for complaint in [
            "douleur thoracique",
            "Douleur dans la poitrine",
            "douleurs à la poitrine depuis ce matin",
            "mal à la poitrine",
            "oppression thoracique",
            "serrement dans la poitrine",
            "ça me serre dans la poitrine",
            "poitrine serrée",
            "sensation de poids sur la poitrine",
            "AVC ?",
            "suspicion d'avc",
            "visage paralysé",
            "bras paralysé",
            "paralysie faciale",
            "bouche de travers",
            "bouche déformée",
            "il ne peut plus parler",
            "je ne peux plus parler",
            "trouble de la parole brutal",
            "troubles du langage",
            "faiblesse d'un côté",
            "faiblesse du côté gauche",
            "il étouffe",
            "sensation d'étouffement",
            "détresse respiratoire",
            "essoufflement sévère",
            "essoufflement très important",
            "ne respire plus",
            "n'arrive pas à respirer",
            "n'arrive plus à respirer",
            "manque d'air",
            "lèvres bleues",
            "perte de connaissance",
            "a perdu connaissance",
            "évanouissement",
            "elle s'est évanouie",
            "évanoui ce matin",
            "patient inconscient",
            "syncope",
            "tombé dans les pommes",
            "convulsions",
            "crise d'épilepsie",
            "crise convulsive",
            "hémorragie",
            "saignement abondant",
            "saigne beaucoup du nez",
            "vomit du sang",
            "crache du sang",
            "œdème de Quincke",
            "idées suicidaires",
        ] {
            check(complaint, &[E]);
        }
    }

    #[test]
    fn several_families_in_family_order() {
        check("douleur thoracique et mal au ventre", &[E, A]);
        check("mal au ventre, plaie à suturer", &[A, T]);
        check(
            "plaie à suturer, perte de connaissance, maux de ventre",
            &[E, A, T],
        );
    }

    #[test]
    fn ordinary_complaints_do_not_match() {
        for complaint in [
            "",
            "   ",
            "fièvre et toux depuis 3 jours",
            "renouvellement d'ordonnance",
            "certificat de sport",
            "une aventure en montagne, entorse de la cheville",
            "ventre gonflé",
            "mal à la tête",
            "mal de gorge",
            "mal aux dents",
            "angine",
            "point de côté en courant",
            "plaie superficielle au doigt",
            "pansement simple à refaire",
            "injection de vitamine B12",
            "il respire plus vite que d'habitude",
            "prise de poids",
            "estomac fragile",
            "douleur au genou",
            "éruption cutanée",
            "brûlure au soleil",
            "paracétamol",
            "toux sèche, nez qui coule",
            "fils de 5 ans fiévreux",
        ] {
            check(complaint, &[]);
        }
    }

    #[test]
    fn word_boundaries() {
        for complaint in [
            "aventure",
            "ventrebleu",
            "malventre",
            "abdominoplastie",
            "navc",
            "syncopes",
            "comateux",
            "plâtrier",
        ] {
            let expected: &[Exclusion] = match complaint {
                "syncopes" => &[E],
                _ => &[],
            };
            check(complaint, expected);
        }
    }

    #[test]
    fn gaps_are_bounded() {
        check("mal a b c d ventre", &[A]);
        check("mal a b c d e ventre", &[]);
        // The earliest candidate for a run does not hide a later one that fits.
        check("mal ventre", &[A]);
        check("ventre fait x x x fait x mal", &[A]);
        check("ventre fait x x x x x fait mal", &[]);
    }

    #[test]
    fn every_pattern_matches_its_own_words() {
        for c in compiled() {
            assert!(!c.runs.is_empty(), "empty pattern {:?}", c.pattern);
            let text = c.pattern.replace('*', " ");
            let found: Vec<Exclusion> = scan_complaint(&text)
                .into_iter()
                .map(|m| m.exclusion)
                .collect();
            assert!(
                found.contains(&c.exclusion),
                "{:?} does not match itself",
                c.pattern
            );
        }
    }

    #[test]
    fn reports_the_pattern() {
        assert_eq!(
            scan_complaint("Maux de ventre"),
            vec![KeywordMatch {
                exclusion: A,
                pattern: "maux * ventre"
            }]
        );
    }
}
