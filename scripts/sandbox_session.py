"""A session with a sandbox cloud, for the scripts that list its clips (sandbox-play-url.py,
sandbox-clip-urls.py). Talks only to the sandbox on loopback, with its published demo
credentials, the way the tool does: OAuth 2.0 password grant, then the store's signed calls.
"""
import hashlib
import json
import urllib.parse
import urllib.request


def get(url):
    return json.loads(urllib.request.urlopen(url).read())


class SandboxSession:
    def __init__(self, base):
        form = dict(grantType="password", username="demo@example.com", password=hashlib.md5(b"sandbox-password").hexdigest(),
                    clientId="oemkey", clientSecret="397ff5985bb7437198a9ef51b4815caf")
        token = json.loads(urllib.request.urlopen(base + "/oauth?service=authorize", urllib.parse.urlencode(form).encode()).read())["data"]
        identity = dict(clientId="oemkey", openId=token["openId"], accessToken=token["accessToken"])
        self.info = get(base + "/gateway?" + urllib.parse.urlencode(dict(service="center.getServerInfo", oemCode="SANDBOX", **identity)))["data"]
        self.devices = get(base + "/gateway?" + urllib.parse.urlencode(dict(service="user_ipc_setting_v2_0.getOemDeviceByUser", **identity)))["data"]
        self.now = get(base + "/gateway?service=cloud_system.current_time")["data"] // 1000
        self.store = self.info["storeUrl"] + "/stream?"

    def call(self, mac, service, **parameters):
        """A store call for camera `mac`, signed as the API document says (sessionToken)."""
        stamp = self.now + 60
        signed = dict(devId=mac, timestamp=stamp, sessionToken=hashlib.md5((self.info["subtoken"] + str(stamp)).encode()).hexdigest())
        return get(self.store + urllib.parse.urlencode(dict(service=service, version=1, **parameters, **signed)))

    def clips(self, mac):
        """Every clip of `mac` the cloud lists, as [start, end, ...] rows."""
        return self.call(mac, "record.query", recordSt=0, recordEt=self.now)["recordList"]

    def playlist_url(self, mac, start):
        return self.call(mac, "record.play", recordSt=start)["recordUrl"]
