//! Screenshots for the report: a browser's PNG made into a small JPEG thumbnail and a
//! full-size JPEG, both as `data:` URLs, so the report is one file and stays small.

use base64::{Engine as _, engine::general_purpose::STANDARD};
use screenshots::{Picture, decode_png, scale_to_width};
use serde::{Deserialize, Serialize};

/// Thumbnails are this many pixels wide.
pub const THUMB_WIDTH: u32 = 240;
/// The full-size picture is at most this wide (the browsers' windows are 1280): 64 scenario
/// runs gave a 22 MB report at full width, about 14 MB at this one, text still readable.
pub const FULL_WIDTH: u32 = 1000;
/// JPEG quality (1-100) of the thumbnail and of the full-size picture: pages are mostly text
/// on flat colours, which stays readable at this quality.
pub const THUMB_QUALITY: u8 = 60;
pub const FULL_QUALITY: u8 = 55;

/// One screenshot, ready to inline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Shot {
    /// `data:image/jpeg;base64,…`, [`THUMB_WIDTH`] wide.
    pub thumb: String,
    /// `data:image/jpeg;base64,…`, the browser's viewport scaled to at most [`FULL_WIDTH`].
    pub full: String,
    pub width: u32,
    pub height: u32,
    /// What the WebDriver screenshot cost, on the step's path (the next step waits for it).
    pub capture_ms: u64,
    /// Decoding, scaling and encoding, off the step's path (in the background).
    pub encode_ms: u64,
}

/// Encodes as a JPEG `data:` URL.
fn jpeg_data_url(img: &Picture, quality: u8) -> Result<String, String> {
    Ok(format!(
        "data:image/jpeg;base64,{}",
        STANDARD.encode(screenshots::jpeg(img, quality)?)
    ))
}

/// The report's thumbnail and full-size picture of a browser's PNG screenshot;
/// `capture_ms` is what taking the screenshot itself cost.
pub fn shot(png_bytes: &[u8], capture_ms: u64) -> Result<Shot, String> {
    let started = std::time::Instant::now();
    let full = scale_to_width(&decode_png(png_bytes)?, FULL_WIDTH);
    let thumb = scale_to_width(&full, THUMB_WIDTH);
    Ok(Shot {
        thumb: jpeg_data_url(&thumb, THUMB_QUALITY)?,
        full: jpeg_data_url(&full, FULL_QUALITY)?,
        width: full.width,
        height: full.height,
        capture_ms,
        encode_ms: started.elapsed().as_millis() as u64,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shot_is_two_jpegs_the_thumbnail_a_fraction_of_the_full_size() {
        let (w, h) = (1280, 800);
        let data: Vec<u8> = (0..w * h)
            .flat_map(|i| [(i % 251) as u8, 40, 200])
            .collect();
        let png = screenshots::encode_png(&Picture {
            width: w,
            height: h,
            channels: 3,
            pixels: data,
        })
        .unwrap();
        let shot = shot(&png, 7).unwrap();
        assert_eq!(
            (shot.width, shot.height),
            (FULL_WIDTH, 625),
            "scaled, aspect kept"
        );
        assert_eq!(shot.capture_ms, 7);
        for url in [&shot.thumb, &shot.full] {
            let jpeg = STANDARD
                .decode(url.strip_prefix("data:image/jpeg;base64,").unwrap())
                .unwrap();
            assert_eq!(&jpeg[..2], [0xFF, 0xD8], "a JPEG starts with SOI");
        }
        assert!(shot.thumb.len() < shot.full.len() / 4);
    }
}
