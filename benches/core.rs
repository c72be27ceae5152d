//! Micro-benchmarks of the hot path: judging one site, reading one wide row.
//! Run with `cargo bench`; bench/run.sh measures whole commands against xsv.

use csv::StringRecord;
use yanshou::audit::evaluate;
use yanshou::checklist::{Checklist, builtin};
use yanshou::record::table::Wide;
use yanshou::record::write::wide_header;
use yanshou::synth::{Rng, site_row};

fn main() {
    divan::main();
}

fn township() -> Checklist {
    Checklist::from_toml(builtin::text("puyang-2020/township").unwrap_or_default())
        .unwrap_or_else(|p| panic!("{p}"))
}

/// A header and a few generated township rows.
fn rows(checklist: &Checklist) -> (StringRecord, Vec<StringRecord>) {
    let header = wide_header(&[checklist], &[]);
    let mut rng = Rng::new(5);
    let rows = (0..64)
        .map(|i| StringRecord::from(site_row(&mut rng, i, checklist, &header)))
        .collect();
    (StringRecord::from(header), rows)
}

#[divan::bench]
fn read_one_wide_row(bencher: divan::Bencher) {
    let checklists = vec![township()];
    let (header, rows) = rows(&checklists[0]);
    let wide = Wide::from_header(&header, &checklists).unwrap_or_else(|e| panic!("{e:?}"));
    let mut i = 0;
    bencher.bench_local(|| {
        i = (i + 1) % rows.len();
        wide.record(&rows[i], 2, "bench", &checklists).is_ok()
    });
}

#[divan::bench]
fn evaluate_one_site(bencher: divan::Bencher) {
    let checklists = vec![township()];
    let (header, rows) = rows(&checklists[0]);
    let wide = Wide::from_header(&header, &checklists).unwrap_or_else(|e| panic!("{e:?}"));
    let records: Vec<_> = rows
        .iter()
        .filter_map(|row| wide.record(row, 2, "bench", &checklists).ok())
        .collect();
    let mut i = 0;
    bencher.bench_local(|| {
        i = (i + 1) % records.len();
        evaluate(&checklists[0], &records[i]).score
    });
}

/// The township checklist with a sign pattern that is a real regex of `{township}`: the
/// built-in one is plain text, compared as a string and never compiled. bench/pattern.sh
/// measures the same pattern over a whole file.
fn township_with_regex_sign() -> Checklist {
    let text = builtin::text("puyang-2020/township")
        .unwrap_or_default()
        .replace(
            "pattern = \"^{township}便民服务中心$\"",
            "pattern = \"^{township}(?:人民政府)?(?:便民|政务)服务(?:中心|站)(?:[（(][^）)]{0,100}[）)]){0,50}$\"",
        );
    Checklist::from_toml(&text).unwrap_or_else(|p| panic!("{p}"))
}

/// One site judged against a `{township}` regex: compiled for the site's township, or
/// taken from the item once its township has been seen.
#[divan::bench]
fn evaluate_one_site_regex_sign(bencher: divan::Bencher) {
    let checklists = vec![township_with_regex_sign()];
    let (header, rows) = rows(&checklists[0]);
    let wide = Wide::from_header(&header, &checklists).unwrap_or_else(|e| panic!("{e:?}"));
    let records: Vec<_> = rows
        .iter()
        .filter_map(|row| wide.record(row, 2, "bench", &checklists).ok())
        .collect();
    let mut i = 0;
    bencher.bench_local(|| {
        i = (i + 1) % records.len();
        evaluate(&checklists[0], &records[i]).score
    });
}
