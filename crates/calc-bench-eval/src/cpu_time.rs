//! CPU time of the calling thread: the clock the benchmarks run on.
//!
//! On a machine shared with other work, wall time counts the moments the
//! benchmark thread waits for a core; the thread's CPU time counts only the
//! moments it runs, so it moves far less with the load of the machine.

/// Nanoseconds of CPU time the calling thread has used so far.
///
/// ```
/// let a = calc_bench_eval::thread_cpu_ns();
/// let mut x = 0u64;
/// for i in 0..1_000_000u64 { x = std::hint::black_box(x ^ i); }
/// assert!(calc_bench_eval::thread_cpu_ns() > a);
/// ```
pub fn thread_cpu_ns() -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec and the clock id is a
    // constant Linux supports; the call writes nothing else.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    if rc != 0 {
        return 0;
    }
    let secs = u64::try_from(ts.tv_sec).unwrap_or(0);
    let nanos = u64::try_from(ts.tv_nsec).unwrap_or(0);
    secs.saturating_mul(1_000_000_000).saturating_add(nanos)
}
