//! What a file is, decided from its first bytes (magic numbers), never from its name or the
//! declared content type.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Jpeg,
    Png,
    Webp,
    Pdf,
}

impl FileKind {
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Webp => "image/webp",
            Self::Pdf => "application/pdf",
        }
    }
}

pub fn sniff(bytes: &[u8]) -> Option<FileKind> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(FileKind::Jpeg)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(FileKind::Png)
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some(FileKind::Webp)
    } else if bytes.starts_with(b"%PDF-") {
        Some(FileKind::Pdf)
    } else {
        None
    }
}

/// HEIC/HEIF (iPhones and many Android phones by default): recognised to say what to do, not taken.
pub fn is_heic(bytes: &[u8]) -> bool {
    bytes.len() >= 12
        && &bytes[4..8] == b"ftyp"
        && matches!(&bytes[8..12], b"heic" | b"heix" | b"hevc" | b"hevx" | b"heim" | b"heis" | b"mif1" | b"msf1")
}

/// A PDF that ends as a PDF must (`%%EOF` in its last kilobyte); a cut-off upload does not.
pub fn pdf_is_complete(bytes: &[u8]) -> bool {
    let tail = &bytes[bytes.len().saturating_sub(1024)..];
    tail.windows(5).any(|w| w == b"%%EOF")
}

impl FileKind {
    /// The raster format to decode, for photos.
    pub fn raster(self) -> Option<imaging::decode::Format> {
        use imaging::decode::Format;
        match self {
            Self::Jpeg => Some(Format::Jpeg),
            Self::Png => Some(Format::Png),
            Self::Webp => Some(Format::Webp),
            Self::Pdf => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_come_from_the_bytes() {
        assert_eq!(sniff(b"\xFF\xD8\xFF\xE0rest"), Some(FileKind::Jpeg));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\nrest"), Some(FileKind::Png));
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 "), Some(FileKind::Webp));
        assert_eq!(sniff(b"%PDF-1.7"), Some(FileKind::Pdf));
        assert_eq!(sniff(b"\0\0\0\x18ftypheic"), None, "HEIC is not accepted yet");
        assert_eq!(sniff(b"GIF89a"), None);
        assert_eq!(sniff(b""), None);
        assert_eq!(sniff(b"RIFF"), None);
        assert!(is_heic(b"\0\0\0\x18ftypheic\0\0\0\0"));
        assert!(!is_heic(b"\0\0\0\x18ftypisom"));
        assert!(pdf_is_complete(b"%PDF-1.7\n...\n%%EOF\n"));
        assert!(!pdf_is_complete(b"%PDF-1.7\n1 0 obj"));
    }
}
