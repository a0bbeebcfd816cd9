#!/usr/bin/env python3
"""Reads AddressSanitizer/LeakSanitizer logs (one file per process) and fails on memory errors
and on leaks our own code allocated. A leak is ours when the first frame of its stack that is
not the allocator, the Swift runtime, libc/libstdc++ or a C library is in the product's sources
(`Sources/Ivy*`); leaks the tests' own helpers make are counted with the libraries'."""
import pathlib
import re
import sys

# A frame in the product's own sources (not the tests' helpers, not a dependency's checkout).
OURS = re.compile(r"/(Sources|Packages/IvyConcurrency/Sources)/Ivy\w+/[^ ]+\.swift")
# Frames that allocate on someone else's behalf: the allocator, the Swift runtime, libc, and the
# C libraries our modules own objects of (an FFmpeg context or a curl handle leaked is our leak).
NOT_A_CALLER = re.compile(
    r"\b(malloc|calloc|realloc|posix_memalign|aligned_alloc|operator new|swift_slowAlloc|swift_allocObject|"
    r"swift_.*[Aa]lloc|_swift_|__interceptor|strdup)\b|libswiftCore|libc\.so|libstdc\+\+|"
    r"lib(avcodec|avformat|avutil|swresample|swscale|curl|sqlite3|x264|x265)[^ ]*\.so")

# Leaks of a library's own making, whoever called it, with the upstream report that says so.
KNOWN = [
    # x265_encoder_open allocates a zone parameter set that x265_encoder_close never frees.
    (re.compile(r"x265_encoder_open"), "Multicorewareinc/x265#656"),
]

def blocks(text):
    """Each leak report: its heading line and its stack frames."""
    current = None
    for line in text.splitlines():
        if re.match(r"(Direct|Indirect) leak of", line):
            if current: yield current
            current = (line, [])
        elif current and re.match(r"\s+#\d+ ", line):
            current[1].append(line.strip())
        elif current and not line.strip():
            yield current
            current = None
    if current: yield current

def first_caller(frames):
    for frame in frames:
        if not NOT_A_CALLER.search(frame):
            return frame
    return frames[0] if frames else ""

def main(folder):
    errors, ours, others = [], [], 0
    for log in sorted(pathlib.Path(folder).glob("asan*")):
        text = log.read_text(errors="replace")
        if "ERROR: AddressSanitizer" in text:
            errors.append((log.name, "\n".join(text.splitlines()[:40])))
        for heading, frames in blocks(text):
            caller = first_caller(frames)
            if any(pattern.search(" ".join(frames)) for pattern, _ in KNOWN):
                others += 1
            elif OURS.search(caller):
                ours.append((log.name, heading, frames[:16]))
            else:
                others += 1
    for name, excerpt in errors:
        print(f"memory error in {name}:\n{excerpt}\n")
    for name, heading, frames in ours:
        print(f"our leak in {name}: {heading}\n  " + "\n  ".join(frames) + "\n")
    print(f"sanitizers: {len(errors)} memory error(s), {len(ours)} leak(s) of ours, {others} leak(s) inside libraries")
    return 1 if errors or ours else 0

if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
