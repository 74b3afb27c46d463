"""The colibri2 state of an emulated jitsi-videobridge: parses a conference-modify strictly, applies it to the
conferences it keeps (by meeting-id: endpoints with their sources, relays with their remote endpoints) and builds the
conference-modified answer or the error a real bridge gives, with a summary for the test. No I/O here.

What it follows from jitsi-videobridge: a create for an existing meeting-id is conflict + CONFERENCE_ALREADY_EXISTS,
an unknown meeting-id without create is item-not-found + CONFERENCE_NOT_FOUND, a new conference in graceful shutdown
is service-unavailable + GRACEFUL_SHUTDOWN; an endpoint create needs a <transport> and the source-names capability,
a second create of an endpoint is conflict; an update of an unknown endpoint is item-not-found + UNKNOWN_ENDPOINT
with the endpoint id (ignored when the request only expires or force-mutes); the expire of an unknown endpoint is
ignored, as the bridge does (the summary marks it "unknown", and expire_unknown='error' makes it an error); an
unknown relay is bad-request; endpoints together with relays, several relays, or several endpoints of which one
creates or carries media, transport or sources are feature-not-implemented; feedback sources jvb-a0/jvb-v0 come with
a conference create or an endpoint create; a non-create request that leaves no endpoint and no relay expires the
conference.
"""

import re

from peer_xml import (COLIBRI2_NS, DTLS_NS, HDREXT_NS, ICE_NS, RTP_NS, SSMA_NS, Malformed, child, children,
                      element, ice_udp_transport, optional_bool, parse_ssrc, random_ssrc, require, require_int, sub,
                      summarize_ice, truthy)
from xmpp_peer import local_name, namespace

SCTP_PORT = 5000
MEDIA_TYPES = ("audio", "video")


class ColibriError(Exception):
    """A request the bridge understands but refuses; answered with this condition and colibri2 reason."""

    def __init__(self, condition, text, reason=None, endpoint_id=None):
        super().__init__(text)
        self.condition = condition
        self.text = text
        self.reason = reason
        self.endpoint_id = endpoint_id

    def extensions(self):
        found = []
        if self.reason:
            found.append(element("error", {"reason": self.reason}, COLIBRI2_NS))
        if self.endpoint_id is not None:
            found.append(element("endpoint", {"id": self.endpoint_id}, COLIBRI2_NS))
        return found


# --- parsing ----------------------------------------------------------------------------------------------------------

def parse_media(node):
    media_type = require(node, "type", "media")
    if media_type not in MEDIA_TYPES:
        raise Malformed("media with type %r" % media_type)
    payload_types = []
    for pt in (c for c in node if local_name(c.tag) == "payload-type"):
        if namespace(pt.tag) != RTP_NS:
            raise Malformed("payload-type in namespace %r" % namespace(pt.tag))
        payload_types.append({"id": require_int(pt, "id", "payload-type", 0, 127),
                              "name": require(pt, "name", "payload-type")})
    extensions = []
    for ext in (c for c in node if local_name(c.tag) == "rtp-hdrext"):
        if namespace(ext.tag) != HDREXT_NS:
            raise Malformed("rtp-hdrext in namespace %r" % namespace(ext.tag))
        extensions.append({"id": require_int(ext, "id", "rtp-hdrext", 1, 255),
                           "uri": require(ext, "uri", "rtp-hdrext")})
    return {"type": media_type, "payload_types": payload_types, "rtp_hdrexts": extensions}


def parse_ice_udp(node):
    for fingerprint in children(node, "fingerprint", DTLS_NS):
        require(fingerprint, "hash", "fingerprint")
        if not (fingerprint.text or "").strip():
            raise Malformed("fingerprint without a value")
    for candidate in children(node, "candidate", ICE_NS):
        for attribute in ("ip", "port", "protocol", "type"):
            require(candidate, attribute, "candidate")
    return summarize_ice(node)


def parse_transport(node):
    ice = child(node, "transport", ICE_NS)
    sctp = child(node, "sctp", COLIBRI2_NS)
    parsed_sctp = None
    if sctp is not None:
        role = sctp.get("role")
        if role not in (None, "server", "client"):
            raise Malformed("sctp with role %r" % role)
        port = require_int(sctp, "port", "sctp", 0, 65535) if sctp.get("port") is not None else None
        parsed_sctp = {"port": port, "role": role}
    return {
        "ice_controlling": optional_bool(node, "ice-controlling"),
        "use_unique_port": optional_bool(node, "use-unique-port"),
        "ice_restart": truthy(node, "ice-restart"),
        "ice_udp": parse_ice_udp(ice) if ice is not None else None,
        "sctp": parsed_sctp,
    }


