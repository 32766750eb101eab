//! Screenshots for the report: a browser's PNG made into a small JPEG thumbnail and a
//! full-size JPEG, both as `data:` URLs, so the report is one file and stays small.

use base64::{Engine as _, engine::general_purpose::STANDARD};
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

/// A picture, 8 bits a channel: RGB, or RGBA whose alpha is ignored (a browser's screenshot
/// is opaque).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picture {
    pub width: u32,
    pub height: u32,
    /// 3 (RGB) or 4 (RGBA).
    pub channels: usize,
    pub pixels: Vec<u8>,
}

/// Decodes a PNG of any colour type and depth to RGB or RGBA.
pub fn decode_png(png_bytes: &[u8]) -> Result<Picture, String> {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().map_err(|e| format!("not a PNG: {e}"))?;
    let size = reader
        .output_buffer_size()
        .ok_or("the PNG is too large to decode")?;
    let mut pixels = vec![0; size];
    let info = reader
        .next_frame(&mut pixels)
        .map_err(|e| format!("broken PNG: {e}"))?;
    pixels.truncate(info.buffer_size());
    let channels = match info.color_type {
        png::ColorType::Rgb => 3,
        png::ColorType::Rgba => 4,
        // Not what browsers send; made RGB once, slowly.
        png::ColorType::Grayscale => {
            pixels = pixels.iter().flat_map(|g| [*g, *g, *g]).collect();
            3
        }
        png::ColorType::GrayscaleAlpha => {
            pixels = pixels
                .chunks_exact(2)
                .flat_map(|p| [p[0], p[0], p[0]])
                .collect();
            3
        }
        png::ColorType::Indexed => return Err("the PNG's palette was not expanded".into()),
    };
    Ok(Picture {
        width: info.width,
        height: info.height,
        channels,
        pixels,
    })
}

/// At most this many samples per side are averaged for each new pixel: enough to keep text
/// from flickering into noise, few enough to stay cheap in an unoptimised build.
const MAX_SAMPLES: usize = 3;

/// Scales down to `width` (never up), as RGB; each new pixel is the mean of a grid of
/// samples spread over the area it covers: one per source pixel the area spans per side,
/// rounded up, and at most [`MAX_SAMPLES`] (so 2² for a 1280-wide window made 1000 wide).
pub fn scale_to_width(img: &Picture, width: u32) -> Picture {
    if width == 0 || img.width <= width || img.height == 0 {
        return img.clone();
    }
    let height = ((u64::from(img.height) * u64::from(width)) / u64::from(img.width)).max(1) as u32;
    let (sw, sh, ch) = (img.width as usize, img.height as usize, img.channels);
    let (dw, dh) = (width as usize, height as usize);
    let samples = sw.div_ceil(dw).min(MAX_SAMPLES);
    let n = (samples * samples) as u32;
    // The centres of `samples` equal parts of the area a new pixel covers, per axis; the
    // columns' offsets are the same for every row, so they are worked out once (this runs
    // unoptimised in the test build, where each division and index check counts).
    let centre = |k: usize, src: usize, dst: usize| ((2 * k + 1) * src) / (2 * dst * samples);
    let columns: Vec<usize> = (0..dw * samples).map(|k| centre(k, sw, dw) * ch).collect();
    let mut sums = vec![0u32; dw * 3];
    let mut pixels = Vec::with_capacity(dw * dh * 3);
    for y in 0..dh {
        sums.fill(0);
        for i in 0..samples {
            let sy = centre(y * samples + i, sh, dh);
            let row = &img.pixels[sy * sw * ch..(sy + 1) * sw * ch];
            for (sum, offsets) in sums.chunks_exact_mut(3).zip(columns.chunks_exact(samples)) {
                for &p in offsets {
                    sum[0] += u32::from(row[p]);
                    sum[1] += u32::from(row[p + 1]);
                    sum[2] += u32::from(row[p + 2]);
                }
            }
        }
        pixels.extend(sums.iter().map(|s| (s / n) as u8));
    }
    Picture {
        width,
        height,
        channels: 3,
        pixels,
    }
}

/// Encodes as a JPEG `data:` URL.
pub fn jpeg_data_url(img: &Picture, quality: u8) -> Result<String, String> {
    let (w, h) = (
        u16::try_from(img.width).map_err(|_| "too wide for a JPEG")?,
        u16::try_from(img.height).map_err(|_| "too tall for a JPEG")?,
    );
    let colour = if img.channels == 4 {
        jpeg_encoder::ColorType::Rgba
    } else {
        jpeg_encoder::ColorType::Rgb
    };
    let mut out = Vec::new();
    jpeg_encoder::Encoder::new(&mut out, quality)
        .encode(&img.pixels, w, h, colour)
        .map_err(|e| format!("JPEG encoding: {e}"))?;
    Ok(format!("data:image/jpeg;base64,{}", STANDARD.encode(out)))
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

    fn png(width: u32, height: u32, color: png::ColorType, data: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut enc = png::Encoder::new(&mut out, width, height);
        enc.set_color(color);
        enc.set_depth(png::BitDepth::Eight);
        let mut w = enc.write_header().unwrap();
        w.write_image_data(data).unwrap();
        w.finish().unwrap();
        out
    }

    #[test]
    fn a_png_decodes_to_its_pixels_grey_made_rgb() {
        let bytes = png(2, 1, png::ColorType::Rgba, &[255, 0, 0, 255, 0, 0, 0, 0]);
        let img = decode_png(&bytes).unwrap();
        assert_eq!((img.width, img.height, img.channels), (2, 1, 4));
        assert_eq!(img.pixels, [255, 0, 0, 255, 0, 0, 0, 0]);
        let grey = decode_png(&png(1, 1, png::ColorType::Grayscale, &[7])).unwrap();
        assert_eq!((grey.channels, grey.pixels), (3, vec![7, 7, 7]));
        assert!(
            decode_png(b"not a png")
                .unwrap_err()
                .starts_with("not a PNG")
        );
    }

    #[test]
    fn scaling_averages_samples_of_the_area_each_new_pixel_covers() {
        // 6x3 RGBA: the left half black, the right half white.
        let mut data = Vec::new();
        for _ in 0..3 {
            for x in 0..6 {
                let v = if x < 3 { 0 } else { 255 };
                data.extend([v, v, v, 255]);
            }
        }
        let img = Picture {
            width: 6,
            height: 3,
            channels: 4,
            pixels: data,
        };
        let small = scale_to_width(&img, 2);
        assert_eq!((small.width, small.height, small.channels), (2, 1, 3));
        assert_eq!(small.pixels, [0, 0, 0, 255, 255, 255]);
        // One pixel: samples at x 1, 3 and 5 of 6: one black, two white.
        let one = scale_to_width(&img, 1);
        assert_eq!(one.pixels, [170, 170, 170]);
        // Never up.
        assert_eq!(scale_to_width(&img, 8), img);
    }

    #[test]
    fn a_shot_is_two_jpegs_the_thumbnail_a_fraction_of_the_full_size() {
        let (w, h) = (1280, 800);
        let data: Vec<u8> = (0..w * h)
            .flat_map(|i| [(i % 251) as u8, 40, 200])
            .collect();
        let shot = shot(&png(w, h, png::ColorType::Rgb, &data), 7).unwrap();
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
