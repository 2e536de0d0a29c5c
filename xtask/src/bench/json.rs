//! Just enough JSON reading for two known producers: calc-bench's flat
//! one-line objects and criterion's estimates.json. A JSON library would
//! be one more dependency for the xtask to build on every `cargo xtask ci`.

/// The number after the first `"key":` in `text`.
pub fn number(text: &str, key: &str) -> Option<f64> {
    let pat = format!("\"{key}\":");
    let start = text.find(&pat)? + pat.len();
    let rest = text.get(start..)?.trim_start();
    let end = rest
        .find(|c: char| !(c.is_ascii_digit() || matches!(c, '-' | '+' | '.' | 'e' | 'E')))
        .unwrap_or(rest.len());
    rest.get(..end)?.parse().ok()
}

/// The median point estimate, in nanoseconds, of a criterion
/// `estimates.json`.
pub fn criterion_median(text: &str) -> Option<f64> {
    let at = text.find("\"median\"")?;
    number(text.get(at..)?, "point_estimate")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_flat_numbers() {
        let j = r#"{"target":"a:1","rps":1234.5,"lat_p99_us":12.0,"wrong":0,"x":-1e3}"#;
        assert_eq!(number(j, "rps"), Some(1234.5));
        assert_eq!(number(j, "lat_p99_us"), Some(12.0));
        assert_eq!(number(j, "wrong"), Some(0.0));
        assert_eq!(number(j, "x"), Some(-1000.0));
        assert_eq!(number(j, "missing"), None);
        assert_eq!(number(j, "target"), None);
    }

    #[test]
    fn reads_criterion_median() {
        let j = r#"{"mean":{"confidence_interval":{"confidence_level":0.95,"lower_bound":1.0,"upper_bound":2.0},"point_estimate":1.5,"standard_error":0.1},"median":{"confidence_interval":{"confidence_level":0.95,"lower_bound":1.1,"upper_bound":1.3},"point_estimate":1.25,"standard_error":0.01}}"#;
        assert_eq!(criterion_median(j), Some(1.25));
    }
}
