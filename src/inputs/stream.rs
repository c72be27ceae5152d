//! Reading every site of a plan and handing each to a command's [`SiteWork`], on every core
//! for large CSV files: rows are cut into chunks ([`crate::record::chunks`]), each chunk is
//! read and judged on a worker thread into a part, and parts are put back in file order
//! before the command sees them, so output is the same byte for byte whatever the threads.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::panic::AssertUnwindSafe;
use std::path::Path;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};

use anyhow::{Result, anyhow, bail};
use csv::{ByteRecord, StringRecord};

use super::{Incoming, Plan, ReadOptions, WideRows, long_records, read_text, row_text};
use crate::checklist::Checklist;
use crate::record;
use crate::record::cells::{Cells, Line};
use crate::record::chunks::{
    Chunk, ChunkRows, Chunker, Irregular, PlainRows, QuotedRows, RowSpans,
};
use crate::record::sheet::{self, Encoding, FileFormat, check_row_limits};
use crate::record::table::{self, QuickRead};

/// Where a site was read: the index of its file in the plan, and its row (0 for TOML files
/// and the long layout).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct At {
    /// Index into [`Plan::files`].
    pub file: usize,
    /// The 1-based line of the row, 0 when there is none.
    pub row: usize,
}

/// What a command does with each site. Sites are judged into parts, on worker threads for
/// large files; the parts come back to the command in file order.
pub trait SiteWork: Sync {
    /// What the sites of one chunk of rows leave behind (output, counts).
    type Part: Send;
    /// An empty part.
    fn part(&self) -> Self::Part;
    /// Takes one site into `part`. An error stops the run after the sites before it.
    fn site(&self, site: Incoming<'_>, at: At, part: &mut Self::Part) -> Result<()>;
    /// A record (a file, or a row of a sheet) that could not be read, at `at`. By default
    /// the error stops the run; a command that judges every record it can keeps it in
    /// `part` and returns `Ok`, and the reading goes on with the next record.
    fn unread(&self, error: anyhow::Error, at: At, part: &mut Self::Part) -> Result<()> {
        let _ = (at, part);
        Err(error)
    }
}

/// Marks an error that must stop the run — the work's own (judging a site, merging a
/// part) rather than a record's that could not be read. Its text is empty, so an error's
/// one-line form is unchanged.
#[derive(Debug)]
struct Fatal;

impl std::fmt::Display for Fatal {
    fn fmt(&self, _: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        Ok(())
    }
}

/// Bytes per chunk: large enough that handing chunks between threads costs nothing, small
/// enough that a few in flight per thread keep memory flat.
const CHUNK_BYTES: usize = 1024 * 1024;
/// The longest row read: far beyond any form, and a bound on memory when a quote is left
/// open.
const MAX_ROW_BYTES: usize = 64 * 1024 * 1024;
/// Chunks in flight per worker.
const IN_FLIGHT_PER_WORKER: usize = 3;
/// Sites of TOML files and of the long layout per part.
const SITES_PER_PART: usize = 4096;

/// The chunk size, which tests may lower (`YANSHOU_CHUNK_BYTES`) to cut small files into
/// many chunks.
fn chunk_bytes() -> usize {
    std::env::var("YANSHOU_CHUNK_BYTES")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .filter(|&n| n > 0)
        .unwrap_or(CHUNK_BYTES)
}

/// Worker threads for a file of `size` bytes: none (the calling thread does the work)
/// for files of one chunk, else one per core, at most eight; `YANSHOU_THREADS` overrides
/// (for benchmarks and tests).
fn workers_for(size: u64, chunk: usize) -> usize {
    if let Some(n) = std::env::var("YANSHOU_THREADS")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
    {
        return n.min(64);
    }
    if size <= chunk as u64 {
        return 0;
    }
    std::thread::available_parallelism().map_or(1, |n| n.get().min(8))
}

/// A part with what the reader itself needs back: ids for the duplicate check, the sites
/// counted, and whether the chunk was cut at a row boundary.
struct Done<P> {
    seq: usize,
    job: usize,
    part: P,
    /// A hash of each site's id (ignoring case), in order.
    ids: Vec<u64>,
    sites: usize,
    /// Records of the part that could not be read (kept in the part by the work).
    unread: usize,
    error: Option<anyhow::Error>,
    aligned: bool,
}

/// A 64-bit hash of a site id, ignoring ASCII case (ids are ASCII): FNV-1a, then the
/// splitmix64 finaliser to spread it over all bits.
fn id_hash(id: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in id.bytes() {
        h ^= u64::from(b.to_ascii_lowercase());
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h ^= h >> 30;
    h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h ^= h >> 27;
    h = h.wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^ (h >> 31)
}

/// A blocked Bloom filter of id hashes: 8 MiB whatever the number of sites. Each id sets
/// seven bits within one 512-bit block, so a lookup touches one cache line, not seven. At
/// 600,000 sites a false "seen before" is about a one-in-a-million event; at ten million it
/// is common, and costs only the confirming second read.
struct Bloom {
    /// The blocks, eight words each, from `start`, where a cache line starts.
    words: Vec<u64>,
    start: usize,
}

impl Bloom {
    const BLOCKS: usize = 1 << 17;
    const HASHES: u32 = 7;

    fn new() -> Bloom {
        // Zeroed words, which the system hands over untouched until they are written: a
        // campaign of a few dozen sites does not pay for clearing 8 MiB. One line more, to
        // start the blocks on a line.
        let words = vec![0u64; (Self::BLOCKS + 1) * 8];
        let start = (words.as_ptr() as usize).wrapping_neg() % 64 / 8;
        Bloom { words, start }
    }

    /// Where the block of `hash` starts in `words`.
    fn block(&self, hash: u64) -> usize {
        self.start + (hash % Self::BLOCKS as u64) as usize * 8
    }

    /// Adds the hashes of a run of sites, calling `repeat` with each one whose bits were
    /// all set already. The filter is far larger than the caches, so each insert waits for
    /// memory: the blocks of a batch are read first, in a loop whose loads can all be in
    /// flight at once, and the inserts then find them cached.
    fn insert_all(&mut self, hashes: &[u64], mut repeat: impl FnMut(u64)) {
        for batch in hashes.chunks(32) {
            let touched = batch
                .iter()
                .fold(0u64, |sum, &hash| sum ^ self.words[self.block(hash)]);
            std::hint::black_box(touched);
            for &hash in batch {
                if self.insert(hash) {
                    repeat(hash);
                }
            }
        }
    }

    /// Adds an id's hash; true when every bit was already set (it may have been seen).
    fn insert(&mut self, hash: u64) -> bool {
        let at = self.block(hash);
        let block = &mut self.words[at..at + 8];
        // Seven 9-bit positions within the block from the rest of the hash.
        let mut bits = (hash / Self::BLOCKS as u64) | (hash << 40);
        let mut all_set = true;
        for _ in 0..Self::HASHES {
            let bit = (bits & 511) as usize;
            bits = bits.rotate_right(9);
            let (word, mask) = (bit / 64, 1u64 << (bit % 64));
            all_set &= block[word] & mask != 0;
            block[word] |= mask;
        }
        all_set
    }
}

/// Collects the sites whose id may repeat, for the confirming second read.
struct Duplicates<'a> {
    candidates: &'a HashSet<u64>,
}

impl SiteWork for Duplicates<'_> {
    type Part = Vec<(String, String, At)>;
    fn part(&self) -> Self::Part {
        Vec::new()
    }
    fn site(&self, site: Incoming<'_>, at: At, part: &mut Self::Part) -> Result<()> {
        let id = &site.record().id;
        if self.candidates.contains(&id_hash(id)) {
            part.push((id.to_ascii_lowercase(), id.clone(), at));
        }
        Ok(())
    }
    /// The first read already told the work about every record it could not read.
    fn unread(&self, _: anyhow::Error, _: At, _: &mut Self::Part) -> Result<()> {
        Ok(())
    }
}

