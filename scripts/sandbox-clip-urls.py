#!/usr/bin/env python3
"""Lists the media URLs of every clip of every camera of a sandbox cloud (for scripts/bench.sh).

Usage: sandbox-clip-urls.py BASE_URL (playlists|segments|curl-config)
  playlists    one signed playlist URL per clip (record.play's recordUrl), one a line
  segments     every segment URL of every clip, resolved against its playlist, one a line
  curl-config  the segment URLs as a config for `curl -K`, each fetched to /dev/null: the
               network's limit is `curl -Z --parallel-max 32 -K FILE`
Talks only to the sandbox on loopback, with the sandbox's published demo credentials, the way
scripts/sandbox-play-url.py does. The URLs are signed and expire like the cloud's (an hour).
"""

import sys
import urllib.parse
import urllib.request

from sandbox_session import SandboxSession

base, what = sys.argv[1], sys.argv[2]
if what not in ("playlists", "segments", "curl-config"):
    sys.exit(__doc__)

session = SandboxSession(base)
playlists = []
for device in session.devices:
    mac = device["macAddr"]
    for clip in sorted(session.clips(mac), key=lambda clip: int(clip[0])):
        playlists.append(session.playlist_url(mac, clip[0]))

out = sys.stdout
if what == "playlists":
    out.writelines(url + "\n" for url in playlists)
    sys.exit(0)
for playlist in playlists:
    text = urllib.request.urlopen(playlist).read().decode()
    for line in text.splitlines():
        if line and not line.startswith("#"):
            url = urllib.parse.urljoin(playlist, line)
            out.write(f'url = "{url}"\noutput = "/dev/null"\n' if what == "curl-config" else url + "\n")
