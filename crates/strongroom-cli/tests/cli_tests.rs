//! trycmd snapshots of error output and exit codes (`tests/cmd/*.toml`).

#[test]
fn cli_tests() {
    trycmd::TestCases::new().case("tests/cmd/*.toml");
}
