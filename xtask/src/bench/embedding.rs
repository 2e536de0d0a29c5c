//! The embedding suite: calc-core as a program embeds it, against the
//! crates such a program would otherwise pick. Three formulas over `x` and
//! `y`, parsed once and evaluated at 1,024 changing float pairs, and parsed
//! and evaluated once with variables (criterion's `embedding` and
//! `embedding-oneshot` groups of calc-bench-eval's `evaluators` bench),
//! after `eval-embedding --check` has confirmed every library's values
//! equal calc-core's; then paired rounds of the same comparisons
//! (`embedding-pairs`), from which the goals are judged.

use std::fs;

use super::eval::{bench_binary, bench_binary_output, criterion, estimate, Pair, MEVAL_FEATURE};
use super::Settings;

/// The libraries of the parse-once table, in table order (criterion's
/// names, calc-bench-eval's `EmbedLib::name`).
pub const LIBS: [&str; 7] = [
    "calc-core-compiled",
    "calc-core-env",
    "fasteval",
    "meval",
    "exmex",
    "evalexpr",
    "native",
];

/// The peers of calc-core's goals: the fastest of them on each formula is
/// the bar for the compiled form.
pub const PEERS: [&str; 3] = ["fasteval", "meval", "exmex"];

/// Pairs per parse-once iteration (calc-bench-eval's `embedding::PAIRS`).
pub const PAIRS: f64 = 1024.0;

/// The formulas: criterion's name and the Python form.
pub const FORMULAS: [(&str, &str); 3] = [
    ("sqrt", "x*2 + y/3 - sqrt(x*y)"),
    ("rational", "(x-y)*(x+y)/(1+x*x)+0.5*x*y-7.25"),
    ("cosine", "x**2+y**2-2*x*y*cos(0.5)"),
];

/// One formula's medians, in nanoseconds, one entry per [`LIBS`] (`None`
/// where the library was not measured).
#[derive(Debug, Clone)]
pub struct Row {
    /// The Python form.
    pub formula: &'static str,
    /// Per evaluation, parsed once.
    pub once: Vec<Option<f64>>,
    /// Per parse + evaluation (native Rust has none).
    pub one_shot: Vec<Option<f64>>,
}

impl Row {
    /// `lib`'s parse-once time.
    pub fn once(&self, lib: &str) -> Option<f64> {
        let i = LIBS.iter().position(|l| *l == lib)?;
        self.once.get(i).copied().flatten()
    }

    /// `lib`'s one-shot time.
    pub fn one_shot(&self, lib: &str) -> Option<f64> {
        let i = LIBS.iter().position(|l| *l == lib)?;
        self.one_shot.get(i).copied().flatten()
    }

    /// The fastest peer's parse-once time and name.
    pub fn fastest_peer(&self) -> Option<(f64, &'static str)> {
        PEERS
            .iter()
            .filter_map(|p| self.once(p).map(|t| (t, *p)))
            .min_by(|a, b| a.0.total_cmp(&b.0))
    }
}

/// Paired rounds of calc-core and a peer on one formula
/// (`embedding-pairs`): the figures are ratios of two libraries timed in
/// the same round.
#[derive(Debug, Clone)]
pub struct Paired {
    /// `once` (calc-core's compiled form against a peer's parse-once form)
    /// or `oneshot` (calc-core `Env::eval` against fasteval `ez_eval`).
    pub group: String,
    /// `fasteval`, `meval`, `exmex`, or `fastest`: the fastest peer of
    /// each round.
    pub peer: String,
    /// The formula's name (the first of a [`FORMULAS`] entry).
    pub formula: String,
    /// Rounds, the median, lowest and highest peer ÷ calc-core, and the
    /// median ns of each side (`rival_ns`: the peer's).
    pub pair: Pair,
    /// For `fastest`: the peers that were the fastest of a round, with how
    /// many rounds each (`exmex 12, fasteval 3`); empty otherwise.
    pub winners: String,
}

impl Paired {
    /// One line of `embedding-pairs` output.
    pub fn parse(line: &str) -> Option<Paired> {
        let pair = Pair::parse(line)?;
        let mut id = pair.id.splitn(3, '/');
        let (group, peer, formula) = (id.next()?, id.next()?, id.next()?);
        if !matches!(group, "once" | "oneshot") {
            return None;
        }
        let (group, peer, formula) = (group.to_owned(), peer.to_owned(), formula.to_owned());
        let winners = line.split('\t').nth(7).unwrap_or("").trim().to_owned();
        Some(Paired {
            group,
            peer,
            formula,
            pair,
            winners,
        })
    }
}

/// Everything the embedding suite measured.
#[derive(Debug, Clone)]
pub struct EmbeddingResults {
    /// One row per formula.
    pub rows: Vec<Row>,
    /// The check's lines that were not `ok` (library, formula, why).
    pub differs: Vec<String>,
    /// How many (library, formula) pairs the check found equal.
    pub checked: usize,
    /// The check and criterion command lines.
    pub check_cmd: String,
    pub criterion_cmd: String,
    /// The paired rounds, and their command line.
    pub pairs: Vec<Paired>,
    pub pairs_cmd: String,
}

impl EmbeddingResults {
    /// The paired rounds of `group` and `peer` on the formula `formula`.
    pub fn paired(&self, group: &str, peer: &str, formula: &str) -> Option<&Paired> {
        self.pairs
            .iter()
            .find(|p| p.group == group && p.peer == peer && p.formula == formula)
    }
}

