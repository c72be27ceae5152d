//! Command-line cases as data: each `tests/cmd/*.trycmd` file lists commands with their
//! exact output and exit code, run against the real binary.

#[test]
fn cli_cases() {
    trycmd::TestCases::new().case("tests/cmd/*.trycmd");
}
