//! Mouth-to-ear latency from a known pattern, found by cross-correlation.
//!
//! The pattern is a train of bursts, each a different pseudo-random ±1 sequence (200 chips at
//! 4 kHz, 50 ms), so that every burst is recognised by itself and none can be taken for its
//! neighbour whatever the delay. Two recordings are compared: the reference (where the sound
//! enters the path) and the received signal (where it leaves). Each recording carries time
//! stamps `(sample index, wall clock)` taken when its reader got the samples; a sample's wall
//! time is the lower envelope of those stamps (the earliest a reader saw it), so a reader's
//! late wake-ups do not count. A burst's latency is the wall time of its correlation peak in
//! the received signal minus the wall time of its peak in the reference.
use crate::steth::RATE;

/// Samples per chip (4 kHz chip rate at 48 kHz).
pub const CHIP: usize = 12;
/// Chips per burst (50 ms).
pub const CHIPS: usize = 200;
/// Normalised correlation a burst must reach to count as found. Noise alone stays under
/// about 0.3 (200 independent chips); a burst through Opus stays above 0.8.
pub const MIN_SCORE: f64 = 0.5;
/// How early (ms) a received burst is still looked for before its reference time: a few
/// milliseconds of clock error show up as a small negative latency instead of a miss.
pub const EARLY_MS: f64 = 50.0;

/// The burst train.
#[derive(Debug, Clone)]
pub struct Pattern {
    /// Number of bursts.
    pub bursts: usize,
    /// Samples from one burst's start to the next.
    pub period: usize,
    /// Silence before the first burst, in samples.
    pub lead: usize,
    /// Silence after the last burst, in samples.
    pub tail: usize,
    /// Amplitude of the chips (0..1 of full scale).
    pub amplitude: f64,
}

impl Pattern {
    /// `bursts` bursts every `period_ms`, after 300 ms of silence and followed by 500 ms.
    pub fn new(bursts: usize, period_ms: usize) -> Self {
        let ms = RATE as usize / 1000;
        Self {
            bursts,
            period: period_ms * ms,
            lead: 300 * ms,
            tail: 500 * ms,
            amplitude: 0.3,
        }
    }

    /// The ±1 chips of burst `k` (a different sequence for each burst).
    pub fn chips(&self, k: usize) -> Vec<f32> {
        // xorshift64*, seeded by the burst's number: reproducible, balanced, uncorrelated.
        let mut x: u64 =
            0x9E37_79B9_7F4A_7C15 ^ ((k as u64 + 1).wrapping_mul(0xD1B5_4A32_D192_ED03));
        (0..CHIPS)
            .map(|_| {
                x ^= x >> 12;
                x ^= x << 25;
                x ^= x >> 27;
                if x.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 63 == 1 {
                    1.0
                } else {
                    -1.0
                }
            })
            .collect()
    }

    /// Burst `k` at 48 kHz (each chip held for [`CHIP`] samples).
    pub fn burst(&self, k: usize) -> Vec<f64> {
        self.chips(k)
            .iter()
            .flat_map(|c| std::iter::repeat_n(f64::from(*c) * self.amplitude, CHIP))
            .collect()
    }

    /// Where burst `k` starts in [`Pattern::signal`].
    pub fn start_of(&self, k: usize) -> usize {
        self.lead + k * self.period
    }

    /// The whole train, silence around it.
    pub fn signal(&self) -> Vec<f64> {
        let mut s = vec![0.0; self.signal_len()];
        for k in 0..self.bursts {
            let at = self.start_of(k);
            for (i, v) in self.burst(k).into_iter().enumerate() {
                s[at + i] = v;
            }
        }
        s
    }

    /// Its length in seconds.
    pub fn seconds(&self) -> f64 {
        self.signal_len() as f64 / f64::from(RATE)
    }

    /// Its length in samples.
    pub fn signal_len(&self) -> usize {
        self.lead + self.bursts.saturating_sub(1) * self.period + CHIP * CHIPS + self.tail
    }
}

/// A burst found in a recording.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hit {
    /// Index of the burst's first sample (sub-sample, from the peak's parabola).
    pub pos: f64,
    /// Normalised correlation at the peak (1 = the burst exactly, up to gain).
    pub score: f64,
}

/// Normalised correlation of `t` (of energy `tt`) with `s[at..at + t.len()]` (0 where `s`
/// is silent).
fn ncc(s: &[f32], t: &[f32], tt: f64, at: usize) -> f64 {
    let w = &s[at..at + t.len()];
    let (mut dot, mut ss) = (0.0f32, 0.0f32);
    for (a, b) in w.iter().zip(t) {
        dot += a * b;
        ss += a * a;
    }
    if ss <= 0.0 || tt <= 0.0 {
        0.0
    } else {
        f64::from(dot) / (f64::from(ss) * tt).sqrt()
    }
}

