//! The size of a photo, read from its file header, and the size it is printed at.
//!
//! A notice prints each photo as large as its box allows (the 156 mm text width, at most
//! 100 mm high), keeping its proportions. The width and height in pixels are all that is
//! needed, and PNG and JPEG state them in a few bytes of their headers; decoding the image
//! (an image crate) would buy nothing else here. Nothing here opens a file.

/// The kinds of image a Word document embeds as they are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// PNG.
    Png,
    /// JPEG (baseline or progressive).
    Jpeg,
}

impl Kind {
    /// The file extension the kind is stored under.
    pub fn extension(self) -> &'static str {
        match self {
            Kind::Png => "png",
            Kind::Jpeg => "jpg",
        }
    }
}

/// The kind and the width and height in pixels of a PNG or JPEG file; `None` for another
/// kind of file, or one whose header is cut short or states a zero size.
pub fn pixel_size(bytes: &[u8]) -> Option<(Kind, u32, u32)> {
    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n";
    let (kind, w, h) = if bytes.starts_with(PNG) {
        // The first chunk is IHDR: length, "IHDR", width, height (big-endian).
        if bytes.get(12..16)? != b"IHDR" {
            return None;
        }
        (Kind::Png, be32(bytes, 16)?, be32(bytes, 20)?)
    } else if bytes.starts_with(&[0xFF, 0xD8]) {
        let (w, h) = jpeg_size(bytes)?;
        (Kind::Jpeg, w, h)
    } else {
        return None;
    };
    (w > 0 && h > 0).then_some((kind, w, h))
}

/// The width and height of a JPEG's frame: the first start-of-frame marker's, found by
/// walking the segments after the start-of-image marker.
fn jpeg_size(bytes: &[u8]) -> Option<(u32, u32)> {
    let mut at = 2;
    loop {
        // Markers may be padded with 0xFF.
        while *bytes.get(at)? == 0xFF && *bytes.get(at + 1)? == 0xFF {
            at += 1;
        }
        if *bytes.get(at)? != 0xFF {
            return None;
        }
        let marker = *bytes.get(at + 1)?;
        match marker {
            // Markers without a length.
            0x01 | 0xD0..=0xD7 => {
                at += 2;
                continue;
            }
            // End of image, or start of scan before any frame.
            0xD9 | 0xDA => return None,
            _ => {}
        }
        let length = usize::from(be16(bytes, at + 2)?);
        // SOF0–SOF15, except DHT (C4), JPG (C8) and DAC (CC).
        if (0xC0..=0xCF).contains(&marker) && !matches!(marker, 0xC4 | 0xC8 | 0xCC) {
            let height = be16(bytes, at + 5)?;
            let width = be16(bytes, at + 7)?;
            return Some((u32::from(width), u32::from(height)));
        }
        if length < 2 {
            return None;
        }
        at += 2 + length;
    }
}

fn be16(bytes: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(bytes.get(at..at + 2)?.try_into().ok()?))
}

fn be32(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
}

/// The largest size, in tenths of a millimetre, at which a `width` × `height` image fits a
/// box of `max_width` × `max_height` (tenths of a millimetre) with its proportions kept.
pub fn fit(width: u32, height: u32, max_width: u32, max_height: u32) -> (u32, u32) {
    let (w, h) = (u64::from(width.max(1)), u64::from(height.max(1)));
    let (mw, mh) = (u64::from(max_width), u64::from(max_height));
    // Full width, unless that makes it too high; then full height.
    let (fw, fh) = if w * mh >= h * mw {
        (mw, (h * mw + w / 2) / w)
    } else {
        ((w * mh + h / 2) / h, mh)
    };
    (
        u32::try_from(fw).unwrap_or(max_width).max(1),
        u32::try_from(fh).unwrap_or(max_height).max(1),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32) -> Vec<u8> {
        let mut b = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        b.extend(w.to_be_bytes());
        b.extend(h.to_be_bytes());
        b.extend([8, 2, 0, 0, 0]);
        b
    }

    #[test]
    fn png_size_comes_from_ihdr() {
        assert_eq!(pixel_size(&png(240, 160)), Some((Kind::Png, 240, 160)));
        assert_eq!(pixel_size(&png(0, 160)), None);
        assert_eq!(pixel_size(&png(240, 160)[..20]), None, "cut short");
    }

    #[test]
    fn jpeg_size_comes_from_the_frame_after_other_segments() {
        // SOI, APP0 (JFIF, 16 bytes), DQT stub, SOF2 (progressive) 480 high × 640 wide.
        let mut b = vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 16];
        b.extend(b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0");
        b.extend([0xFF, 0xDB, 0, 4, 0, 0]);
        b.extend([
            0xFF, 0xFF, 0xC2, 0, 11, 8, 0x01, 0xE0, 0x02, 0x80, 1, 1, 0x11, 0,
        ]);
        assert_eq!(pixel_size(&b), Some((Kind::Jpeg, 640, 480)));
        // A scan before any frame, or a file cut inside the frame header: no size.
        assert_eq!(pixel_size(&[0xFF, 0xD8, 0xFF, 0xDA, 0, 2]), None);
        assert_eq!(pixel_size(&b[..b.len() - 8]), None);
        // Neither PNG nor JPEG.
        assert_eq!(pixel_size(b"GIF89a\x10\0\x10\0"), None);
        assert_eq!(pixel_size(b"%PDF-1.4"), None);
    }

    #[test]
    fn fit_keeps_proportions_in_the_box() {
        // 3:2 into 156 × 100 mm: the height limits.
        assert_eq!(fit(240, 160, 1560, 1000), (1500, 1000));
        // A panorama: the width limits.
        assert_eq!(fit(4000, 1000, 1560, 1000), (1560, 390));
        // Portrait.
        assert_eq!(fit(300, 400, 1560, 1000), (750, 1000));
        // A tiny photo is enlarged to the box too.
        assert_eq!(fit(2, 1, 1560, 1000), (1560, 780));
    }
}
