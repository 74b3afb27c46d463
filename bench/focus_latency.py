#!/usr/bin/env python3
"""The focus's own share of the join latencies, from its XMPP packet log (jicofo.logging.xmpp-packets).

join_storm measures at the participants: what it reports includes Prosody's routing both ways and the machine's
scheduling. The packet log is written by the focus's connection thread when a stanza has been read and when one is
written, so the time between a request coming in and the answer going out is the focus's part (its strands, the
hand-offs between threads, and any wait for a bridge it asked). This prints p50 / p99 / max of:

  - conference IQ: <conference/> request in -> its result out (matched by id and peer), also split into the first
    request for a room (answered once the focus has joined and configured the room: Prosody round trips) and the
    others;
  - join -> session-initiate: the occupant's first presence in -> the session-initiate to it out (the conference's
    first occupant is measured from the second one's join, as join_storm does: nobody is invited before two are in),
    split into the colibri2 allocation's round trip (request out -> answer in: Prosody both ways and the bridge) and
    the rest, the focus's own;
  - session-accept -> colibri update: the session-accept in -> the next colibri2 request naming that endpoint out
    (the endpoint id is the MUC nick, as in join_storm).

    bench/focus_latency.py jicofo-xmpp.log [--connection client] [--slowest 3]

Subtract these from join_storm's figures for the same run to see Prosody's and the machine's part. The log's
timestamps have millisecond resolution.
"""
import argparse
import collections
import datetime
import re
import sys
import xml.etree.ElementTree as ET

LINE = re.compile(r"^(?P<date>\S+) (?P<time>\S+) (?P<connection>\S+) (?P<direction>IN|OUT) (?P<text><.*)$")
NS_FOCUS = "http://jitsi.org/protocol/focus"
NS_JINGLE = "urn:xmpp:jingle:1"
NS_COLIBRI2 = "jitsi:colibri2"
NS_MUC_USER = "http://jabber.org/protocol/muc#user"


def parse_time(date, time):
    return datetime.datetime.strptime(f"{date} {time}", "%Y-%m-%d %H:%M:%S.%f").timestamp() * 1000.0


def percentile(values, fraction):
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, int(round(fraction * len(ordered) + 0.5)) - 1))
    return ordered[index]


