//! The command line of calcnet's programs: argh's parsing, with calcnet's
//! exit statuses (0 success, 1 failure, 2 usage or no connection).

use std::ffi::OsString;
use std::process::ExitCode;

/// The exit status of a command line that does not parse.
pub const USAGE_STATUS: u8 = 2;

/// The default host of calc-server and of the programs that talk to it.
pub const DEFAULT_HOST: &str = "127.0.0.1";

/// The default port of calc-server and of the programs that talk to it.
pub const DEFAULT_PORT: u16 = 4390;

/// The process's command line parsed into `T`, like `argh::from_env` but
/// with calcnet's exit statuses: `--help` prints the help on stdout and
/// gives `Err(ExitCode::SUCCESS)`; a command line that does not parse (an
/// unknown flag, a missing or bad value, an argument that is not UTF-8)
/// prints why on stderr and gives `Err` of status 2, where argh would exit
/// with 1. `program` names the command in both.
pub fn args<T: argh::TopLevelCommand>(program: &str) -> Result<T, ExitCode> {
    parse(program, std::env::args_os().skip(1)).map_err(|(text, status)| {
        if status == 0 {
            println!("{text}");
        } else {
            eprintln!("{text}");
        }
        ExitCode::from(status)
    })
}

/// [`args`] without the printing: the value, or the text to print and the
/// exit status (0 after `--help`, 2 for a usage error).
fn parse<T: argh::TopLevelCommand>(
    program: &str,
    argv: impl Iterator<Item = OsString>,
) -> Result<T, (String, u8)> {
    let argv: Vec<String> = argv
        .map(|a| {
            a.into_string().map_err(|bad| {
                (
                    format!("{program}: not UTF-8: {}", bad.to_string_lossy()),
                    USAGE_STATUS,
                )
            })
        })
        .collect::<Result<_, _>>()?;
    let argv: Vec<&str> = argv.iter().map(String::as_str).collect();
    T::from_args(&[program], &argv).map_err(|exit| match exit.status {
        Ok(()) => (exit.output, 0),
        Err(()) => (
            format!(
                "{}\nRun {program} --help for more information.",
                exit.output
            ),
            USAGE_STATUS,
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use argh::FromArgs;

    /// a test command
    #[derive(FromArgs, Debug, PartialEq, Eq)]
    struct Cmd {
        /// a number
        #[argh(option, default = "1")]
        n: u32,
    }

    fn run(words: &[&str]) -> Result<Cmd, (String, u8)> {
        parse("cmd", words.iter().map(OsString::from))
    }

    #[test]
    fn parses_like_argh() {
        assert_eq!(run(&[]), Ok(Cmd { n: 1 }));
        assert_eq!(run(&["--n", "7"]), Ok(Cmd { n: 7 }));
    }

    #[test]
    fn help_is_status_0_and_usage_errors_status_2() {
        let (help, status) = run(&["--help"]).unwrap_err();
        assert_eq!(status, 0);
        assert!(help.starts_with("Usage: cmd"), "{help}");
        for bad in [&["--m"][..], &["--n", "x"], &["--n"]] {
            let (text, status) = run(bad).unwrap_err();
            assert_eq!(status, 2, "{bad:?}");
            assert!(
                text.ends_with("Run cmd --help for more information."),
                "{text}"
            );
        }
    }

    #[test]
    fn arguments_that_are_not_utf8_are_usage_errors() {
        use std::os::unix::ffi::OsStringExt;
        let bad = OsString::from_vec(vec![b'-', b'-', 0xff]);
        let (text, status) = parse::<Cmd>("cmd", [bad].into_iter()).unwrap_err();
        assert_eq!(status, 2);
        assert!(text.starts_with("cmd: not UTF-8"), "{text}");
    }
}