impl Plan {
    /// Reads every record and hands each to `work`, then each part, in file order, to
    /// `merge`: TOML records first, by kind then id, then the rows of spreadsheets in file
    /// order. A site id used twice is an error naming both places.
    ///
    /// Ids are remembered in a fixed-size Bloom filter, so memory stays flat whatever the
    /// number of sites; only when the filter says an id may repeat is the input read a
    /// second time, keeping just those ids, to confirm and locate the duplicate.
    pub fn for_each_part<W: SiteWork>(
        &self,
        options: &ReadOptions<'_>,
        work: &W,
        mut merge: impl FnMut(W::Part) -> Result<()>,
    ) -> Result<()> {
        if options.repeated_ids {
            return self.read(options, work, &mut |done: Done<W::Part>| merge(done.part));
        }
        let mut seen = Bloom::new();
        let mut candidates: HashSet<u64> = HashSet::new();
        self.read(options, work, &mut |done: Done<W::Part>| {
            seen.insert_all(&done.ids, |hash| {
                candidates.insert(hash);
            });
            merge(done.part)
        })?;
        if candidates.is_empty() {
            return Ok(());
        }
        let quiet = ReadOptions {
            progress: false,
            ..options.clone()
        };
        let mut first: HashMap<String, At> = HashMap::new();
        self.read(
            &quiet,
            &Duplicates {
                candidates: &candidates,
            },
            &mut |done| {
                for (folded, id, at) in done.part {
                    if let Some(before) = first.get(&folded) {
                        let (here, there) = (self.place(at), self.place(*before));
                        bail!(crate::tr!(
                            "{here}：站点编号“{id}”已被 {there} 使用（编号不区分大小写）：每个站点须有自己的编号",
                            "{here}: site id \"{id}\" is already used by {there} (ids are compared ignoring case): give each site its own id"
                        ));
                    }
                    first.insert(folded, at);
                }
                Ok(())
            },
        )
    }

