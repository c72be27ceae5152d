//! The photos of a notice's failed items where an office expects them (issue #18 point 2):
//! the Word notice's attachment (附件：问题照片) with the photo's own bytes, the HTML notice's
//! attachment pointing at the report folder's copies, and the workbook's links to them.
#![allow(clippy::unwrap_used)] // test helpers: a panic is the failure report

mod common;

use std::fs;
use std::io::Read;
use std::path::Path;

use assert_cmd::Command;
use common::Scratch;

const EXAMPLE: &str = "examples/puyang-2020";
const AS_OF: &str = "2020-06-30";

fn report(out: &Path, formats: &str) {
    let output = Command::cargo_bin("yanshou")
        .unwrap()
        .arg("report")
        .arg(EXAMPLE)
        .args(["--as-of", AS_OF, "--format", formats])
        .arg("--out")
        .arg(out)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Every entry of a zip archive: name and bytes.
fn entries(path: &Path) -> Vec<(String, Vec<u8>)> {
    let mut zip = zip::ZipArchive::new(fs::File::open(path).unwrap()).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut entry = zip.by_index(i).unwrap();
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes).unwrap();
            (entry.name().to_owned(), bytes)
        })
        .collect()
}

fn entry(entries: &[(String, Vec<u8>)], name: &str) -> String {
    let (_, bytes) = entries.iter().find(|(n, _)| n == name).unwrap();
    String::from_utf8(bytes.clone()).unwrap()
}

/// The text of every paragraph of a document.xml.
fn paragraphs(xml: &str) -> Vec<String> {
    xml.split("<w:p ")
        .skip(1)
        .map(|p| {
            let p = &p[..p.find("</w:p>").unwrap_or(p.len())];
            p.split("<w:t xml:space=\"preserve\">")
                .skip(1)
                .map(|t| &t[..t.find("</w:t>").unwrap()])
                .collect::<String>()
        })
        .collect()
}

fn photo(path: &str) -> Vec<u8> {
    fs::read(Path::new(EXAMPLE).join(path)).unwrap()
}

