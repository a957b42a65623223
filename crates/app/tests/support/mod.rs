//! Helpers of the app's integration tests.
pub mod gp;
pub mod pulse;
pub mod station;

#[allow(dead_code)] // Not every test crate listens for silence.
/// Longest run of silence (10 ms windows under 1 % of full scale) in `samples`.
pub fn longest_silence(samples: &[i16]) -> std::time::Duration {
    let (mut run, mut longest) = (0u64, 0u64);
    for w in samples.chunks(480) {
        let sum: f64 = w.iter().map(|&s| f64::from(s).powi(2)).sum();
        if (sum / w.len() as f64).sqrt() < 327.0 {
            run += 10;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    std::time::Duration::from_millis(longest)
}