    /// A record's place for messages: the file, and the row for spreadsheets.
    fn place(&self, at: At) -> String {
        let path = self
            .files
            .get(at.file)
            .map(|(p, _)| p.display().to_string())
            .unwrap_or_default();
        if at.row == 0 {
            path
        } else {
            format!("{path}:{}", at.row)
        }
    }

    /// Reads every file, handing each finished part to `merge` in order.
    fn read<W: SiteWork>(
        &self,
        options: &ReadOptions<'_>,
        work: &W,
        merge: &mut dyn FnMut(Done<W::Part>) -> Result<()>,
    ) -> Result<()> {
        // What merging a part says stops the run, whatever file it happens in.
        let merge = &mut |done: Done<W::Part>| merge(done).map_err(|e| e.context(Fatal));
        let mut records = Vec::new();
        let mut unreadable = Batch::new(work);
        for (index, (file, format)) in self.files.iter().enumerate() {
            if *format != FileFormat::Toml {
                continue;
            }
            let origin = file.display().to_string();
            let read = read_text(file).and_then(|text| {
                record::toml::read(&text, &origin, &self.checklists)
                    .map_err(|p| anyhow!(p.with_path(&origin)))
            });
            let read = read.and_then(|record| {
                super::judgeable(&record, &self.checklists, || origin.clone()).map(|()| record)
            });
            match read {
                Ok(record) => records.push((index, record)),
                Err(e) => unreadable.unread(
                    e,
                    At {
                        file: index,
                        row: 0,
                    },
                ),
            }
        }
        unreadable.flush(merge)?;
        records.sort_by_cached_key(|(_, r)| {
            let kind = self.checklists.iter().position(|c| c.site_kind == r.kind);
            (kind, r.id.clone())
        });
        let mut batch = Batch::new(work);
        for (index, record) in records {
            batch.add(
                Incoming::full(record),
                At {
                    file: index,
                    row: 0,
                },
            );
            batch.flush_if_full(merge)?;
        }
        batch.flush(merge)?;
        for (index, (file, format)) in self.files.iter().enumerate() {
            let origin = file.display().to_string();
            let bar = super::progress_bar(file, *format, options.progress);
            match format {
                FileFormat::Toml => continue,
                FileFormat::Csv => {
                    let read =
                        sheet::open_csv_text(file, bar.as_ref()).and_then(|(text, encoding)| {
                            let size = std::fs::metadata(file).map_or(0, |m| m.len());
                            let source = CsvSource {
                                origin: &origin,
                                file: index,
                                encoding,
                                checklists: &self.checklists,
                                fast: options.fast,
                            };
                            let chunk = chunk_bytes();
                            source.read(text, chunk, workers_for(size, chunk), work, merge)
                        });
                    self.unreadable_file(read, index, work, merge)?;
                }
                FileFormat::Xlsx => {
                    let mut batch = Batch::new(work);
                    let read = sheet::open_file(file).and_then(|workbook| {
                        super::read_sheet(
                            workbook,
                            options.sheet,
                            &origin,
                            &self.checklists,
                            options.fast,
                            &mut |incoming, row| {
                                let at = At { file: index, row };
                                match incoming {
                                    Ok(site) => batch.add(site, at),
                                    Err(error) => batch.unread(error, at),
                                }
                                batch.flush_if_full(merge)
                            },
                        )
                    });
                    batch.flush(merge)?;
                    self.unreadable_file(read.map(|_| ()), index, work, merge)?;
                }
            }
            if let Some(bar) = bar {
                bar.finish_and_clear();
            }
        }
        Ok(())
    }
}

impl Plan {
    /// A file that could not be read (or read to its end) is one unread record, at its row
    /// 0: the work may keep it and go on with the next file.
    fn unreadable_file<W: SiteWork>(
        &self,
        read: Result<()>,
        file: usize,
        work: &W,
        merge: &mut dyn FnMut(Done<W::Part>) -> Result<()>,
    ) -> Result<()> {
        let Err(error) = read else {
            return Ok(());
        };
        if error.downcast_ref::<Fatal>().is_some() {
            return Err(error);
        }
        let mut batch = Batch::new(work);
        batch.unread(error, At { file, row: 0 });
        batch.flush(merge)
    }
}