def parse_sources(node):
    media_sources = []
    for ms in children(node, "media-source", COLIBRI2_NS):
        media_type = require(ms, "type", "media-source")
        if media_type not in MEDIA_TYPES:
            raise Malformed("media-source with type %r" % media_type)
        sources = [{"ssrc": parse_ssrc(s, "source"), "name": s.get("name"), "video_type": s.get("videoType")}
                   for s in children(ms, "source", SSMA_NS)]
        groups = []
        for group in children(ms, "ssrc-group", SSMA_NS):
            semantics = require(group, "semantics", "ssrc-group")
            groups.append({"semantics": semantics,
                           "ssrcs": [parse_ssrc(s, "ssrc-group source") for s in children(group, "source", SSMA_NS)]})
        # synthetic='true': translated audio the focus injects for live translation; the bridge gets it from the
        # translator connect, so only audio makes sense.
        synthetic = bool(optional_bool(ms, "synthetic"))
        if synthetic and media_type != "audio":
            raise Malformed("synthetic media-source of type %r" % media_type)
        media_sources.append({"id": require(ms, "id", "media-source"), "type": media_type, "sources": sources,
                              "groups": groups, "synthetic": synthetic})
    return media_sources


def source_state(media_source):
    """What the bridge keeps of a media source (and shows in its state dump): synthetic only when set."""
    state = {"type": media_source["type"], "ssrcs": [s["ssrc"] for s in media_source["sources"]],
             "groups": [[g["semantics"]] + g["ssrcs"] for g in media_source["groups"]]}
    if media_source["synthetic"]:
        state["synthetic"] = True
    return state


def parse_endpoint(node):
    media = [parse_media(m) for m in children(node, "media", COLIBRI2_NS)]
    transport = child(node, "transport", COLIBRI2_NS)
    sources = child(node, "sources", COLIBRI2_NS)
    force_mute = child(node, "force-mute", COLIBRI2_NS)
    last_n = child(node, "initial-last-n", COLIBRI2_NS)
    capabilities = [require(c, "name", "capability") for c in children(node, "capability", COLIBRI2_NS)]
    return {
        "id": require(node, "id", "endpoint"),
        "create": truthy(node, "create"),
        "expire": truthy(node, "expire"),
        "stats_id": node.get("stats-id"),
        "muc_role": node.get("muc-role"),
        "diarize": optional_bool(node, "diarize"),
        "media": media,
        "transport": parse_transport(transport) if transport is not None else None,
        "sources": parse_sources(sources) if sources is not None else None,
        "capabilities": capabilities,
        "force_mute": ({"audio": optional_bool(force_mute, "audio"), "video": optional_bool(force_mute, "video")}
                       if force_mute is not None else None),
        "initial_last_n": require_int(last_n, "value", "initial-last-n", -1) if last_n is not None else None,
    }


def parse_relay(node):
    transport = child(node, "transport", COLIBRI2_NS)
    endpoints = child(node, "endpoints", COLIBRI2_NS)
    return {
        "id": require(node, "id", "relay"),
        "create": truthy(node, "create"),
        "expire": truthy(node, "expire"),
        "mesh_id": node.get("mesh-id"),
        "media": [parse_media(m) for m in children(node, "media", COLIBRI2_NS)],
        "transport": parse_transport(transport) if transport is not None else None,
        "endpoints": ([parse_endpoint(e) for e in children(endpoints, "endpoint", COLIBRI2_NS)]
                      if endpoints is not None else []),
    }


CONNECT_TYPES = ("recorder", "transcriber", "translator")
HEADER_NAME = re.compile(r"^[A-Za-z0-9-]+$")


def parse_names(node, holder, item):
    """<exports><export name/></exports> (or requests/request): the names, each required."""
    found = child(node, holder, COLIBRI2_NS)
    if found is None:
        return []
    return [require(entry, "name", item) for entry in children(found, item, COLIBRI2_NS)]


