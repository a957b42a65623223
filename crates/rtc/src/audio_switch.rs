//! The voice's microphone and the GP's speaker, replaceable while the call runs (a headset
//! plugged in mid-call) without renegotiation: the voice track keeps reading the same
//! [`SwitchedMicrophone`] and the GP's voice keeps going to the same [`SwitchedSpeaker`].
//!
//! Microphone: each device is read on its own thread into a short queue. A new microphone
//! takes over at its first chunk (make before break: the old one is heard until then, then
//! both are cross-faded over one chunk), so a switch leaves no gap. A microphone that fails
//! or stays silent for [`SILENCE_GRACE`] never stops the voice: silence goes out at the
//! 20 ms pace, the failure is kept ([`MicrophoneSwitch::failure`]) until a microphone is put
//! back.
//!
//! Speaker: the next decoded packet goes to the new speaker, and to the old one too for
//! [`SPEAKER_DRAIN`] (a sound server may take two seconds or more to start a new output), so
//! the GP's voice never stops while the new one starts; then the old one is closed. A
//! failing speaker is dropped (the GP's voice is discarded) and its failure kept until one
//! is put back.
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use relais_media::{
    AudioSink, AudioSource, MediaError, SwitchFailure, CHUNK_DURATION, CHUNK_SAMPLES,
};

/// Longest wait for the microphone's next chunk before silence is sent in its place.
pub const SILENCE_GRACE: Duration = Duration::from_millis(80);
/// How long a replaced speaker still plays the GP's voice while the new one starts.
pub const SPEAKER_DRAIN: Duration = Duration::from_secs(5);
/// Chunks kept ahead of the encoder (older ones are dropped: latency stays ≤ 100 ms).
const MAX_QUEUED: usize = 5;

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// A doorbell rung by every reader thread, so the consumer waits on all of them at once.
#[derive(Default)]
struct Bell {
    rings: Mutex<u64>,
    cond: Condvar,
}

impl Bell {
    fn ring(&self) {
        *lock(&self.rings) += 1;
        self.cond.notify_all();
    }

    fn rings(&self) -> u64 {
        *lock(&self.rings)
    }

    /// Waits until the bell rang after `seen`, or until `deadline`.
    fn wait(&self, seen: u64, deadline: Instant) {
        let mut rings = lock(&self.rings);
        while *rings == seen {
            let now = Instant::now();
            if now >= deadline {
                return;
            }
            rings = match self.cond.wait_timeout(rings, deadline - now) {
                Ok((r, _)) => r,
                Err(p) => p.into_inner().0,
            };
        }
    }
}

#[derive(Default)]
struct FeedBuf {
    chunks: VecDeque<Vec<i16>>,
    error: Option<MediaError>,
}

/// One microphone read on its own thread; dropping it stops the thread and closes the
/// device after its current chunk.
struct Feed {
    buf: Arc<Mutex<FeedBuf>>,
    stop: Arc<AtomicBool>,
}

enum Polled {
    Chunk(Vec<i16>),
    Failed(MediaError),
    Empty,
}

impl Feed {
    fn start(mut source: Box<dyn AudioSource>, bell: Arc<Bell>) -> Result<Self, MediaError> {
        let buf = Arc::new(Mutex::new(FeedBuf::default()));
        let stop = Arc::new(AtomicBool::new(false));
        let (b, s) = (Arc::clone(&buf), Arc::clone(&stop));
        std::thread::Builder::new()
            .name("relais-microphone-feed".into())
            .spawn(move || {
                while !s.load(Ordering::Relaxed) {
                    let read = source.next_chunk();
                    {
                        let mut buf = lock(&b);
                        match read {
                            Ok(mut chunk) => {
                                chunk.resize(CHUNK_SAMPLES, 0);
                                buf.chunks.push_back(chunk);
                                while buf.chunks.len() > MAX_QUEUED {
                                    buf.chunks.pop_front();
                                }
                            }
                            Err(e) => buf.error = Some(e),
                        }
                    }
                    bell.ring();
                    if lock(&b).error.is_some() {
                        break;
                    }
                }
            })
            .map_err(|e| MediaError::DeviceFailed(e.to_string()))?;
        Ok(Self { buf, stop })
    }

