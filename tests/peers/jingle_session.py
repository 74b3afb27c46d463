"""Jingle as a lib-jitsi-meet participant sees it: strict parsing of the focus's offers and source signalling (inline
<source> with ssrc-info owner, or the compact json-message form), the participant's view of remote sources by owner,
and the participant's own answers (session-accept, transport-accept, transport-info, source-add/remove). No I/O here.
"""

import json

from peer_xml import (DTLS_NS, FOCUS_NS, GROUPING_NS, HDREXT_NS, ICE_NS, JINGLE_NS, JITMEET_NS, MAX_SSRC, RTCP_FB_NS,
                      RTP_NS, SCTP_NS, SSMA_NS, START_MUTED_NS, Malformed, child, children, element, optional_bool,
                      require, require_int, sub, summarize_ice, truthy)
from xmpp_peer import local_name

RTP_MEDIA = ("audio", "video")
COMPACT_GROUPS = {"s": "SIM", "f": "FID"}


def endpoint_of(owner):
    """ssrc-info owners are occupant JIDs (room@conference/nick), plain endpoint ids, or 'jvb'."""
    return owner.split("/", 1)[1] if owner and "/" in owner else owner


# --- parsing ----------------------------------------------------------------------------------------------------------

def parse_payload_type(pt):
    return {
        "id": require_int(pt, "id", "payload-type", 0, 127),
        "name": pt.get("name"),
        "clockrate": pt.get("clockrate"),
        "channels": pt.get("channels"),
        "parameters": [(p.get("name"), p.get("value")) for p in children(pt, "parameter", RTP_NS)],
        "rtcp_fb": [(fb.get("type"), fb.get("subtype")) for fb in children(pt, "rtcp-fb", RTCP_FB_NS)],
    }


def parse_inline_sources(node, media, sources, groups, need_owner):
    """<source> and <ssrc-group> children of a description (or a content, where Jicofo also looks)."""
    for s in children(node, "source", SSMA_NS):
        ssrc = require_int(s, "ssrc", "source", 1, MAX_SSRC)
        info = child(s, "ssrc-info", JITMEET_NS)
        owner = info.get("owner") if info is not None else None
        if need_owner and not owner:
            raise Malformed("source %d without an ssrc-info owner" % ssrc)
        # The msid parameter inherits the source's namespace on the wire; accept it in any.
        msid = next((p.get("value") for p in s if local_name(p.tag) == "parameter" and p.get("name") == "msid"), None)
        sources.append({"owner": endpoint_of(owner), "media": media, "ssrc": ssrc, "name": s.get("name"),
                        "msid": msid, "video_type": s.get("videoType")})
    for g in children(node, "ssrc-group", SSMA_NS):
        semantics = require(g, "semantics", "ssrc-group")
        ssrcs = [require_int(s, "ssrc", "ssrc-group source", 1, MAX_SSRC) for s in children(g, "source", SSMA_NS)]
        if not ssrcs:
            raise Malformed("ssrc-group %s without sources" % semantics)
        groups.append({"owner": None, "media": media, "semantics": semantics, "ssrcs": ssrcs})