def parse_connect(node):
    """<connect id url protocol='mediajson' type audio video create expire> with its http-headers, ping, exports and
    requests (jicofo-protocol.md, "Transcriber/translator"); the url must be a web socket."""
    connect_id = require(node, "id", "connect")
    url = require(node, "url", "connect")
    if not re.match(r"^wss?://[^/?#]+", url):
        raise Malformed("connect %s: url %r is not a ws/wss url" % (connect_id, url))
    if require(node, "protocol", "connect") != "mediajson":
        raise Malformed("connect %s: protocol %r is not mediajson" % (connect_id, node.get("protocol")))
    kind = require(node, "type", "connect")
    if kind not in CONNECT_TYPES:
        raise Malformed("connect %s: unknown type %r" % (connect_id, kind))
    headers = []
    for header in children(node, "http-header", COLIBRI2_NS):
        name = require(header, "name", "http-header")
        if not HEADER_NAME.match(name) or header.get("value") is None:
            raise Malformed("connect %s: http-header %r without a token name and a value" % (connect_id, name))
        headers.append([name, header.get("value")])
    ping = child(node, "ping", COLIBRI2_NS)
    create, expire = optional_bool(node, "create"), optional_bool(node, "expire")
    if create and expire:
        raise Malformed("connect %s: both create and expire" % connect_id)
    return {
        "id": connect_id, "url": url, "type": kind, "create": bool(create), "expire": bool(expire),
        "audio": bool(optional_bool(node, "audio")), "video": bool(optional_bool(node, "video")),
        "headers": headers,
        "ping": ({"interval": require_int(ping, "interval", "ping"), "timeout": require_int(ping, "timeout", "ping")}
                 if ping is not None else None),
        "exports": parse_names(node, "exports", "export"),
        "requests": parse_names(node, "requests", "request"),
    }


def check_transport_updates(entries, what):
    """An update (neither create nor expire) that carries a transport must carry the ice-udp transport in it."""
    for entry in entries:
        transport = entry["transport"]
        if (transport is not None and not entry["create"] and not entry["expire"] and transport["ice_udp"] is None
                and not transport["ice_restart"]):
            raise Malformed("%s %s: a transport update without an ice-udp transport" % (what, entry["id"]))


def parse_request(modify):
    """A conference-modify element as a dict; raises Malformed."""
    if local_name(modify.tag) != "conference-modify" or namespace(modify.tag) != COLIBRI2_NS:
        raise Malformed("not a colibri2 conference-modify")
    request = {
        "meeting_id": require(modify, "meeting-id", "conference-modify"),
        "name": modify.get("name"),
        "create": truthy(modify, "create"),
        "expire": truthy(modify, "expire"),
        "endpoints": [parse_endpoint(e) for e in children(modify, "endpoint", COLIBRI2_NS)],
        "relays": [parse_relay(r) for r in children(modify, "relay", COLIBRI2_NS)],
        "connects": None,
    }
    connects = child(modify, "connects", COLIBRI2_NS)
    if connects is not None:
        request["connects"] = [parse_connect(c) for c in children(connects, "connect", COLIBRI2_NS)]
        if len(connects) != len(request["connects"]):
            raise Malformed("<connects> with something other than <connect>")
    check_transport_updates(request["endpoints"], "endpoint")
    check_transport_updates(request["relays"], "relay")
    return request


# --- summaries for the test -------------------------------------------------------------------------------------------

def source_summary(media_sources):
    if media_sources is None:
        return None
    summary = {"audio": [], "video": [], "names": [], "groups": []}
    for ms in media_sources:
        summary[ms["type"]].extend(s["ssrc"] for s in ms["sources"])
        summary["names"].append(ms["id"])
        summary["groups"].extend([g["semantics"]] + g["ssrcs"] for g in ms["groups"])
    return summary


def endpoint_summary(ep):
    transport = ep["transport"]
    return {
        "id": ep["id"],
        "op": "expire" if ep["expire"] else "allocate" if ep["create"] else "update",
        "stats_id": ep["stats_id"],
        "muc_role": ep["muc_role"],
        "transport": transport is not None,
        "ice_controlling": transport["ice_controlling"] if transport else None,
        "sctp": bool(transport and transport["sctp"] is not None),
        "ice_udp": transport["ice_udp"] if transport else None,
        "ice_restart": bool(transport and transport["ice_restart"]),
        "sources": source_summary(ep["sources"]),
        "force_mute": ep["force_mute"],
        "media": {m["type"]: [pt["name"] for pt in m["payload_types"]] for m in ep["media"]},
        "capabilities": ep["capabilities"],
        "initial_last_n": ep["initial_last_n"],
    }


