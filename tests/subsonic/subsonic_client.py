"""A small Subsonic / OpenSubsonic client written from the specification
(opensubsonic.netlify.app), independent of the server's code: it builds the
authentication parameters (token + salt, plain or enc: password, apiKey),
asks for XML or JSON, and turns both into the same Python structure so a
test can compare them.

XML -> dict follows the specification's JSON mapping: attributes become
members (typed: ints, floats, booleans), child elements become members,
repeated children of one name become lists, and element text becomes
"value". Elements that are lists in JSON but occur once in XML are
normalized with LIST_ELEMENTS.
"""

import hashlib
import json
import random
import string
import xml.etree.ElementTree as ET

import requests

from helpers import HTTP_TIMEOUT_S

NS = "{http://subsonic.org/restapi}"
# Elements the JSON form always holds as arrays.
LIST_ELEMENTS = {"index", "artist", "album", "song", "child", "entry", "genre", "playlist", "musicFolder",
                 "openSubsonicExtensions", "versions", "genres", "artists", "albumArtists", "structuredLyrics",
                 "line", "user", "folder", "similarArtist", "channel", "internetRadioStation", "share",
                 "bookmark"}


class SubsonicError(Exception):
    def __init__(self, code, message):
        super().__init__("subsonic error %s: %s" % (code, message))
        self.code = code
        self.message = message


def _typed(text):
    if text == "true":
        return True
    if text == "false":
        return False
    try:
        return int(text)
    except ValueError:
        pass
    try:
        if any(c in text for c in ".eE") and text.strip() == text:
            return float(text)
    except ValueError:
        pass
    return text


# Attributes that hold ids: strings, even when an id (16 hex digits) happens
# to be all decimal digits, as about one in 1,800 do; typing them made the
# XML and JSON answers differ now and then.
ID_ATTRIBUTES = {"id", "parent", "coverArt", "current", "albumId", "artistId", "playlistId"}


def xml_to_dict(element, root=True):
    out = {k: v if k in ID_ATTRIBUTES else _typed(v) for k, v in element.attrib.items() if k != "xmlns"}
    if element.text and element.text.strip() or (element.text and len(element) == 0 and element.text):
        out["value"] = element.text
    for child in element:
        name = child.tag[len(NS):] if child.tag.startswith(NS) else child.tag
        value = xml_to_dict(child, root=False)
        if len(value) == 1 and "value" in value and not child.attrib:
            value = _typed(value["value"]) if name in ("versions", "folder") else value["value"]
        if name in out:
            if not isinstance(out[name], list):
                out[name] = [out[name]]
            out[name].append(value)
        elif name in LIST_ELEMENTS and (not root or name == "openSubsonicExtensions"):
            out[name] = [value]
        else:
            out[name] = value
    return out


def salt(n=12):
    return "".join(random.choice(string.ascii_letters + string.digits) for _ in range(n))


class Client:
    """auth: "token" (u, t, s), "password" (u, p), "enc" (u, p=enc:HEX), "apikey"."""

    def __init__(self, base, username=None, password=None, auth="token", api_key=None, fmt="json",
                 client_name="pytest"):
        self.base = base
        self.username = username
        self.password = password
        self.auth = auth
        self.api_key = api_key
        self.fmt = fmt
        self.client_name = client_name

    def auth_params(self):
        if self.auth == "apikey":
            return {"apiKey": self.api_key}
        if self.auth == "token":
            s = salt()
            return {"u": self.username, "t": hashlib.md5((self.password + s).encode()).hexdigest(), "s": s}
        if self.auth == "enc":
            return {"u": self.username, "p": "enc:" + self.password.encode().hex()}
        return {"u": self.username, "p": self.password}

    def params(self, extra=None, fmt=None):
        p = {"v": "1.16.1", "c": self.client_name}
        p.update(self.auth_params())
        fmt = fmt or self.fmt
        if fmt != "xml":
            p["f"] = fmt
        for k, v in (extra or {}).items():
            p[k] = v
        return p

    def raw(self, method, params=None, post=False, view=True, fmt=None, auth=True, **kw):
        """The HTTP response of one call (params may hold lists for repeated names)."""
        url = "%s/rest/%s%s" % (self.base, method, ".view" if view else "")
        all_params = self.params(params, fmt) if auth else dict(params or {})
        if not auth and (fmt or self.fmt) != "xml":
            all_params.setdefault("f", fmt or self.fmt)
        kw.setdefault("timeout", HTTP_TIMEOUT_S)
        if post:
            return requests.post(url, data=all_params, **kw)
        return requests.get(url, params=all_params, **kw)

    def parse(self, r, fmt=None):
        fmt = fmt or self.fmt
        assert r.status_code == 200, "HTTP %d: %s" % (r.status_code, r.text[:300])
        if fmt == "xml":
            assert r.headers["Content-Type"].startswith("text/xml"), r.headers
            root = ET.fromstring(r.content)
            assert root.tag == NS + "subsonic-response", root.tag
            body = xml_to_dict(root)
        else:
            assert r.headers["Content-Type"].startswith("application/json"), r.headers
            body = json.loads(r.content)["subsonic-response"]
        for key, expected in (("version", "1.16.1"), ("type", "dispotify"), ("openSubsonic", True)):
            assert body[key] == expected, body
        assert body["serverVersion"], body
        return body

    def call(self, method, params=None, **kw):
        """The subsonic-response body of a successful call; SubsonicError otherwise."""
        fmt = kw.get("fmt")
        body = self.parse(self.raw(method, params, **kw), fmt)
        if body["status"] != "ok":
            raise SubsonicError(body["error"]["code"], body["error"].get("message"))
        return body

    def error(self, method, params=None, **kw):
        """The error of a call that must fail: (code, message)."""
        body = self.parse(self.raw(method, params, **kw), kw.get("fmt"))
        assert body["status"] == "failed", body
        assert set(body["error"]) <= {"code", "message", "helpUrl"}, body
        return body["error"]["code"], body["error"].get("message", "")
