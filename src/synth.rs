//! Synthetic inspection data: deterministic, realistic-looking records for demos,
//! training and benchmarks. The same seed gives the same rows on every machine and with
//! every version of the dependencies, which is why the generator is a fixed splitmix64
//! here rather than a library RNG whose streams may change between releases.

use crate::checklist::{Checklist, Kind, Value};
use crate::record::value::format_value;

/// splitmix64: small, fast and fully specified, so a seed means the same data forever.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator for `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    /// True with probability `per_mille / 1000`.
    pub fn chance(&mut self, per_mille: u64) -> bool {
        self.below(1000) < per_mille
    }
}

/// Township names to build synthetic sites from (Puyang's twenty, reused with numbers).
const TOWNSHIPS: &[&str] = &[
    "城关镇",
    "柳屯镇",
    "文留镇",
    "庆祖镇",
    "八公桥镇",
    "徐镇镇",
    "户部寨镇",
    "鲁河镇",
    "子岸镇",
    "胡状镇",
    "王称堌镇",
    "梁庄镇",
    "清河头乡",
    "白堽乡",
    "梨园乡",
    "五星乡",
    "郎中乡",
    "海通乡",
    "渠村乡",
    "习城乡",
];
const INSPECTORS: &[&str] = &[
    "王建国",
    "李秀兰",
    "张志强",
    "刘海燕",
    "陈立新",
    "赵红梅",
    "杨振华",
    "孙丽娟",
];

/// How a synthetic site is built: most pass, some miss near a bound, a few are incomplete.
#[derive(Clone, Copy, Debug)]
struct Profile {
    /// Per mille of items that fail when the site is a failing one.
    fail: u64,
    /// Whether some mandatory items are left unrecorded.
    gaps: bool,
}

/// One synthetic site as wide-layout cells under `header` (see `record::write::wide_header`).
pub fn site_row(
    rng: &mut Rng,
    index: u64,
    checklist: &Checklist,
    header: &[String],
) -> Vec<String> {
    let township_base = TOWNSHIPS[rng.below(TOWNSHIPS.len() as u64) as usize];
    // A per-site number keeps names distinct, as real counties' sites are.
    let township = format!(
        "{}{}",
        township_base.trim_end_matches(['镇', '乡']),
        index / 50 + 1
    ) + if township_base.ends_with('乡') {
        "乡"
    } else {
        "镇"
    };
    let village = (checklist.site_kind == "village").then(|| format!("第{}村", index % 50 + 1));
    let name = match &village {
        Some(v) => format!("{township}{v}便民服务站"),
        None => format!("{township}便民服务中心"),
    };
    let roll = rng.below(1000);
    let profile = match roll {
        0..=599 => Profile {
            fail: 0,
            gaps: false,
        },
        600..=929 => Profile {
            fail: 40,
            gaps: false,
        },
        _ => Profile {
            fail: 20,
            gaps: true,
        },
    };
    let day = 28 + rng.below(22) as i8; // 28 May .. 18 June
    let date = if day <= 31 {
        format!("2020-05-{day:02}")
    } else {
        format!("2020-06-{:02}", day - 31)
    };
    let first = rng.below(INSPECTORS.len() as u64) as usize;
    let second = (first + 1 + rng.below(INSPECTORS.len() as u64 - 1) as usize) % INSPECTORS.len();
    let mut values: Vec<(String, String)> = Vec::with_capacity(checklist.items.len());
    let mut windows = 1i64;
    for item in &checklist.items {
        let failing = rng.chance(profile.fail);
        if profile.gaps && rng.chance(60) {
            continue;
        }
        let value = match &item.kind {
            Kind::Number(n) => {
                let min = n.min.unwrap_or(0.0);
                let v = if failing {
                    // near misses: just under the bound
                    min - 0.5 * (1 + rng.below(6)) as f64
                } else if rng.chance(30) {
                    min
                } else {
                    min + (rng.below(800) as f64) / 10.0
                };
                Value::Number(v.max(0.0))
            }
            Kind::Count(c) => {
                let lo = c.min.unwrap_or(0);
                let hi = c.max.unwrap_or(lo + 3);
                let v = if failing {
                    hi + 1
                } else {
                    lo + rng.below((hi - lo + 1) as u64) as i64
                };
                windows = v;
                Value::Count(v)
            }
            Kind::YesNo(y) => Value::Bool(if failing { !y.expect } else { y.expect }),
            Kind::Includes(inc) => {
                let mut found: Vec<String> = inc.members().to_vec();
                if failing || item.severity == crate::checklist::Severity::Advisory {
                    let drop = 1 + rng.below(2) as usize;
                    for _ in 0..drop.min(found.len()) {
                        let i = rng.below(found.len() as u64) as usize;
                        found.remove(i);
                    }
                }
                Value::Set(found)
            }
            Kind::Text(t) => {
                let right = t
                    .example
                    .as_deref()
                    .unwrap_or(&t.pattern)
                    .replace("{township}", &township)
                    .replace("{village}", village.as_deref().unwrap_or(""))
                    .replace("{name}", &name)
                    .trim_matches(['^', '$'])
                    .to_owned();
                Value::Text(if failing {
                    right.replace("便民服务中心", "政务服务中心")
                } else {
                    right
                })
            }
            Kind::Rule(r) => {
                let need = (r.factor * windows as f64).ceil() as i64;
                Value::Count(if failing {
                    (need - 1).max(0)
                } else {
                    need + rng.below(2) as i64
                })
            }
        };
        values.push((item.id.clone(), format_value(&item.kind, &value)));
    }
    header
        .iter()
        .map(|column| match column.as_str() {
            "id" => format!("s{index:07}"),
            "name" => name.clone(),
            "kind" => checklist.site_kind.clone(),
            "township" => township.clone(),
            "village" => village.clone().unwrap_or_default(),
            "inspected_on" => date.clone(),
            "inspectors" => format!("{}、{}", INSPECTORS[first], INSPECTORS[second]),
            other => values
                .iter()
                .find(|(id, _)| id == other)
                .map(|(_, v)| v.clone())
                .unwrap_or_default(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_numbers() {
        let a: Vec<u64> = {
            let mut r = Rng::new(7);
            (0..5).map(|_| r.next_u64()).collect()
        };
        let b: Vec<u64> = {
            let mut r = Rng::new(7);
            (0..5).map(|_| r.next_u64()).collect()
        };
        assert_eq!(a, b);
        // splitmix64's published first output for seed 0
        assert_eq!(Rng::new(0).next_u64(), 0xE220_A839_7B1D_CDAF);
    }
}