fn energy(t: &[f32]) -> f64 {
    t.iter().map(|v| f64::from(*v) * f64::from(*v)).sum()
}

/// Finds the chip sequence `chips` (held [`CHIP`] samples each) in `signal`, its start
/// between `from` and `to` (sample indices, clamped to the signal): a search at the chip rate
/// on the signal averaged over chips (two grids half a chip apart, so that a burst is never
/// more than a quarter chip off one of them), then at full rate around the best candidates.
/// `None` when the best normalised correlation stays under [`MIN_SCORE`].
pub fn find(signal: &[f32], chips: &[f32], from: isize, to: isize) -> Option<Hit> {
    let len = chips.len() * CHIP;
    if signal.len() < len {
        return None;
    }
    let last = (signal.len() - len) as isize;
    let from = from.clamp(0, last) as usize;
    let to = to.clamp(0, last) as usize;
    if to <= from {
        return None;
    }
    // Coarse, on both grids, over the searched span only.
    let span = &signal[from..(to + len).min(signal.len())];
    let tt_chips = energy(chips);
    let mut coarse: Vec<(f64, usize)> = Vec::new();
    for phase in [0, CHIP / 2] {
        let dec: Vec<f32> = span
            .get(phase..)
            .unwrap_or(&[])
            .chunks_exact(CHIP)
            .map(|c| c.iter().sum::<f32>() / CHIP as f32)
            .collect();
        if dec.len() < chips.len() {
            continue;
        }
        // Energy of every window from prefix sums.
        let mut prefix = vec![0.0f64; dec.len() + 1];
        for (i, v) in dec.iter().enumerate() {
            prefix[i + 1] = prefix[i] + f64::from(*v) * f64::from(*v);
        }
        for m in 0..=dec.len() - chips.len() {
            let dot: f32 = dec[m..m + chips.len()]
                .iter()
                .zip(chips)
                .map(|(a, b)| a * b)
                .sum();
            let ss = prefix[m + chips.len()] - prefix[m];
            let sc = if ss > 0.0 {
                f64::from(dot) / (ss * tt_chips).sqrt()
            } else {
                0.0
            };
            coarse.push((sc, from + phase + m * CHIP));
        }
    }
    coarse.sort_by(|a, b| b.0.total_cmp(&a.0));
    // Fine: full rate around the three best coarse peaks that are apart.
    let full: Vec<f32> = chips
        .iter()
        .flat_map(|c| std::iter::repeat_n(*c, CHIP))
        .collect();
    let tt = energy(&full);
    let mut picked: Vec<usize> = Vec::new();
    let mut best: Option<(f64, usize)> = None;
    for (_, at) in coarse {
        if picked.len() == 3 {
            break;
        }
        if picked.iter().any(|p| p.abs_diff(at) < 2 * CHIP) {
            continue;
        }
        picked.push(at);
        let lo = at.saturating_sub(CHIP / 2).max(from);
        let hi = (at + CHIP / 2).min(to);
        for i in lo..=hi {
            let sc = ncc(signal, &full, tt, i);
            if best.is_none_or(|(b, _)| sc > b) {
                best = Some((sc, i));
            }
        }
    }
    let (score, at) = best?;
    if score < MIN_SCORE {
        return None;
    }
    // Sub-sample: the parabola through the peak and its neighbours.
    let mut pos = at as f64;
    if at > 0 && at < last as usize {
        let (a, b, c) = (
            ncc(signal, &full, tt, at - 1),
            score,
            ncc(signal, &full, tt, at + 1),
        );
        let den = a - 2.0 * b + c;
        if den < 0.0 {
            pos += (0.5 * (a - c) / den).clamp(-0.5, 0.5);
        }
    }
    Some(Hit { pos, score })
}

/// From a recording's sample indices to wall-clock milliseconds: stamps `(index just past
/// the samples a reader got, wall ms when it got them)`; a sample's time is the earliest any
/// stamp within [`WallMap::WINDOW_S`] allows (readers are late, never early).
#[derive(Debug, Clone, Default)]
pub struct WallMap {
    stamps: Vec<(f64, f64)>,
    /// The indices share the other recording's clock exactly (two channels of one recorder):
    /// index → ms with no offset.
    same_clock: bool,
}

impl WallMap {
    /// Seconds of stamps around a sample used for its time (the clocks may drift apart slowly).
    pub const WINDOW_S: f64 = 2.0;

