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
import hashlib
import json
import sys
import urllib.parse
import urllib.request

base, what = sys.argv[1], sys.argv[2]
if what not in ("playlists", "segments", "curl-config"):
    sys.exit(__doc__)


def get(url):
    return json.loads(urllib.request.urlopen(url).read())


form = dict(grantType="password", username="demo@example.com", password=hashlib.md5(b"sandbox-password").hexdigest(),
            clientId="oemkey", clientSecret="397ff5985bb7437198a9ef51b4815caf")
token = json.loads(urllib.request.urlopen(base + "/oauth?service=authorize", urllib.parse.urlencode(form).encode()).read())["data"]
identity = dict(clientId="oemkey", openId=token["openId"], accessToken=token["accessToken"])
info = get(base + "/gateway?" + urllib.parse.urlencode(dict(service="center.getServerInfo", oemCode="SANDBOX", **identity)))["data"]
devices = get(base + "/gateway?" + urllib.parse.urlencode(dict(service="user_ipc_setting_v2_0.getOemDeviceByUser", **identity)))["data"]
now = get(base + "/gateway?service=cloud_system.current_time")["data"] // 1000
store = info["storeUrl"] + "/stream?"


def signed(mac):
    stamp = now + 60
    return dict(devId=mac, timestamp=stamp, sessionToken=hashlib.md5((info["subtoken"] + str(stamp)).encode()).hexdigest())


playlists = []
for device in devices:
    mac = device["macAddr"]
    query = dict(service="record.query", recordSt=0, recordEt=now, version=1, **signed(mac))
    for clip in sorted(get(store + urllib.parse.urlencode(query))["recordList"], key=lambda clip: int(clip[0])):
        play = dict(service="record.play", recordSt=clip[0], version=1, **signed(mac))
        playlists.append(get(store + urllib.parse.urlencode(play))["recordUrl"])

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