    fn poll(&self) -> Polled {
        let mut buf = lock(&self.buf);
        match buf.chunks.pop_front() {
            Some(chunk) => Polled::Chunk(chunk),
            None => match buf.error.take() {
                Some(e) => Polled::Failed(e),
                None => Polled::Empty,
            },
        }
    }

    /// Keeps only the newest chunk (a new microphone's backlog would add latency).
    fn skip_backlog(&self) {
        let mut buf = lock(&self.buf);
        let excess = buf.chunks.len().saturating_sub(1);
        buf.chunks.drain(..excess);
    }
}

impl Drop for Feed {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

#[derive(Default)]
struct MicState {
    /// A microphone put in, not yet taken by the consumer.
    incoming: Option<Feed>,
    /// Drop the microphones in use (set by `remove`).
    remove: bool,
    /// A microphone is in use or coming.
    active: bool,
    failure: Option<SwitchFailure>,
    /// The consumer is gone (the call ended).
    closed: bool,
}

struct MicShared {
    state: Mutex<MicState>,
    bell: Arc<Bell>,
    generation: AtomicU64,
}

impl MicShared {
    fn state(&self) -> MutexGuard<'_, MicState> {
        lock(&self.state)
    }
}

/// The handle that replaces the microphone and reads its state; cheap to clone.
#[derive(Clone)]
pub struct MicrophoneSwitch {
    shared: Arc<MicShared>,
}

/// The voice's source: whatever microphone is behind the switch, or silence.
pub struct SwitchedMicrophone {
    shared: Arc<MicShared>,
    current: Option<Feed>,
    next: Option<Feed>,
    /// When the next chunk is due (20 ms after the last one).
    due: Option<Instant>,
    /// The last chunk was silence: the next real one fades in.
    from_silence: bool,
}

impl MicrophoneSwitch {
    /// A switch with `source` behind it (`None`: silence until a microphone is put in).
    pub fn new(
        source: Option<Box<dyn AudioSource>>,
    ) -> Result<(Self, SwitchedMicrophone), MediaError> {
        let shared = Arc::new(MicShared {
            state: Mutex::new(MicState::default()),
            bell: Arc::new(Bell::default()),
            generation: AtomicU64::new(0),
        });
        let switch = Self {
            shared: Arc::clone(&shared),
        };
        if let Some(source) = source {
            switch.replace(source)?;
        }
        let switched = SwitchedMicrophone {
            shared,
            current: None,
            next: None,
            due: None,
            from_silence: true,
        };
        Ok((switch, switched))
    }

    /// Puts `source` behind the switch: it is heard from its first chunk on, and the old
    /// microphone is closed then. `MediaError::Stopped` once the call is over.
    pub fn replace(&self, source: Box<dyn AudioSource>) -> Result<(), MediaError> {
        if self.shared.state().closed {
            return Err(MediaError::Stopped);
        }
        let feed = Feed::start(source, Arc::clone(&self.shared.bell))?;
        let old = {
            let mut state = self.shared.state();
            state.remove = false;
            state.active = true;
            state.failure = None;
            state.incoming.replace(feed)
        };
        drop(old);
        self.shared.generation.fetch_add(1, Ordering::Relaxed);
        self.shared.bell.ring();
        Ok(())
    }

    /// Removes the microphone (silence is sent), recording why.
    pub fn remove(&self, failure: Option<SwitchFailure>) {
        let old = {
            let mut state = self.shared.state();
            state.remove = true;
            state.active = false;
            state.failure = failure;
            state.incoming.take()
        };
        drop(old);
        self.shared.generation.fetch_add(1, Ordering::Relaxed);
        self.shared.bell.ring();
    }

    /// Why no microphone is behind the switch, when one failed.
    pub fn failure(&self) -> Option<SwitchFailure> {
        self.shared.state().failure.clone()
    }

    /// Whether a microphone is behind the switch (in use, or put in and starting).
    pub fn has_source(&self) -> bool {
        self.shared.state().active
    }

    /// Changes on every replacement and failure (to notice them by polling).
    pub fn generation(&self) -> u64 {
        self.shared.generation.load(Ordering::Relaxed)
    }
}

