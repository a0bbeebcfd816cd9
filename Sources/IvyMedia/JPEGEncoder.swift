import CFFmpeg
import Glibc

/// One picture into one baseline JPEG, with libswscale and FFmpeg's `mjpeg` encoder.
enum JPEGEncoder {
    struct Output {
        var width: Int
        var height: Int
        var bytes: [UInt8]
    }

    /// Scales `picture` to `width` pixels across (see `size`) in full-range YUV 4:2:0
    /// (`yuvj420p`, what a JPEG decoder expects) and encodes it with the fixed quantizer
    /// `quality` (2-31, as `ffmpeg -q:v`).
    static func encode(_ picture: FirstPicture, width: Int, quality: Int32) throws -> Output {
        let source = picture.frame.pointer
        let (outputWidth, outputHeight) = size(width: Int(source.pointee.width), height: Int(source.pointee.height),
                                               sampleAspectRatio: picture.sampleAspectRatio, target: width)
        let format = AV_PIX_FMT_YUVJ420P
        let scaled = try Frame()
        scaled.pointer.pointee.width = Int32(outputWidth)
        scaled.pointer.pointee.height = Int32(outputHeight)
        scaled.pointer.pointee.format = format.rawValue
        scaled.pointer.pointee.color_range = AVCOL_RANGE_JPEG
        let scaler = try Scaler(from: source, width: Int32(outputWidth), height: Int32(outputHeight), format: format)
        try scaler.scale(picture.frame, into: scaled)

        guard let codec = avcodec_find_encoder(AV_CODEC_ID_MJPEG) else {
            throw MediaError("find the JPEG encoder", message: "this FFmpeg has no mjpeg encoder")
        }
        let encoder = try CodecContext(codec)
        let context = encoder.pointer
        context.pointee.width = Int32(outputWidth)
        context.pointee.height = Int32(outputHeight)
        context.pointee.pix_fmt = format
        context.pointee.color_range = AVCOL_RANGE_JPEG
        context.pointee.sample_aspect_ratio = AVRational(num: 1, den: 1)
        context.pointee.time_base = AVRational(num: 1, den: 25)
        // A fixed quantizer, as `-q:v`: the encoder reads it from each frame's `quality`.
        context.pointee.flags |= AV_CODEC_FLAG_QSCALE
        context.pointee.global_quality = quality * FF_QP2LAMBDA
        try encoder.open("open the JPEG encoder")
        scaled.pointer.pointee.quality = context.pointee.global_quality
        scaled.pointer.pointee.pts = 0

        try check(avcodec_send_frame(context, scaled.pointer), "encode the JPEG")
        try check(avcodec_send_frame(context, nil), "encode the JPEG")
        let packet = try Packet()
        try check(avcodec_receive_packet(context, packet.pointer), "encode the JPEG")
        defer { av_packet_unref(packet.pointer) }
        let bytes = Array(UnsafeBufferPointer(start: packet.pointer.pointee.data, count: Int(packet.pointer.pointee.size)))
        return Output(width: outputWidth, height: outputHeight, bytes: bytes)
    }

    /// The thumbnail's size for a `width` x `height` picture of pixels shaped
    /// `sampleAspectRatio`: `target` pixels across (no more than the picture's display width,
    /// `width` x the ratio), the height keeping the display aspect ratio, both even (4:2:0
    /// chroma) and at least 2.
    static func size(width: Int, height: Int, sampleAspectRatio: AVRational, target: Int) -> (width: Int, height: Int) {
        let ratio = sampleAspectRatio.num > 0 && sampleAspectRatio.den > 0 ? Double(sampleAspectRatio.num) / Double(sampleAspectRatio.den) : 1
        let displayWidth = Double(width) * ratio
        let outputWidth = even(min(Double(max(2, target)), displayWidth))
        return (outputWidth, even(Double(height) * Double(outputWidth) / displayWidth))
    }

    private static func even(_ value: Double) -> Int {
        max(2, Int((value / 2).rounded()) * 2)
    }
}
