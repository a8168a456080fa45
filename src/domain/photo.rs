//! A speaker's photo as pages show it: read from the PNG or JPEG sent
//! (its size read from its header first, so that a small file claiming
//! a huge picture is refused before anything is decoded), turned upright
//! as the camera noted, cut to a portrait or landscape no longer than
//! 4:3, made at most [`MAX_SIDE`] pixels a side and written as a JPEG of
//! some tens of kilobytes.

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits, RgbImage};

use super::event::FieldError;

/// The longest side of a photo as kept.
pub const MAX_SIDE: u32 = 400;
/// The longest side of a picture sent (a phone's photo is 4,000 to 8,000
/// pixels wide).
pub const MAX_SENT_SIDE: u32 = 10_000;
/// The most pixels a picture sent may have: a 48-megapixel phone photo,
/// about 150 MB once decoded.
pub const MAX_SENT_PIXELS: u64 = 50_000_000;
/// What decoding may take in memory, beyond the picture itself.
const MAX_ALLOC: u64 = 256 * 1024 * 1024;
const QUALITY: u8 = 82;

/// A photo as kept: a JPEG and its size.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Photo {
    pub jpeg: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

fn refused(message: &'static str) -> FieldError {
    FieldError::new("photo", message)
}

fn limits() -> Limits {
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SENT_SIDE);
    limits.max_image_height = Some(MAX_SENT_SIDE);
    limits.max_alloc = Some(MAX_ALLOC);
    limits
}

/// The photo to keep of a PNG or JPEG sent, or why it cannot be (the
/// `photo` field's message).
pub fn shrink(sent: &[u8]) -> Result<Photo, FieldError> {
    let format = match image::guess_format(sent) {
        Ok(format @ (ImageFormat::Png | ImageFormat::Jpeg)) => format,
        _ => return Err(refused("profile.error.photo_unreadable")),
    };
    // The header alone: what the picture says it is, read before any limit
    // so that a refusal can say it.
    let (width, height) = ImageReader::with_format(Cursor::new(sent), format)
        .into_dimensions()
        .map_err(|_| refused("profile.error.photo_unreadable"))?;
    if width > MAX_SENT_SIDE
        || height > MAX_SENT_SIDE
        || u64::from(width) * u64::from(height) > MAX_SENT_PIXELS
    {
        return Err(refused("profile.error.photo_dimensions").with_args(vec![
            ("max", MAX_SENT_SIDE.to_string()),
            ("width", width.to_string()),
            ("height", height.to_string()),
        ]));
    }
    let mut reader = ImageReader::with_format(Cursor::new(sent), format);
    reader.limits(limits());
    let mut decoder = reader
        .into_decoder()
        .map_err(|_| refused("profile.error.photo_unreadable"))?;
    let orientation = decoder.orientation().ok();
    let mut picture = DynamicImage::from_decoder(decoder)
        .map_err(|_| refused("profile.error.photo_unreadable"))?;
    if let Some(orientation) = orientation {
        picture.apply_orientation(orientation);
    }
    let framed = frame(picture);
    let fitted = if framed.width() > MAX_SIDE || framed.height() > MAX_SIDE {
        framed.resize(MAX_SIDE, MAX_SIDE, image::imageops::FilterType::Triangle)
    } else {
        framed
    };
    let rgb = on_white(&fitted);
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, QUALITY)
        .encode_image(&rgb)
        .map_err(|_| refused("profile.error.photo_unreadable"))?;
    Ok(Photo {
        jpeg,
        width: rgb.width(),
        height: rgb.height(),
    })
}

/// The middle of a picture longer than 4:3 either way.
fn frame(picture: DynamicImage) -> DynamicImage {
    let (width, height) = (picture.width(), picture.height());
    if u64::from(width) * 3 > u64::from(height) * 4 {
        let kept = (u64::from(height) * 4 / 3) as u32;
        picture.crop_imm((width - kept) / 2, 0, kept, height)
    } else if u64::from(height) * 3 > u64::from(width) * 4 {
        let kept = (u64::from(width) * 4 / 3) as u32;
        picture.crop_imm(0, (height - kept) / 2, width, kept)
    } else {
        picture
    }
}

/// The picture's colours, what is see-through laid on white (a JPEG has
/// no transparency; left as it is, it would turn black).
fn on_white(picture: &DynamicImage) -> RgbImage {
    if !picture.color().has_alpha() {
        return picture.to_rgb8();
    }
    let rgba = picture.to_rgba8();
    RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let [r, g, b, a] = rgba.get_pixel(x, y).0;
        let over = |c: u8| ((u16::from(c) * u16::from(a) + 255 * (255 - u16::from(a))) / 255) as u8;
        image::Rgb([over(r), over(g), over(b)])
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let picture = image::RgbaImage::from_fn(width, height, |x, _| {
            image::Rgba([(x % 256) as u8, 90, 40, if x < 10 { 0 } else { 255 }])
        });
        let mut out = Vec::new();
        DynamicImage::ImageRgba8(picture)
            .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
            .unwrap();
        out
    }

    fn size_of(jpeg: &[u8]) -> (u32, u32) {
        let read = image::load_from_memory_with_format(jpeg, ImageFormat::Jpeg).unwrap();
        (read.width(), read.height())
    }

    #[test]
    fn a_large_picture_becomes_a_small_jpeg_no_wider_than_4_to_3() {
        let photo = shrink(&png(1600, 900)).unwrap();
        assert_eq!((photo.width, photo.height), (400, 300));
        assert_eq!(size_of(&photo.jpeg), (400, 300));
        let photo = shrink(&png(300, 1200)).unwrap();
        assert_eq!((photo.width, photo.height), (300, 400));
    }

    #[test]
    fn a_small_picture_keeps_its_size() {
        let photo = shrink(&png(120, 100)).unwrap();
        assert_eq!((photo.width, photo.height), (120, 100));
    }

    #[test]
    fn see_through_pixels_turn_white() {
        let photo = shrink(&png(40, 40)).unwrap();
        let read = image::load_from_memory(&photo.jpeg).unwrap().to_rgb8();
        let [r, g, b] = read.get_pixel(2, 20).0;
        assert!(r > 240 && g > 240 && b > 240, "{r} {g} {b}");
    }

    #[test]
    fn a_huge_picture_is_refused_before_it_is_decoded() {
        // A PNG header claiming 20,000 × 20,000 pixels, and nothing else.
        let mut header = png(1, 1);
        header[16..20].copy_from_slice(&20_000u32.to_be_bytes());
        header[20..24].copy_from_slice(&20_000u32.to_be_bytes());
        let mut crc = flate2::Crc::new();
        crc.update(&header[12..29]);
        header[29..33].copy_from_slice(&crc.sum().to_be_bytes());
        let error = shrink(&header).unwrap_err();
        assert_eq!(error.message, "profile.error.photo_dimensions");
        assert_eq!(
            shrink(b"%PDF-1.7 not a picture").unwrap_err().message,
            "profile.error.photo_unreadable"
        );
    }
}
