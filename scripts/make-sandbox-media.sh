#!/usr/bin/env bash
# Regenerates the sandbox cloud's media templates (Sources/IvySandbox/Media).
#
# Each template is ONE 4-second HLS segment cut from the middle of a longer synthetic
# recording, so that it starts on a keyframe and its audio covers exactly 4 s: 32 kHz AAC
# gives 125 frames of 1024 samples per 4 s, 15 fps video 60 frames, and 4 s is a whole number
# of both in 90 kHz ticks. The sandbox repeats a template, shifting its timestamps, to make
# clips of any length that is a multiple of 4 s with continuous timestamps.
#
# This is a developer tool (Debian's ffmpeg CLI); the outputs are committed. The product
# never runs ffmpeg.
set -euo pipefail
out="$(cd "$(dirname "$0")/.." && pwd)/Sources/IvySandbox/Media"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"

video=(-f lavfi -i "testsrc2=size=320x180:rate=15")
audio=(-f lavfi -i "sine=frequency=440:sample_rate=32000")
x264=(-c:v libx264 -preset veryfast -profile:v main -bf 0 -g 60 -keyint_min 60 -sc_threshold 0 -b:v 120k -pix_fmt yuv420p)
x265=(-c:v libx265 -preset veryfast -x265-params "keyint=60:min-keyint=60:scenecut=0:bframes=0:log-level=error" -b:v 120k -pix_fmt yuv420p -tag:v hvc1)
aac=(-c:a aac -b:a 32k -ac 1)
seg=(-t 12 -f segment -segment_time 4 -segment_format mpegts)

ffmpeg -v error "${video[@]}" "${audio[@]}" "${x264[@]}" "${aac[@]}" "${seg[@]}" "$work/h264-aac%d.ts"
ffmpeg -v error "${video[@]}" "${audio[@]}" "${x265[@]}" "${aac[@]}" "${seg[@]}" "$work/hevc-aac%d.ts"
ffmpeg -v error "${video[@]}" "${x264[@]}" "${seg[@]}" "$work/h264-video%d.ts"
cp "$work/h264-aac1.ts" "$out/h264-aac.ts"
cp "$work/hevc-aac1.ts" "$out/hevc-aac.ts"
cp "$work/h264-video1.ts" "$out/h264.ts"

mkdir -p "$work/fmp4"
ffmpeg -v error "${video[@]}" "${audio[@]}" "${x264[@]}" "${aac[@]}" -t 12 \
  -f hls -hls_time 4 -hls_segment_type fmp4 -hls_playlist_type vod \
  -hls_fmp4_init_filename init.mp4 -hls_segment_filename "$work/fmp4/seg%d.m4s" "$work/fmp4/index.m3u8"
cp "$work/fmp4/init.mp4" "$out/h264-aac-init.mp4"
cp "$work/fmp4/seg1.m4s" "$out/h264-aac.m4s"
ls -l "$out"
