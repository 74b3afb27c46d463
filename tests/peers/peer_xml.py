"""XML helpers shared by the bridge, Jibri, Jigasi and participant emulators: namespaces, building elements, stanza
errors, ICE.

Elements are built with ElementTree using plain tags and an explicit xmlns attribute, so that what goes on the wire
uses default namespaces the way Smack and lib-jitsi-meet write them (no ns0: prefixes), and every value is escaped.
"""

import base64
import binascii
import os
import secrets
import xml.etree.ElementTree as ET

from xmpp_peer import CONDITION_TYPES, STANZAS_NS, local_name, namespace

COLIBRI_NS = "http://jitsi.org/protocol/colibri"
COLIBRI2_NS = "jitsi:colibri2"
HEALTH_NS = "http://jitsi.org/protocol/health"
FOCUS_NS = "http://jitsi.org/protocol/focus"
JITMEET_NS = "http://jitsi.org/jitmeet"
START_MUTED_NS = "http://jitsi.org/jitmeet/start-muted"
JINGLE_NS = "urn:xmpp:jingle:1"
RTP_NS = "urn:xmpp:jingle:apps:rtp:1"
ICE_NS = "urn:xmpp:jingle:transports:ice-udp:1"
DTLS_NS = "urn:xmpp:jingle:apps:dtls:0"
SSMA_NS = "urn:xmpp:jingle:apps:rtp:ssma:0"
GROUPING_NS = "urn:xmpp:jingle:apps:grouping:0"
HDREXT_NS = "urn:xmpp:jingle:apps:rtp:rtp-hdrext:0"
RTCP_FB_NS = "urn:xmpp:jingle:apps:rtp:rtcp-fb:0"
SCTP_NS = "urn:xmpp:jingle:transports:dtls-sctp:1"
DISCO_INFO_NS = "http://jabber.org/protocol/disco#info"
CAPS_NS = "http://jabber.org/protocol/caps"
PING_NS = "urn:xmpp:ping"

MAX_SSRC = 0xFFFFFFFF


class Malformed(Exception):
    """A request that breaks the protocol: answered bad-request and reported as a protocol_violation."""


def element(tag, attributes=None, ns=None, text=None, children=()):
    """A detached element; None-valued attributes are left out."""
    attrs = {} if ns is None else {"xmlns": ns}
    for key, value in (attributes or {}).items():
        if value is not None:
            attrs[key] = str(value).lower() if isinstance(value, bool) else str(value)
    node = ET.Element(tag, attrs)
    if text is not None:
        node.text = str(text)
    for child in children:
        if child is not None:
            node.append(child)
    return node


def sub(parent, tag, attributes=None, ns=None, text=None):
    node = element(tag, attributes, ns, text)
    parent.append(node)
    return node


def to_text(node):
    return ET.tostring(node, encoding="unicode")


def children(node, name, ns):
    """Direct children with this local name and namespace."""
    return [c for c in node if local_name(c.tag) == name and namespace(c.tag) == ns]


def child(node, name, ns):
    found = children(node, name, ns)
    return found[0] if found else None


def truthy(node, attribute):
    """XML Schema boolean: 'true' or '1'."""
    return (node.get(attribute) or "").lower() in ("true", "1")


def optional_bool(node, attribute):
    value = node.get(attribute)
    if value is None:
        return None
    if value.lower() in ("true", "1"):
        return True
    if value.lower() in ("false", "0"):
        return False
    raise Malformed("%s='%s' is not a boolean" % (attribute, value))


def require(node, attribute, what):
    value = node.get(attribute)
    if value is None or value == "":
        raise Malformed("%s without '%s'" % (what, attribute))
    return value


def require_int(node, attribute, what, low=0, high=None):
    value = require(node, attribute, what)
    try:
        number = int(value, 10)
    except ValueError:
        raise Malformed("%s with a non-numeric %s=%r" % (what, attribute, value)) from None
    if number < low or (high is not None and number > high):
        raise Malformed("%s with %s=%d out of range" % (what, attribute, number))
    return number


def parse_ssrc(node, what):
    return require_int(node, "ssrc", what, 0, MAX_SSRC)