def relay_summary(relay):
    transport = relay["transport"]
    return {
        "id": relay["id"],
        "op": "expire" if relay["expire"] else "create" if relay["create"] else "update",
        "mesh_id": relay["mesh_id"],
        "transport": transport is not None,
        "ice_controlling": transport["ice_controlling"] if transport else None,
        "use_unique_port": transport["use_unique_port"] if transport else None,
        "ice_udp": transport["ice_udp"] if transport else None,
        "endpoints": [{"id": e["id"], "op": "expire" if e["expire"] else "create" if e["create"] else "update",
                       "stats_id": e["stats_id"], "sources": source_summary(e["sources"])}
                      for e in relay["endpoints"]],
    }


def summarize(request):
    actions = ["create_conference"] if request["create"] else []
    for ep in request["endpoints"]:
        actions.append({"expire": "expire_endpoint", "allocate": "allocate", "update": "update"}[
            endpoint_summary(ep)["op"]])
    for relay in request["relays"]:
        actions.append(relay_summary(relay)["op"] + "_relay")
        if relay["endpoints"]:
            actions.append("relay_endpoints")
    for connect in request["connects"] or []:
        actions.append(connect_op(connect) + "_connect")
    if request["expire"]:
        actions.append("expire_conference")
    return {
        "meeting_id": request["meeting_id"],
        "conference_name": request["name"],
        "actions": actions,
        "endpoints": [endpoint_summary(ep) for ep in request["endpoints"]],
        "relays": [relay_summary(r) for r in request["relays"]],
        "connects": ([dict(c, op=connect_op(c)) for c in request["connects"]]
                     if request["connects"] is not None else None),
    }


def connect_op(connect):
    return "expire" if connect["expire"] else "create" if connect["create"] else "update"


# --- the state --------------------------------------------------------------------------------------------------------

