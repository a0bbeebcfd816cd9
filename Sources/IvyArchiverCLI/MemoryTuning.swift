import CMalloc

/// How glibc's allocator treats this process, which allocates on many threads (the libcurl loop,
/// each remux, checksum and thumbnail on a thread of its own) and frees on others.
///
/// Left to its defaults glibc gives each thread an arena of its own (up to 8 per core), raises
/// its mmap threshold each time a large block is freed, so later 256 KiB download blocks come
/// from the arenas rather than from `mmap`, and keeps what the arenas freed: the heap's peak was
/// 17 MB while the resident set was 110-170 MB (`docs/PERFORMANCE.md`). So: two arenas, a
/// fixed 128 KiB threshold (large blocks go back to the system when freed), and a trim after
/// each clip. See mallopt(3) and malloc_trim(3).
enum MemoryTuning {
    static func configure() {
        ivy_malloc_configure(2, 128 << 10)
    }

    /// Gives the pages the allocator holds unused back to the system.
    static func release() {
        ivy_malloc_trim()
    }
}