    /// From stamps `(index_end, wall_ms)`.
    pub fn new(stamps: Vec<(f64, f64)>) -> Self {
        Self {
            stamps,
            same_clock: false,
        }
    }

    /// Index `i` is at `i / RATE` seconds, for two channels recorded together.
    pub fn sample_clock() -> Self {
        Self {
            stamps: Vec::new(),
            same_clock: true,
        }
    }

    /// Number of stamps.
    pub fn len(&self) -> usize {
        self.stamps.len()
    }

    /// No stamps.
    pub fn is_empty(&self) -> bool {
        self.stamps.is_empty() && !self.same_clock
    }

    /// Wall-clock ms of sample `index`.
    pub fn wall_at(&self, index: f64) -> Option<f64> {
        let rate = f64::from(RATE);
        if self.same_clock {
            return Some(index / rate * 1000.0);
        }
        let window = Self::WINDOW_S * rate;
        self.stamps
            .iter()
            .filter(|(end, _)| (end - index).abs() <= window)
            .map(|(end, wall)| wall - (end - index) / rate * 1000.0)
            .min_by(f64::total_cmp)
    }

    /// The sample index at wall-clock ms `wall` (the inverse of [`WallMap::wall_at`]).
    pub fn index_at(&self, wall: f64) -> Option<f64> {
        let rate = f64::from(RATE);
        if self.same_clock {
            return Some(wall / 1000.0 * rate);
        }
        // The nearest stamp gives a first guess, the local envelope the exact place.
        let (end, w) = self
            .stamps
            .iter()
            .min_by(|a, b| (a.1 - wall).abs().total_cmp(&(b.1 - wall).abs()))?;
        let guess = end - (w - wall) / 1000.0 * rate;
        let at = self.wall_at(guess)?;
        Some(guess + (wall - at) / 1000.0 * rate)
    }
}

/// A recording: its samples and their wall clock.
#[derive(Debug, Clone, Default)]
pub struct Recording {
    /// Mono samples at [`RATE`].
    pub samples: Vec<f32>,
    /// Their times.
    pub clock: WallMap,
}

/// One burst's outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct BurstLatency {
    /// Burst number.
    pub burst: usize,
    /// Latency in ms, when the burst was found at both ends.
    pub latency_ms: Option<f64>,
    /// Correlation score in the reference (0 when not found).
    pub reference_score: f64,
    /// Correlation score in the received signal (0 when not found).
    pub received_score: f64,
}

/// Where each burst of `pattern` is in the reference: the first burst found anywhere anchors
/// the others, each then looked for within 250 ms of its place in the pattern (a place past
/// the end of the reference is taken one pattern earlier: a looping capture).
pub fn locate(pattern: &Pattern, reference: &[f32]) -> Vec<Option<Hit>> {
    let slack = (RATE / 4) as isize;
    let burst_len = (CHIP * CHIPS) as isize;
    let mut anchor: Option<(usize, Hit)> = None;
    (0..pattern.bursts)
        .map(|k| {
            let chips = pattern.chips(k);
            match anchor {
                None => {
                    let hit = find(reference, &chips, 0, reference.len() as isize)?;
                    anchor = Some((k, hit));
                    Some(hit)
                }
                Some((k0, a)) => {
                    let d = pattern.start_of(k) as isize - pattern.start_of(k0) as isize;
                    let mut at = a.pos.round() as isize + d;
                    if at + burst_len > reference.len() as isize {
                        at -= pattern.signal_len() as isize;
                    }
                    find(reference, &chips, at - slack, at + slack)
                }
            }
        })
        .collect()
}

/// Finds every burst of `pattern` in the reference ([`locate`]) and then in the received
/// signal, from [`EARLY_MS`] before the reference's time to `max_latency_ms` after it.
pub fn measure(
    pattern: &Pattern,
    reference: &Recording,
    received: &Recording,
    max_latency_ms: f64,
) -> Vec<BurstLatency> {
    let rate = f64::from(RATE);
    locate(pattern, &reference.samples)
        .into_iter()
        .enumerate()
        .map(|(k, r)| {
            let mut out = BurstLatency {
                burst: k,
                latency_ms: None,
                reference_score: 0.0,
                received_score: 0.0,
            };
            let Some(r) = r else {
                return out;
            };
            out.reference_score = r.score;
            let Some(sent) = reference.clock.wall_at(r.pos) else {
                return out;
            };
            let Some(at) = received.clock.index_at(sent) else {
                return out;
            };
            let from = (at - EARLY_MS / 1000.0 * rate).floor() as isize;
            let to = (at + max_latency_ms / 1000.0 * rate).ceil() as isize;
            let Some(y) = find(&received.samples, &pattern.chips(k), from, to) else {
                return out;
            };
            out.received_score = y.score;
            out.latency_ms = received.clock.wall_at(y.pos).map(|got| got - sent);
            out
        })
        .collect()
}

