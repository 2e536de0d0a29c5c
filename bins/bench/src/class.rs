//! Traffic classes: the cheap class the unprefixed options describe and an
//! optional costly class (`--costly-*`), each with its own connections,
//! pipeline depth, requests and statistics, driven in the same run.

use std::path::Path;

use crate::workload::{self, Request, WorkloadError};

/// Where a class's requests come from, as the command line gives them.
#[derive(Debug, Clone, Copy, Default)]
pub struct Source<'a> {
    /// The option prefix of this class (`""` or `"costly-"`), for messages.
    pub prefix: &'static str,
    /// `--expr`.
    pub expr: Option<&'a str>,
    /// `--expect`.
    pub expect: Option<&'a str>,
    /// `--mix`.
    pub mix: Option<&'a Path>,
    /// `--line`.
    pub line: Option<&'a str>,
    /// `--expect-prefix`.
    pub expect_prefix: Option<&'a str>,
}

/// One class of traffic, ready to run.
#[derive(Debug, Clone)]
pub struct Class {
    /// `cheap` or `costly`: the report's label and the JSON key prefix.
    pub name: &'static str,
    /// `expr`, `mix` or `line`.
    pub mode: &'static str,
    /// A short description of the requests.
    pub workload: String,
    /// The requests, sent in turn.
    pub requests: Vec<Request>,
    /// Connections of this class.
    pub connections: usize,
    /// Requests in flight per connection.
    pub pipeline: usize,
}

impl Source<'_> {
    /// Checks that the options of this class agree with each other.
    pub fn check(&self) -> Result<(), String> {
        let p = self.prefix;
        let given = [self.expr.is_some(), self.mix.is_some(), self.line.is_some()];
        if given.iter().filter(|&&g| g).count() > 1 {
            return Err(format!(
                "give only one of --{p}expr, --{p}mix and --{p}line"
            ));
        }
        if self.line.is_some() != self.expect_prefix.is_some() {
            return Err(format!("--{p}line and --{p}expect-prefix go together"));
        }
        if self.expect.is_some() && (self.mix.is_some() || self.line.is_some()) {
            return Err(format!(
                "--{p}expect goes with --{p}expr (a mix file gives answers after a TAB, \
                 --{p}line takes --{p}expect-prefix)"
            ));
        }
        Ok(())
    }

    /// Whether any option of this class was given.
    pub fn any(&self) -> bool {
        self.expect.is_some() || self.expect_prefix.is_some() || self.names_requests()
    }

    /// Whether an option naming the requests (expression, mix or line) was
    /// given.
    pub fn names_requests(&self) -> bool {
        self.expr.is_some() || self.mix.is_some() || self.line.is_some()
    }

    /// The mode, description and requests; `--expr 1+2*3` when nothing is
    /// given. Expected answers of expressions come from calc-core unless
    /// given.
    pub fn build(&self) -> Result<(&'static str, String, Vec<Request>), WorkloadError> {
        if let (Some(line), Some(prefix)) = (self.line, self.expect_prefix) {
            let desc = format!("{line:?} expecting {prefix:?}...");
            return Ok(("line", desc, workload::from_line(line, prefix)?));
        }
        if let Some(path) = self.mix {
            let reqs = workload::from_mix_file(path)?;
            let desc = format!("{} ({} expressions)", path.display(), reqs.len());
            return Ok(("mix", desc, reqs));
        }
        let expr = self.expr.unwrap_or("1+2*3");
        let reqs = workload::from_expr(expr, self.expect)?;
        let desc = format!(
            "{expr:?} expecting {:?}",
            reqs.first()
                .map(|r| r.expect.describe())
                .unwrap_or_default()
        );
        Ok(("expr", desc, reqs))
    }
}

/// The classes of a run: `cheap` always, `costly` when it has connections.
pub fn classes(
    cheap: (Source<'_>, usize, usize),
    costly: (Source<'_>, usize, usize),
) -> Result<Vec<Class>, WorkloadError> {
    let mut out = Vec::with_capacity(2);
    for (name, (source, connections, pipeline)) in [("cheap", cheap), ("costly", costly)] {
        if connections == 0 {
            continue;
        }
        let (mode, workload, requests) = source.build()?;
        out.push(Class {
            name,
            mode,
            workload,
            requests,
            connections,
            pipeline,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workload::Expect;

    fn costly() -> Source<'static> {
        Source {
            prefix: "costly-",
            ..Source::default()
        }
    }

    #[test]
    fn one_source_per_class() {
        let both = Source {
            expr: Some("1"),
            line: Some("PING"),
            expect_prefix: Some("+PONG"),
            ..costly()
        };
        let err = both.check().expect_err("two sources");
        assert!(err.contains("--costly-expr"), "{err}");
        let lone = Source {
            line: Some("PING"),
            ..costly()
        };
        let err = lone.check().expect_err("line without prefix");
        assert!(err.contains("--costly-expect-prefix"), "{err}");
        let stray = Source {
            expect: Some("OK 1"),
            line: Some("PING"),
            expect_prefix: Some("+PONG"),
            ..costly()
        };
        assert!(stray.check().is_err());
        assert!(!costly().any());
        assert!(stray.any());
        let expect_only = Source {
            expect: Some("OK 7"),
            ..costly()
        };
        assert!(expect_only.check().is_ok());
        assert!(expect_only.any() && !expect_only.names_requests());
    }

    #[test]
    fn costly_expression_answer_from_calc_core_or_given() {
        let computed = Source {
            expr: Some("2**100 % 7"),
            ..costly()
        };
        computed.check().expect("valid");
        let (mode, desc, reqs) = computed.build().expect("builds");
        assert_eq!(mode, "expr");
        assert_eq!(reqs[0].expect, Expect::Exact(b"OK 2".to_vec()));
        assert!(desc.contains("OK 2"), "{desc}");
        let given = Source {
            expr: Some("2**100 % 7"),
            expect: Some("OK 3"),
            ..costly()
        };
        let (_, _, reqs) = given.build().expect("builds");
        assert_eq!(reqs[0].expect, Expect::Exact(b"OK 3".to_vec()));
    }

    #[test]
    fn redis_lua_line_keeps_its_quotes() {
        let lua = r#"EVAL "local i=0 while i<10 do i=i+1 end return i" 0"#;
        let s = Source {
            line: Some(lua),
            expect_prefix: Some(":10"),
            ..costly()
        };
        s.check().expect("valid");
        let (mode, _, reqs) = s.build().expect("builds");
        assert_eq!(mode, "line");
        assert_eq!(reqs[0].line, format!("{lua}\n").into_bytes());
        assert!(reqs[0].expect.matches(b":10"));
    }

    #[test]
    fn classes_skip_a_class_without_connections() {
        let cheap = Source::default();
        let only = classes((cheap, 4, 1), (costly(), 0, 1)).expect("builds");
        assert_eq!(only.len(), 1);
        assert_eq!(only[0].name, "cheap");
        let costly = Source {
            line: Some("SLOW"),
            expect_prefix: Some("+OK"),
            ..costly()
        };
        let two = classes((cheap, 4, 1), (costly, 2, 150)).expect("builds");
        assert_eq!(
            two.iter()
                .map(|c| (c.name, c.connections, c.pipeline))
                .collect::<Vec<_>>(),
            vec![("cheap", 4, 1), ("costly", 2, 150)]
        );
    }
}