/// Linear cross-fade over one chunk from `old` to `new` (`old` empty: a fade-in).
fn crossfade(old: &[i16], new: &[i16]) -> Vec<i16> {
    let n = new.len().max(1) as f32;
    new.iter()
        .enumerate()
        .map(|(i, &s)| {
            let r = i as f32 / n;
            let o = old.get(i).copied().map_or(0.0, f32::from);
            (o * (1.0 - r) + f32::from(s) * r) as i16
        })
        .collect()
}

impl SwitchedMicrophone {
    fn failed(&mut self, e: &MediaError) {
        tracing::warn!(
            code = e.code(),
            "microphone failed; silence until it is back"
        );
        let mut state = self.shared.state();
        state.failure = Some(SwitchFailure {
            code: e.code().to_string(),
            message: e.to_string(),
        });
        state.active = self.next.is_some() || state.incoming.is_some();
        drop(state);
        self.shared.generation.fetch_add(1, Ordering::Relaxed);
    }

    /// Takes what `replace` and `remove` left for the consumer.
    fn adopt(&mut self) {
        let (incoming, remove) = {
            let mut state = self.shared.state();
            (state.incoming.take(), std::mem::take(&mut state.remove))
        };
        if remove {
            self.current = None;
            self.next = None;
        }
        if let Some(feed) = incoming {
            self.next = Some(feed);
        }
    }

    /// A chunk if one is ready: the new microphone's first one (then it takes over), else
    /// the current one's.
    fn ready(&mut self) -> Option<Vec<i16>> {
        if let Some(next) = &self.next {
            match next.poll() {
                Polled::Chunk(first) => {
                    next.skip_backlog();
                    let old = match self.current.as_ref().map(Feed::poll) {
                        Some(Polled::Chunk(c)) if !self.from_silence => c,
                        _ => Vec::new(),
                    };
                    self.current = self.next.take();
                    return Some(crossfade(&old, &first));
                }
                Polled::Failed(e) => {
                    self.next = None;
                    self.failed(&e);
                }
                Polled::Empty => {}
            }
        }
        match self.current.as_ref().map(Feed::poll) {
            Some(Polled::Chunk(c)) if self.from_silence => Some(crossfade(&[], &c)),
            Some(Polled::Chunk(c)) => Some(c),
            Some(Polled::Failed(e)) => {
                self.current = None;
                self.failed(&e);
                None
            }
            Some(Polled::Empty) | None => None,
        }
    }
}

impl AudioSource for SwitchedMicrophone {
    fn next_chunk(&mut self) -> Result<Vec<i16>, MediaError> {
        let now = Instant::now();
        let due = *self.due.get_or_insert(now);
        // The microphone paces the voice; silence only after it is late by the grace.
        let deadline = due + SILENCE_GRACE;
        loop {
            let seen = self.shared.bell.rings();
            self.adopt();
            if let Some(chunk) = self.ready() {
                self.from_silence = false;
                self.due = Some(Instant::now() + CHUNK_DURATION);
                return Ok(chunk);
            }
            let now = Instant::now();
            // A microphone that was sending is waited for up to the grace; otherwise
            // (none, one still starting, one already late) silence goes on the 20 ms pace.
            let late_once = self.current.is_some() && !self.from_silence;
            let until = if late_once { deadline } else { due };
            if now >= until {
                self.from_silence = true;
                // Steady 20 ms steps, unless far behind (no burst to catch up).
                let base = if now > until + CHUNK_DURATION {
                    now
                } else {
                    until
                };
                self.due = Some(base + CHUNK_DURATION);
                return Ok(vec![0; CHUNK_SAMPLES]);
            }
            self.shared.bell.wait(seen, until);
        }
    }
}

impl Drop for SwitchedMicrophone {
    fn drop(&mut self) {
        let incoming = {
            let mut state = self.shared.state();
            state.closed = true;
            state.active = false;
            state.incoming.take()
        };
        drop(incoming);
    }
}

/// A replaced speaker, still played to until its drain ends (then emptied).
type Draining = Arc<Mutex<Option<Box<dyn AudioSink>>>>;

struct SpeakerState {
    sink: Option<Box<dyn AudioSink>>,
    failure: Option<SwitchFailure>,
    draining: Vec<Draining>,
}

/// The handle that replaces the speaker and reads its state; cheap to clone.
#[derive(Clone)]
pub struct SpeakerSwitch {
    shared: Arc<Mutex<SpeakerState>>,
    generation: Arc<AtomicU64>,
}