/// Checks the libraries' values, runs criterion's embedding groups, and
/// reads back the medians.
pub fn run(settings: &Settings) -> Result<EmbeddingResults, String> {
    let check_cmd = format!(
        "cargo run --release -q -p calc-bench-eval --features {MEVAL_FEATURE} --bin eval-embedding -- --check"
    );
    eprintln!("==> {check_cmd}");
    // A library whose values differ is left out of criterion's run (the
    // bench skips it), so its cells stay empty; the report lists why.
    let (_, checked_out, stderr) = bench_binary_output("eval-embedding", &["--check"])?;
    let mut checked = 0;
    let mut differs = Vec::new();
    for line in checked_out.lines() {
        let mut f = line.split('\t');
        match f.next() {
            Some("ok") => checked += 1,
            Some("differs") => differs.push(f.collect::<Vec<_>>().join(", ")),
            _ => {}
        }
    }
    if checked == 0 {
        return Err(format!("eval-embedding --check: {}", stderr.trim()));
    }

    let criterion_dir = super::target_dir().join("criterion");
    for group in ["embedding", "embedding-oneshot"] {
        let _ = fs::remove_dir_all(criterion_dir.join(group));
    }
    let criterion_cmd = criterion(settings, "criterion: the embedding groups", "^embedding")?;

    let rows = FORMULAS
        .iter()
        .map(|&(name, formula)| Row {
            formula,
            once: LIBS
                .iter()
                .map(|lib| {
                    estimate(&criterion_dir, &format!("embedding/{name}"), lib).map(|t| t / PAIRS)
                })
                .collect(),
            one_shot: LIBS
                .iter()
                .map(|lib| estimate(&criterion_dir, &format!("embedding-oneshot/{name}"), lib))
                .collect(),
        })
        .collect();
    let (pairs, pairs_cmd) = paired_rounds(settings)?;
    Ok(EmbeddingResults {
        rows,
        differs,
        checked,
        check_cmd,
        criterion_cmd,
        pairs,
        pairs_cmd,
    })
}

/// Runs `embedding-pairs`: every comparison of the suite again, in rounds
/// of short bursts of every library.
fn paired_rounds(settings: &Settings) -> Result<(Vec<Paired>, String), String> {
    let (rounds, burst_ms) = if settings.quick {
        ("5", "20")
    } else {
        ("15", "100")
    };
    let args = ["--rounds", rounds, "--burst-ms", burst_ms];
    let shown = format!(
        "cargo run --release -q -p calc-bench-eval --features {MEVAL_FEATURE} --bin embedding-pairs -- {}",
        args.join(" ")
    );
    eprintln!("==> {shown}");
    let out = bench_binary("embedding-pairs", &args)?;
    let pairs: Vec<Paired> = out.lines().filter_map(Paired::parse).collect();
    if pairs.is_empty() {
        return Err(format!("embedding-pairs printed no rounds: {out}"));
    }
    Ok((pairs, shown))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fastest_peer_is_among_the_peers_measured() {
        let mut once = vec![None; LIBS.len()];
        once[0] = Some(10.0); // calc-core-compiled: not a peer
        once[2] = Some(60.0); // fasteval
        once[4] = Some(40.0); // exmex
        once[6] = Some(3.0); // native: not a peer
        let row = Row {
            formula: "x",
            once,
            one_shot: vec![None; LIBS.len()],
        };
        assert_eq!(row.fastest_peer(), Some((40.0, "exmex")));
        assert_eq!(row.once("calc-core-compiled"), Some(10.0));
        assert_eq!(row.once("meval"), None);
        assert_eq!(row.one_shot("fasteval"), None);
    }

    #[test]
    fn paired_rounds_are_read_from_embedding_pairs_lines() {
        let p = Paired::parse("once/exmex/sqrt\t15\t1.412\t0.981\t1.733\t24.6\t34.7").unwrap();
        assert_eq!((p.group.as_str(), p.peer.as_str()), ("once", "exmex"));
        assert_eq!((p.formula.as_str(), p.pair.rounds), ("sqrt", 15));
        assert_eq!(
            (p.pair.median, p.pair.low, p.pair.high),
            (1.412, 0.981, 1.733)
        );
        assert_eq!((p.pair.calc_ns, p.pair.rival_ns), (24.6, 34.7));
        assert_eq!(p.winners, "");
        let f = Paired::parse(
            "once/fastest/cosine\t15\t1.101\t0.902\t1.300\t55.0\t60.6\texmex 12, fasteval 3",
        )
        .unwrap();
        assert_eq!(
            (f.peer.as_str(), f.winners.as_str()),
            ("fastest", "exmex 12, fasteval 3")
        );
        let o = Paired::parse("oneshot/fasteval/rational\t5\t2.9\t2.5\t3.1\t300.0\t870.0").unwrap();
        assert_eq!((o.group.as_str(), o.pair.median), ("oneshot", 2.9));
        // Not a line of rounds: a note, a short line, an unknown group.
        assert!(Paired::parse("embedding-pairs: skipping once/meval/sqrt: x").is_none());
        assert!(Paired::parse("once/exmex/sqrt\t15\t1.4").is_none());
        assert!(Paired::parse("eval/calls\t15\t2.1\t1.9\t2.3\t1031.7\t2331.0").is_none());
    }
}