/// Sites judged on the calling thread, handed on every [`SITES_PER_PART`].
struct Batch<'w, W: SiteWork> {
    work: &'w W,
    done: Done<W::Part>,
}

impl<'w, W: SiteWork> Batch<'w, W> {
    fn new(work: &'w W) -> Self {
        Batch {
            work,
            done: empty_done(work, 0, 0),
        }
    }

    fn add(&mut self, site: Incoming<'_>, at: At) {
        if self.done.error.is_some() {
            return;
        }
        self.done.ids.push(id_hash(&site.record().id));
        self.done.sites += 1;
        if let Err(e) = self.work.site(site, at, &mut self.done.part) {
            self.done.error = Some(e.context(Fatal));
        }
    }

    /// A record that could not be read, handed to the work (which may stop the run).
    fn unread(&mut self, error: anyhow::Error, at: At) {
        if self.done.error.is_some() {
            return;
        }
        if let Err(e) = self.work.unread(error, at, &mut self.done.part) {
            self.done.error = Some(e.context(Fatal));
        }
        // The part must be handed on even without sites: it holds the error.
        self.done.unread += 1;
    }

    fn flush_if_full(&mut self, merge: &mut dyn FnMut(Done<W::Part>) -> Result<()>) -> Result<()> {
        if self.done.sites >= SITES_PER_PART || self.done.error.is_some() {
            self.flush(merge)?;
        }
        Ok(())
    }

    fn flush(&mut self, merge: &mut dyn FnMut(Done<W::Part>) -> Result<()>) -> Result<()> {
        let mut done = std::mem::replace(&mut self.done, empty_done(self.work, 0, 0));
        let error = done.error.take();
        if done.sites > 0 || done.unread > 0 {
            merge(done)?;
        }
        error.map_or(Ok(()), Err)
    }
}

fn empty_done<W: SiteWork>(work: &W, seq: usize, job: usize) -> Done<W::Part> {
    Done {
        seq,
        job,
        part: work.part(),
        ids: Vec::new(),
        sites: 0,
        unread: 0,
        error: None,
        aligned: true,
    }
}

/// One CSV file being read.
struct CsvSource<'a> {
    origin: &'a str,
    file: usize,
    encoding: Encoding,
    checklists: &'a [Checklist],
    fast: bool,
}

/// The workers as the reading thread sees them: where jobs go, where parts come back, and
/// how many chunks may be in flight.
type Pool<P> = (mpsc::SyncSender<Job>, mpsc::Receiver<Finished<P>>, usize);

/// A chunk's part, or the panic that stopped its worker.
type Finished<P> = std::thread::Result<Done<P>>;

/// A chunk of data rows to judge.
struct Job {
    seq: usize,
    id: usize,
    chunk: Arc<Chunk>,
    /// Whether the chunk's first row may be the optional row of Chinese titles.
    titles: bool,
}

