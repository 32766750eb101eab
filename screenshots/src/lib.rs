//! The run report's pictures: a browser's PNG screenshot decoded, scaled down and encoded as
//! JPEG. Plain pixels in, bytes out; the report (harness::report::shots) makes them `data:`
//! URLs.

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
/// from flickering into noise, few enough to stay cheap.
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
    // columns' offsets are the same for every row, so they are worked out once.
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

/// Encodes as an 8-bit RGB or RGBA PNG, as a browser's screenshot arrives (for tests that
/// need one to start from).
pub fn encode_png(img: &Picture) -> Result<Vec<u8>, String> {
    let colour = match img.channels {
        3 => png::ColorType::Rgb,
        4 => png::ColorType::Rgba,
        n => return Err(format!("{n} channels: a picture has 3 or 4")),
    };
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, img.width, img.height);
    enc.set_color(colour);
    enc.set_depth(png::BitDepth::Eight);
    let mut writer = enc
        .write_header()
        .map_err(|e| format!("PNG encoding: {e}"))?;
    writer
        .write_image_data(&img.pixels)
        .map_err(|e| format!("PNG encoding: {e}"))?;
    writer.finish().map_err(|e| format!("PNG encoding: {e}"))?;
    Ok(out)
}

/// Encodes as a baseline JPEG of `quality` (1-100).
pub fn jpeg(img: &Picture, quality: u8) -> Result<Vec<u8>, String> {
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
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_png_decodes_to_its_pixels_grey_made_rgb() {
        let rgba = Picture {
            width: 2,
            height: 1,
            channels: 4,
            pixels: vec![255, 0, 0, 255, 0, 0, 0, 0],
        };
        let img = decode_png(&encode_png(&rgba).unwrap()).unwrap();
        let two = Picture {
            channels: 2,
            ..rgba.clone()
        };
        assert_eq!(
            encode_png(&two).unwrap_err(),
            "2 channels: a picture has 3 or 4"
        );
        assert_eq!((img.width, img.height, img.channels), (2, 1, 4));
        assert_eq!(img.pixels, [255, 0, 0, 255, 0, 0, 0, 0]);
        let mut grey_png = Vec::new();
        let mut enc = png::Encoder::new(&mut grey_png, 1, 1);
        enc.set_color(png::ColorType::Grayscale);
        enc.write_header().unwrap().write_image_data(&[7]).unwrap();
        let grey = decode_png(&grey_png).unwrap();
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
    fn a_jpeg_is_a_jpeg_of_the_pictures_size() {
        let img = Picture {
            width: 16,
            height: 8,
            channels: 3,
            pixels: vec![128; 16 * 8 * 3],
        };
        let bytes = jpeg(&img, 60).unwrap();
        assert_eq!(&bytes[..2], [0xFF, 0xD8], "a JPEG starts with SOI");
        assert_eq!(&bytes[bytes.len() - 2..], [0xFF, 0xD9], "and ends with EOI");
        let too_wide = Picture {
            width: 70_000,
            height: 1,
            channels: 3,
            pixels: vec![0; 70_000 * 3],
        };
        assert_eq!(jpeg(&too_wide, 60).unwrap_err(), "too wide for a JPEG");
    }
}
