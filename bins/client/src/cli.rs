//! Command-line flags of calc-client.

use argh::FromArgs;

/// The default host, the server's.
pub const DEFAULT_HOST: &str = "127.0.0.1";
/// The default port, the server's.
pub const DEFAULT_PORT: u16 = 4390;

/// calc-client: talks to calc-server. On a terminal, an interactive prompt
/// with line editing and history; with input from a pipe or file, sends
/// every line and prints one answer per line. Exit status: 0 all answers
/// OK, 1 some request failed, 2 no connection.
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
    }
}