impl CsvSource<'_> {
    fn path(&self) -> &Path {
        Path::new(self.origin)
    }

    fn chunk_error(&self, e: std::io::Error) -> anyhow::Error {
        sheet::read_error(e, self.encoding, self.path())
    }

    /// Reads the header, then every row: rows of the wide layout in parallel chunks, those
    /// of the long layout (which gathers a site from many rows) in order.
    fn read<W: SiteWork>(
        &self,
        text: Box<dyn std::io::Read>,
        chunk_size: usize,
        workers: usize,
        work: &W,
        merge: &mut dyn FnMut(Done<W::Part>) -> Result<()>,
    ) -> Result<()> {
        let mut chunker = Chunker::new(text, chunk_size, MAX_ROW_BYTES);
        let (header, rest) = self.header(&mut chunker)?;
        if table::is_long(&header) {
            return self.read_long(&header, rest, &mut chunker, work, merge);
        }
        let wide = table::Wide::from_header(&header, self.checklists)
            .map_err(|e| anyhow!(e.located(self.origin)))?;
        let mut sites = 0usize;
        let mut counted = |done: Done<W::Part>| {
            // A row that could not be read is a site all the same: its error is said, not
            // "no sites".
            sites += done.sites + done.unread;
            merge(done)
        };
        if workers == 0 {
            self.pipeline(&wide, rest, &mut chunker, work, &mut counted, None)?;
        } else {
            let (job_tx, job_rx) = mpsc::sync_channel::<Job>(workers * IN_FLIGHT_PER_WORKER);
            let (done_tx, done_rx) = mpsc::channel::<Finished<W::Part>>();
            let job_rx = Mutex::new(job_rx);
            std::thread::scope(|scope| -> Result<()> {
                for _ in 0..workers {
                    let (job_rx, done_tx, wide) = (&job_rx, done_tx.clone(), &wide);
                    scope.spawn(move || {
                        loop {
                            let job = job_rx.lock().unwrap_or_else(|e| e.into_inner()).recv();
                            let Ok(job) = job else { break };
                            // A panic (a bug) is handed to the reading thread, which
                            // would otherwise wait for this chunk for ever.
                            let judged = std::panic::catch_unwind(AssertUnwindSafe(|| {
                                self.judge_chunk(wide, &job, work)
                            }));
                            // Let go of the chunk before its part arrives, so that the
                            // reading thread can take its buffer back.
                            drop(job);
                            let stop = judged.is_err();
                            if done_tx.send(judged).is_err() || stop {
                                break;
                            }
                        }
                    });
                }
                drop(done_tx);
                // The job sender is dropped when the pipeline returns, ending the workers.
                self.pipeline(
                    &wide,
                    rest,
                    &mut chunker,
                    work,
                    &mut counted,
                    Some((job_tx, done_rx, workers * IN_FLIGHT_PER_WORKER)),
                )
            })?;
        }
        if sites == 0 {
            let origin = self.origin;
            bail!(crate::tr!(
                "{origin}：表格只有表头，没有站点：请每个站点填一行",
                "{origin}: the sheet has a header but no sites: fill in one row per site"
            ));
        }
        Ok(())
    }

    /// Reads the header row, and gives the data after it as the first chunk.
    fn header<R: std::io::Read>(
        &self,
        chunker: &mut Chunker<R>,
    ) -> Result<(StringRecord, Option<Chunk>)> {
        let mut chunk = match chunker.next_chunk().map_err(|e| self.chunk_error(e))? {
            Some(chunk) => chunk,
            None => bail!(no_header(self.origin)),
        };
        loop {
            let mut rows = ChunkRows::new(&chunk);
            let mut row = ByteRecord::new();
            let line = rows.next_row(&mut row);
            let end = rows.offset();
            // The header must end inside the data: if the cut fell inside it (a quoted line
            // break), or the chunk held only blank lines, read on.
            if let Some(line) = line
                && (chunk.last || end <= chunk.data().len())
            {
                check_row_limits(&row, line, self.origin)?;
                let mut header = row_text(&row, line, self.origin)?;
                if line == 1 && self.encoding == Encoding::Utf8Bom {
                    sheet::strip_bom(&mut header);
                }
                let breaks = chunk.data()[..end.min(chunk.data().len())]
                    .iter()
                    .filter(|&&b| b == b'\n')
                    .count();
                // The header is one row, however many lines its cells take.
                let rows = breaks - crate::record::chunks::breaks_inside(&row);
                let rest = chunk.rest(end, chunk.first_row + rows);
                return Ok((header, (!rest.is_empty()).then_some(rest)));
            }
            if chunk.last {
                bail!(no_header(self.origin));
            }
            match chunker.next_chunk().map_err(|e| self.chunk_error(e))? {
                Some(next) => chunk = chunk.joined(&next),
                None => bail!(no_header(self.origin)),
            }
        }
    }

    /// Rows of the long layout, gathered into sites once all are read.
    fn read_long<R: std::io::Read, W: SiteWork>(
        &self,
        header: &StringRecord,
        first: Option<Chunk>,
        chunker: &mut Chunker<R>,
        work: &W,
        merge: &mut dyn FnMut(Done<W::Part>) -> Result<()>,
    ) -> Result<()> {
        let mut long =
            table::Long::from_header(header).map_err(|e| anyhow!(e.located(self.origin)))?;
        let mut pending = first;
        let mut row = ByteRecord::new();
        loop {
            let chunk = match pending.take() {
                Some(chunk) => chunk,
                None => match chunker.next_chunk().map_err(|e| self.chunk_error(e))? {
                    Some(chunk) => chunk,
                    None => break,
                },
            };
            let mut rows = ChunkRows::new(&chunk);
            let mut got = Vec::new();
            while let Some(line) = rows.next_row(&mut row) {
                got.push((line, row.clone()));
            }
            if !rows.aligned() {
                chunker.recount(&chunk);
                let next = chunker
                    .next_chunk()
                    .map_err(|e| self.chunk_error(e))?
                    .ok_or_else(|| anyhow!(ends_inside_row(self.origin)))?;
                pending = Some(chunk.joined(&next));
                continue;
            }
            for (line, bytes) in got {
                check_row_limits(&bytes, line, self.origin)?;
                let text = row_text(&bytes, line, self.origin)?;
                long.push(&text, line)
                    .map_err(|e| anyhow!(e.located(self.origin)))?;
            }
        }
        let records = long_records(long, self.origin, self.checklists)?;
        let mut batch = Batch::new(work);
        for record in records {
            batch.add(
                Incoming::full(record),
                At {
                    file: self.file,
                    row: 0,
                },
            );
            batch.flush_if_full(merge)?;
        }
        batch.flush(merge)
    }

    /// Feeds chunks to the workers (or judges them here when there are none) and hands
    /// their parts on in order. A chunk found cut inside a row is joined to the next and
    /// judged again; the parts of both are dropped.
    fn pipeline<R: std::io::Read, W: SiteWork>(
        &self,
        wide: &table::Wide,
        first: Option<Chunk>,
        chunker: &mut Chunker<R>,
        work: &W,
        merge: &mut dyn FnMut(Done<W::Part>) -> Result<()>,
        pool: Option<Pool<W::Part>>,
    ) -> Result<()> {
        let limit = pool.as_ref().map_or(1, |(_, _, limit)| *limit);
        // Chunks read and not yet merged, by sequence number, with their current job.
        let mut chunks: BTreeMap<usize, (Arc<Chunk>, usize, bool)> = BTreeMap::new();
        let mut finished: BTreeMap<usize, Done<W::Part>> = BTreeMap::new();
        let mut inline: VecDeque<Done<W::Part>> = VecDeque::new();
        let (mut next_seq, mut next_job, mut merge_seq) = (0usize, 0usize, 0usize);
        let mut first = first;
        let mut input_done = false;
        let mut titles = true;
        let submit = |job: Job, inline: &mut VecDeque<Done<W::Part>>| -> Result<()> {
            match &pool {
                Some((tx, _, _)) => tx
                    .send(job)
                    .map_err(|_| anyhow!("{}: a worker thread stopped", self.origin)),
                None => {
                    inline.push_back(self.judge_chunk(wide, &job, work));
                    Ok(())
                }
            }
        };
        loop {
            while !input_done && chunks.len() < limit {
                let chunk = match first.take() {
                    Some(chunk) => Some(chunk),
                    None => chunker.next_chunk().map_err(|e| self.chunk_error(e))?,
                };
                let Some(chunk) = chunk else {
                    input_done = true;
                    break;
                };
                let chunk = Arc::new(chunk);
                chunks.insert(next_seq, (chunk.clone(), next_job, titles));
                submit(
                    Job {
                        seq: next_seq,
                        id: next_job,
                        chunk,
                        titles,
                    },
                    &mut inline,
                )?;
                titles = false;
                next_seq += 1;
                next_job += 1;
            }
            if let Some(done) = finished.remove(&merge_seq) {
                if done.aligned {
                    // Its worker has let go of the chunk, so its buffer can be read into again.
                    if let Some((chunk, _, _)) = chunks.remove(&merge_seq)
                        && let Ok(chunk) = Arc::try_unwrap(chunk)
                    {
                        chunker.recycle(chunk);
                    }
                    merge_seq += 1;
                    let error = done.error.map(Err).unwrap_or(Ok(()));
                    merge(Done {
                        error: None,
                        ..done
                    })?;
                    error?;
                    continue;
                }
                // Cut inside a row: join this chunk to the next and judge the two again.
                let (chunk, _, titles) = chunks
                    .remove(&merge_seq)
                    .ok_or_else(|| anyhow!("{}: lost a chunk", self.origin))?;
                chunker.recount(&chunk);
                if chunk.data().len() > MAX_ROW_BYTES {
                    let (origin, line, max) =
                        (self.origin, chunk.first_row, MAX_ROW_BYTES / (1024 * 1024));
                    bail!(crate::tr!(
                        "{origin}:{line}：这一行超过 {max} MiB：是不是有引号（\"）没有闭合？",
                        "{origin}:{line}: a row longer than {max} MiB: is a quote (\") left open?"
                    ));
                }
                if !chunks.contains_key(&(merge_seq + 1)) {
                    let next = chunker
                        .next_chunk()
                        .map_err(|e| self.chunk_error(e))?
                        .ok_or_else(|| anyhow!(ends_inside_row(self.origin)))?;
                    chunks.insert(next_seq, (Arc::new(next), usize::MAX, false));
                    next_seq += 1;
                }
                merge_seq += 1;
                let entry = chunks
                    .get_mut(&merge_seq)
                    .ok_or_else(|| anyhow!("{}: lost a chunk", self.origin))?;
                let joined = Arc::new(chunk.joined(&entry.0));
                *entry = (joined.clone(), next_job, titles);
                finished.remove(&merge_seq);
                submit(
                    Job {
                        seq: merge_seq,
                        id: next_job,
                        chunk: joined,
                        titles,
                    },
                    &mut inline,
                )?;
                next_job += 1;
                continue;
            }
            if chunks.is_empty() {
                return Ok(());
            }
            let done = match &pool {
                Some((_, rx, _)) => match rx
                    .recv()
                    .map_err(|_| anyhow!("{}: a worker thread stopped", self.origin))?
                {
                    Ok(done) => done,
                    Err(panic) => std::panic::resume_unwind(panic),
                },
                None => inline
                    .pop_front()
                    .ok_or_else(|| anyhow!("{}: lost a chunk", self.origin))?,
            };
            // A part of a chunk since joined to the one before is stale.
            if chunks
                .get(&done.seq)
                .is_some_and(|(_, job, _)| *job == done.job)
            {
                finished.insert(done.seq, done);
            }
        }
    }

    /// Judges the rows of one chunk. A row's error ends the judging, but the chunk is still
    /// read to its end, to know whether the row (and so the error) is real.
    fn judge_chunk<W: SiteWork>(&self, wide: &table::Wide, job: &Job, work: &W) -> Done<W::Part> {
        let fresh = || Judging {
            rows: WideRows {
                wide,
                origin: self.origin,
                checklists: self.checklists,
                fast: self.fast,
            },
            file: self.file,
            first: job.titles,
            quick: QuickRead::new(self.origin),
            done: empty_done(work, job.seq, job.id),
        };
        let mut judging = fresh();
        if let Some(mut rows) = PlainRows::new(&job.chunk) {
            let mut ends = Vec::new();
            while let Some((line, text, ends)) = rows.next_row(&mut ends) {
                if !judging.row(&Line::new(text, ends), line, work) {
                    break;
                }
            }
            judging.done.aligned = true;
            return judging.done;
        }
        if let Some(mut rows) = QuotedRows::new(&job.chunk) {
            let mut spans = RowSpans::default();
            let mut judged = true;
            loop {
                match rows.next_row(&mut spans) {
                    // After a row that stopped the judging, the rest is still read, to
                    // know whether the cut (and so the error) is real.
                    Ok(Some((line, cells))) => judged = judged && judging.row(&cells, line, work),
                    Ok(None) => {
                        judging.done.aligned = rows.aligned();
                        return judging.done;
                    }
                    // A quote the parser reads its own way: it reads the chunk from the
                    // start, and what was judged so far is dropped.
                    Err(Irregular) => break,
                }
            }
            judging = fresh();
        }
        let mut rows = ChunkRows::new(&job.chunk);
        let mut row = ByteRecord::new();
        while let Some(line) = rows.next_row(&mut row) {
            if !judging.row(&row, line, work) {
                break;
            }
        }
        judging.done.aligned = rows.aligned();
        judging.done
    }
}