/// Summary of the bursts' latencies.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// Bursts sent.
    pub sent: usize,
    /// Bursts found at both ends.
    pub detected: usize,
    /// Median latency, ms.
    pub median: f64,
    /// 95th percentile (nearest rank), ms.
    pub p95: f64,
    /// Smallest, ms.
    pub min: f64,
    /// Largest, ms.
    pub max: f64,
}

/// Median, p95, min and max of the found bursts; `None` when none was found.
pub fn summarize(bursts: &[BurstLatency]) -> Option<Summary> {
    let mut v: Vec<f64> = bursts.iter().filter_map(|b| b.latency_ms).collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    let rank = |p: f64| v[((p * n as f64).ceil() as usize).clamp(1, n) - 1];
    let median = if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    };
    Some(Summary {
        sent: bursts.len(),
        detected: n,
        median,
        p95: rank(0.95),
        min: v[0],
        max: v[n - 1],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Deterministic Gaussian-ish noise.
    fn noise(n: usize, amp: f64, seed: u64) -> Vec<f32> {
        let mut x = seed | 1;
        (0..n)
            .map(|_| {
                let mut s = 0.0;
                for _ in 0..4 {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    s += (x >> 11) as f64 / (1u64 << 53) as f64 - 0.5;
                }
                (s * amp) as f32
            })
            .collect()
    }

    /// A recording of `signal` starting at wall `t0` ms, read in blocks of `block` samples
    /// each stamped `late(i)` ms after the block's last sample was there.
    fn recorded(signal: Vec<f32>, t0: f64, block: usize, late: impl Fn(usize) -> f64) -> Recording {
        let rate = f64::from(RATE);
        let stamps = (1..=signal.len() / block)
            .map(|b| {
                let end = (b * block) as f64;
                (end, t0 + end / rate * 1000.0 + late(b))
            })
            .collect();
        Recording {
            samples: signal,
            clock: WallMap::new(stamps),
        }
    }

    /// A one-pole low pass (a codec's band limit, roughly) and a gain.
    fn lowpass(s: &[f32], gain: f32) -> Vec<f32> {
        let mut y = 0.0f32;
        s.iter()
            .map(|x| {
                y += 0.35 * (x - y);
                y * gain
            })
            .collect()
    }

    #[test]
    fn every_burst_is_unlike_the_others() {
        let p = Pattern::new(20, 400);
        let c: Vec<Vec<f32>> = (0..20).map(|k| p.chips(k)).collect();
        for a in 0..20 {
            let ones = c[a].iter().filter(|v| **v > 0.0).count();
            assert!((70..=130).contains(&ones), "burst {a}: {ones} ones of 200");
            for b in 0..20 {
                let dot: f32 = c[a].iter().zip(&c[b]).map(|(x, y)| x * y).sum();
                let r = dot / CHIPS as f32;
                if a == b {
                    assert_eq!(r, 1.0);
                } else {
                    assert!(r.abs() < 0.3, "bursts {a} and {b} correlate {r}");
                }
            }
        }
    }

    #[test]
    fn a_burst_is_found_to_the_sample_despite_noise_and_filtering() {
        let p = Pattern::new(3, 400);
        let mut s = vec![0.0f32; 48_000];
        for (i, v) in p.burst(1).iter().enumerate() {
            s[12_345 + i] = *v as f32;
        }
        let s = lowpass(&s, 0.5);
        let s: Vec<f32> = s
            .iter()
            .zip(noise(s.len(), 0.05, 7))
            .map(|(a, b)| a + b)
            .collect();
        let hit = find(&s, &p.chips(1), 0, 48_000).expect("found");
        // The low pass delays by about 2 samples.
        assert!((hit.pos - 12_347.0).abs() < 3.0, "{hit:?}");
        assert!(hit.score > 0.8, "{hit:?}");
        // Another burst's sequence is not there.
        assert_eq!(find(&s, &p.chips(2), 0, 48_000), None);
        // Nor before the search window.
        assert_eq!(find(&s, &p.chips(1), 20_000, 48_000), None);
    }

    #[test]
    fn noise_and_silence_hold_no_burst() {
        let p = Pattern::new(8, 400);
        let n = noise(3 * 48_000, 0.3, 99);
        for k in 0..8 {
            assert_eq!(
                find(&n, &p.chips(k), 0, n.len() as isize),
                None,
                "burst {k}"
            );
        }
        let quiet = vec![0.0f32; 48_000];
        assert_eq!(find(&quiet, &p.chips(0), 0, 48_000), None);
    }

    #[test]
    fn a_37_ms_delay_is_measured_within_1_ms_on_every_burst() {
        let p = Pattern::new(20, 400);
        let sent: Vec<f32> = p.signal().iter().map(|v| *v as f32).collect();
        let t0 = 1_700_000_000_000.0;
        // The reference is read in 10 ms blocks, each 0–8 ms late.
        let reference = recorded(sent.clone(), t0, 480, |b| ((b * 37) % 9) as f64);
        // The received copy: 37 ms later, band-limited, quieter, noisy, and its recorder
        // started 1.234 s before the reference (other indices) and woke 0–40 ms late.
        let lead = 59_232; // 1.234 s
        let mut rx = noise(lead, 0.01, 3);
        rx.extend(lowpass(&sent, 0.3));
        let rx: Vec<f32> = rx
            .iter()
            .zip(noise(rx.len(), 0.02, 5))
            .map(|(a, b)| a + b)
            .collect();
        let rx_t0 = t0 + 37.0 - 1234.0;
        let received = recorded(rx, rx_t0, 1024, |b| ((b * 53) % 41) as f64);
        let bursts = measure(&p, &reference, &received, 1000.0);
        let s = summarize(&bursts).expect("found");
        assert_eq!(s.detected, 20, "{bursts:?}");
        for b in &bursts {
            let l = b.latency_ms.expect("latency");
            // The low pass adds about 2 samples (0.04 ms).
            assert!((l - 37.0).abs() < 1.0, "burst {}: {l} ms", b.burst);
        }
        assert!((s.median - 37.0).abs() < 1.0 && s.p95 < 38.0, "{s:?}");
    }

    #[test]
    fn a_received_signal_of_noise_detects_nothing() {
        let p = Pattern::new(10, 400);
        let sent: Vec<f32> = p.signal().iter().map(|v| *v as f32).collect();
        let reference = recorded(sent.clone(), 1000.0, 480, |_| 0.0);
        let received = recorded(noise(sent.len(), 0.3, 11), 1000.0, 480, |_| 0.0);
        let bursts = measure(&p, &reference, &received, 1000.0);
        assert!(bursts.iter().all(|b| b.reference_score > 0.9));
        assert_eq!(summarize(&bursts), None);
    }

    #[test]
    fn two_channels_of_one_recorder_compare_by_index() {
        let p = Pattern::new(5, 400);
        let sent: Vec<f32> = p.signal().iter().map(|v| *v as f32).collect();
        // A looped capture: the pattern twice; the received channel 2016 samples (42 ms) later.
        let mut local = sent.clone();
        local.extend(&sent);
        let mut remote = vec![0.0f32; 2016];
        remote.extend(lowpass(&local, 0.7));
        remote.truncate(local.len());
        let clock = WallMap::sample_clock();
        let bursts = measure(
            &p,
            &Recording {
                samples: local,
                clock: clock.clone(),
            },
            &Recording {
                samples: remote,
                clock,
            },
            1000.0,
        );
        let s = summarize(&bursts).expect("found");
        assert_eq!(s.detected, 5);
        assert!(
            (s.median - 42.0).abs() < 0.5 && (s.max - 42.0).abs() < 0.5,
            "{s:?}"
        );
    }

    #[test]
    fn the_wall_clock_is_the_lower_envelope_of_the_stamps() {
        let m = WallMap::new(vec![(480.0, 1015.0), (960.0, 1020.0), (1440.0, 1047.0)]);
        // Block 2 was read on time: index 960 is at 1020 ms, index 0 at 1000 ms.
        assert_eq!(m.wall_at(0.0), Some(1000.0));
        assert_eq!(m.wall_at(1440.0), Some(1030.0));
        let i = m.index_at(1025.0).expect("index");
        assert!((i - 1200.0).abs() < 1e-6, "{i}");
        assert_eq!(WallMap::default().wall_at(0.0), None);
    }

    #[test]
    fn percentiles_by_nearest_rank() {
        let bursts: Vec<BurstLatency> = (0..21)
            .map(|k| BurstLatency {
                burst: k,
                latency_ms: (k != 3).then_some(40.0 + k as f64),
                reference_score: 1.0,
                received_score: 1.0,
            })
            .collect();
        let s = summarize(&bursts).expect("summary");
        assert_eq!((s.sent, s.detected), (21, 20));
        assert_eq!((s.min, s.max, s.p95), (40.0, 60.0, 59.0));
        assert_eq!(s.median, 50.5);
    }
}