/// Where the GP's voice is played: whatever speaker is behind the switch.
pub struct SwitchedSpeaker {
    shared: Arc<Mutex<SpeakerState>>,
    generation: Arc<AtomicU64>,
}

impl SpeakerSwitch {
    /// A switch with `sink` behind it (`None`: the GP's voice is discarded until a speaker
    /// is put in).
    pub fn new(sink: Option<Box<dyn AudioSink>>) -> (Self, SwitchedSpeaker) {
        let shared = Arc::new(Mutex::new(SpeakerState {
            sink,
            failure: None,
            draining: Vec::new(),
        }));
        let generation = Arc::new(AtomicU64::new(0));
        (
            Self {
                shared: Arc::clone(&shared),
                generation: Arc::clone(&generation),
            },
            SwitchedSpeaker { shared, generation },
        )
    }

    /// Plays the GP's voice on `sink` from the next packet. The old speaker keeps playing
    /// it too for [`SPEAKER_DRAIN`] (a sound server may take a second or two to start the
    /// new one), then is closed.
    pub fn replace(&self, sink: Box<dyn AudioSink>) {
        self.replace_draining(sink, SPEAKER_DRAIN);
    }

    /// [`Self::replace`], the old speaker closed after `drain`.
    pub fn replace_draining(&self, sink: Box<dyn AudioSink>, drain: Duration) {
        let cell: Draining = Arc::new(Mutex::new(None));
        {
            let mut state = lock(&self.shared);
            state.failure = None;
            *lock(&cell) = state.sink.replace(sink);
            state.draining.push(Arc::clone(&cell));
        }
        self.generation.fetch_add(1, Ordering::Relaxed);
        let closing = std::thread::Builder::new()
            .name("relais-speaker-drain".into())
            .spawn(move || {
                std::thread::sleep(drain);
                let old = lock(&cell).take();
                drop(old);
            });
        if let Err(e) = closing {
            tracing::debug!(error = %e, "old speaker closed when the call ends");
        }
    }

    /// Removes the speaker, recording why.
    pub fn remove(&self, failure: Option<SwitchFailure>) {
        let (old, draining) = {
            let mut state = lock(&self.shared);
            state.failure = failure;
            (state.sink.take(), std::mem::take(&mut state.draining))
        };
        self.generation.fetch_add(1, Ordering::Relaxed);
        drop(old);
        for cell in draining {
            let old = lock(&cell).take();
            drop(old);
        }
    }

    /// Why no speaker is behind the switch, when one failed.
    pub fn failure(&self) -> Option<SwitchFailure> {
        lock(&self.shared).failure.clone()
    }

    /// Whether a speaker is behind the switch.
    pub fn has_sink(&self) -> bool {
        lock(&self.shared).sink.is_some()
    }

    /// Changes on every replacement and failure.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Relaxed)
    }
}

