//! RFC 3339 timestamps in UTC with milliseconds:
//! `2026-12-04T08:18:28.123Z`.

use std::cell::RefCell;
use std::time::{SystemTime, UNIX_EPOCH};

/// Bytes in a timestamp.
pub const LEN: usize = 24;

/// Formats the time `ms` milliseconds after the Unix epoch.
pub fn format(ms: u64) -> [u8; LEN] {
    let secs = ms / 1000;
    let days = (secs / 86_400) as i64;
    let sod = secs % 86_400;
    let (y, m, d) = civil_from_days(days);
    let mut out = *b"0000-00-00T00:00:00.000Z";
    let mut put = |at: usize, width: usize, mut v: u64| {
        for i in (0..width).rev() {
            out[at + i] = b'0' + (v % 10) as u8;
            v /= 10;
        }
    };
    put(0, 4, y.clamp(0, 9999) as u64);
    put(5, 2, m);
    put(8, 2, d);
    put(11, 2, sod / 3600);
    put(14, 2, sod / 60 % 60);
    put(17, 2, sod % 60);
    put(20, 3, ms % 1000);
    out
}

/// Year, month, day of the proleptic Gregorian calendar for a count of
/// days since 1970-01-01 (Howard Hinnant's `civil_from_days`).
fn civil_from_days(z: i64) -> (i64, u64, u64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u64;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u64;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

/// Calls `f` with the current timestamp, formatted once per millisecond
/// per thread: a busy server logs many records per millisecond.
pub fn with_now<R>(f: impl FnOnce(&str) -> R) -> R {
    thread_local! {
        static CACHE: RefCell<(u64, [u8; LEN])> = const { RefCell::new((u64::MAX, [0; LEN])) };
    }
    let ms = now_ms();
    CACHE.with(|cache| {
        let mut cache = cache.borrow_mut();
        if cache.0 != ms {
            *cache = (ms, format(ms));
        }
        f(std::str::from_utf8(&cache.1).unwrap_or("1970-01-01T00:00:00.000Z"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(ms: u64) -> String {
        String::from_utf8(format(ms).to_vec()).unwrap()
    }

    #[test]
    fn known_instants() {
        assert_eq!(s(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(s(951_782_400_000), "2000-02-29T00:00:00.000Z");
        assert_eq!(s(1_798_964_308_123), "2027-01-03T08:18:28.123Z");
        assert_eq!(s(1_796_372_308_007), "2026-12-04T08:18:28.007Z");
        assert_eq!(s(4_102_444_799_999), "2099-12-31T23:59:59.999Z");
        assert_eq!(s(1_709_251_199_000), "2024-02-29T23:59:59.000Z");
        assert_eq!(s(1_709_251_200_000), "2024-03-01T00:00:00.000Z");
    }

    #[test]
    fn every_day_for_centuries_follows_the_previous() {
        // Day by day from 1970 to 2200: the date moves by exactly one day.
        let mut prev = s(0);
        for day in 1..(230 * 366) {
            let cur = s(day * 86_400_000);
            assert!(cur > prev, "{prev} then {cur}");
            let (py, pm, pd) = (&prev[..4], &prev[5..7], &prev[8..10]);
            let (cy, cm, cd) = (&cur[..4], &cur[5..7], &cur[8..10]);
            if cd != "01" {
                assert_eq!((py, pm), (cy, cm));
                assert_eq!(pd.parse::<u32>().unwrap() + 1, cd.parse::<u32>().unwrap());
            }
            prev = cur;
        }
    }

    #[test]
    fn the_cached_time_is_now() {
        let before = s(now_ms());
        let got = with_now(str::to_string);
        let after = s(now_ms());
        assert!(before <= got && got <= after, "{before} {got} {after}");
    }
}