class Tracker:
    def __init__(self):
        self.conference_requests = {}  # (peer, id) -> (time in, first request for its room)
        self.rooms_asked = set()
        self.first_presence = {}  # occupant JID -> time of its first presence in
        self.room_occupants = collections.defaultdict(list)  # room -> occupants in join order
        self.initiated = set()
        self.accepts = {}  # (room, nick) -> time of session-accept in
        self.allocation_sent = {}  # nick -> (time the first colibri2 request naming it went out, its iq id)
        self.allocation_ids = {}  # iq id -> nick
        self.allocation_answered = {}  # nick -> time the answer to that request came in
        self.samples = collections.defaultdict(list)  # measure -> [(ms, who)]

    def inbound(self, at, stanza):
        kind = stanza.tag.split("}")[-1]
        sender = stanza.get("from", "")
        if kind == "iq" and stanza.get("type") == "result" and stanza.get("id") in self.allocation_ids:
            self.allocation_answered.setdefault(self.allocation_ids.pop(stanza.get("id")), at)
            return
        if kind == "iq" and stanza.get("type") == "set":
            conference = stanza.find(f"{{{NS_FOCUS}}}conference")
            if conference is not None:
                room = conference.get("room", "")
                first = room not in self.rooms_asked
                self.rooms_asked.add(room)
                self.conference_requests[(sender, stanza.get("id"))] = (at, first)
            jingle = stanza.find(f"{{{NS_JINGLE}}}jingle")
            if jingle is not None and jingle.get("action") == "session-accept" and "/" in sender:
                room, nick = sender.split("/", 1)
                self.accepts[(room, nick)] = at
        elif kind == "presence" and stanza.get("type") is None and "/" in sender:
            if stanza.find(f"{{{NS_MUC_USER}}}x") is None or sender in self.first_presence:
                return
            room = sender.split("/", 1)[0]
            self.first_presence[sender] = at
            self.room_occupants[room].append(sender)

    def outbound(self, at, stanza):
        kind = stanza.tag.split("}")[-1]
        target = stanza.get("to", "")
        if kind != "iq":
            return
        if stanza.get("type") == "result":
            request = self.conference_requests.pop((target, stanza.get("id")), None)
            if request is not None and stanza.find(f"{{{NS_FOCUS}}}conference") is not None:
                started, first = request
                self.samples["conference IQ"].append((at - started, target))
                # the first request for a room is answered once the focus is in the room (join and configuration)
                which = "conference IQ, first for its room" if first else "conference IQ, room already there"
                self.samples[which].append((at - started, target))
            return
        jingle = stanza.find(f"{{{NS_JINGLE}}}jingle")
        if jingle is not None and jingle.get("action") == "session-initiate" and target not in self.initiated:
            self.initiated.add(target)
            joined = self.first_presence.get(target)
            room = target.split("/", 1)[0]
            occupants = [o for o in self.room_occupants[room] if not o.endswith("/focus")]
            if joined is not None and len(occupants) >= 2:
                # the first occupant waits for the second: measure from the later of its join and the second's
                joined = max(joined, self.first_presence[occupants[1]])
                self.samples["join -> session-initiate"].append((at - joined, target))
                nick = target.split("/", 1)[1]
                sent = self.allocation_sent.get(nick)
                answered = self.allocation_answered.get(nick)
                if sent is not None and answered is not None and sent[0] >= joined:
                    # the allocation's round trip (Prosody both ways and the bridge) is not the focus's work
                    self.samples["  of which the focus's own"].append(((sent[0] - joined) + (at - answered), target))
                    self.samples["  of which the bridge's allocation round trip"].append((answered - sent[0], target))
            return
        modify = stanza.find(f"{{{NS_COLIBRI2}}}conference-modify")
        if modify is not None:
            for endpoint in modify.iter(f"{{{NS_COLIBRI2}}}endpoint"):
                nick = endpoint.get("id")
                if nick and nick not in self.allocation_sent:
                    self.allocation_sent[nick] = (at, stanza.get("id"))
                    self.allocation_ids[stanza.get("id")] = nick
        if modify is not None and self.accepts:
            for endpoint in modify.iter(f"{{{NS_COLIBRI2}}}endpoint"):
                for (room, nick), accepted in list(self.accepts.items()):
                    if endpoint.get("id") == nick:
                        self.samples["session-accept -> colibri update"].append((at - accepted, f"{room}/{nick}"))
                        del self.accepts[(room, nick)]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("log")
    parser.add_argument("--connection", default="client")
    parser.add_argument("--slowest", type=int, default=3, help="list the N slowest of each measure")
    args = parser.parse_args()

    tracker = Tracker()
    unparsed = 0
    with open(args.log, encoding="utf-8", errors="replace") as log:
        for line in log:
            match = LINE.match(line.rstrip("\n"))
            if not match or match["connection"] != args.connection:
                continue
            try:
                stanza = ET.fromstring(match["text"])
            except ET.ParseError:
                unparsed += 1  # a stanza the logger cut at its length limit
                continue
            at = parse_time(match["date"], match["time"])
            if match["direction"] == "IN":
                tracker.inbound(at, stanza)
            else:
                tracker.outbound(at, stanza)

    print("| inside the focus | count | p50 ms | p99 ms | max ms |")
    print("|---|---:|---:|---:|---:|")
    for measure in ("conference IQ", "conference IQ, first for its room", "conference IQ, room already there",
                    "join -> session-initiate", "  of which the focus's own",
                    "  of which the bridge's allocation round trip", "session-accept -> colibri update"):
        values = [ms for ms, _ in tracker.samples[measure]]
        if not values:
            print(f"| {measure} | 0 | | | |")
            continue
        print(f"| {measure} | {len(values)} | {percentile(values, 0.5):.0f} | {percentile(values, 0.99):.0f} | "
              f"{max(values):.0f} |")
    for measure, samples in tracker.samples.items():
        for ms, who in sorted(samples, reverse=True)[: args.slowest]:
            print(f"slowest {measure}: {ms:.0f} ms for {who}")
    if unparsed:
        print(f"{unparsed} stanzas were cut by the logger's length limit and skipped", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
