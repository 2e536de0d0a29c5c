//! A check of calc-core's names against python3 on every code point: which
//! characters start and continue a name, which of CPython's two "invalid
//! character" messages a character gets, and the NFKC form a name takes.
//! calc-core narrows the current Unicode tables of its crates to CPython
//! 3.11's Unicode 14.0 (docs/architecture.md); this test fails when a
//! crate update or that narrowing stops agreeing with python3.

#[cfg(test)]
mod tests {
    use std::process::Command;

    /// python3's view of every non-ASCII code point but the surrogates:
    /// one hex digit each (1: `c.isidentifier()`, 2: `('a' + c).isidentifier()`,
    /// 4: `c.isprintable()`), then the code points whose NFKC form differs,
    /// with that form.
    const SCRIPT: &str = "import sys, unicodedata\n\
        cps = [c for c in range(0x80, 0x110000) if not 0xD800 <= c < 0xE000]\n\
        flags = []\n\
        for c in cps:\n    ch = chr(c)\n    flags.append('%x' % (ch.isidentifier() | ('a' + ch).isidentifier() << 1 | ch.isprintable() << 2))\n\
        print(''.join(flags))\n\
        for c in cps:\n    ch = chr(c)\n    if ch.isidentifier():\n        n = unicodedata.normalize('NFKC', ch)\n        if n != ch:\n            print('%x %s' % (c, n))\n";

    fn answer(src: &str) -> Result<String, (String, Option<usize>)> {
        calc_core::Expr::parse(src)
            .map(|e| e.to_string())
            .map_err(|e| (e.message().to_string(), e.column()))
    }

    #[test]
    fn names_follow_python_on_every_code_point() {
        let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
        let out = Command::new(&python)
            .args(["-c", SCRIPT])
            .output()
            .unwrap_or_else(|e| panic!("{python}: {e}"));
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8(out.stdout).expect("UTF-8 from python3");
        let mut lines = text.lines();
        let flags = lines.next().expect("the flags line").as_bytes();
        let normalized: std::collections::HashMap<u32, &str> = lines
            .filter_map(|l| l.split_once(' '))
            .filter_map(|(cp, n)| Some((u32::from_str_radix(cp, 16).ok()?, n)))
            .collect();
        let chars = (0x80..0x11_0000u32).filter_map(char::from_u32);
        let mut wrong = Vec::new();
        let mut checked = 0;
        for (c, &flag) in chars.zip(flags) {
            let flag = char::from(flag).to_digit(16).expect("a hex digit");
            let (start, cont, printable) = (flag & 1 != 0, flag & 2 != 0, flag & 4 != 0);
            let cp = u32::from(c);
            let invalid = |column| {
                let message = if printable {
                    format!("invalid character '{c}' (U+{cp:04X})")
                } else {
                    format!("invalid non-printable character U+{cp:04X}")
                };
                Err((message, Some(column)))
            };
            let alone = c.to_string();
            let want = if start {
                Ok(normalized.get(&cp).map_or(alone.clone(), |n| n.to_string()))
            } else {
                invalid(1)
            };
            if answer(&alone) != want {
                wrong.push(format!(
                    "U+{cp:04X} alone: {:?}, want {want:?}",
                    answer(&alone)
                ));
            }
            let after = format!("a{c}");
            let want = if cont {
                Ok(())
            } else {
                invalid(2).map(|_: String| ())
            };
            if answer(&after).map(|_| ()) != want {
                wrong.push(format!(
                    "U+{cp:04X} after a: {:?}, want {want:?}",
                    answer(&after)
                ));
            }
            checked += 1;
        }
        assert_eq!(
            checked,
            0x11_0000 - 0x80 - 0x800,
            "python3 and Rust count alike"
        );
        assert!(
            wrong.is_empty(),
            "{} differ:\n{}",
            wrong.len(),
            wrong
                .iter()
                .take(30)
                .cloned()
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
}