def parse_compact_sources(text):
    """The json-message form: {"sources":{owner:[[video],[video groups],[audio],[audio groups]?]}}."""
    try:
        document = json.loads(text or "")
    except ValueError as exc:
        raise Malformed("json-message is not JSON: %s" % exc) from None
    if not isinstance(document, dict) or not isinstance(document.get("sources"), dict):
        raise Malformed("json-message without a sources object")
    sources, groups = [], []
    for owner, lists in document["sources"].items():
        if not isinstance(lists, list) or not 1 <= len(lists) <= 4 or not all(isinstance(x, list) for x in lists):
            raise Malformed("json-message sources of %s are not a list of up to four lists" % owner)
        lists = lists + [[]] * (4 - len(lists))
        for media, source_list, group_list in (("video", lists[0], lists[1]), ("audio", lists[2], lists[3])):
            for s in source_list:
                ssrc = s.get("s") if isinstance(s, dict) else None
                if not isinstance(ssrc, int) or isinstance(ssrc, bool) or not 1 <= ssrc <= MAX_SSRC:
                    raise Malformed("json-message source of %s without a valid ssrc: %r" % (owner, s))
                sources.append({"owner": endpoint_of(owner), "media": media, "ssrc": ssrc, "name": s.get("n"),
                                "msid": s.get("m"), "video_type": "desktop" if s.get("v") == "d" else None})
            for g in group_list:
                if (not isinstance(g, list) or len(g) < 2 or g[0] not in COMPACT_GROUPS
                        or not all(isinstance(x, int) and not isinstance(x, bool) for x in g[1:])):
                    raise Malformed("json-message group of %s is malformed: %r" % (owner, g))
                groups.append({"owner": endpoint_of(owner), "media": media, "semantics": COMPACT_GROUPS[g[0]],
                               "ssrcs": g[1:]})
    return sources, groups


def parse_sources(jingle, need_owner):
    """Sources and groups of a Jingle element in either form, and which form it used."""
    sources, groups = [], []
    for content in children(jingle, "content", JINGLE_NS):
        description = child(content, "description", RTP_NS)
        media = description.get("media") if description is not None else content.get("name")
        if description is not None:
            parse_inline_sources(description, media, sources, groups, need_owner)
        parse_inline_sources(content, media, sources, groups, need_owner)
    form = "inline"
    message = child(jingle, "json-message", JITMEET_NS)
    if message is not None:
        form = "json" if not sources and not groups else "mixed"
        more_sources, more_groups = parse_compact_sources(message.text)
        sources += more_sources
        groups += more_groups
    owners = {s["ssrc"]: s["owner"] for s in sources}
    for g in groups:
        if g["owner"] is None:
            g["owner"] = owners.get(g["ssrcs"][0])
    return sources, groups, form


def parse_content(content):
    name = require(content, "name", "content")
    description = child(content, "description", RTP_NS)
    transport = child(content, "transport", ICE_NS)
    media = description.get("media") if description is not None else None
    parsed = {"name": name, "creator": content.get("creator"), "senders": content.get("senders"), "media": media,
              "payload_types": [], "rtp_hdrexts": [], "rtcp_mux": False, "transport": None, "sctp": False}
    if description is not None:
        parsed["payload_types"] = [parse_payload_type(pt) for pt in children(description, "payload-type", RTP_NS)]
        parsed["rtp_hdrexts"] = [{"id": e.get("id"), "uri": e.get("uri")}
                                 for e in children(description, "rtp-hdrext", HDREXT_NS)]
        parsed["rtcp_mux"] = child(description, "rtcp-mux", RTP_NS) is not None
    if transport is not None:
        parsed["transport"] = summarize_ice(transport)
        parsed["sctp"] = child(transport, "sctpmap", SCTP_NS) is not None
    return parsed


def validate_offer(jingle, contents):
    """What lib-jitsi-meet needs from a session-initiate or transport-replace to build an SDP offer."""
    require(jingle, "initiator", "jingle " + jingle.get("action", ""))
    if not contents:
        raise Malformed("an offer without contents")
    for content in children(jingle, "content", JINGLE_NS):
        name = content.get("name")
        description = child(content, "description", RTP_NS)
        if description is None:
            raise Malformed("content %s without an rtp description" % name)
        media = require(description, "media", "description of content %s" % name)
        if media in RTP_MEDIA and not children(description, "payload-type", RTP_NS):
            raise Malformed("content %s without payload types" % name)
        for pt in children(description, "payload-type", RTP_NS):
            require(pt, "name", "payload-type %s of content %s" % (pt.get("id"), name))
        transport = child(content, "transport", ICE_NS)
        if transport is None:
            raise Malformed("content %s without an ice-udp transport" % name)
        require(transport, "ufrag", "ice-udp transport of content %s" % name)
        require(transport, "pwd", "ice-udp transport of content %s" % name)
        fingerprint = child(transport, "fingerprint", DTLS_NS)
        if fingerprint is None or not (fingerprint.text or "").strip() or not fingerprint.get("hash"):
            raise Malformed("content %s without a DTLS fingerprint (hash and value)" % name)
    group = child(jingle, "group", GROUPING_NS)
    if group is None or group.get("semantics") != "BUNDLE":
        raise Malformed("an offer without a BUNDLE group")
    bundled = {c.get("name") for c in children(group, "content", GROUPING_NS)}
    missing = [c["name"] for c in contents if c["name"] not in bundled]
    if missing:
        raise Malformed("contents %s are not in the BUNDLE group" % ", ".join(missing))


