// What Swift cannot import from FFmpeg 5.1: the FFERRTAG/AVERROR macros, AV_NOPTS_VALUE (a
// cast) and AV_TIME_BASE_Q (a compound literal). This is the one place for FFmpeg-version #ifs.
#ifndef IVY_CFFMPEG_SHIM_H
#define IVY_CFFMPEG_SHIM_H
#include <libavformat/avformat.h>
#include <libavcodec/avcodec.h>
#include <libavcodec/bsf.h>
#include <libavutil/avutil.h>
#include <libavutil/error.h>
#include <libavutil/opt.h>
#include <libavutil/mathematics.h>
#include <libavutil/channel_layout.h>
#include <libswresample/swresample.h>
#include <libswscale/swscale.h>
#include <libavutil/pixdesc.h>
#include <libavutil/audio_fifo.h>
#include <errno.h>

static inline int ivy_averror(int e) { return AVERROR(e); }
static inline int ivy_averror_eof(void) { return AVERROR_EOF; }
static inline int ivy_averror_exit(void) { return AVERROR_EXIT; }
static inline uint32_t ivy_mktag(char a, char b, char c, char d) { return MKTAG(a, b, c, d); }
static inline int ivy_averror_invaliddata(void) { return AVERROR_INVALIDDATA; }
static inline int64_t ivy_av_nopts_value(void) { return AV_NOPTS_VALUE; }
static inline AVRational ivy_av_time_base_q(void) { return AV_TIME_BASE_Q; }

#endif