/// One chunk's rows being judged, on a worker thread.
struct Judging<'a, P> {
    rows: WideRows<'a>,
    file: usize,
    /// Whether the next row may be the row of Chinese titles.
    first: bool,
    /// What the fast path reads rows into, reused.
    quick: QuickRead,
    done: Done<P>,
}

impl<P> Judging<'_, P> {
    /// Judges one row; `false` once a row has failed (the error is kept in `done`).
    fn row<W: SiteWork<Part = P>>(&mut self, row: &impl Cells, line: usize, work: &W) -> bool {
        let origin = self.rows.origin;
        let first = std::mem::take(&mut self.first);
        let done = &mut self.done;
        let at = At {
            file: self.file,
            row: line,
        };
        let read = check_row_limits(row, line, origin)
            .and_then(|()| self.rows.site(row, line, first, &mut self.quick));
        let judged = match read {
            Ok(Some(site)) => {
                done.sites += 1;
                done.ids.push(id_hash(&site.record().id));
                work.site(site, at, &mut done.part)
                    .map_err(|e| e.context(Fatal))
            }
            Ok(None) => Ok(()),
            // A row that cannot be read is the work's to keep or to stop at.
            Err(e) => {
                done.unread += 1;
                work.unread(e, at, &mut done.part)
                    .map_err(|e| e.context(Fatal))
            }
        };
        match judged {
            Ok(()) => true,
            Err(e) => {
                done.error = Some(e);
                false
            }
        }
    }
}