def parse_jingle(jingle):
    """The parts of any Jingle element a test asserts on."""
    action = require(jingle, "action", "jingle")
    sid = require(jingle, "sid", "jingle " + action)
    contents = [parse_content(c) for c in children(jingle, "content", JINGLE_NS)]
    bridge_session = child(jingle, "bridge-session", FOCUS_NS)
    start_muted = child(jingle, "startmuted", START_MUTED_NS)
    reason = child(jingle, "reason", JINGLE_NS)
    reason_condition = None
    reason_text = None
    if reason is not None:
        for c in reason:
            if local_name(c.tag) == "text":
                reason_text = c.text
            elif reason_condition is None:
                reason_condition = local_name(c.tag)
    ice_state = child(jingle, "ice-state", FOCUS_NS)
    return {
        "action": action,
        "sid": sid,
        "initiator": jingle.get("initiator"),
        "contents": contents,
        "bridge_session": ({"id": bridge_session.get("id"), "region": bridge_session.get("region"),
                            "restart": truthy(bridge_session, "restart")} if bridge_session is not None else None),
        "start_muted": ({"audio": optional_bool(start_muted, "audio"), "video": optional_bool(start_muted, "video")}
                        if start_muted is not None else None),
        "reason": reason_condition,
        "reason_text": reason_text,
        "ice_state": ice_state.text if ice_state is not None else None,
    }


def codecs(contents):
    return {c["name"]: [pt["name"] for pt in c["payload_types"]] for c in contents if c["media"] in RTP_MEDIA}


# --- the view of remote sources ---------------------------------------------------------------------------------------

class SourceView:
    """Remote sources by owner (endpoint id or 'jvb'), as a client keeps them from offers and source-add/remove."""

    def __init__(self):
        self.sources = {}   # ssrc -> source dict
        self.groups = []

    def clear(self):
        self.sources.clear()
        self.groups.clear()

    def add(self, sources, groups):
        """Returns what was wrong (an SSRC signalled twice), for the caller to report."""
        problems = []
        for s in sources:
            if s["ssrc"] in self.sources:
                problems.append("ssrc %d of %s added again (already owned by %s)" % (
                    s["ssrc"], s["owner"], self.sources[s["ssrc"]]["owner"]))
            self.sources[s["ssrc"]] = s
        for g in groups:
            if g not in self.groups:
                self.groups.append(g)
        return problems

    def remove(self, sources, groups):
        problems = []
        for s in sources:
            known = self.sources.pop(s["ssrc"], None)
            if known is None:
                problems.append("removal of ssrc %d, which was never signalled" % s["ssrc"])
            elif s["owner"] and known["owner"] != s["owner"]:
                problems.append("removal of ssrc %d as %s's, but it is %s's" % (s["ssrc"], s["owner"], known["owner"]))
        for g in groups:
            if g in self.groups:
                self.groups.remove(g)
            elif not any(g["ssrcs"] == other["ssrcs"] for other in self.groups):
                problems.append("removal of a %s group %s, which was never signalled" % (g["semantics"], g["ssrcs"]))
            else:
                self.groups = [other for other in self.groups if other["ssrcs"] != g["ssrcs"]]
        return problems

    def drop_owner(self, owner):
        before = len(self.sources)
        self.sources = {ssrc: s for ssrc, s in self.sources.items() if s["owner"] != owner}
        self.groups = [g for g in self.groups if g["owner"] != owner]
        return before - len(self.sources)

    def snapshot(self):
        return by_owner(self.sources.values(), self.groups, detail=True)