impl AudioSink for SwitchedSpeaker {
    fn play(&mut self, samples: &[i16]) -> Result<(), MediaError> {
        let mut state = lock(&self.shared);
        // Replaced speakers still draining hear it too, until they are closed.
        state.draining.retain(|cell| {
            let mut old = lock(cell);
            match old.as_mut() {
                Some(sink) => {
                    let _ = sink.play(samples);
                    true
                }
                None => false,
            }
        });
        let Some(sink) = state.sink.as_mut() else {
            return Ok(());
        };
        if let Err(e) = sink.play(samples) {
            tracing::warn!(
                code = e.code(),
                "speaker failed; the GP's voice is not played"
            );
            state.failure = Some(SwitchFailure {
                code: e.code().to_string(),
                message: e.to_string(),
            });
            let old = state.sink.take();
            drop(state);
            self.generation.fetch_add(1, Ordering::Relaxed);
            // A cpal speaker joins its thread on drop: not under the lock.
            drop(old);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use relais_media::{tone, MemorySink, ToneSource};

    /// A microphone that gives `ok` chunks of a tone, then fails.
    struct Failing {
        tone: ToneSource,
        ok: usize,
    }

    impl AudioSource for Failing {
        fn next_chunk(&mut self) -> Result<Vec<i16>, MediaError> {
            if self.ok == 0 {
                return Err(MediaError::DeviceFailed("débranché".into()));
            }
            self.ok -= 1;
            self.tone.next_chunk()
        }
    }

    /// A microphone whose first chunk comes after `delay` (a device that starts slowly).
    struct Slow {
        tone: ToneSource,
        delay: Option<Duration>,
    }

    impl AudioSource for Slow {
        fn next_chunk(&mut self) -> Result<Vec<i16>, MediaError> {
            if let Some(d) = self.delay.take() {
                std::thread::sleep(d);
            }
            self.tone.next_chunk()
        }
    }

    fn tone(freq: f32) -> Box<dyn AudioSource> {
        Box::new(ToneSource::new(freq, 0.5))
    }

    /// Reads `n` chunks: their samples and the longest time between two of them.
    fn read(mic: &mut SwitchedMicrophone, n: usize) -> (Vec<i16>, Duration) {
        let mut out = Vec::new();
        let mut longest = Duration::ZERO;
        let mut last = Instant::now();
        for _ in 0..n {
            let chunk = mic.next_chunk().unwrap();
            assert_eq!(chunk.len(), CHUNK_SAMPLES);
            longest = longest.max(last.elapsed());
            last = Instant::now();
            out.extend(chunk);
        }
        (out, longest)
    }

    #[test]
    fn replacing_the_microphone_changes_the_voice_without_a_gap() {
        let (switch, mut mic) = MicrophoneSwitch::new(Some(tone(440.0))).unwrap();
        let (a, _) = read(&mut mic, 10);
        assert!(tone::level(&a[4800..], 440.0) > 0.4);
        let generation = switch.generation();
        // The new microphone needs 150 ms to give its first chunk: the old one is heard meanwhile.
        switch
            .replace(Box::new(Slow {
                tone: ToneSource::new(660.0, 0.5),
                delay: Some(Duration::from_millis(150)),
            }))
            .unwrap();
        assert_ne!(switch.generation(), generation);
        assert!(switch.has_source());
        let (b, longest) = read(&mut mic, 25);
        // Generous bounds: the machine may be busy; a break before make would leave
        // 150 ms of silence (7 chunks).
        assert!(longest < Duration::from_millis(150), "gap of {longest:?}");
        let silent_chunks = b
            .chunks(CHUNK_SAMPLES)
            .filter(|c| c.iter().all(|&s| s == 0))
            .count();
        assert!(
            silent_chunks <= 1,
            "{silent_chunks} silent chunks during the switch"
        );
        let start = &b[..4 * CHUNK_SAMPLES];
        assert!(
            tone::level(start, 440.0) > 0.4,
            "the old one until the new one starts"
        );
        let end = &b[b.len() - 9600..];
        assert!(tone::level(end, 660.0) > 0.4);
        assert!(tone::level(end, 440.0) < 0.05);
        assert_eq!(switch.failure(), None);
    }

    #[test]
    fn the_switch_is_cross_faded() {
        let old = vec![1000i16; 960];
        let new = vec![-1000i16; 960];
        let mixed = crossfade(&old, &new);
        assert_eq!(mixed[0], 1000);
        assert!(mixed.windows(2).all(|w| w[1] <= w[0]));
        assert!(mixed[959] < -990);
        let faded_in = crossfade(&[], &new);
        assert_eq!(faded_in[0], 0);
        assert!(faded_in[959] < -990);
    }

    #[test]
    fn a_failing_microphone_gives_silence_at_pace_and_a_failure_until_one_is_back() {
        let (switch, mut mic) = MicrophoneSwitch::new(Some(Box::new(Failing {
            tone: ToneSource::new(440.0, 0.5),
            ok: 5,
        })))
        .unwrap();
        let start = Instant::now();
        let (samples, longest) = read(&mut mic, 20);
        // 20 chunks of 20 ms: about 400 ms, no burst, no long stall.
        let took = start.elapsed();
        assert!(took >= Duration::from_millis(340), "{took:?}");
        assert!(longest < Duration::from_millis(250), "{longest:?}");
        assert!(tone::level(&samples[..4 * CHUNK_SAMPLES], 440.0) > 0.3);
        assert!(samples[samples.len() - 9600..].iter().all(|&s| s == 0));
        assert!(!switch.has_source());
        assert_eq!(
            switch.failure().map(|f| f.code),
            Some("DEVICE_FAILED".into())
        );
        switch.replace(tone(660.0)).unwrap();
        assert_eq!(switch.failure(), None);
        let (back, _) = read(&mut mic, 10);
        assert!(tone::level(&back[back.len() - 4800..], 660.0) > 0.4);
    }

    #[test]
    fn removed_then_silence_and_closed_after_the_call() {
        let (switch, mut mic) = MicrophoneSwitch::new(Some(tone(440.0))).unwrap();
        read(&mut mic, 3);
        switch.remove(None);
        assert!(!switch.has_source());
        let (s, _) = read(&mut mic, 3);
        assert!(s.iter().all(|&x| x == 0));
        drop(mic);
        assert!(matches!(
            switch.replace(tone(440.0)),
            Err(MediaError::Stopped)
        ));
    }

    #[test]
    fn the_speaker_changes_at_the_next_packet_and_a_failing_one_is_dropped() {
        let (first, second) = (MemorySink::new(1), MemorySink::new(1));
        let (switch, mut speaker) = SpeakerSwitch::new(Some(Box::new(first.clone())));
        speaker.play(&[1; 960]).unwrap();
        switch.replace(Box::new(second.clone()));
        speaker.play(&[2; 960]).unwrap();
        // The first one is draining: it still gets the GP's voice for a while.
        assert_eq!(first.samples(), [[1; 960], [2; 960]].concat());
        assert_eq!(second.samples(), vec![2; 960]);

        struct Broken;
        impl AudioSink for Broken {
            fn play(&mut self, _: &[i16]) -> Result<(), MediaError> {
                Err(MediaError::DeviceFailed("débranché".into()))
            }
        }
        let generation = switch.generation();
        switch.replace(Box::new(Broken));
        speaker.play(&[3; 960]).unwrap();
        assert!(!switch.has_sink());
        assert_ne!(switch.generation(), generation);
        assert_eq!(
            switch.failure().map(|f| f.code),
            Some("DEVICE_FAILED".into())
        );
        speaker.play(&[4; 960]).unwrap();
        switch.replace(Box::new(first.clone()));
        assert_eq!(switch.failure(), None);
        speaker.play(&[5; 960]).unwrap();
        assert_eq!(first.last(960), vec![5; 960]);
    }

    #[test]
    fn a_replaced_speaker_stays_open_while_it_drains() {
        struct Flagged(Arc<AtomicBool>, MemorySink);
        impl AudioSink for Flagged {
            fn play(&mut self, samples: &[i16]) -> Result<(), MediaError> {
                self.1.play(samples)
            }
        }
        impl Drop for Flagged {
            fn drop(&mut self) {
                self.0.store(true, Ordering::Relaxed);
            }
        }
        let closed = Arc::new(AtomicBool::new(false));
        let old = MemorySink::new(1);
        let (switch, mut speaker) =
            SpeakerSwitch::new(Some(Box::new(Flagged(Arc::clone(&closed), old.clone()))));
        let new = MemorySink::new(1);
        switch.replace_draining(Box::new(new.clone()), Duration::from_millis(150));
        std::thread::sleep(Duration::from_millis(50));
        speaker.play(&[6; 960]).unwrap();
        assert!(!closed.load(Ordering::Relaxed), "still draining");
        assert_eq!(
            old.last(960),
            vec![6; 960],
            "the old one plays while the new starts"
        );
        assert_eq!(new.last(960), vec![6; 960]);
        std::thread::sleep(Duration::from_millis(300));
        assert!(closed.load(Ordering::Relaxed), "closed after the drain");
        speaker.play(&[7; 960]).unwrap();
        assert_eq!(old.samples().len(), 960, "nothing more once closed");
        assert_eq!(new.last(960), vec![7; 960]);
        // Removed (unplugged): closed at once.
        let closed = Arc::new(AtomicBool::new(false));
        switch.replace(Box::new(Flagged(Arc::clone(&closed), MemorySink::new(1))));
        switch.replace(Box::new(MemorySink::new(1)));
        assert!(!closed.load(Ordering::Relaxed));
        switch.remove(None);
        assert!(closed.load(Ordering::Relaxed));
    }
}