class Bridge:
    """Conferences by meeting-id, as one jitsi-videobridge keeps them."""

    def __init__(self):
        self.conferences = {}
        self.accepting = True            # False in graceful shutdown: no new conferences
        self.websocket_url = None        # base of colibri web-socket URLs in transports, when set
        self.expire_unknown = "ignore"   # or "error": expiring an unknown endpoint is item-not-found
        self.next_port = 10000

    def handle(self, request, notes):
        """Applies a parsed request; returns the conference-modified element or raises ColibriError (or Malformed).
        notes gets what the test may want to know either way: unknown_endpoints, conference_expired.
        Like the bridge, changes made before an error stay (a conference created by a failing allocate remains)."""
        notes.update(unknown_endpoints=[], conference_expired=False)
        check_supported(request)
        conference = self.conferences.get(request["meeting_id"])
        if request["create"]:
            if conference is not None:
                raise ColibriError("conflict", "Conference already exists for ID: " + request["meeting_id"],
                                   "CONFERENCE_ALREADY_EXISTS")
            if not self.accepting:
                raise ColibriError("service-unavailable", "In graceful shutdown", "GRACEFUL_SHUTDOWN")
            used = set()
            conference = {"name": request["name"], "endpoints": {}, "relays": {}, "feedback": {}, "connects": {}}
            for media_type in MEDIA_TYPES:
                conference["feedback"][media_type] = random_ssrc(used)
                used.add(conference["feedback"][media_type])
            self.conferences[request["meeting_id"]] = conference
        elif conference is None:
            raise ColibriError("item-not-found", "Conference not found for ID: " + request["meeting_id"],
                               "CONFERENCE_NOT_FOUND")

        reply = element("conference-modified", ns=COLIBRI2_NS)
        ignore_unknown = (not any(ep["create"] or ep["media"] or ep["transport"] or ep["sources"] is not None
                                  for ep in request["endpoints"])
                          and all(r["expire"] for r in request["relays"]))
        for ep in request["endpoints"]:
            answer = self.apply_endpoint(request["meeting_id"], conference, ep, ignore_unknown, notes)
            if answer is not None:
                reply.append(answer)
        for relay in request["relays"]:
            answer = self.apply_relay(conference, relay, ignore_unknown, notes)
            if answer is not None:
                reply.append(answer)
        for connect in request["connects"] or []:
            self.apply_connect(conference, connect)
        if request["create"] or any(ep["create"] for ep in request["endpoints"]):
            reply.append(feedback_sources(conference))
        if request["expire"] or (not request["create"] and not conference["endpoints"] and not conference["relays"]):
            del self.conferences[request["meeting_id"]]
            notes["conference_expired"] = True
        return reply

    def allocate_port(self):
        self.next_port += 1
        return self.next_port

    def apply_endpoint(self, meeting_id, conference, ep, ignore_unknown, notes):
        endpoints = conference["endpoints"]
        answer = element("endpoint", {"id": ep["id"]})
        if ep["expire"]:
            if ep["id"] not in endpoints:
                notes["unknown_endpoints"].append(ep["id"])
                if self.expire_unknown == "error":
                    raise ColibriError("item-not-found", "Endpoint not found for ID: " + ep["id"],
                                       "UNKNOWN_ENDPOINT", ep["id"])
            endpoints.pop(ep["id"], None)
            answer.set("expire", "true")
            return answer
        if ep["diarize"] is not None and not ep["create"]:
            # Jicofo sets the flag when it creates the endpoint, never later.
            raise Malformed("diarize on endpoint %s outside its create" % ep["id"])
        if ep["create"]:
            if ep["id"] in endpoints:
                raise ColibriError("conflict", "Endpoint with ID %s already exists" % ep["id"])
            if ep["transport"] is None:
                raise Malformed("Attempt to create endpoint %s with no <transport>" % ep["id"])
            if "source-names" not in ep["capabilities"]:
                raise Malformed("Source name support is mandatory (endpoint %s)" % ep["id"])
            check_sctp(ep["transport"]["sctp"], relay=False)
            endpoints[ep["id"]] = {"stats_id": ep["stats_id"], "muc_role": ep["muc_role"],
                                   "diarize": bool(ep["diarize"]), "sources": {},
                                   "media": {}, "force_mute": None, "client_transport": None,
                                   "ice_controlling": ep["transport"]["ice_controlling"],
                                   "sctp": ep["transport"]["sctp"] is not None,
                                   "capabilities": ep["capabilities"], "initial_last_n": None}
        elif ep["id"] not in endpoints:
            notes["unknown_endpoints"].append(ep["id"])
            if ignore_unknown:
                return answer
            raise ColibriError("item-not-found", "Endpoint not found for ID: " + ep["id"], "UNKNOWN_ENDPOINT",
                               ep["id"])
        state = endpoints[ep["id"]]
        if ep["muc_role"] is not None:
            state["muc_role"] = ep["muc_role"]
        for media in ep["media"]:
            state["media"][media["type"]] = [pt["name"] for pt in media["payload_types"]]
        transport = ep["transport"]
        if transport is not None and transport["ice_udp"] is not None:
            state["client_transport"] = transport["ice_udp"]
        if ep["initial_last_n"] is not None:
            state["initial_last_n"] = ep["initial_last_n"]
        if ep["sources"] is not None:
            if state["muc_role"] == "visitor" and ep["sources"]:
                raise ColibriError("bad-request", "Attempt to set sources for visitor endpoint " + ep["id"])
            state["sources"] = {ms["id"]: source_state(ms) for ms in ep["sources"]}
        if ep["force_mute"] is not None:
            state["force_mute"] = ep["force_mute"]
        if ep["create"] or (transport is not None and transport["ice_restart"]):
            websocket = None
            if self.websocket_url:
                websocket = "%s/%s/%s" % (self.websocket_url.rstrip("/"), meeting_id, ep["id"])
            answer.append(self.transport_answer(websocket, transport["sctp"], server_role=True))
        return answer

    def apply_relay(self, conference, relay, ignore_unknown, notes):
        relays = conference["relays"]
        answer = element("relay", {"id": relay["id"]})
        if relay["expire"]:
            relays.pop(relay["id"], None)
            answer.set("expire", "true")
            return answer
        transport = relay["transport"]
        if relay["create"]:
            if relay["id"] in relays:
                raise ColibriError("conflict", "Relay with ID %s already exists" % relay["id"])
            if transport is None:
                raise Malformed("Attempt to create relay %s with no <transport>" % relay["id"])
            relays[relay["id"]] = {"mesh_id": relay["mesh_id"], "ice_controlling": transport["ice_controlling"],
                                   "use_unique_port": transport["use_unique_port"], "endpoints": {},
                                   "client_transport": None}
        elif relay["id"] not in relays:
            if ignore_unknown:
                return answer
            # The bridge answers bad-request here, not item-not-found (a MUC error would be ambiguous).
            raise ColibriError("bad-request", "Unknown relay " + relay["id"])
        state = relays[relay["id"]]
        if transport is not None:
            check_sctp(transport["sctp"], relay=True)
            if transport["ice_udp"] is not None:
                state["client_transport"] = transport["ice_udp"]
        for ep in relay["endpoints"]:
            if ep["expire"]:
                state["endpoints"].pop(ep["id"], None)
                continue
            entry = state["endpoints"].setdefault(ep["id"], {"stats_id": ep["stats_id"], "sources": {}})
            if ep["sources"] is not None:
                entry["sources"] = {ms["id"]: source_state(ms) for ms in ep["sources"]}
        if relay["create"]:
            websocket = None
            if self.websocket_url:
                websocket = "%s/relay/%s" % (self.websocket_url.rstrip("/"), relay["id"])
            answer.append(self.transport_answer(websocket, transport["sctp"], server_role=False))
        return answer

    @staticmethod
    def apply_connect(conference, connect):
        """Connects are kept by id: a create of one that exists, or an update or expire of one that does not, is
        bad-request (the focus lost track of what it signalled)."""
        connects = conference["connects"]
        op = connect_op(connect)
        if (op == "create") == (connect["id"] in connects):
            raise ColibriError("bad-request", "connect %s: %s, but it %s" % (
                connect["id"], op, "exists" if connect["id"] in connects else "does not exist"))
        if op == "expire":
            del connects[connect["id"]]
        else:
            connects[connect["id"]] = {k: v for k, v in connect.items() if k not in ("create", "expire")}

    def transport_answer(self, websocket, requested_sctp, server_role):
        transport = element("transport")
        transport.append(ice_udp_transport("actpass", self.allocate_port(), websocket))
        if requested_sctp is not None:
            # Endpoints always get the server role; a relay takes the role opposite to the one asked for.
            role = "server" if server_role or requested_sctp["role"] == "client" else "client"
            sub(transport, "sctp", {"port": SCTP_PORT, "role": role})
        return transport

    def snapshot(self):
        """Conferences → endpoints → sources, for the dump command (JSON-ready)."""
        return {meeting_id: {
            "name": conf["name"],
            "feedback": conf["feedback"],
            "endpoints": conf["endpoints"],
            "relays": conf["relays"],
            "connects": conf["connects"],
        } for meeting_id, conf in self.conferences.items()}