/// Reads CSV bytes as the commands read a CSV file, in chunks of `chunk` bytes on this
/// thread, judging nothing; gives the records read (the first bad row stops the reading).
/// For the fuzz targets and tests.
pub fn read_csv_bytes(
    bytes: &[u8],
    label: &str,
    checklists: &[Checklist],
    fast: bool,
    chunk: usize,
) -> Result<Vec<record::Record>> {
    struct Collect;
    impl SiteWork for Collect {
        type Part = Vec<record::Record>;
        fn part(&self) -> Vec<record::Record> {
            Vec::new()
        }
        fn site(&self, site: Incoming<'_>, _: At, part: &mut Vec<record::Record>) -> Result<()> {
            part.push(site.into_record());
            Ok(())
        }
    }
    csv_bytes(bytes, label, checklists, fast, chunk, &Collect)
}

/// A site of [`judge_csv_bytes`]: what every command agrees on, whichever path read it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Judged {
    /// The site id.
    pub id: String,
    /// Its score.
    pub score: crate::audit::Score,
    /// Its verdict (before waivers: bytes alone carry none).
    pub verdict: crate::audit::Verdict,
}

/// Reads CSV bytes as [`read_csv_bytes`] does and judges each site as `check` and `rank`
/// judge it: a row the fast path takes from what did not pass at a glance, any other in
/// full. The fast and the full reading must give the same (the fuzz target `record_csv`
/// holds them to it).
pub fn judge_csv_bytes(
    bytes: &[u8],
    label: &str,
    checklists: &[Checklist],
    fast: bool,
    chunk: usize,
) -> Result<Vec<Judged>> {
    struct Judge<'c>(&'c [Checklist]);
    impl SiteWork for Judge<'_> {
        type Part = Vec<Judged>;
        fn part(&self) -> Vec<Judged> {
            Vec::new()
        }
        fn site(&self, site: Incoming<'_>, _: At, part: &mut Vec<Judged>) -> Result<()> {
            let checklist = super::checklist_of(self.0, site.record())?;
            let judged = crate::audit::evaluate(checklist, site.reading());
            part.push(Judged {
                id: judged.record.id.clone(),
                score: judged.score,
                verdict: judged.verdict,
            });
            Ok(())
        }
    }
    csv_bytes(bytes, label, checklists, fast, chunk, &Judge(checklists))
}

