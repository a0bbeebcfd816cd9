import CFFmpeg

/// A `SwsContext` (libswscale) turning pictures of one size and pixel format into another,
/// always full-range output: what a JPEG holds. Confined to the thread that made it.
final class Scaler {
    let pointer: OpaquePointer

    /// For pictures shaped like `source`, to `width` x `height` pixels of `format`.
    init(from source: UnsafePointer<AVFrame>, width: Int32, height: Int32, format: AVPixelFormat) throws {
        let sourceFormat = AVPixelFormat(rawValue: source.pointee.format)
        // Bicubic with accurate rounding: a downscale of a few times, once per clip.
        guard let context = sws_getContext(source.pointee.width, source.pointee.height, sourceFormat, width, height, format,
                                           SWS_BICUBIC | SWS_ACCURATE_RND, nil, nil, nil)
        else {
            let name = av_get_pix_fmt_name(sourceFormat).map { String(cString: $0) } ?? "pixel format \(sourceFormat.rawValue)"
            throw MediaError("prepare the scaler", message: "cannot convert \(source.pointee.width)x\(source.pointee.height) \(name)")
        }
        pointer = context
        // libswscale knows the range from the `yuvj` formats only; an HEVC decoder says
        // "full range" in the frame instead (and a camera may set the flag in H.264 too).
        let fullRange: Int32 = source.pointee.color_range == AVCOL_RANGE_JPEG
            || [AV_PIX_FMT_YUVJ420P, AV_PIX_FMT_YUVJ422P, AV_PIX_FMT_YUVJ444P].contains(sourceFormat) ? 1 : 0
        let table = sws_getCoefficients(SWS_CS_DEFAULT)
        _ = sws_setColorspaceDetails(context, table, fullRange, table, 1, 0, 1 << 16, 1 << 16)
    }

    deinit { sws_freeContext(pointer) }

    /// Scales `source` into `destination`, whose width, height and format must be the ones
    /// given at `init`; allocates its buffers when it has none.
    func scale(_ source: Frame, into destination: Frame) throws {
        try check(sws_scale_frame(pointer, destination.pointer, source.pointer), "scale the picture")
    }
}