#[test]
fn a_word_notice_carries_the_photos_of_its_failed_items_as_an_attachment() {
    let out = Scratch::new("report-photos", "docx");
    report(&out, "docx");
    // wenliu fails site.floor_area, which cites photos/wenliu/hall-01.png.
    let parts = entries(&out.join("docx/wenliu.docx"));
    let media: Vec<&(String, Vec<u8>)> = parts
        .iter()
        .filter(|(n, _)| n.starts_with("word/media/") && !n.ends_with('/'))
        .collect();
    assert_eq!(
        media.len(),
        1,
        "{:?}",
        parts.iter().map(|p| &p.0).collect::<Vec<_>>()
    );
    assert_eq!(media[0].0, "word/media/rIdImage1.png");
    assert_eq!(
        media[0].1,
        photo("photos/wenliu/hall-01.png"),
        "the photo's own bytes"
    );
    let rels = entry(&parts, "word/_rels/document.xml.rels");
    assert!(
        rels.contains(r#"Id="rIdImage1""#) && rels.contains(r#"Target="media/rIdImage1.png""#),
        "{rels}"
    );

    let xml = entry(&parts, "word/document.xml");
    assert_eq!(xml.matches("<w:drawing>").count(), 1);
    assert!(xml.contains(r#"<a:blip r:embed="rIdImage1" />"#));
    assert!(xml.contains(r#"<wp:docPr id="1" name="Picture 1" />"#));
    // 240 × 160 px fitted to 156 × 100 mm: 150 × 100 mm, in EMU.
    assert!(
        xml.contains(r#"<wp:extent cx="5400000" cy="3600000" />"#),
        "the photo's size"
    );
    let text = paragraphs(&xml);
    let at = |wanted: &str| {
        text.iter()
            .position(|p| p == wanted)
            .unwrap_or_else(|| panic!("no {wanted:?} in {text:#?}"))
    };
    // Announced under the text, before the signatures; the attachment after the date,
    // 附件 then its title, then the caption; the 版记 last.
    let line = at("附件：问题照片");
    assert_eq!(line, at("特此通知。") + 2, "a line under the text");
    let label = at("附件");
    assert!(label > at("2020年6月1日"));
    assert_eq!(at("问题照片"), label + 1);
    let caption = text
        .iter()
        .position(|p| {
            p.starts_with("图1　第1项 3.1.1 ")
                && p.ends_with("（site.floor_area）　photos/wenliu/hall-01.png")
        })
        .unwrap_or_else(|| panic!("{text:#?}"));
    assert!(caption > label);
    assert!(at("抄送：濮阳县人民政府办公室，各乡镇人民政府（办事处）。") > caption);
    // 附件 in 3号黑体 at the top of a new page.
    let style = xml
        .split("<w:pStyle w:val=\"AttachmentLabel\" />")
        .nth(1)
        .unwrap();
    assert!(style[..style.find("</w:pPr>").unwrap()].contains("<w:pageBreakBefore />"));
    assert!(xml.contains(r#"w:eastAsia="黑体""#));
    let fonts = entry(&parts, "word/fontTable.xml");
    assert!(fonts.contains(r#"<w:font w:name="黑体"><w:altName w:val="SimHei" />"#));

    // luhe fails only org.trainees, which cites a PDF scan: no photo, no attachment.
    let luhe = entries(&out.join("docx/luhe.docx"));
    assert!(luhe.iter().all(|(n, _)| !n.starts_with("word/media/")));
    let xml = entry(&luhe, "word/document.xml");
    assert!(!xml.contains("<w:drawing>"));
    let text = paragraphs(&xml);
    assert!(!text.iter().any(|p| p.starts_with("附件")), "{text:#?}");

    // The document of all notices holds each photo once, whatever cites it.
    let all = entries(&out.join("docx/all.docx"));
    let media: Vec<&Vec<u8>> = all
        .iter()
        .filter(|(n, _)| n.starts_with("word/media/") && !n.ends_with('/'))
        .map(|(_, b)| b)
        .collect();
    assert!(media.contains(&&photo("photos/wenliu/hall-01.png")));
    let xml = entry(&all, "word/document.xml");
    let drawings = xml.matches("<w:drawing>").count();
    assert!(drawings >= 5, "{drawings}");
    for n in 1..=drawings {
        assert_eq!(
            xml.matches(&format!(r#"<wp:docPr id="{n}" "#)).count(),
            1,
            "picture ids differ"
        );
    }
}

#[test]
fn an_html_notice_shows_the_report_folders_copies_with_captions() {
    let out = Scratch::new("report-photos", "html");
    report(&out, "html");
    let page = fs::read_to_string(out.join("html/notices/wenliu.html")).unwrap();
    let line = page
        .find("<p class=\"body attachment-line\">附件：问题照片</p>")
        .unwrap();
    let attachment = page.find("<div class=\"attachment\">").unwrap();
    assert!(line < page.find("<table class=\"sign\">").unwrap());
    assert!(page.find("<p class=\"date\">").unwrap() < attachment);
    assert!(
        attachment < page.find("<div class=\"record\">").unwrap(),
        "the 版记 last"
    );
    let figure = &page[attachment..];
    let src = figure.split("<img src=\"").nth(1).unwrap();
    let src = &src[..src.find('"').unwrap()];
    assert!(
        src.starts_with("../photos/") && src.ends_with(".png"),
        "{src}"
    );
    let copy = out.join("html/notices").join(src);
    assert_eq!(fs::read(&copy).unwrap(), photo("photos/wenliu/hall-01.png"));
    assert!(figure.contains(r#"style="width: 150.0mm; height: 100.0mm""#));
    assert!(figure.contains("（site.floor_area）　photos/wenliu/hall-01.png</figcaption>"));
    // The same copy as the site page's.
    let site = fs::read_to_string(out.join("html/sites/wenliu.html")).unwrap();
    assert!(site.contains(&format!("<img src=\"{src}\"")));
    // A notice whose items cite no photo has no attachment.
    let luhe = fs::read_to_string(out.join("html/notices/luhe.html")).unwrap();
    assert!(!luhe.contains("class=\"attachment") && !luhe.contains("<img "));
    assert!(!luhe.contains("<p class=\"body attachment-line\">"));
    // The printed notice puts the attachment on a page of its own.
    assert!(page.contains(".notice .attachment { break-before: page;"));
}

/// Every hyperlink target of a workbook's sheets: (sheet part, target, mode).
fn links(xlsx: &Path) -> Vec<(String, String, String)> {
    let parts = entries(xlsx);
    let mut out = Vec::new();
    for (name, bytes) in &parts {
        if !(name.starts_with("xl/worksheets/_rels/") && name.ends_with(".rels")) {
            continue;
        }
        let text = String::from_utf8_lossy(bytes);
        for rel in text.split("<Relationship ").skip(1) {
            if !rel.contains("/hyperlink\"") {
                continue;
            }
            let attr = |a: &str| {
                rel.split(&format!("{a}=\""))
                    .nth(1)
                    .map(|v| v[..v.find('"').unwrap()].to_owned())
                    .unwrap_or_default()
            };
            out.push((name.clone(), attr("Target"), attr("TargetMode")));
        }
    }
    out
}

#[test]
fn the_workbook_links_every_photo_to_its_copy_and_the_links_survive_a_move() {
    let out = Scratch::new("report-photos", "xlsx");
    // The workbook alone: the copies it links to are written with it.
    report(&out.join("a"), "xlsx");
    let moved = out.join("moved/elsewhere");
    fs::create_dir_all(moved.parent().unwrap()).unwrap();
    fs::rename(out.join("a"), &moved).unwrap();
    let links = links(&moved.join("report.xlsx"));
    assert!(!links.is_empty());
    for (_, target, mode) in &links {
        assert_eq!(mode, "External");
        assert!(target.starts_with("html/photos/"), "{target}");
        assert!(
            moved.join(target).is_file(),
            "{target} is in the moved folder"
        );
    }
    // The evidence sheet links every photo the records cite (one row each), and the
    // findings sheet links wenliu's site.floor_area to its photo.
    let wenliu = photo("photos/wenliu/hall-01.png");
    assert!(
        links
            .iter()
            .any(|(_, t, _)| fs::read(moved.join(t)).unwrap() == wenliu)
    );
    let sheets: std::collections::BTreeSet<&str> = links.iter().map(|(s, ..)| s.as_str()).collect();
    assert!(
        sheets.len() >= 3,
        "evidence, findings and site sheets: {sheets:?}"
    );
    let parts = entries(&moved.join("report.xlsx"));
    let book = entry(&parts, "xl/workbook.xml");
    assert!(book.contains(r#"<sheet name="佐证材料""#), "{book}");
    // The item citing two photos (chengguan site.floor_area) links to its rows instead.
    let internal = parts.iter().any(|(n, b)| {
        n.starts_with("xl/worksheets/sheet")
            && String::from_utf8_lossy(b).contains("location=\"'佐证材料'!A")
    });
    assert!(internal, "an internal link to the evidence sheet");
}

#[test]
fn photos_give_byte_identical_reports() {
    let out = Scratch::new("report-photos", "again");
    report(&out.join("1"), "html,xlsx,docx");
    report(&out.join("2"), "html,xlsx,docx");
    for file in [
        "docx/wenliu.docx",
        "docx/all.docx",
        "report.xlsx",
        "html/notices/wenliu.html",
    ] {
        assert_eq!(
            fs::read(out.join("1").join(file)).unwrap(),
            fs::read(out.join("2").join(file)).unwrap(),
            "{file}"
        );
    }
}
