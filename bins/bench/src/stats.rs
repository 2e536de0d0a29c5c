//! Counters and the latency histogram one worker fills, merged at the end.

use hdrhistogram::Histogram;

/// Highest latency the histogram tracks exactly: one hour, in nanoseconds.
/// Larger values are clamped, which no closed-loop run reaches.
const MAX_NANOS: u64 = 3_600_000_000_000;

/// Wrong answers kept verbatim for the report, per worker and in total.
pub const MAX_SAMPLES: usize = 5;

/// When an answer arrived, relative to the measurement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Window {
    /// During the warmup: checked only.
    Before,
    /// During the measurement: counted for requests/s and timed.
    During,
    /// After it, while draining: timed (its request was in flight during
    /// the measurement, and leaving it out would drop the slowest answers)
    /// but not counted for requests/s.
    After,
}

/// One wrong or unexpected answer, kept to show the user.
#[derive(Debug, Clone)]
pub struct Sample {
    /// The request sent (empty if none was in flight).
    pub request: String,
    /// What would have been correct.
    pub expected: String,
    /// The line received.
    pub got: String,
}

/// What one worker saw.
#[derive(Debug, Clone)]
pub struct Stats {
    /// Latencies in nanoseconds of every request in flight at some moment
    /// of the measurement: answered during it or in the drain after it.
    pub hist: Histogram<u64>,
    /// Answers received during the measurement (the throughput numerator).
    pub measured: u64,
    /// Answers received in the drain after the measurement (timed, not
    /// counted for requests/s).
    pub drained: u64,
    /// Every answer received, warmup and drain included.
    pub answers: u64,
    /// Answers that matched their expectation.
    pub correct: u64,
    /// Answers whose line starts with `OK ` (or a Redis-style `+` or `:`).
    pub ok: u64,
    /// Answers whose line starts with `ERR ` (or a Redis-style `-`).
    pub err: u64,
    /// Answers that did not match their expectation.
    pub wrong: u64,
    /// Lines received with no request in flight.
    pub unexpected: u64,
    /// Connections lost before the run ended (closed by the peer or an I/O error).
    pub conn_errors: u64,
    /// Requests still unanswered when the drain period ended.
    pub unanswered: u64,
    /// A few wrong and unexpected answers, verbatim.
    pub samples: Vec<Sample>,
    /// Messages of the first connection errors.
    pub conn_error_messages: Vec<String>,
}

impl Stats {
    /// Empty statistics.
    pub fn new() -> Result<Stats, hdrhistogram::CreationError> {
        let hist = Histogram::new_with_bounds(1, MAX_NANOS, 3)?;
        Ok(Stats {
            hist,
            measured: 0,
            drained: 0,
            answers: 0,
            correct: 0,
            ok: 0,
            err: 0,
            wrong: 0,
            unexpected: 0,
            conn_errors: 0,
            unanswered: 0,
            samples: Vec::new(),
            conn_error_messages: Vec::new(),
        })
    }

    /// Records the latency of one answer that arrived in `window`.
    pub fn record_latency(&mut self, window: Window, nanos: u64) {
        match window {
            Window::Before => return,
            Window::During => self.measured += 1,
            Window::After => self.drained += 1,
        }
        self.hist.saturating_record(nanos.clamp(1, MAX_NANOS));
    }

    /// Keeps `sample` if there is room for it.
    pub fn keep_sample(&mut self, sample: Sample) {
        if self.samples.len() < MAX_SAMPLES {
            self.samples.push(sample);
        }
    }

    /// Records a lost connection.
    pub fn connection_lost(&mut self, message: String) {
        self.conn_errors += 1;
        if self.conn_error_messages.len() < MAX_SAMPLES {
            self.conn_error_messages.push(message);
        }
    }

    /// Adds `other` into `self`.
    pub fn merge(&mut self, other: &Stats) {
        // Both histograms share bounds, so adding cannot fail; should it,
        // the percentiles would under-count, never crash the run.
        let _ = self.hist.add(&other.hist);
        self.measured += other.measured;
        self.drained += other.drained;
        self.answers += other.answers;
        self.correct += other.correct;
        self.ok += other.ok;
        self.err += other.err;
        self.wrong += other.wrong;
        self.unexpected += other.unexpected;
        self.conn_errors += other.conn_errors;
        self.unanswered += other.unanswered;
        for s in &other.samples {
            self.keep_sample(s.clone());
        }
        for m in &other.conn_error_messages {
            if self.conn_error_messages.len() < MAX_SAMPLES {
                self.conn_error_messages.push(m.clone());
            }
        }
    }

    /// Whether the run saw anything that makes it untrustworthy.
    pub fn failed(&self) -> bool {
        self.wrong > 0 || self.unexpected > 0 || self.conn_errors > 0 || self.unanswered > 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_adds_counts_and_latencies() {
        let mut a = Stats::new().expect("valid bounds");
        a.record_latency(Window::During, 1_000);
        a.correct = 1;
        let mut b = Stats::new().expect("valid bounds");
        b.record_latency(Window::After, 3_000);
        b.record_latency(Window::Before, 5_000);
        b.wrong = 1;
        a.merge(&b);
        assert_eq!(a.measured, 1);
        assert_eq!(a.drained, 1);
        assert_eq!(a.hist.len(), 2);
        assert_eq!(a.correct, 1);
        assert_eq!(a.wrong, 1);
        assert!(a.failed());
        assert!(a.hist.max() >= 2_990);
    }

    #[test]
    fn samples_are_capped() {
        let mut s = Stats::new().expect("valid bounds");
        for i in 0..10 {
            s.keep_sample(Sample {
                request: i.to_string(),
                expected: String::new(),
                got: String::new(),
            });
        }
        assert_eq!(s.samples.len(), MAX_SAMPLES);
    }
}