def by_owner(sources, groups, detail=False):
    """{owner: {"audio":[ssrc],"video":[ssrc],"groups":[[semantics, ssrc...]]}} (plus the sources with detail)."""
    view = {}
    for s in sources:
        entry = view.setdefault(s["owner"] or "", {"audio": [], "video": [], "groups": []})
        entry.setdefault(s["media"], []).append(s["ssrc"])
        if detail:
            entry.setdefault("sources", []).append(
                {k: s[k] for k in ("ssrc", "media", "name", "msid", "video_type")})
    for g in groups:
        entry = view.setdefault(g["owner"] or "", {"audio": [], "video": [], "groups": []})
        entry["groups"].append([g["semantics"]] + g["ssrcs"])
    return view


# --- what the participant sends ---------------------------------------------------------------------------------------

def local_sources(nick, ssrcs):
    """lib-jitsi-meet's sources: <nick>-a0 (one SSRC) and <nick>-v0 (two SSRCs in a FID group), camera."""
    audio_msid = "%s-audio-0 %s-a0-track" % (nick, nick)
    video_msid = "%s-video-0 %s-v0-track" % (nick, nick)
    sources = [{"owner": nick, "media": "audio", "ssrc": ssrcs["audio"], "name": nick + "-a0", "msid": audio_msid,
                "video_type": None}]
    sources += [{"owner": nick, "media": "video", "ssrc": ssrc, "name": nick + "-v0", "msid": video_msid,
                 "video_type": "camera"} for ssrc in ssrcs["video"]]
    groups = [{"owner": nick, "media": "video", "semantics": "FID", "ssrcs": list(ssrcs["video"])}]
    return sources, groups


def source_elements(description, sources, groups, media):
    """Appends <source>/<ssrc-group> of one media type. Values are written as given, so tests can send hostile ones."""
    for s in sources:
        if s["media"] != media:
            continue
        node = sub(description, "source", {"ssrc": s.get("ssrc"), "name": s.get("name"),
                                           "videoType": s.get("video_type")}, SSMA_NS)
        if s.get("msid"):
            sub(node, "parameter", {"name": "msid", "value": s["msid"]})
    for g in groups:
        if g["media"] != media:
            continue
        group = sub(description, "ssrc-group", {"semantics": g.get("semantics")}, SSMA_NS)
        for ssrc in g.get("ssrcs", []):
            sub(group, "source", {"ssrc": ssrc})


def answer_payload_types(content):
    """The answer's codecs: opus for audio, VP8 and its RTX for video (as the 2021 client), else the first offered."""
    offered = content["payload_types"]
    preferred = {"audio": "opus", "video": "vp8"}.get(content["media"])
    chosen = [pt for pt in offered if (pt["name"] or "").lower() == preferred][:1] or offered[:1]
    if chosen and content["media"] == "video":
        apt = str(chosen[0]["id"])
        chosen += [pt for pt in offered if (pt["name"] or "").lower() == "rtx" and ("apt", apt) in pt["parameters"]]
    return chosen


