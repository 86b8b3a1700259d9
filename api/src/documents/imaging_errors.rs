//! Where the photo pipeline meets HTTP: `imaging` knows nothing of answers, so its refusals, its
//! gate's verdicts and its quality checks become error codes and catalogue text here, once.

use imaging::ImageError;
use imaging::gate::GateError;
use imaging::quality::Check;

use crate::error::{ApiError, ErrorCode, FieldCode, Message};

/// Seconds a client is asked to wait before retrying an upload refused as busy.
const BUSY_RETRY_AFTER_SECS: u64 = 3;

/// A damaged file is 422 `FILE_CORRUPT`, one over the limits 422 `IMAGE_TOO_LARGE`; anything else
/// is the server's fault.
impl From<ImageError> for ApiError {
    fn from(err: ImageError) -> Self {
        match err {
            ImageError::Corrupt => ApiError::new(ErrorCode::FileCorrupt),
            ImageError::TooLarge { .. } => ApiError::new(ErrorCode::ImageTooLarge),
            ImageError::Internal(why) => ApiError::internal(why),
        }
    }
}

/// No turn in time is 503 `UPLOAD_BUSY` with `Retry-After`; a closed gate or failed work is a 500.
impl From<GateError> for ApiError {
    fn from(err: GateError) -> Self {
        match err {
            GateError::Busy => ApiError::new(ErrorCode::UploadBusy).with_retry_after(BUSY_RETRY_AFTER_SECS),
            GateError::Closed(cause) => ApiError::internal(cause),
            GateError::Failed(cause) => ApiError::internal(cause),
        }
    }
}

/// The error code of a refusal by a quality check.
impl From<Check> for ErrorCode {
    fn from(check: Check) -> Self {
        match check {
            Check::ImageTooSmall => ErrorCode::ImageTooSmall,
            Check::ImageBlurry => ErrorCode::ImageBlurry,
            Check::ImageTooDark => ErrorCode::ImageTooDark,
            Check::ImageOverexposed => ErrorCode::ImageOverexposed,
            Check::FaceNotFound => ErrorCode::FaceNotFound,
        }
    }
}

/// The field code of a failed check: the same word as its error code.
impl From<Check> for FieldCode {
    fn from(check: Check) -> Self {
        match check {
            Check::ImageTooSmall => FieldCode::ImageTooSmall,
            Check::ImageBlurry => FieldCode::ImageBlurry,
            Check::ImageTooDark => FieldCode::ImageTooDark,
            Check::ImageOverexposed => FieldCode::ImageOverexposed,
            Check::FaceNotFound => FieldCode::FaceNotFound,
        }
    }
}

/// How to retake a photo that failed `check`: the error catalogue's text for its code, one
/// wording everywhere (refusals and warnings).
pub fn retake(check: Check) -> Message {
    ErrorCode::from(check).detail().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_check_has_its_error_code_and_says_how_to_retake() {
        for check in Check::ALL {
            assert_eq!(ErrorCode::from(check).as_str(), check.code());
            assert_eq!(FieldCode::from(check).as_str(), check.code());
            assert!(retake(check).zh.contains("拍摄"), "{check:?} says how to retake");
        }
    }

    #[test]
    fn refusals_keep_their_codes() {
        assert_eq!(ApiError::from(ImageError::Corrupt).code(), ErrorCode::FileCorrupt);
        assert_eq!(ApiError::from(ImageError::TooLarge { width: 1, height: 1 }).code(), ErrorCode::ImageTooLarge);
        assert_eq!(ApiError::from(ImageError::Internal("x".into())).code(), ErrorCode::Internal);
        assert_eq!(ApiError::from(GateError::Busy).code(), ErrorCode::UploadBusy);
    }
}
