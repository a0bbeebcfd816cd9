#!/usr/bin/env python3
"""Prints the signed playlist URL of one sandbox clip (for scripts/demo.sh and scripts/bench.sh).

Usage: sandbox-play-url.py BASE_URL (long|short)
`long` is the first camera's longest clip, `short` its shortest. Talks only to the sandbox
on loopback, with the sandbox's published demo credentials.
"""
import hashlib
import json
import sys
import urllib.parse
import urllib.request

base, which = sys.argv[1], sys.argv[2]


def get(url):
    return json.loads(urllib.request.urlopen(url).read())


form = dict(grantType="password", username="demo@example.com", password=hashlib.md5(b"sandbox-password").hexdigest(),
            clientId="oemkey", clientSecret="397ff5985bb7437198a9ef51b4815caf")
token = json.loads(urllib.request.urlopen(base + "/oauth?service=authorize", urllib.parse.urlencode(form).encode()).read())["data"]
identity = dict(clientId="oemkey", openId=token["openId"], accessToken=token["accessToken"])
info = get(base + "/gateway?" + urllib.parse.urlencode(dict(service="center.getServerInfo", oemCode="SANDBOX", **identity)))["data"]
mac = get(base + "/gateway?" + urllib.parse.urlencode(dict(service="user_ipc_setting_v2_0.getOemDeviceByUser", **identity)))["data"][0]["macAddr"]
now = get(base + "/gateway?service=cloud_system.current_time")["data"] // 1000
stamp = now + 60
signed = dict(devId=mac, timestamp=stamp, sessionToken=hashlib.md5((info["subtoken"] + str(stamp)).encode()).hexdigest())
store = info["storeUrl"] + "/stream?"
clips = get(store + urllib.parse.urlencode(dict(service="record.query", recordSt=0, recordEt=now, version=1, **signed)))["recordList"]
clips.sort(key=lambda clip: int(clip[1]) - int(clip[0]))
clip = clips[-1] if which == "long" else clips[0]
print(get(store + urllib.parse.urlencode(dict(service="record.play", recordSt=clip[0], version=1, **signed)))["recordUrl"])
