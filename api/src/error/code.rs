//! The catalogue of stable error codes.
//!
//! A code never changes meaning once published: clients branch on it. Each has an HTTP status, a
//! title and a default detail in Simplified Chinese and English. Details tell the person what to do.
//!
//! Every code is one row of the table below; the macro makes the enum and its lookups from it, so
//! a code cannot have a status without a title or a title without a detail. The status is a plain
//! `u16`: the HTTP edge ([`super::ApiError`]'s `ResponseError`) turns it into actix's type.

use serde::Serialize;
use utoipa::ToSchema;

/// Declares [`ErrorCode`] from one row per code: its doc comment (the spec's words for it), HTTP
/// status, wire name, and title and default detail as `(zh, en)`. The wire name is taken as a `tt`:
/// a `literal` fragment reaches the derives wrapped in a group utoipa does not read, and the spec
/// would name the variants instead.
macro_rules! error_codes {
    ($(
        $(#[doc = $doc:literal])*
        $name:ident => $status:literal, $code:tt,
            title: ($title_zh:literal, $title_en:literal),
            detail: ($detail_zh:literal, $detail_en:literal $(,)?);
    )*) => {
        /// Stable, upper-snake-case error codes returned in the `code` field of every problem.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, ToSchema)]
        pub enum ErrorCode {
            $($(#[doc = $doc])* #[serde(rename = $code)] $name,)*
        }

        impl ErrorCode {
            /// Every code, in the order of the table, for documentation and tests.
            pub const ALL: [Self; [$($code),*].len()] = [$(Self::$name),*];

            /// The HTTP status of a response carrying this code.
            pub fn status(self) -> u16 {
                match self {
                    $(Self::$name => $status,)*
                }
            }

            /// The code as it appears on the wire, e.g. `MALFORMED_JSON`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$name => $code,)*
                }
            }

            /// A short summary that does not change from occurrence to occurrence.
            pub fn title(self) -> Text {
                match self {
                    $(Self::$name => Text { zh: $title_zh, en: $title_en },)*
                }
            }

            /// The default explanation, used when the error carries no more specific one.
            pub fn detail(self) -> Text {
                match self {
                    $(Self::$name => Text { zh: $detail_zh, en: $detail_en },)*
                }
            }
        }
    };
}

/// Text in the two languages the API speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Text {
    pub zh: &'static str,
    pub en: &'static str,
}

