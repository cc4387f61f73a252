//! Uploaded avatars: checked by content (not by name or declared type),
//! decoded with limits, cropped and re-encoded to a 128×128 PNG. Re-encoding
//! drops any metadata (EXIF location and the like) the original carried.

#[cfg(feature = "ssr")]
use image::{imageops::FilterType, ImageFormat, ImageReader, Limits};
#[cfg(feature = "ssr")]
use std::io::Cursor;

/// Largest upload accepted, checked in the browser and on the server.
pub const MAX_BYTES: usize = 1024 * 1024;
/// Side of the stored square image, in pixels.
pub const SIZE: u32 = 128;

/// A normalised avatar: PNG bytes of a 128×128 image.
#[cfg(feature = "ssr")]
#[derive(Clone, PartialEq, Eq)]
pub struct Avatar(Vec<u8>);

#[cfg(feature = "ssr")]
impl std::fmt::Debug for Avatar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Avatar({} bytes)", self.0.len())
    }
}

#[cfg(feature = "ssr")]
impl Avatar {
    pub fn from_upload(bytes: &[u8]) -> Result<Self, String> {
        if bytes.is_empty() {
            return Err("The chosen file is empty.".into());
        }
        if bytes.len() > MAX_BYTES {
            return Err("Choose an image of at most 1 MiB.".into());
        }
        let refused = || "Choose a PNG, JPEG, WebP or GIF image.".to_string();
        let format = image::guess_format(bytes).map_err(|_| refused())?;
        if !matches!(format, ImageFormat::Png | ImageFormat::Jpeg | ImageFormat::WebP | ImageFormat::Gif) {
            return Err(refused());
        }
        let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
        let mut limits = Limits::default();
        limits.max_image_width = Some(8192);
        limits.max_image_height = Some(8192);
        limits.max_alloc = Some(128 * 1024 * 1024);
        reader.limits(limits);
        let image = reader.decode().map_err(|_| "This image could not be read; it may be damaged or too large.".to_string())?;
        let square = image.resize_to_fill(SIZE, SIZE, FilterType::Lanczos3).into_rgba8();
        let mut png = Vec::new();
        square.write_to(&mut Cursor::new(&mut png), ImageFormat::Png).map_err(|_| "This image could not be converted.".to_string())?;
        Ok(Avatar(png))
    }

    /// Wraps bytes read back from the store (already normalised).
    pub fn from_stored(png: Vec<u8>) -> Self {
        Avatar(png)
    }

    pub fn png(&self) -> &[u8] {
        &self.0
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;
    use image::{DynamicImage, RgbImage};

    fn encoded(format: ImageFormat, w: u32, h: u32) -> Vec<u8> {
        let img = DynamicImage::ImageRgb8(RgbImage::from_fn(w, h, |x, y| image::Rgb([x as u8, y as u8, 90])));
        let mut out = Vec::new();
        img.write_to(&mut Cursor::new(&mut out), format).unwrap();
        out
    }

    fn dimensions(png: &[u8]) -> (u32, u32) {
        let img = image::load_from_memory_with_format(png, ImageFormat::Png).unwrap();
        (img.width(), img.height())
    }

    #[test]
    fn every_accepted_format_becomes_a_128_pixel_png() {
        for format in [ImageFormat::Png, ImageFormat::Jpeg, ImageFormat::WebP, ImageFormat::Gif] {
            let avatar = Avatar::from_upload(&encoded(format, 300, 200)).unwrap();
            assert_eq!(image::guess_format(avatar.png()).unwrap(), ImageFormat::Png, "{format:?}");
            assert_eq!(dimensions(avatar.png()), (SIZE, SIZE), "{format:?}");
        }
    }

    #[test]
    fn content_decides_not_the_name() {
        let err = Avatar::from_upload(b"%PDF-1.7 definitely not an image").unwrap_err();
        assert!(err.contains("PNG, JPEG, WebP or GIF"), "{err}");
    }

    #[test]
    fn other_image_formats_are_refused() {
        // Magic numbers of BMP and TIFF: recognised as images, still refused.
        let mut bmp = b"BM".to_vec();
        bmp.resize(64, 0);
        let mut tiff = b"II*\0".to_vec();
        tiff.resize(64, 0);
        for other in [bmp, tiff] {
            assert!(image::guess_format(&other).is_ok());
            assert!(Avatar::from_upload(&other).unwrap_err().contains("PNG, JPEG, WebP or GIF"));
        }
    }

    #[test]
    fn files_over_one_mebibyte_are_refused() {
        let mut big = encoded(ImageFormat::Png, 4, 4);
        big.resize(MAX_BYTES + 1, 0);
        assert!(Avatar::from_upload(&big).unwrap_err().contains("1 MiB"));
    }

    #[test]
    fn a_truncated_image_is_refused_with_a_message() {
        let png = encoded(ImageFormat::Png, 64, 64);
        let err = Avatar::from_upload(&png[..png.len() / 2]).unwrap_err();
        assert!(err.contains("could not be read"), "{err}");
    }

    #[test]
    fn empty_files_are_refused() {
        assert!(Avatar::from_upload(&[]).is_err());
    }
}