def build_answer(action, session, local, transport, options):
    """session-accept or transport-accept for the offer in session, with our sources and transport."""
    jingle = element("jingle", {"action": action, "sid": session["sid"], "initiator": session["initiator"],
                                "responder": options.get("responder")}, JINGLE_NS)
    for content in session["contents"]:
        node = sub(jingle, "content", {"creator": content["creator"] or "initiator", "name": content["name"],
                                       "senders": content["senders"] or "both"})
        if content["media"] in RTP_MEDIA:
            description = sub(node, "description", {"media": content["media"]}, RTP_NS)
            for pt in answer_payload_types(content):
                pt_node = sub(description, "payload-type", {"id": pt["id"], "name": pt["name"],
                                                            "clockrate": pt["clockrate"], "channels": pt["channels"]})
                for name, value in pt["parameters"]:
                    sub(pt_node, "parameter", {"name": name, "value": value})
                for kind, subtype in pt["rtcp_fb"]:
                    sub(pt_node, "rtcp-fb", {"type": kind, "subtype": subtype}, RTCP_FB_NS)
            for ext in content["rtp_hdrexts"]:
                sub(description, "rtp-hdrext", {"id": ext["id"], "uri": ext["uri"]}, HDREXT_NS)
            source_elements(description, local["sources"], local["groups"], content["media"])
            sub(description, "rtcp-mux")
            if content["media"] == "video" and options.get("initial_last_n") is not None:
                sub(node, "initial-last-n", {"value": options["initial_last_n"]}, "jitsi:colibri2")
        else:
            sub(node, "description", {"media": content["media"] or "application"}, RTP_NS)
        node.append(transport_element(transport, content["sctp"]))
    group = sub(jingle, "group", {"semantics": "BUNDLE"}, GROUPING_NS)
    names = [c["name"] for c in session["contents"]]
    if options.get("bundle_lists_data", True) and "data" not in names:
        names.append("data")  # lib-jitsi-meet lists it even when the offer has no data content
    for name in names:
        sub(group, "content", {"name": name})
    return jingle


def transport_element(transport, sctp=False, with_candidate=None):
    """Our ice-udp transport (the same credentials in every bundled content); setup='active', as the answerer."""
    node = element("transport", {"ufrag": transport["ufrag"], "pwd": transport["pwd"]}, ICE_NS)
    sub(node, "fingerprint", {"hash": "sha-256", "setup": "active"}, DTLS_NS, transport["fingerprint"])
    if transport["candidates"] if with_candidate is None else with_candidate:
        sub(node, "candidate", {"component": 1, "foundation": 1, "generation": 0, "id": transport["candidate_id"],
                                "ip": "127.0.0.1", "network": 0, "port": transport["port"], "priority": 2130706431,
                                "protocol": "udp", "type": "host"})
    if sctp:
        sub(node, "sctpmap", {"number": 5000, "protocol": "webrtc-datachannel", "streams": 1024}, SCTP_NS)
    return node


def build_transport_info(session, transport):
    jingle = element("jingle", {"action": "transport-info", "sid": session["sid"],
                                "initiator": session["initiator"]}, JINGLE_NS)
    for content in session["contents"]:
        node = sub(jingle, "content", {"creator": content["creator"] or "initiator", "name": content["name"]})
        node.append(transport_element(transport, with_candidate=True))
    return jingle


def build_source_change(action, session_sid, initiator, sources, groups):
    jingle = element("jingle", {"action": action, "sid": session_sid, "initiator": initiator}, JINGLE_NS)
    media_types = []
    for item in list(sources) + list(groups):
        if item["media"] not in media_types:
            media_types.append(item["media"])
    for media in media_types:
        content = sub(jingle, "content", {"creator": "responder", "name": media})
        description = sub(content, "description", {"media": media}, RTP_NS)
        source_elements(description, sources, groups, media)
    return jingle


def build_terminate(session_sid, initiator, reason, text, bridge_session_id, restart):
    jingle = element("jingle", {"action": "session-terminate", "sid": session_sid, "initiator": initiator},
                     JINGLE_NS)
    reason_node = sub(jingle, "reason")
    sub(reason_node, reason)
    if text:
        sub(reason_node, "text", text=text)
    if bridge_session_id is not None:
        sub(jingle, "bridge-session", {"id": bridge_session_id, "restart": True if restart else None}, FOCUS_NS)
    return jingle


def build_ice_failed(session_sid, initiator, bridge_session_id):
    jingle = element("jingle", {"action": "session-info", "sid": session_sid, "initiator": initiator}, JINGLE_NS)
    sub(jingle, "ice-state", ns=FOCUS_NS, text="failed")
    sub(jingle, "bridge-session", {"id": bridge_session_id}, FOCUS_NS)
    return jingle


def unknown_session_error_extensions():
    return [element("unknown-session", ns="urn:xmpp:jingle:errors:1")]