error_codes! {
    /// The request could not be understood (a generic 400).
    BadRequest => 400, "BAD_REQUEST",
        title: ("请求无效", "Bad request"),
        detail: ("请求无法处理,请检查后重试。", "The request could not be processed; check it and try again.");

    /// The body is not well-formed JSON.
    MalformedJson => 400, "MALFORMED_JSON",
        title: ("请求内容格式错误", "Malformed JSON"),
        detail: ("提交的内容不是有效的 JSON,请检查格式后重新提交。", "The body is not valid JSON; fix its syntax and send it again.");

    /// A query-string parameter is missing or has the wrong form.
    InvalidQuery => 400, "INVALID_QUERY",
        title: ("查询参数错误", "Invalid query parameters"),
        detail: ("查询参数缺失或格式不对,请检查后重试。", "A query parameter is missing or malformed; check it and try again.");

    /// A path parameter has the wrong form.
    InvalidPath => 400, "INVALID_PATH",
        title: ("地址参数错误", "Invalid path parameter"),
        detail: ("地址中的参数格式不对,请检查后重试。", "A parameter in the path is malformed; check it and try again.");

    /// The request is well-formed but some fields are invalid; see `errors`.
    ValidationFailed => 422, "VALIDATION_FAILED",
        title: ("填写的内容有误", "Validation failed"),
        detail: ("部分内容填写有误,请按提示修改后重新提交。", "Some fields are invalid; correct them as described and send again.");

    /// No credentials, or credentials that are not valid.
    Unauthenticated => 401, "UNAUTHENTICATED",
        title: ("请先登录", "Authentication required"),
        detail: ("登录已失效或尚未登录,请重新登录。", "You are not signed in or your session expired; sign in again.");

    /// The caller may not do this.
    Forbidden => 403, "FORBIDDEN",
        title: ("没有权限", "Forbidden"),
        detail: (
            "您没有办理此事项的权限,如有疑问请联系所在社区。",
            "You are not allowed to do this; contact your community if you think you should be.",
        );

    /// The record does not exist or is not the caller's.
    NotFound => 404, "NOT_FOUND",
        title: ("未找到", "Not found"),
        detail: ("没有找到相关记录,请确认后重试。", "No such record; check the reference and try again.");

    /// No endpoint has this path.
    RouteNotFound => 404, "ROUTE_NOT_FOUND",
        title: ("接口不存在", "No such endpoint"),
        detail: ("请求的接口不存在,请检查地址。", "There is no endpoint at this path; check the URL.");

    /// The path exists but not with this HTTP method; see the `Allow` header.
    MethodNotAllowed => 405, "METHOD_NOT_ALLOWED",
        title: ("不支持该请求方式", "Method not allowed"),
        detail: ("该接口不支持此请求方式,请查看 Allow 头中列出的方式。", "This endpoint does not support this method; see the Allow header.");

    /// The request conflicts with the current state or with an existing record.
    Conflict => 409, "CONFLICT",
        title: ("与现有记录冲突", "Conflict"),
        detail: ("该记录已存在或已被修改,请刷新后再试。", "The record already exists or was changed meanwhile; reload and try again.");

    /// The body is larger than this endpoint accepts.
    PayloadTooLarge => 413, "PAYLOAD_TOO_LARGE",
        title: ("提交的内容过大", "Payload too large"),
        detail: ("提交的内容过大,请减少内容或压缩后重试。", "The body is too large; send less or compress it.");

    /// The body has a content type this endpoint does not accept.
    UnsupportedMediaType => 415, "UNSUPPORTED_MEDIA_TYPE",
        title: ("不支持的内容类型", "Unsupported media type"),
        detail: ("提交的内容类型不受支持,请使用 application/json。", "This content type is not accepted here; send application/json.");

    /// Too many requests; see `Retry-After`.
    RateLimited => 429, "RATE_LIMITED",
        title: ("操作太频繁", "Too many requests"),
        detail: ("操作太频繁,请稍后再试。", "Too many requests; wait a moment and try again.");

    /// An unexpected error; the log has the cause under the same request id.
    Internal => 500, "INTERNAL",
        title: ("系统繁忙", "Internal error"),
        detail: (
            "系统繁忙,请稍后重试;如多次失败,请将请求编号告知工作人员。",
            "Something went wrong on our side; try again later, and quote the request id if it keeps failing.",
        );

    /// A dependency (such as the database) is unavailable; see `Retry-After`.
    ServiceUnavailable => 503, "SERVICE_UNAVAILABLE",
        title: ("服务暂时不可用", "Service unavailable"),
        detail: ("服务暂时不可用,请稍后重试。", "The service is temporarily unavailable; try again shortly.");

    /// The access token has expired; exchange the refresh token for a new one.
    TokenExpired => 401, "TOKEN_EXPIRED",
        title: ("登录已过期", "Session expired"),
        detail: ("登录已过期,请重新登录。", "Your session expired; refresh it with the refresh token or sign in again.");

    /// Wrong username or password (the same answer whether or not the account exists).
    InvalidCredentials => 401, "INVALID_CREDENTIALS",
        title: ("用户名或密码错误", "Wrong username or password"),
        detail: (
            "用户名或密码错误,请检查后重新输入;多次输入错误账号将被暂时锁定。",
            "Wrong username or password; check and try again. Repeated failures lock the account for a while.",
        );

    /// Too many failed sign-ins for this account or address; see `Retry-After`.
    AccountLocked => 429, "ACCOUNT_LOCKED",
        title: ("账号已暂时锁定", "Temporarily locked"),
        detail: (
            "密码错误次数过多,已暂时锁定,请稍后再试;如忘记密码,请联系管理员重置。",
            "Too many failed attempts; wait and try again later, or ask an administrator to reset the password.",
        );

    /// The account has been switched off by an administrator.
    AccountDisabled => 403, "ACCOUNT_DISABLED",
        title: ("账号已停用", "Account disabled"),
        detail: ("该账号已停用,如有疑问请联系管理员。", "This account is disabled; contact an administrator.");

    /// The refresh token is unknown, expired, spent or revoked; sign in again.
    InvalidRefreshToken => 401, "INVALID_REFRESH_TOKEN",
        title: ("登录已失效", "Sign-in no longer valid"),
        detail: ("登录已失效,请重新登录。", "This sign-in is no longer valid; sign in again.");

    /// WeChat did not accept the `wx.login` code (expired or already used).
    WechatCodeInvalid => 401, "WECHAT_CODE_INVALID",
        title: ("微信登录凭证无效", "WeChat login code not valid"),
        detail: (
            "微信登录凭证已失效,请关闭小程序后重新打开再试。",
            "The WeChat login code expired or was already used; reopen the mini program and try again.",
        );

    /// WeChat flagged the user as risky and refuses the sign-in.
    WechatUserBlocked => 403, "WECHAT_USER_BLOCKED",
        title: ("微信账号暂时无法登录", "WeChat account blocked"),
        detail: (
            "您的微信账号暂时无法登录,请联系所在社区工作人员帮您办理。",
            "WeChat does not allow this account to sign in now; ask your community's staff to apply for you.",
        );

    /// WeChat is busy, slow or unreachable; see `Retry-After`.
    WechatUnavailable => 503, "WECHAT_UNAVAILABLE",
        title: ("微信服务繁忙", "WeChat unavailable"),
        detail: ("微信服务繁忙,请稍后再试。", "WeChat is busy or unreachable; try again shortly.");

    /// WeChat gave an answer the server could not use.
    WechatError => 502, "WECHAT_ERROR",
        title: ("微信登录出现问题", "WeChat sign-in failed"),
        detail: ("微信登录暂时出现问题,请稍后再试。", "WeChat sign-in failed unexpectedly; try again later.");

    /// The scanned code is not one of ours (forged, damaged or from another app).
    QrCodeInvalid => 422, "QR_CODE_INVALID",
        title: ("二维码无效", "Not a valid code"),
        detail: (
            "无法识别该二维码,请扫描社区服务点张贴的救助申请二维码。",
            "This is not a Jiuzhu service-point code; scan the code posted at the community service point.",
        );

    /// The scanned code was withdrawn or has expired.
    QrCodeExpired => 410, "QR_CODE_EXPIRED",
        title: ("二维码已失效", "Code withdrawn"),
        detail: (
            "该二维码已停用,请联系社区工作人员获取新的二维码,或直接选择所在社区申请。",
            "This code was withdrawn; ask the community staff for the new one or pick your community instead.",
        );

    /// The application was submitted: its data can no longer be changed by the applicant's side.
    ApplicationLocked => 409, "APPLICATION_LOCKED",
        title: ("申请已提交", "Application submitted"),
        detail: (
            "申请已提交,不能再修改;如需补充材料,请等待审核人员退回补正。",
            "The application was submitted and can no longer be changed; wait to be asked for more materials.",
        );

    /// Submit found missing pieces; `errors[]` lists every one.
    ApplicationIncomplete => 422, "APPLICATION_INCOMPLETE",
        title: ("申请材料不完整", "Application incomplete"),
        detail: ("申请还缺少以下内容,请补齐后再提交。", "The application is missing the pieces listed; add them and submit again.");

    /// The applicant already has an open application for one of the items; the detail names it.
    DuplicateApplication => 409, "DUPLICATE_APPLICATION",
        title: ("已有正在办理的申请", "Duplicate application"),
        detail: (
            "您已有同一事项正在办理中的申请,请在\u{201c}我的申请\u{201d}中查看进度,无需重复申请。",
            "There is already an open application for this item; follow it instead of applying again.",
        );

    /// The uploaded file is not a JPEG, PNG or WebP photo or a PDF (decided from its bytes).
    FileTypeUnsupported => 415, "FILE_TYPE_UNSUPPORTED",
        title: ("文件格式不支持", "Unsupported file type"),
        detail: (
            "请上传 JPG、PNG、WebP 格式的照片或 PDF 文件;如使用苹果手机,请在相机设置中选择\u{201c}兼容性最佳\u{201d}。",
            "Upload a JPEG, PNG or WebP photo or a PDF; on an iPhone choose the \"Most Compatible\" camera format.",
        );

    /// The file is damaged or was cut off in transfer.
    FileCorrupt => 422, "FILE_CORRUPT",
        title: ("文件已损坏", "File damaged"),
        detail: (
            "文件已损坏或没有传完整,请重新拍摄,或从相册选择原图再上传。",
            "The file is damaged or was cut off; take the photo again or pick the original from the album.",
        );

    /// The picture's declared size is over the limit (a decompression bomb, or a panorama).
    ImageTooLarge => 422, "IMAGE_TOO_LARGE",
        title: ("图片尺寸过大", "Image too large"),
        detail: (
            "图片尺寸过大,请用手机相机直接拍摄(不要用全景或超高像素模式),或选择较小的照片后上传。",
            "The picture is too large; take an ordinary photo (not a panorama or ultra-resolution shot) or pick a smaller one, and upload it.",
        );

    /// The application (or item) is not in a state that allows this step; `current` has its state.
    InvalidTransition => 409, "INVALID_TRANSITION",
        title: ("当前状态不能办理此操作", "Not allowed in the current state"),
        detail: (
            "该申请当前的办理状态不能进行此操作,请刷新查看最新进度。",
            "The application's current state does not allow this step; reload it to see where it stands.",
        );

    /// Someone changed the record since the version sent; `current` has the new version. Reload.
    VersionConflict => 409, "VERSION_CONFLICT",
        title: ("记录已被他人更新", "Changed by someone else"),
        detail: (
            "该记录刚被其他人员更新,请刷新后核对最新内容再操作。",
            "Someone else changed this record just now; reload it, check, and try again.",
        );

    /// The data-exchange service (economic check) is slow or unreachable; see `Retry-After`.
    DataExchangeUnavailable => 503, "DATA_EXCHANGE_UNAVAILABLE",
        title: ("经济状况核对服务繁忙", "Data exchange unavailable"),
        detail: (
            "经济状况核对服务暂时无响应,申请状态未改变,请稍后重试。",
            "The economic check service did not answer; nothing changed, try again shortly.",
        );

    /// The data-exchange service refused the request or answered something unusable.
    DataExchangeError => 502, "DATA_EXCHANGE_ERROR",
        title: ("经济状况核对失败", "Data exchange failed"),
        detail: (
            "经济状况核对服务未能处理本次核对,请联系区县信息中心后重试。",
            "The economic check service could not handle the request; contact the district data centre and retry.",
        );

    /// Too many photos are being processed; retry after `Retry-After`.
    UploadBusy => 503, "UPLOAD_BUSY",
        title: ("上传人数较多", "Uploads busy"),
        detail: (
            "当前上传人数较多,请稍等几秒后重新上传。",
            "Many photos are being processed right now; wait a few seconds and upload again.",
        );

    /// The photo is too small to read (refused for this document type).
    ImageTooSmall => 422, "IMAGE_TOO_SMALL",
        title: ("照片太小", "Photo too small"),
        detail: (
            "照片太小、看不清,请用手机相机拍摄原图,靠近一些,让证件或面部占满取景框后重新拍摄。",
            "The photo is too small to read; take the original with the phone's camera, move closer so the document or face fills the frame, and retake it.",
        );

    /// The photo is blurry (refused for this document type).
    ImageBlurry => 422, "IMAGE_BLURRY",
        title: ("照片模糊", "Photo blurry"),
        detail: (
            "照片模糊,请将证件放平、对准光线充足处重新拍摄。",
            "The photo is blurry; lay the document flat in good light, hold the phone still and retake it.",
        );

    /// The photo is too dark (refused for this document type).
    ImageTooDark => 422, "IMAGE_TOO_DARK",
        title: ("照片太暗", "Photo too dark"),
        detail: (
            "照片太暗,请到光线充足的地方或打开灯后重新拍摄。",
            "The photo is too dark; move to good light or switch a light on and retake it.",
        );

    /// The photo is overexposed or shows glare (refused for this document type).
    ImageOverexposed => 422, "IMAGE_OVEREXPOSED",
        title: ("照片过亮", "Photo overexposed"),
        detail: (
            "照片过亮或有反光,请避开强光直射、关闭闪光灯后重新拍摄。",
            "The photo is overexposed or shows glare; avoid direct light, turn the flash off and retake it.",
        );

    /// No face was found where one must be (refused for this document type).
    FaceNotFound => 422, "FACE_NOT_FOUND",
        title: ("未识别到人脸", "No face found"),
        detail: (
            "没有识别到清晰的人脸,请正对镜头、摘下帽子和口罩,在光线充足处重新拍摄。",
            "No clear face was found; face the camera without hat or mask, in good light, and retake it.",
        );

    /// The check-in challenge expired (it lasts 5 minutes); start the check-in again.
    CheckinChallengeExpired => 422, "CHECKIN_CHALLENGE_EXPIRED",
        title: ("核验码已过期", "Challenge expired"),
        detail: (
            "核验已超时(有效期 5 分钟),请返回重新开始核验。",
            "The check-in challenge expired (it lasts 5 minutes); start the check-in again.",
        );

    /// The challenge is unknown, used already, or not the caller's; start the check-in again.
    CheckinChallengeInvalid => 422, "CHECKIN_CHALLENGE_INVALID",
        title: ("核验码无效", "Challenge not valid"),
        detail: (
            "核验码无效或已使用,请返回重新开始核验。",
            "The challenge is unknown, was used already or is not yours; start the check-in again.",
        );

    /// The selfie is the same picture as one of an earlier check-in (re-encoded or resized included).
    SelfieReplayed => 422, "SELFIE_REPLAYED",
        title: ("照片与以往核验照片相同", "Selfie replayed"),
        detail: (
            "本次照片与以往核验使用的照片相同,请用手机现场拍摄本人照片。本次核验未通过,社区工作人员可能会联系您。",
            "This is the same picture as an earlier check-in; take a new photo with the phone's camera. This check-in failed and your community may contact you.",
        );

    /// The face verification said this is not the recipient; the community is asked to visit.
    FaceVerificationFailed => 422, "FACE_VERIFICATION_FAILED",
        title: ("人脸核验未通过", "Face verification failed"),
        detail: (
            "人脸核验未通过。请确认由本人操作后重试;也可以联系社区工作人员上门协助核验,救助不会因此自动停发。",
            "The face verification did not pass. Make sure the recipient does it themselves and try again, or ask the community for a home visit; aid is not stopped because of this.",
        );

    /// The face verification on the phone did not finish (cancelled, no camera permission, network); nothing was recorded.
    FaceVerificationIncomplete => 422, "FACE_VERIFICATION_INCOMPLETE",
        title: ("人脸核验未完成", "Face verification not finished"),
        detail: (
            "人脸核验没有完成(已取消、未授权相机或网络中断),本次不计为失败。请允许使用相机后重新开始核验。",
            "The face verification on the phone did not finish (cancelled, no camera permission, network); nothing was recorded. Allow the camera and start again.",
        );

    /// No check-in window is open now; the detail names the next one.
    CheckinNotDue => 422, "CHECKIN_NOT_DUE",
        title: ("当前不在核验时间内", "No check-in due"),
        detail: (
            "当前不在生存核验时间内,请在下次核验时间内办理;错过时间的,社区工作人员会上门核实。",
            "No check-in is due now; check in during your next window. If a window was missed, your community will visit.",
        );

    /// The caller receives no aid that asks for check-ins.
    NotARecipient => 403, "NOT_A_RECIPIENT",
        title: ("您不是需要核验的救助对象", "Not a recipient"),
        detail: ("您目前没有需要定期核验的救助项目,无需办理生存核验。", "You receive no aid that asks for periodic check-ins; nothing to do.");

    /// The face-verification service is slow or unreachable; see `Retry-After`. The challenge stays valid.
    VerifierUnavailable => 503, "VERIFIER_UNAVAILABLE",
        title: ("人脸核验服务繁忙", "Verifier unavailable"),
        detail: (
            "人脸核验服务繁忙,请稍后重试;本次核验码仍然有效。",
            "The face-verification service is busy; try again shortly. The challenge stays valid.",
        );

    /// The face-verification service refused the request or answered something unusable.
    VerifierError => 502, "VERIFIER_ERROR",
        title: ("人脸核验服务出现问题", "Verifier error"),
        detail: (
            "人脸核验服务暂时出现问题,请稍后再试,或联系社区工作人员上门协助核验。",
            "The face-verification service failed; try again later, or ask your community for a home visit.",
        );

    /// A sync cursor older than the kept deletions, or one this server never gave: sync afresh.
    SyncCursorExpired => 410, "SYNC_CURSOR_EXPIRED",
        title: ("同步位置已过期", "Sync cursor expired"),
        detail: (
            "本机上次同步距今太久,服务器已不保留其间的删除记录:请先上传未同步的操作,再清空本地数据从头完整同步(cursor=0)。",
            "This phone last synced too long ago: push what is unsent, then clear local data and sync afresh from cursor=0.",
        );

    /// A chunk sent at another offset than the upload has reached; see `Upload-Offset`.
    UploadOffsetMismatch => 409, "UPLOAD_OFFSET_MISMATCH",
        title: ("上传位置不一致", "Upload offset mismatch"),
        detail: (
            "服务器已收到的位置与本次发送的不一致:请先查询已收到的位置(HEAD),再从该位置继续上传。",
            "The server has received up to another offset: ask for it (HEAD) and continue from there.",
        );

    /// The finished upload's bytes do not have the SHA-256 declared when it was created.
    UploadChecksumMismatch => 422, "UPLOAD_CHECKSUM_MISMATCH",
        title: ("文件校验不一致", "Upload checksum mismatch"),
        detail: (
            "收到的文件与创建上传时声明的校验值不一致,已清空本次上传:请从头重新上传该照片。",
            "The received file does not match the declared SHA-256; the upload was reset: send the photo again from the start.",
        );

    /// The `Idempotency-Key` was used before for another request.
    IdempotencyKeyReused => 422, "IDEMPOTENCY_KEY_REUSED",
        title: ("请求编号已被使用", "Idempotency key reused"),
        detail: (
            "该请求编号(Idempotency-Key)已用于另一项不同的请求;新的操作请生成新的编号。",
            "This Idempotency-Key was used for another request; make a new key for a new action.",
        );

    /// The first request with this `Idempotency-Key` is still being worked on; see `Retry-After`.
    IdempotencyKeyInFlight => 409, "IDEMPOTENCY_KEY_IN_FLIGHT",
        title: ("相同请求正在处理", "Idempotency key in flight"),
        detail: (
            "相同的请求正在处理中,请稍候片刻再查看结果,不要重复提交。",
            "The first request with this key is still being worked on; try again in a moment.",
        );

    /// A department import file that cannot be read as a table (its bytes, its header).
    ImportFileInvalid => 422, "IMPORT_FILE_INVALID",
        title: ("导入文件无法读取", "Import file invalid"),
        detail: (
            "文件无法按表格读取:请按模板导出 UTF-8 或 GBK 编码的 CSV(或 JSON Lines)后重新导入。",
            "The file cannot be read as a table: export a UTF-8 or GBK CSV (or JSON lines) from the template and import again.",
        );

    /// The district closes this supervision ticket; the township answers it (`…/answer`).
    TicketClosedByDistrict => 403, "TICKET_CLOSED_BY_DISTRICT",
        title: ("此事项由区县关闭", "Closed by the district"),
        detail: (
            "此督办事项由区县复核后关闭,乡镇不能自行关闭。请提交说明(POST …/answer),写明核实情况,区县看过后关闭。",
            "The district closes this ticket after its review. Send your explanation (POST …/answer); the district reads it and closes the ticket.",
        );

    /// No application, aid or monitoring entry of this person in the caller's region, and no
    /// stated reason: the same answer as for an unknown ID number.
    PersonNotInReach => 404, "PERSON_NOT_IN_REACH",
        title: ("辖区内未找到此人", "No such person in your region"),
        detail: (
            "您辖区内没有此人的申请、救助或监测记录。确因工作需要查询,请在 reason 中写明查询事由后重新查询;查询将被记录并报区县。",
            "No application, aid or monitoring entry of this person in your region. If your work needs it, state the reason in `reason` and ask again; the look-up is recorded and shown to the district.",
        );

    /// A check-in photo is for the township reviewer and for a helper with an open visit task for the person.
    SelfieRestricted => 403, "SELFIE_RESTRICTED",
        title: ("无权查看核验照片", "Check-in photo restricted"),
        detail: (
            "核验照片属于敏感个人信息,只有乡镇审核人员和正在承担此人入户核查任务的社区工作人员可以查看。",
            "Check-in photos are sensitive: only the township reviewer and a helper with an open home-visit task for this person may see them.",
        );

    /// Platform administrators run the platform, not cases: no case files, leads, selfies or ledgers.
    AdminNotCaseWorker => 403, "ADMIN_NOT_CASE_WORKER",
        title: ("管理员不办理个案", "Administrators do not handle cases"),
        detail: (
            "平台管理员负责区划、账号、救助目录和服务点,不查看个人的申请、线索、照片或救助台账。请由所属乡镇或区县工作人员办理。",
            "Platform administrators run regions, accounts, the catalogue and service points; they do not see people's applications, leads, photos or ledgers. Ask the township or district staff.",
        );

    /// A request header is missing or has the wrong form; the detail names it and what it takes.
    InvalidHeader => 400, "INVALID_HEADER",
        title: ("请求头有误", "Invalid header"),
        detail: (
            "请求头缺失或格式不对:请按说明中该请求头的格式重新发送。",
            "A request header is missing or malformed; send it in the form the detail gives.",
        );

    /// A pushed op names an upload that was never created, has expired, or is another account's.
    UploadNotFound => 422, "UPLOAD_NOT_FOUND",
        title: ("找不到该上传", "Upload not found"),
        detail: (
            "该操作引用的照片上传不存在(未创建、已过期被清理或不属于本账号):请重新拍摄或选择照片,新建上传传完后,再用新的操作提交。",
            "The upload this op names does not exist (never created, expired, or another account's): take the photo again, upload it anew, then push a new op.",
        );

}

impl ErrorCode {
    /// The generic code for a status, used when a response was produced outside our error type.
    pub fn for_status(status: u16) -> Self {
        match status {
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

    /// Whether the server is at fault (a 5xx): logged with its cause, and worth sending again.
    pub fn is_server_error(self) -> bool {
        (500..600).contains(&self.status())
    }
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
            assert!((400..600).contains(&code.status()), "{code:?} is not an error status");
        }
    }

    #[test]
    fn generic_codes_keep_their_status() {
        for status in [401u16, 403, 404, 405, 409, 413, 415, 422, 429, 500, 503] {
            assert_eq!(ErrorCode::for_status(status).status(), status);
        }
    }
}
