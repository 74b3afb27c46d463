#!/usr/bin/env python3
"""Counts the stanzas in a jicofo XMPP packet log (jicofo.logging.xmpp-packets) by direction and kind.

Prints a Markdown table: direction, stanza kind (iq type with its payload element and namespace, plus the Jingle or
colibri2 action where there is one; presence with or without type; message), the peer (the other side's JID with
the local part and resource folded, so that a thousand rooms make one row), count, count per participant, bytes.

    bench/stanza_census.py jicofo-xmpp.log --participants 100 [--connection client]

Each log line is "<date> <time> <connection> IN|OUT <stanza>"; a stanza longer than the logger's limit ends in
"... (N bytes)" and is counted with N bytes.
"""
import argparse
import collections
import re
import sys
import xml.etree.ElementTree as ET

LINE = re.compile(r"^\S+ \S+ (?P<connection>\S+) (?P<direction>IN|OUT) (?P<text><.*)$")
TRUNCATED = re.compile(r"\.\.\. \((\d+) bytes\)$")


def split_name(tag):
    """'{ns}name' -> ('name', 'ns')."""
    if tag.startswith("{"):
        ns, name = tag[1:].split("}", 1)
        return name, ns
    return tag, ""


def fold_jid(jid):
    """'room@conference.meet.test/nick' -> '*@conference.meet.test'; a bare domain stays as it is. The focus's own
    rooms ('__jicofo-health-check-123@...') keep their name without the number, so that they get rows of their own."""
    if not jid:
        return "(server)"
    bare = jid.split("/", 1)[0]
    if "@" not in bare:
        return bare
    local, domain = bare.split("@", 1)
    own_room = re.match(r"(__[a-z-]+-)\d+$", local)  # anonymous JIDs may begin with "__" too, but not end like this
    return (own_room.group(1) + "*" if own_room else "*") + "@" + domain


def kind_of(stanza):
    name, _ = split_name(stanza.tag)
    kind_type = stanza.get("type")
    if name == "iq":
        payload = next(iter(stanza), None)
        if payload is None:
            return f"iq {kind_type} (empty)"
        element, ns = split_name(payload.tag)
        action = payload.get("action")  # Jingle's session-initiate, ...
        if action is None and element == "conference-modify":  # colibri2: what the request does
            parts = [split_name(child.tag)[0] for child in payload]
            action = "+".join(sorted(set(parts))) or None
        suffix = f" {action}" if action else ""
        return f"iq {kind_type} {element} {ns}{suffix}"
    if name == "presence":
        return f"presence type={kind_type}" if kind_type else "presence"
    return f"{name} type={kind_type}" if kind_type else name


def parse_stanza(text):
    """The parsed element and the stanza's size in bytes; a truncated stanza is parsed from its head only."""
    size = len(text.encode())
    truncated = TRUNCATED.search(text)
    if truncated:
        size = int(truncated.group(1))
        head = re.match(r"<(\w+)([^>]*?)/?>", text)
        return ET.fromstring(f"<{head.group(1)}{head.group(2)}/>"), size
    return ET.fromstring(text), size


def census(lines, connection):
    rows = collections.Counter()
    sizes = collections.Counter()
    for line in lines:
        match = LINE.match(line.rstrip("\n"))
        if not match or (connection and match["connection"] != connection):
            continue
        try:
            stanza, size = parse_stanza(match["text"])
        except ET.ParseError as error:
            print(f"unparsable stanza skipped ({error}): {match['text'][:120]}", file=sys.stderr)
            continue
        direction = match["direction"]
        peer = fold_jid(stanza.get("from") if direction == "IN" else stanza.get("to"))
        key = (direction, kind_of(stanza), peer)
        rows[key] += 1
        sizes[key] += size
    return rows, sizes


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("log", help="the xmpp-packets log file")
    parser.add_argument("--participants", type=int, default=1, help="divides the counts and bytes")
    parser.add_argument("--connection", default="", help="only this connection (client, service, ...)")
    args = parser.parse_args()
    with open(args.log, encoding="utf-8", errors="replace") as log:
        rows, sizes = census(log, args.connection)

    n = max(args.participants, 1)
    print("| dir | stanza | peer | count | per participant | bytes | bytes per participant |")
    print("|---|---|---|---:|---:|---:|---:|")
    totals = collections.Counter()
    for key in sorted(rows, key=lambda k: (k[0], -rows[k], k[1], k[2])):
        direction, kind, peer = key
        totals[direction, "count"] += rows[key]
        totals[direction, "bytes"] += sizes[key]
        print(f"| {direction} | {kind} | {peer} | {rows[key]} | {rows[key] / n:.2f} | {sizes[key]} | "
              f"{sizes[key] / n:.0f} |")
    for direction in ("IN", "OUT"):
        count, size = totals[direction, "count"], totals[direction, "bytes"]
        print(f"| **{direction}** | **all** | | **{count}** | **{count / n:.2f}** | **{size}** | **{size / n:.0f}** |")


if __name__ == "__main__":
    main()
