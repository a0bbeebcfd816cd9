// zlib for the sandbox's gzip-encoded answers (IvySandbox is the one module that uses it).
#ifndef IVY_CZLIB_SHIM_H
#define IVY_CZLIB_SHIM_H
#include <zlib.h>

// deflateInit2 is a macro over deflateInit2_ with the library's version and stream size.
static inline int ivy_deflate_init_gzip(z_stream *stream, int level) {
    return deflateInit2(stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
}
#endif
