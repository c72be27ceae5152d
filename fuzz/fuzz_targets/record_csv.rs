//! The CSV readers (encoding detection, GB18030 decoding, chunking, wide and long layouts,
//! typed cells, the fast path) never panic; any chunk size reads the same records, and the
//! fast path the same sites (and the observations it keeps) as the full reader, judged to
//! the same scores and verdicts.
#![no_main]
mod common;

use common::checklists;
use libfuzzer_sys::fuzz_target;


fuzz_target!(|data: &[u8]| {
    // The first byte picks the chunk size, so cuts fall everywhere.
    let Some((&size, data)) = data.split_first() else {
        return;
    };
    let read = |fast: bool, chunk: usize| {
        yanshou::inputs::read_csv_bytes(data, "fuzz.csv", checklists(), fast, chunk)
    };
    let full = read(false, 1 << 20);
    for (fast, chunk) in [(false, usize::from(size) + 1), (true, usize::from(size) + 1)] {
        match (&full, read(fast, chunk)) {
            (Ok(a), Ok(b)) if !fast => assert_eq!(a, &b, "chunk: {chunk}"),
            // The fast path keeps only the observations of items that did not pass at a
            // glance: the site fields and those must be the full reader's.
            (Ok(a), Ok(b)) => {
                assert_eq!(a.len(), b.len(), "chunk: {chunk}");
                for (whole, quick) in a.iter().zip(&b) {
                    let site = |r: &yanshou::record::Record| {
                        (r.id.clone(), r.name.clone(), r.kind.clone(), r.township.clone(),
                         r.village.clone(), r.inspected_on, r.inspectors.names().into_owned())
                    };
                    assert_eq!(site(whole), site(quick), "chunk: {chunk}");
                    for (id, observation) in &quick.observations {
                        assert_eq!(whole.observations.get(id), Some(observation), "{id}, chunk: {chunk}");
                    }
                }
            }
            // The same first error, wherever the cuts fall and whichever path reads.
            (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "fast: {fast}, chunk: {chunk}"),
            (a, b) => panic!("fast: {fast}, chunk: {chunk}: {a:?} against {b:?}"),
        }
    }
    // The fast and the plain reading judge every site alike: score and verdict.
    let judge = |fast: bool, chunk: usize| {
        yanshou::inputs::judge_csv_bytes(data, "fuzz.csv", checklists(), fast, chunk)
    };
    if let (Ok(plain), Ok(fast)) = (judge(false, 1 << 20), judge(true, usize::from(size) + 1)) {
        assert_eq!(plain, fast, "chunk: {}", usize::from(size) + 1);
    }
});
