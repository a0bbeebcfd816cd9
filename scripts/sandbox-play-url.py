#!/usr/bin/env python3
"""Prints the signed playlist URL of one sandbox clip (for scripts/demo.sh and scripts/bench.sh).

Usage: sandbox-play-url.py BASE_URL (long|short)
`long` is the first camera's longest clip, `short` its shortest. Talks only to the sandbox
on loopback, with the sandbox's published demo credentials.
"""

import sys

from sandbox_session import SandboxSession

base, which = sys.argv[1], sys.argv[2]
session = SandboxSession(base)
mac = session.devices[0]["macAddr"]
clips = sorted(session.clips(mac), key=lambda clip: int(clip[1]) - int(clip[0]))
clip = clips[-1] if which == "long" else clips[0]
print(session.playlist_url(mac, clip[0]))
