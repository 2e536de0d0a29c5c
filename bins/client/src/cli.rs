//! Command-line flags of calc-client.

use std::path::PathBuf;

use argh::FromArgs;

/// The default host and port, the server's.
pub use sockets::cli::{DEFAULT_HOST, DEFAULT_PORT};

/// calc-client: talks to calc-server. On a terminal, an interactive prompt
/// with line editing, a history file, Tab completion and `help`; it
/// reconnects after the server ends a session. With input from a pipe or
/// file, sends every line (blank and `#` comment lines are skipped) and
/// prints one line per answer: values on stdout, errors on stderr. Exit
/// status: 0 all answers OK, 1 some request failed, 2 no connection (or a
/// command line that does not parse).
#[derive(FromArgs, Debug)]
pub struct Args {
    /// optional HOST and PORT of the server (default 127.0.0.1 4390)
    #[argh(positional, arg_name = "HOST PORT")]
    pub endpoint: Vec<String>,

    /// evaluate EXPR, print the answer and exit (repeatable; stdin is not read)
    #[argh(option, short = 'e', arg_name = "EXPR")]
    pub eval: Vec<String>,

    /// seconds to wait for the connection (default 5)
    #[argh(option, default = "5")]
    pub connect_timeout: u64,

    /// the prompt's history file (default $CALCNET_HISTORY, else
    /// $XDG_STATE_HOME/calcnet/history, else
    /// ~/.local/state/calcnet/history)
    #[argh(option, arg_name = "PATH")]
    pub history_file: Option<PathBuf>,

    /// keep no history file
    #[argh(switch)]
    pub no_history: bool,

    /// print the version and exit
    #[argh(switch)]
    pub version: bool,
}

impl Args {
    /// The host and port from the positional arguments, with defaults.
    pub fn host_port(&self) -> Result<(&str, u16), String> {
        sockets::endpoint(&self.endpoint, DEFAULT_HOST, DEFAULT_PORT).map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Args {
        Args::from_args(&["calc-client"], args).unwrap()
    }

    #[test]
    fn endpoint_defaults_and_eval_repeats() {
        let a = parse(&["-e", "1+1", "--eval", "2*3"]);
        assert_eq!(a.host_port(), Ok(("127.0.0.1", 4390)));
        assert_eq!(a.eval, ["1+1", "2*3"]);
        let a = parse(&["::1", "5000"]);
        assert_eq!(a.host_port(), Ok(("::1", 5000)));
        assert!(parse(&["h", "x"]).host_port().is_err());
        let a = parse(&["--history-file", "/tmp/h", "--no-history"]);
        assert_eq!(a.history_file, Some(PathBuf::from("/tmp/h")));
        assert!(a.no_history);
    }
}
