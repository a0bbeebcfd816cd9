// glibc's allocator controls (mallopt, malloc_trim) for the CLI's MemoryTuning, the one module
// that uses them. Not in the Glibc module's headers.
#ifndef IVY_CMALLOC_SHIM_H
#define IVY_CMALLOC_SHIM_H
#include <stdlib.h>  /* defines __GLIBC__ on glibc */
#if defined(__GLIBC__)
#include <malloc.h>
static inline void ivy_malloc_configure(int arenas, int mmap_threshold) {
    mallopt(M_ARENA_MAX, arenas);
    mallopt(M_MMAP_THRESHOLD, mmap_threshold);
}
static inline void ivy_malloc_trim(void) { malloc_trim(0); }
#else
static inline void ivy_malloc_configure(int arenas, int mmap_threshold) { (void)arenas; (void)mmap_threshold; }
static inline void ivy_malloc_trim(void) {}
#endif
#endif
