//! The catalogue of stable error codes.
//!
//! A code never changes meaning once published: clients branch on it. Each has an HTTP status, a
//! title and a default detail in Simplified Chinese and English. Details tell the person what to do.

use actix_web::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;

/// Stable, upper-snake-case error codes returned in the `code` field of every problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ErrorCode {
    /// The request could not be understood (a generic 400).
    BadRequest,
    /// The body is not well-formed JSON.
    MalformedJson,
    /// A query-string parameter is missing or has the wrong form.
    InvalidQuery,
    /// A path parameter has the wrong form.
    InvalidPath,
    /// The request is well-formed but some fields are invalid; see `errors`.
    ValidationFailed,
    /// No credentials, or credentials that are not valid.
    Unauthenticated,
    /// The caller may not do this.
    Forbidden,
    /// The record does not exist or is not the caller's.
    NotFound,
    /// No endpoint has this path.
    RouteNotFound,
    /// The path exists but not with this HTTP method; see the `Allow` header.
    MethodNotAllowed,
    /// The request conflicts with the current state or with an existing record.
    Conflict,
    /// The body is larger than this endpoint accepts.
    PayloadTooLarge,
    /// The body has a content type this endpoint does not accept.
    UnsupportedMediaType,
    /// Too many requests; see `Retry-After`.
    RateLimited,
    /// An unexpected error; the log has the cause under the same request id.
    Internal,
    /// A dependency (such as the database) is unavailable; see `Retry-After`.
    ServiceUnavailable,
    /// The access token has expired; exchange the refresh token for a new one.
    TokenExpired,
    /// Wrong username or password (the same answer whether or not the account exists).
    InvalidCredentials,
    /// Too many failed sign-ins for this account or address; see `Retry-After`.
    AccountLocked,
    /// The account has been switched off by an administrator.
    AccountDisabled,
    /// The refresh token is unknown, expired, spent or revoked; sign in again.
    InvalidRefreshToken,
    /// WeChat did not accept the `wx.login` code (expired or already used).
    WechatCodeInvalid,
    /// WeChat flagged the user as risky and refuses the sign-in.
    WechatUserBlocked,
    /// WeChat is busy, slow or unreachable; see `Retry-After`.
    WechatUnavailable,
    /// WeChat gave an answer the server could not use.
    WechatError,
    /// The scanned code is not one of ours (forged, damaged or from another app).
    QrCodeInvalid,
    /// The scanned code was withdrawn or has expired.
    QrCodeExpired,
    /// The application was submitted: its data can no longer be changed by the applicant's side.
    ApplicationLocked,
    /// Submit found missing pieces; `errors[]` lists every one.
    ApplicationIncomplete,
    /// The applicant already has an open application for one of the items; the detail names it.
    DuplicateApplication,
    /// The uploaded file is not a JPEG, PNG or WebP photo or a PDF (decided from its bytes).
    FileTypeUnsupported,
    /// The file is damaged or was cut off in transfer.
    FileCorrupt,
    /// The picture's declared size is over the limit (a decompression bomb, or a panorama).
    ImageTooLarge,
    /// The application (or item) is not in a state that allows this step; `current` has its state.
    InvalidTransition,
    /// Someone changed the record since the version sent; `current` has the new version. Reload.
    VersionConflict,
    /// The data-exchange service (economic check) is slow or unreachable; see `Retry-After`.
    DataExchangeUnavailable,
    /// The data-exchange service refused the request or answered something unusable.
    DataExchangeError,
    /// Too many photos are being processed; retry after `Retry-After`.
    UploadBusy,
    /// The photo is too small to read (refused for this document type).
    ImageTooSmall,
    /// The photo is blurry (refused for this document type).
    ImageBlurry,
    /// The photo is too dark (refused for this document type).
    ImageTooDark,
    /// The photo is overexposed or shows glare (refused for this document type).
    ImageOverexposed,
    /// No face was found where one must be (refused for this document type).
    FaceNotFound,
    /// The check-in challenge expired (it lasts 5 minutes); start the check-in again.
    CheckinChallengeExpired,
    /// The challenge is unknown, used already, or not the caller's; start the check-in again.
    CheckinChallengeInvalid,
    /// The selfie is the same picture as one of an earlier check-in (re-encoded or resized included).
    SelfieReplayed,
    /// The face verification said this is not the recipient; the community is asked to visit.
    FaceVerificationFailed,
    /// The face verification on the phone did not finish (cancelled, no camera permission, network); nothing was recorded.
    FaceVerificationIncomplete,
    /// No check-in window is open now; the detail names the next one.
    CheckinNotDue,
    /// The caller receives no aid that asks for check-ins.
    NotARecipient,
    /// The face-verification service is slow or unreachable; see `Retry-After`. The challenge stays valid.
    VerifierUnavailable,
    /// The face-verification service refused the request or answered something unusable.
    VerifierError,
    /// A sync cursor older than the kept deletions, or one this server never gave: sync afresh.
    SyncCursorExpired,
    /// A chunk sent at another offset than the upload has reached; see `Upload-Offset`.
    UploadOffsetMismatch,
    /// The finished upload's bytes do not have the SHA-256 declared when it was created.
    UploadChecksumMismatch,
    /// The `Idempotency-Key` was used before for another request.
    IdempotencyKeyReused,
    /// The first request with this `Idempotency-Key` is still being worked on; see `Retry-After`.
    IdempotencyKeyInFlight,
    /// A department import file that cannot be read as a table (its bytes, its header).
    ImportFileInvalid,
    /// The district closes this supervision ticket; the township answers it (`…/answer`).
    TicketClosedByDistrict,
    /// No application, aid or monitoring entry of this person in the caller's region, and no
    /// stated reason: the same answer as for an unknown ID number.
    PersonNotInReach,
    /// A check-in photo is for the township reviewer and for a helper with an open visit task for the person.
    SelfieRestricted,
    /// Platform administrators run the platform, not cases: no case files, leads, selfies or ledgers.
    AdminNotCaseWorker,
    /// A request header is missing or has the wrong form; the detail names it and what it takes.
    InvalidHeader,
    /// A pushed op names an upload that was never created, has expired, or is another account's.
    UploadNotFound,
}