/// CSV bytes read on this thread in chunks of `chunk` bytes, each site handed to `work`;
/// the parts in file order.
fn csv_bytes<W: SiteWork>(
    bytes: &[u8],
    label: &str,
    checklists: &[Checklist],
    fast: bool,
    chunk: usize,
    work: &W,
) -> Result<Vec<<W::Part as IntoIterator>::Item>>
where
    W::Part: IntoIterator,
{
    let split = bytes.len().min(64 * 1024);
    let (text, encoding) = sheet::csv_text(
        bytes[..split].to_vec(),
        Box::new(std::io::Cursor::new(bytes[split..].to_vec())),
        label,
    )?;
    let source = CsvSource {
        origin: label,
        file: 0,
        encoding,
        checklists,
        fast,
    };
    let mut all = Vec::new();
    source.read(text, chunk, 0, work, &mut |done| {
        all.extend(done.part);
        Ok(())
    })?;
    Ok(all)
}

/// "… the file ends inside a row".
fn ends_inside_row(origin: &str) -> String {
    crate::tr!(
        "{origin}：文件在一行的中间结束",
        "{origin}: the file ends inside a row"
    )
}

/// "… the file has no header row".
fn no_header(origin: &str) -> String {
    crate::tr!(
        "{origin}：文件没有表头行",
        "{origin}: the file has no header row"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_hashes_ignore_case_and_spread() {
        assert_eq!(id_hash("Wenliu"), id_hash("wenliu"));
        assert_ne!(id_hash("wenliu"), id_hash("wenliu2"));
        let mut bloom = Bloom::new();
        let repeats = (0..100_000)
            .filter(|i| bloom.insert(id_hash(&format!("s{i:07}"))))
            .count();
        assert!(repeats < 5, "{repeats} false repeats in 100,000 ids");
        assert!(bloom.insert(id_hash("s0000042")));
    }

    #[test]
    fn a_batch_reports_the_repeats_one_by_one_inserts_report() {
        // Repeats within a batch of 32, across batches, and across calls.
        let hashes: Vec<u64> = (0..200u64)
            .map(|i| id_hash(&format!("s{}", i % 150)))
            .collect();
        let (mut one, mut batch) = (Bloom::new(), Bloom::new());
        let by_one: Vec<u64> = hashes.iter().copied().filter(|&h| one.insert(h)).collect();
        let mut by_batch = Vec::new();
        batch.insert_all(&hashes[..70], |h| by_batch.push(h));
        batch.insert_all(&hashes[70..], |h| by_batch.push(h));
        assert_eq!(by_batch, by_one);
        assert_eq!(by_one.len(), 50);
    }
}
