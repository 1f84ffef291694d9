//! The strongroom command line (in progress).
fn main() {}