/// Text in the two languages the API speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Text {
    pub zh: &'static str,
    pub en: &'static str,
}

impl ErrorCode {
    pub fn status(self) -> StatusCode {
        match self {
            Self::BadRequest | Self::MalformedJson | Self::InvalidQuery | Self::InvalidPath => StatusCode::BAD_REQUEST,
            Self::ValidationFailed => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Unauthenticated => StatusCode::UNAUTHORIZED,
            Self::Forbidden => StatusCode::FORBIDDEN,
            Self::NotFound | Self::RouteNotFound => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::Conflict => StatusCode::CONFLICT,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            Self::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            Self::ServiceUnavailable | Self::WechatUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            Self::TokenExpired | Self::InvalidCredentials | Self::InvalidRefreshToken | Self::WechatCodeInvalid => {
                StatusCode::UNAUTHORIZED
            }
            Self::AccountLocked => StatusCode::TOO_MANY_REQUESTS,
            Self::AccountDisabled | Self::WechatUserBlocked => StatusCode::FORBIDDEN,
            Self::WechatError => StatusCode::BAD_GATEWAY,
            Self::QrCodeInvalid => StatusCode::UNPROCESSABLE_ENTITY,
            Self::QrCodeExpired => StatusCode::GONE,
            Self::ApplicationLocked | Self::DuplicateApplication => StatusCode::CONFLICT,
            Self::ApplicationIncomplete => StatusCode::UNPROCESSABLE_ENTITY,
            Self::FileTypeUnsupported => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::FileCorrupt
            | Self::ImageTooLarge
            | Self::ImageTooSmall
            | Self::ImageBlurry
            | Self::ImageTooDark
            | Self::ImageOverexposed
            | Self::FaceNotFound
            | Self::CheckinChallengeExpired
            | Self::CheckinChallengeInvalid
            | Self::SelfieReplayed
            | Self::FaceVerificationFailed
            | Self::FaceVerificationIncomplete
            | Self::CheckinNotDue => StatusCode::UNPROCESSABLE_ENTITY,
            Self::NotARecipient => StatusCode::FORBIDDEN,
            Self::VerifierUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            Self::VerifierError => StatusCode::BAD_GATEWAY,
            Self::SyncCursorExpired => StatusCode::GONE,
            Self::UploadOffsetMismatch => StatusCode::CONFLICT,
            Self::UploadChecksumMismatch => StatusCode::UNPROCESSABLE_ENTITY,
            Self::IdempotencyKeyReused => StatusCode::UNPROCESSABLE_ENTITY,
            Self::IdempotencyKeyInFlight => StatusCode::CONFLICT,
            Self::ImportFileInvalid | Self::UploadNotFound => StatusCode::UNPROCESSABLE_ENTITY,
            Self::TicketClosedByDistrict | Self::SelfieRestricted | Self::AdminNotCaseWorker => StatusCode::FORBIDDEN,
            Self::PersonNotInReach => StatusCode::NOT_FOUND,
            Self::InvalidHeader => StatusCode::BAD_REQUEST,
            Self::UploadBusy | Self::DataExchangeUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            Self::InvalidTransition | Self::VersionConflict => StatusCode::CONFLICT,
            Self::DataExchangeError => StatusCode::BAD_GATEWAY,
        }
    }