def random_ssrc(used=()):
    while True:
        ssrc = secrets.randbelow(MAX_SSRC - 1) + 1
        if ssrc not in used:
            return ssrc


def random_fingerprint():
    return ":".join("%02X" % b for b in os.urandom(32))


def random_token(length):
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
    return "".join(secrets.choice(alphabet) for _ in range(length))


def ice_udp_transport(setup, candidate_port=None, websocket_url=None, ufrag=None, pwd=None):
    """An ice-udp transport with a sha-256 DTLS fingerprint and, when a port is given, one host candidate."""
    transport = element("transport", {"ufrag": ufrag or random_token(8), "pwd": pwd or random_token(24)}, ICE_NS)
    sub(transport, "fingerprint", {"hash": "sha-256", "setup": setup}, DTLS_NS, random_fingerprint())
    if candidate_port is not None:
        sub(transport, "candidate", {
            "component": 1, "foundation": 1, "generation": 0, "id": random_token(10), "ip": "127.0.0.1",
            "network": 0, "port": candidate_port, "priority": 2130706431, "protocol": "udp", "type": "host"})
    if websocket_url:
        sub(transport, "web-socket", {"url": websocket_url}, COLIBRI_NS)
    return transport


def summarize_ice(transport):
    """What a test wants to know about an ice-udp transport it received."""
    if transport is None:
        return None
    fingerprints = children(transport, "fingerprint", DTLS_NS)
    return {
        "ufrag": transport.get("ufrag"),
        "pwd": bool(transport.get("pwd")),
        "fingerprints": [{"hash": f.get("hash"), "setup": f.get("setup")} for f in fingerprints],
        "candidates": len(children(transport, "candidate", ICE_NS)),
        "websocket": (child(transport, "web-socket", COLIBRI_NS).get("url")
                      if child(transport, "web-socket", COLIBRI_NS) is not None else None),
    }


def stats_element(stats):
    """The colibri <stats> a bridge or Jigasi puts in its brewery presence; a stat whose value is None is left out."""
    node = element("stats", ns=COLIBRI_NS)
    for name, value in stats.items():
        if value is not None:
            sub(node, "stat", {"name": name, "value": value})
    return node


def muc_original_id(iq_id):
    """The id the sender gave an IQ that Prosody's MUC relayed between occupants: the room rewrites it as
    base64(JID NUL original id NUL hmac). None when the id is not of that form (a direct IQ)."""
    try:
        parts = base64.b64decode(iq_id or "", validate=True).split(b"\0")
    except (ValueError, binascii.Error):
        return None
    if len(parts) != 3:
        return None
    try:
        return parts[1].decode("utf-8")
    except UnicodeDecodeError:
        return None


def iq_result(request, payload=None):
    iq = element("iq", {"type": "result", "id": request.get("id", ""), "to": request.get("from")})
    if payload is not None:
        iq.append(payload)
    return to_text(iq)


def iq_error(request, condition, text=None, extensions=()):
    """An error reply with the RFC 6120 type for the condition, an optional text and application elements."""
    iq = element("iq", {"type": "error", "id": request.get("id", ""), "to": request.get("from")})
    error = sub(iq, "error", {"type": CONDITION_TYPES.get(condition, "cancel")})
    sub(error, condition, ns=STANZAS_NS)
    if text:
        sub(error, "text", ns=STANZAS_NS, text=text)
    for extension in extensions:
        error.append(extension)
    return to_text(iq)


def error_condition(iq):
    """The defined condition of an error IQ (jabber:client namespace), or None."""
    for error in iq:
        if local_name(error.tag) == "error":
            for c in error:
                if namespace(c.tag) == STANZAS_NS and local_name(c.tag) != "text":
                    return local_name(c.tag)
    return None


def parse_mode(mode, allowed):
    """Validates a mode of the form word or error:<condition>[:<reason>]."""
    if mode in allowed:
        return mode
    if mode.startswith("error:") and len(mode.split(":")[1]) > 0:
        return mode
    raise ValueError("mode must be one of %s or error:<condition>" % ", ".join(sorted(allowed)))
