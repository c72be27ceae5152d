//! The CSV form: the wide layout's two header rows and nothing else.
//!
//! The file starts with a UTF-8 byte-order mark because Excel on Chinese Windows opens a
//! CSV without one as GBK and shows the titles as mojibake; the record readers skip it.

use anyhow::Result;

use crate::checklist::Checklist;
use crate::lang::Lang;
use crate::output::BOM;

/// A blank CSV form for `checklist`: the header of site columns and item ids, then the
/// row of titles (site titles in Chinese, item titles in `lang`). CRLF line ends, as
/// Excel writes them.
pub fn form(checklist: &Checklist, lang: Lang) -> Result<Vec<u8>> {
    let header = super::header(checklist);
    let titles = super::titles(&[checklist], &header, lang);
    let mut out = BOM.to_vec();
    {
        let mut writer = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(&mut out);
        writer.write_record(&header)?;
        writer.write_record(&titles)?;
        writer.flush()?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checklist::builtin;

    #[test]
    fn two_rows_after_a_bom() {
        let c = Checklist::from_toml(builtin::text("puyang-2020/village").unwrap()).unwrap();
        let bytes = form(&c, Lang::Zh).unwrap();
        assert!(bytes.starts_with(BOM));
        let text = std::str::from_utf8(&bytes[BOM.len()..]).unwrap();
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(text.as_bytes());
        let rows: Vec<Vec<String>> = reader
            .records()
            .map(|r| r.unwrap().iter().map(str::to_owned).collect())
            .collect();
        assert_eq!(rows.len(), 2);
        assert_eq!(
            rows[0],
            [
                "id",
                "name",
                "kind",
                "township",
                "village",
                "inspected_on",
                "inspectors",
                "agent.dedicated",
                "agent.services"
            ]
        );
        assert_eq!(rows[1][0], "编号");
        assert_eq!(rows[1][7], "村级便民服务站设立专职“代办员”");
        assert!(text.ends_with("\r\n"));
    }
}