    /// The code as it appears on the wire, e.g. `MALFORMED_JSON`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::BadRequest => "BAD_REQUEST",
            Self::MalformedJson => "MALFORMED_JSON",
            Self::InvalidQuery => "INVALID_QUERY",
            Self::InvalidPath => "INVALID_PATH",
            Self::ValidationFailed => "VALIDATION_FAILED",
            Self::Unauthenticated => "UNAUTHENTICATED",
            Self::Forbidden => "FORBIDDEN",
            Self::NotFound => "NOT_FOUND",
            Self::RouteNotFound => "ROUTE_NOT_FOUND",
            Self::MethodNotAllowed => "METHOD_NOT_ALLOWED",
            Self::Conflict => "CONFLICT",
            Self::PayloadTooLarge => "PAYLOAD_TOO_LARGE",
            Self::UnsupportedMediaType => "UNSUPPORTED_MEDIA_TYPE",
            Self::RateLimited => "RATE_LIMITED",
            Self::Internal => "INTERNAL",
            Self::ServiceUnavailable => "SERVICE_UNAVAILABLE",
            Self::TokenExpired => "TOKEN_EXPIRED",
            Self::InvalidCredentials => "INVALID_CREDENTIALS",
            Self::AccountLocked => "ACCOUNT_LOCKED",
            Self::AccountDisabled => "ACCOUNT_DISABLED",
            Self::InvalidRefreshToken => "INVALID_REFRESH_TOKEN",
            Self::WechatCodeInvalid => "WECHAT_CODE_INVALID",
            Self::WechatUserBlocked => "WECHAT_USER_BLOCKED",
            Self::WechatUnavailable => "WECHAT_UNAVAILABLE",
            Self::WechatError => "WECHAT_ERROR",
            Self::QrCodeInvalid => "QR_CODE_INVALID",
            Self::QrCodeExpired => "QR_CODE_EXPIRED",
            Self::ApplicationLocked => "APPLICATION_LOCKED",
            Self::ApplicationIncomplete => "APPLICATION_INCOMPLETE",
            Self::DuplicateApplication => "DUPLICATE_APPLICATION",
            Self::FileTypeUnsupported => "FILE_TYPE_UNSUPPORTED",
            Self::FileCorrupt => "FILE_CORRUPT",
            Self::ImageTooLarge => "IMAGE_TOO_LARGE",
            Self::UploadBusy => "UPLOAD_BUSY",
            Self::ImageTooSmall => "IMAGE_TOO_SMALL",
            Self::ImageBlurry => "IMAGE_BLURRY",
            Self::ImageTooDark => "IMAGE_TOO_DARK",
            Self::ImageOverexposed => "IMAGE_OVEREXPOSED",
            Self::FaceNotFound => "FACE_NOT_FOUND",
            Self::InvalidTransition => "INVALID_TRANSITION",
            Self::VersionConflict => "VERSION_CONFLICT",
            Self::DataExchangeUnavailable => "DATA_EXCHANGE_UNAVAILABLE",
            Self::DataExchangeError => "DATA_EXCHANGE_ERROR",
            Self::CheckinChallengeExpired => "CHECKIN_CHALLENGE_EXPIRED",
            Self::CheckinChallengeInvalid => "CHECKIN_CHALLENGE_INVALID",
            Self::SelfieReplayed => "SELFIE_REPLAYED",
            Self::FaceVerificationFailed => "FACE_VERIFICATION_FAILED",
            Self::FaceVerificationIncomplete => "FACE_VERIFICATION_INCOMPLETE",
            Self::CheckinNotDue => "CHECKIN_NOT_DUE",
            Self::NotARecipient => "NOT_A_RECIPIENT",
            Self::VerifierUnavailable => "VERIFIER_UNAVAILABLE",
            Self::VerifierError => "VERIFIER_ERROR",
            Self::SyncCursorExpired => "SYNC_CURSOR_EXPIRED",
            Self::UploadOffsetMismatch => "UPLOAD_OFFSET_MISMATCH",
            Self::UploadChecksumMismatch => "UPLOAD_CHECKSUM_MISMATCH",
            Self::IdempotencyKeyReused => "IDEMPOTENCY_KEY_REUSED",
            Self::IdempotencyKeyInFlight => "IDEMPOTENCY_KEY_IN_FLIGHT",
            Self::ImportFileInvalid => "IMPORT_FILE_INVALID",
            Self::TicketClosedByDistrict => "TICKET_CLOSED_BY_DISTRICT",
            Self::PersonNotInReach => "PERSON_NOT_IN_REACH",
            Self::SelfieRestricted => "SELFIE_RESTRICTED",
            Self::AdminNotCaseWorker => "ADMIN_NOT_CASE_WORKER",
            Self::InvalidHeader => "INVALID_HEADER",
            Self::UploadNotFound => "UPLOAD_NOT_FOUND",
        }
    }

    /// A short summary that does not change from occurrence to occurrence.
    pub fn title(self) -> Text {
        let (zh, en) = match self {
            Self::BadRequest => ("请求无效", "Bad request"),
            Self::MalformedJson => ("请求内容格式错误", "Malformed JSON"),
            Self::InvalidQuery => ("查询参数错误", "Invalid query parameters"),
            Self::InvalidPath => ("地址参数错误", "Invalid path parameter"),
            Self::ValidationFailed => ("填写的内容有误", "Validation failed"),
            Self::Unauthenticated => ("请先登录", "Authentication required"),
            Self::Forbidden => ("没有权限", "Forbidden"),
            Self::NotFound => ("未找到", "Not found"),
            Self::RouteNotFound => ("接口不存在", "No such endpoint"),
            Self::MethodNotAllowed => ("不支持该请求方式", "Method not allowed"),
            Self::Conflict => ("与现有记录冲突", "Conflict"),
            Self::PayloadTooLarge => ("提交的内容过大", "Payload too large"),
            Self::UnsupportedMediaType => ("不支持的内容类型", "Unsupported media type"),
            Self::RateLimited => ("操作太频繁", "Too many requests"),
            Self::Internal => ("系统繁忙", "Internal error"),
            Self::ServiceUnavailable => ("服务暂时不可用", "Service unavailable"),
            Self::TokenExpired => ("登录已过期", "Session expired"),
            Self::InvalidCredentials => ("用户名或密码错误", "Wrong username or password"),
            Self::AccountLocked => ("账号已暂时锁定", "Temporarily locked"),
            Self::AccountDisabled => ("账号已停用", "Account disabled"),
            Self::InvalidRefreshToken => ("登录已失效", "Sign-in no longer valid"),
            Self::WechatCodeInvalid => ("微信登录凭证无效", "WeChat login code not valid"),
            Self::WechatUserBlocked => ("微信账号暂时无法登录", "WeChat account blocked"),
            Self::WechatUnavailable => ("微信服务繁忙", "WeChat unavailable"),
            Self::WechatError => ("微信登录出现问题", "WeChat sign-in failed"),
            Self::QrCodeInvalid => ("二维码无效", "Not a valid code"),
            Self::QrCodeExpired => ("二维码已失效", "Code withdrawn"),
            Self::ApplicationLocked => ("申请已提交", "Application submitted"),
            Self::ApplicationIncomplete => ("申请材料不完整", "Application incomplete"),
            Self::DuplicateApplication => ("已有正在办理的申请", "Duplicate application"),
            Self::FileTypeUnsupported => ("文件格式不支持", "Unsupported file type"),
            Self::FileCorrupt => ("文件已损坏", "File damaged"),
            Self::ImageTooLarge => ("图片尺寸过大", "Image too large"),
            Self::UploadBusy => ("上传人数较多", "Uploads busy"),
            Self::ImageTooSmall => ("照片太小", "Photo too small"),
            Self::ImageBlurry => ("照片模糊", "Photo blurry"),
            Self::ImageTooDark => ("照片太暗", "Photo too dark"),
            Self::ImageOverexposed => ("照片过亮", "Photo overexposed"),
            Self::FaceNotFound => ("未识别到人脸", "No face found"),
            Self::InvalidTransition => ("当前状态不能办理此操作", "Not allowed in the current state"),
            Self::VersionConflict => ("记录已被他人更新", "Changed by someone else"),
            Self::DataExchangeUnavailable => ("经济状况核对服务繁忙", "Data exchange unavailable"),
            Self::DataExchangeError => ("经济状况核对失败", "Data exchange failed"),
            Self::CheckinChallengeExpired => ("核验码已过期", "Challenge expired"),
            Self::CheckinChallengeInvalid => ("核验码无效", "Challenge not valid"),
            Self::SelfieReplayed => ("照片与以往核验照片相同", "Selfie replayed"),
            Self::FaceVerificationFailed => ("人脸核验未通过", "Face verification failed"),
            Self::FaceVerificationIncomplete => ("人脸核验未完成", "Face verification not finished"),
            Self::CheckinNotDue => ("当前不在核验时间内", "No check-in due"),
            Self::NotARecipient => ("您不是需要核验的救助对象", "Not a recipient"),
            Self::VerifierUnavailable => ("人脸核验服务繁忙", "Verifier unavailable"),
            Self::VerifierError => ("人脸核验服务出现问题", "Verifier error"),
            Self::SyncCursorExpired => ("同步位置已过期", "Sync cursor expired"),
            Self::UploadOffsetMismatch => ("上传位置不一致", "Upload offset mismatch"),
            Self::UploadChecksumMismatch => ("文件校验不一致", "Upload checksum mismatch"),
            Self::IdempotencyKeyReused => ("请求编号已被使用", "Idempotency key reused"),
            Self::IdempotencyKeyInFlight => ("相同请求正在处理", "Idempotency key in flight"),
            Self::ImportFileInvalid => ("导入文件无法读取", "Import file invalid"),
            Self::TicketClosedByDistrict => ("此事项由区县关闭", "Closed by the district"),
            Self::PersonNotInReach => ("辖区内未找到此人", "No such person in your region"),
            Self::SelfieRestricted => ("无权查看核验照片", "Check-in photo restricted"),
            Self::AdminNotCaseWorker => ("管理员不办理个案", "Administrators do not handle cases"),
            Self::InvalidHeader => ("请求头有误", "Invalid header"),
            Self::UploadNotFound => ("找不到该上传", "Upload not found"),
        };
        Text { zh, en }
    }

    /// The default explanation, used when the error carries no more specific one.
    pub fn detail(self) -> Text {
        let (zh, en) = match self {
            Self::BadRequest => {
                ("请求无法处理,请检查后重试。", "The request could not be processed; check it and try again.")
            }
            Self::MalformedJson => (
                "提交的内容不是有效的 JSON,请检查格式后重新提交。",
                "The body is not valid JSON; fix its syntax and send it again.",
            ),
            Self::InvalidQuery => (
                "查询参数缺失或格式不对,请检查后重试。",
                "A query parameter is missing or malformed; check it and try again.",
            ),
            Self::InvalidPath => {
                ("地址中的参数格式不对,请检查后重试。", "A parameter in the path is malformed; check it and try again.")
            }
            Self::ValidationFailed => (
                "部分内容填写有误,请按提示修改后重新提交。",
                "Some fields are invalid; correct them as described and send again.",
            ),
            Self::Unauthenticated => {
                ("登录已失效或尚未登录,请重新登录。", "You are not signed in or your session expired; sign in again.")
            }
            Self::Forbidden => (
                "您没有办理此事项的权限,如有疑问请联系所在社区。",
                "You are not allowed to do this; contact your community if you think you should be.",
            ),
            Self::NotFound => ("没有找到相关记录,请确认后重试。", "No such record; check the reference and try again."),
            Self::RouteNotFound => {
                ("请求的接口不存在,请检查地址。", "There is no endpoint at this path; check the URL.")
            }
            Self::MethodNotAllowed => (
                "该接口不支持此请求方式,请查看 Allow 头中列出的方式。",
                "This endpoint does not support this method; see the Allow header.",
            ),
            Self::Conflict => (
                "该记录已存在或已被修改,请刷新后再试。",
                "The record already exists or was changed meanwhile; reload and try again.",
            ),
            Self::PayloadTooLarge => {
                ("提交的内容过大,请减少内容或压缩后重试。", "The body is too large; send less or compress it.")
            }
            Self::UnsupportedMediaType => (
                "提交的内容类型不受支持,请使用 application/json。",
                "This content type is not accepted here; send application/json.",
            ),
            Self::RateLimited => ("操作太频繁,请稍后再试。", "Too many requests; wait a moment and try again."),
            Self::Internal => (
                "系统繁忙,请稍后重试;如多次失败,请将请求编号告知工作人员。",
                "Something went wrong on our side; try again later, and quote the request id if it keeps failing.",
            ),
            Self::ServiceUnavailable => {
                ("服务暂时不可用,请稍后重试。", "The service is temporarily unavailable; try again shortly.")
            }
            Self::TokenExpired => {
                ("登录已过期,请重新登录。", "Your session expired; refresh it with the refresh token or sign in again.")
            }
            Self::InvalidCredentials => (
                "用户名或密码错误,请检查后重新输入;多次输入错误账号将被暂时锁定。",
                "Wrong username or password; check and try again. Repeated failures lock the account for a while.",
            ),
            Self::AccountLocked => (
                "密码错误次数过多,已暂时锁定,请稍后再试;如忘记密码,请联系管理员重置。",
                "Too many failed attempts; wait and try again later, or ask an administrator to reset the password.",
            ),
            Self::AccountDisabled => {
                ("该账号已停用,如有疑问请联系管理员。", "This account is disabled; contact an administrator.")
            }
            Self::InvalidRefreshToken => ("登录已失效,请重新登录。", "This sign-in is no longer valid; sign in again."),
            Self::WechatCodeInvalid => (
                "微信登录凭证已失效,请关闭小程序后重新打开再试。",
                "The WeChat login code expired or was already used; reopen the mini program and try again.",
            ),
            Self::WechatUserBlocked => (
                "您的微信账号暂时无法登录,请联系所在社区工作人员帮您办理。",
                "WeChat does not allow this account to sign in now; ask your community's staff to apply for you.",
            ),
            Self::WechatUnavailable => {
                ("微信服务繁忙,请稍后再试。", "WeChat is busy or unreachable; try again shortly.")
            }
            Self::WechatError => {
                ("微信登录暂时出现问题,请稍后再试。", "WeChat sign-in failed unexpectedly; try again later.")
            }
            Self::QrCodeInvalid => (
                "无法识别该二维码,请扫描社区服务点张贴的救助申请二维码。",
                "This is not a Jiuzhu service-point code; scan the code posted at the community service point.",
            ),
            Self::QrCodeExpired => (
                "该二维码已停用,请联系社区工作人员获取新的二维码,或直接选择所在社区申请。",
                "This code was withdrawn; ask the community staff for the new one or pick your community instead.",
            ),
            Self::ApplicationLocked => (
                "申请已提交,不能再修改;如需补充材料,请等待审核人员退回补正。",
                "The application was submitted and can no longer be changed; wait to be asked for more materials.",
            ),
            Self::ApplicationIncomplete => (
                "申请还缺少以下内容,请补齐后再提交。",
                "The application is missing the pieces listed; add them and submit again.",
            ),
            Self::DuplicateApplication => (
                "您已有同一事项正在办理中的申请,请在\u{201c}我的申请\u{201d}中查看进度,无需重复申请。",
                "There is already an open application for this item; follow it instead of applying again.",
            ),
            Self::FileTypeUnsupported => (
                "请上传 JPG、PNG、WebP 格式的照片或 PDF 文件;如使用苹果手机,请在相机设置中选择\u{201c}兼容性最佳\u{201d}。",
                "Upload a JPEG, PNG or WebP photo or a PDF; on an iPhone choose the \"Most Compatible\" camera format.",
            ),
            Self::FileCorrupt => (
                "文件已损坏或没有传完整,请重新拍摄,或从相册选择原图再上传。",
                "The file is damaged or was cut off; take the photo again or pick the original from the album.",
            ),
            Self::ImageTooLarge => (
                "图片尺寸过大,请用手机相机直接拍摄(不要用全景或超高像素模式),或选择较小的照片后上传。",
                "The picture is too large; take an ordinary photo (not a panorama or ultra-resolution shot) or pick a smaller one, and upload it.",
            ),
            Self::UploadBusy => (
                "当前上传人数较多,请稍等几秒后重新上传。",
                "Many photos are being processed right now; wait a few seconds and upload again.",
            ),
            Self::ImageTooSmall => (
                "照片太小、看不清,请用手机相机拍摄原图,靠近一些,让证件或面部占满取景框后重新拍摄。",
                "The photo is too small to read; take the original with the phone's camera, move closer so the document or face fills the frame, and retake it.",
            ),
            Self::ImageBlurry => (
                "照片模糊,请将证件放平、对准光线充足处重新拍摄。",
                "The photo is blurry; lay the document flat in good light, hold the phone still and retake it.",
            ),
            Self::ImageTooDark => (
                "照片太暗,请到光线充足的地方或打开灯后重新拍摄。",
                "The photo is too dark; move to good light or switch a light on and retake it.",
            ),
            Self::ImageOverexposed => (
                "照片过亮或有反光,请避开强光直射、关闭闪光灯后重新拍摄。",
                "The photo is overexposed or shows glare; avoid direct light, turn the flash off and retake it.",
            ),
            Self::FaceNotFound => (
                "没有识别到清晰的人脸,请正对镜头、摘下帽子和口罩,在光线充足处重新拍摄。",
                "No clear face was found; face the camera without hat or mask, in good light, and retake it.",
            ),
            Self::InvalidTransition => (
                "该申请当前的办理状态不能进行此操作,请刷新查看最新进度。",
                "The application's current state does not allow this step; reload it to see where it stands.",
            ),
            Self::VersionConflict => (
                "该记录刚被其他人员更新,请刷新后核对最新内容再操作。",
                "Someone else changed this record just now; reload it, check, and try again.",
            ),
            Self::DataExchangeUnavailable => (
                "经济状况核对服务暂时无响应,申请状态未改变,请稍后重试。",
                "The economic check service did not answer; nothing changed, try again shortly.",
            ),
            Self::DataExchangeError => (
                "经济状况核对服务未能处理本次核对,请联系区县信息中心后重试。",
                "The economic check service could not handle the request; contact the district data centre and retry.",
            ),
            Self::CheckinChallengeExpired => (
                "核验已超时(有效期 5 分钟),请返回重新开始核验。",
                "The check-in challenge expired (it lasts 5 minutes); start the check-in again.",
            ),
            Self::CheckinChallengeInvalid => (
                "核验码无效或已使用,请返回重新开始核验。",
                "The challenge is unknown, was used already or is not yours; start the check-in again.",
            ),
            Self::SelfieReplayed => (
                "本次照片与以往核验使用的照片相同,请用手机现场拍摄本人照片。本次核验未通过,社区工作人员可能会联系您。",
                "This is the same picture as an earlier check-in; take a new photo with the phone's camera. This check-in failed and your community may contact you.",
            ),
            Self::FaceVerificationFailed => (
                "人脸核验未通过。请确认由本人操作后重试;也可以联系社区工作人员上门协助核验,救助不会因此自动停发。",
                "The face verification did not pass. Make sure the recipient does it themselves and try again, or ask the community for a home visit; aid is not stopped because of this.",
            ),
            Self::FaceVerificationIncomplete => (
                "人脸核验没有完成(已取消、未授权相机或网络中断),本次不计为失败。请允许使用相机后重新开始核验。",
                "The face verification on the phone did not finish (cancelled, no camera permission, network); nothing was recorded. Allow the camera and start again.",
            ),
            Self::CheckinNotDue => (
                "当前不在生存核验时间内,请在下次核验时间内办理;错过时间的,社区工作人员会上门核实。",
                "No check-in is due now; check in during your next window. If a window was missed, your community will visit.",
            ),
            Self::NotARecipient => (
                "您目前没有需要定期核验的救助项目,无需办理生存核验。",
                "You receive no aid that asks for periodic check-ins; nothing to do.",
            ),
            Self::VerifierUnavailable => (
                "人脸核验服务繁忙,请稍后重试;本次核验码仍然有效。",
                "The face-verification service is busy; try again shortly. The challenge stays valid.",
            ),
            Self::VerifierError => (
                "人脸核验服务暂时出现问题,请稍后再试,或联系社区工作人员上门协助核验。",
                "The face-verification service failed; try again later, or ask your community for a home visit.",
            ),
            Self::SyncCursorExpired => (
                "本机上次同步距今太久,服务器已不保留其间的删除记录:请先上传未同步的操作,再清空本地数据从头完整同步(cursor=0)。",
                "This phone last synced too long ago: push what is unsent, then clear local data and sync afresh from cursor=0.",
            ),
            Self::UploadOffsetMismatch => (
                "服务器已收到的位置与本次发送的不一致:请先查询已收到的位置(HEAD),再从该位置继续上传。",
                "The server has received up to another offset: ask for it (HEAD) and continue from there.",
            ),
            Self::UploadChecksumMismatch => (
                "收到的文件与创建上传时声明的校验值不一致,已清空本次上传:请从头重新上传该照片。",
                "The received file does not match the declared SHA-256; the upload was reset: send the photo again from the start.",
            ),
            Self::IdempotencyKeyReused => (
                "该请求编号(Idempotency-Key)已用于另一项不同的请求;新的操作请生成新的编号。",
                "This Idempotency-Key was used for another request; make a new key for a new action.",
            ),
            Self::IdempotencyKeyInFlight => (
                "相同的请求正在处理中,请稍候片刻再查看结果,不要重复提交。",
                "The first request with this key is still being worked on; try again in a moment.",
            ),
            Self::ImportFileInvalid => (
                "文件无法按表格读取:请按模板导出 UTF-8 或 GBK 编码的 CSV(或 JSON Lines)后重新导入。",
                "The file cannot be read as a table: export a UTF-8 or GBK CSV (or JSON lines) from the template and import again.",
            ),
            Self::TicketClosedByDistrict => (
                "此督办事项由区县复核后关闭,乡镇不能自行关闭。请提交说明(POST …/answer),写明核实情况,区县看过后关闭。",
                "The district closes this ticket after its review. Send your explanation (POST …/answer); the district reads it and closes the ticket.",
            ),
            Self::PersonNotInReach => (
                "您辖区内没有此人的申请、救助或监测记录。确因工作需要查询,请在 reason 中写明查询事由后重新查询;查询将被记录并报区县。",
                "No application, aid or monitoring entry of this person in your region. If your work needs it, state the reason in `reason` and ask again; the look-up is recorded and shown to the district.",
            ),
            Self::SelfieRestricted => (
                "核验照片属于敏感个人信息,只有乡镇审核人员和正在承担此人入户核查任务的社区工作人员可以查看。",
                "Check-in photos are sensitive: only the township reviewer and a helper with an open home-visit task for this person may see them.",
            ),
            Self::AdminNotCaseWorker => (
                "平台管理员负责区划、账号、救助目录和服务点,不查看个人的申请、线索、照片或救助台账。请由所属乡镇或区县工作人员办理。",
                "Platform administrators run regions, accounts, the catalogue and service points; they do not see people's applications, leads, photos or ledgers. Ask the township or district staff.",
            ),
            Self::InvalidHeader => (
                "请求头缺失或格式不对:请按说明中该请求头的格式重新发送。",
                "A request header is missing or malformed; send it in the form the detail gives.",
            ),
            Self::UploadNotFound => (
                "该操作引用的照片上传不存在(未创建、已过期被清理或不属于本账号):请重新拍摄或选择照片,新建上传传完后,再用新的操作提交。",
                "The upload this op names does not exist (never created, expired, or another account's): take the photo again, upload it anew, then push a new op.",
            ),
        };
        Text { zh, en }
    }

    /// The generic code for a status, used when a response was produced outside our error type.
    pub fn for_status(status: StatusCode) -> Self {
        match status.as_u16() {
            401 => Self::Unauthenticated,
            403 => Self::Forbidden,
            404 => Self::RouteNotFound,
            405 => Self::MethodNotAllowed,
            409 => Self::Conflict,
            413 => Self::PayloadTooLarge,
            415 => Self::UnsupportedMediaType,
            422 => Self::ValidationFailed,
            429 => Self::RateLimited,
            503 => Self::ServiceUnavailable,
            500..=599 => Self::Internal,
            _ => Self::BadRequest,
        }
    }

    /// Every code, for documentation and tests.
    pub const ALL: [Self; 64] = [
        Self::BadRequest,
        Self::MalformedJson,
        Self::InvalidQuery,
        Self::InvalidPath,
        Self::ValidationFailed,
        Self::Unauthenticated,
        Self::Forbidden,
        Self::NotFound,
        Self::RouteNotFound,
        Self::MethodNotAllowed,
        Self::Conflict,
        Self::PayloadTooLarge,
        Self::UnsupportedMediaType,
        Self::RateLimited,
        Self::Internal,
        Self::ServiceUnavailable,
        Self::TokenExpired,
        Self::InvalidCredentials,
        Self::AccountLocked,
        Self::AccountDisabled,
        Self::InvalidRefreshToken,
        Self::WechatCodeInvalid,
        Self::WechatUserBlocked,
        Self::WechatUnavailable,
        Self::WechatError,
        Self::QrCodeInvalid,
        Self::QrCodeExpired,
        Self::ApplicationLocked,
        Self::ApplicationIncomplete,
        Self::DuplicateApplication,
        Self::FileTypeUnsupported,
        Self::FileCorrupt,
        Self::ImageTooLarge,
        Self::UploadBusy,
        Self::ImageTooSmall,
        Self::ImageBlurry,
        Self::ImageTooDark,
        Self::ImageOverexposed,
        Self::FaceNotFound,
        Self::InvalidTransition,
        Self::VersionConflict,
        Self::DataExchangeUnavailable,
        Self::DataExchangeError,
        Self::CheckinChallengeExpired,
        Self::CheckinChallengeInvalid,
        Self::SelfieReplayed,
        Self::FaceVerificationFailed,
        Self::FaceVerificationIncomplete,
        Self::CheckinNotDue,
        Self::NotARecipient,
        Self::VerifierUnavailable,
        Self::VerifierError,
        Self::SyncCursorExpired,
        Self::UploadOffsetMismatch,
        Self::UploadChecksumMismatch,
        Self::IdempotencyKeyReused,
        Self::IdempotencyKeyInFlight,
        Self::ImportFileInvalid,
        Self::TicketClosedByDistrict,
        Self::PersonNotInReach,
        Self::SelfieRestricted,
        Self::AdminNotCaseWorker,
        Self::InvalidHeader,
        Self::UploadNotFound,
    ];
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_match_serde_and_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for code in ErrorCode::ALL {
            let json = serde_json::to_value(code).unwrap();
            assert_eq!(json, code.as_str());
            assert!(seen.insert(code.as_str()));
            assert!(!code.title().zh.is_empty() && !code.detail().en.is_empty());
        }
    }

    #[test]
    fn generic_codes_keep_their_status() {
        for status in [401u16, 403, 404, 405, 409, 413, 415, 422, 429, 500, 503] {
            let status = StatusCode::from_u16(status).unwrap();
            assert_eq!(ErrorCode::for_status(status).status(), status);
        }
    }
}
