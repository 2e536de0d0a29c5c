//! Under construction: see issue 3.
fn main() {
    eprintln!("not implemented yet (issue 3)");
    std::process::exit(2);
}