def check_supported(request):
    """What jitsi-videobridge refuses as feature-not-implemented before touching any state."""
    def reject(text):
        raise ColibriError("feature-not-implemented", text, "FEATURE_NOT_IMPLEMENTED")
    if request["endpoints"] and request["relays"]:
        reject("Using both 'relay' and 'endpoint' in a request")
    if len(request["endpoints"]) > 1 and any(ep["create"] or ep["media"] or ep["transport"]
                                             or ep["sources"] is not None for ep in request["endpoints"]):
        reject("Creating or updating media, sources or transport for more than one endpoint in a request.")
    if len(request["relays"]) > 1:
        reject("Updating more than one 'relay' in a request.")


def check_sctp(sctp, relay):
    if sctp is None:
        return
    if not relay and sctp["role"] not in (None, "server"):
        raise ColibriError("feature-not-implemented", "Unsupported SCTP role: %s" % sctp["role"])
    if sctp["port"] is not None and sctp["port"] != SCTP_PORT:
        raise ColibriError("bad-request", "Specific SCTP port requested, not supported.")


def feedback_sources(conference):
    sources = element("sources")
    for media_type, suffix in (("audio", "a0"), ("video", "v0")):
        name = "jvb-" + suffix
        media_source = sub(sources, "media-source", {"type": media_type, "id": name})
        sub(media_source, "source", {"ssrc": conference["feedback"][media_type], "name": name}, SSMA_NS)
    return sources
