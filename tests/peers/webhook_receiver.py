#!/usr/bin/python3
"""A webhook receiver for tests, driven by JSON lines on stdin and reporting JSON lines on stdout (like the other
peers). It is written from the documented payload (docs/webhooks.md) and shares no code with the product.

Every POST is checked: Content-Type application/json, X-Jicofo-Signature = "sha256=" + HMAC-SHA256(secret, raw body)
(answered 401 and counted when wrong), X-Jicofo-Event-Id / -Type equal to the body's id / type, and the body's
shape. The first receipt of each event id is kept; a repeat (at-least-once) is counted, not kept again. Order within
a conference is checked as events arrive: an event's timestamp is never earlier than the previous (first-received)
one of its conference, a participant leaves only after it joined, nothing comes before conference.created nor
after conference.ended.

Commands (one JSON object a line; each answers with one event, "error" when it fails):
  {"cmd":"listen","port":0,"secret":"..."}  -> {"event":"listening","port":N}   (0: a free port)
  {"cmd":"down"}   closes the listening socket (connections are refused)  -> {"event":"down"}
  {"cmd":"up"}     listens again on the same port  -> {"event":"listening","port":N}
  {"cmd":"dump","events":false}  -> {"event":"state","received":..,"unique":..,"duplicates":..,"bad_signatures":..,
       "bad_requests":[...],"order_violations":[...],"latency_ms":{"p50":..,"p99":..,"max":..},
       "first_at":..,"last_at":.., "recording_events":[data + type, room], "by_conference":{room:[type...]} and
       "data_by_conference":{room:[data + type...]} (both with "events":true), "bridge_events":[...]}
  {"cmd":"reset"}  forgets what was received  -> {"event":"reset"}
"""

import hashlib
import hmac
import http.server
import json
import socket
import sys
import threading
import time
from datetime import datetime, timezone


def emit(event, **fields):
    line = {"event": event}
    line.update(fields)
    sys.stdout.write(json.dumps(line, separators=(",", ":")) + "\n")
    sys.stdout.flush()


def parse_time(text):
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc).timestamp()


class State:
    def __init__(self):
        self.lock = threading.Lock()
        self.secret = ""
        self.reset()

    def reset(self):
        self.received = 0
        self.ids = set()
        self.duplicates = 0
        self.bad_signatures = 0
        self.bad_requests = []
        self.order_violations = []
        self.latencies = []
        self.by_conference = {}  # room -> [types]
        self.last_time = {}  # room -> timestamp of the previous event
        self.present = {}  # room -> set of endpoint ids
        self.ended = set()
        self.bridge_events = []
        self.recording_events = []
        self.data_by_conference = {}  # room -> [data + type]
        self.first_at = None
        self.last_at = None

    def check_order(self, room, body):
        kind = body["type"]
        stamp = parse_time(body["timestamp"])
        problems = []
        if room in self.last_time and stamp < self.last_time[room]:
            problems.append("timestamp before the previous event")
        self.last_time[room] = stamp
        seen = self.by_conference.setdefault(room, [])
        if room in self.ended:
            problems.append("after conference.ended")
        if kind != "conference.created" and "conference.created" not in seen:
            problems.append("before conference.created")
        endpoint = body["data"].get("endpoint-id")
        present = self.present.setdefault(room, set())
        if kind == "participant.joined":
            present.add(endpoint)
        elif kind == "participant.left":
            if endpoint not in present:
                problems.append("left before it joined: " + str(endpoint))
            present.discard(endpoint)
        elif kind == "conference.ended":
            self.ended.add(room)
        seen.append(kind)
        self.data_by_conference.setdefault(room, []).append(dict(body["data"], type=kind))
        if kind.startswith("recording."):
            self.recording_events.append(dict(body["data"], type=kind, room=room))
        for problem in problems:
            self.order_violations.append({"room": room, "type": kind, "id": body["id"], "problem": problem})

    def take(self, headers, raw):
        """Returns the HTTP status to answer."""
        with self.lock:
            self.received += 1
            if self.secret:
                expected = "sha256=" + hmac.new(self.secret.encode(), raw, hashlib.sha256).hexdigest()
                if not hmac.compare_digest(expected, headers.get("X-Jicofo-Signature", "")):
                    self.bad_signatures += 1
                    return 401
            try:
                if headers.get("Content-Type", "").split(";")[0].strip() != "application/json":
                    raise ValueError("content type " + str(headers.get("Content-Type")))
                body = json.loads(raw)
                for key in ("id", "type", "timestamp", "conference", "data"):
                    if key not in body:
                        raise ValueError("no " + key)
                if headers.get("X-Jicofo-Event-Id") != body["id"]:
                    raise ValueError("event id header differs")
                if headers.get("X-Jicofo-Event-Type") != body["type"]:
                    raise ValueError("event type header differs")
                parse_time(body["timestamp"])
            except (ValueError, KeyError, TypeError) as error:
                self.bad_requests.append(str(error))
                return 400
            now = time.time()
            if body["id"] in self.ids:
                self.duplicates += 1
                return 200
            self.ids.add(body["id"])
            self.first_at = self.first_at or now
            self.last_at = now
            self.latencies.append((now - parse_time(body["timestamp"])) * 1000.0)
            conference = body["conference"]
            if conference is None:
                self.bridge_events.append(dict(body["data"], type=body["type"]))
            else:
                if not conference.get("room") or "meeting-id" not in conference:
                    self.bad_requests.append("conference without room or meeting-id")
                    return 400
                self.check_order(conference["room"], body)
            return 200

    def dump(self, with_events):
        with self.lock:
            ordered = sorted(self.latencies)

            def pick(q):
                return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 2) if ordered else None

            state = {"received": self.received, "unique": len(self.ids), "duplicates": self.duplicates,
                     "bad_signatures": self.bad_signatures, "bad_requests": self.bad_requests[:20],
                     "order_violations": self.order_violations[:20],
                     "latency_ms": {"p50": pick(0.50), "p99": pick(0.99), "max": pick(1.0)},
                     "first_at": self.first_at, "last_at": self.last_at,
                     "bridge_events": self.bridge_events, "recording_events": self.recording_events}
            if with_events:
                state["by_conference"] = self.by_conference
                state["data_by_conference"] = self.data_by_conference
            return state


STATE = State()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(length)
        status = STATE.take(self.headers, raw)
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


class Server(http.server.ThreadingHTTPServer):
    allow_reuse_address = True
    daemon_threads = True


class Receiver:
    def __init__(self):
        self.server = None
        self.thread = None
        self.port = 0

    def up(self):
        self.server = Server(("127.0.0.1", self.port), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def down(self):
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.thread.join()
            self.server = None


def main():
    receiver = Receiver()
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            command = json.loads(line)
            cmd = command.get("cmd")
            if cmd == "listen":
                STATE.secret = command.get("secret", "")
                receiver.port = int(command.get("port", 0))
                receiver.up()
                emit("listening", port=receiver.port)
            elif cmd == "down":
                receiver.down()
                emit("down")
            elif cmd == "up":
                receiver.up()
                emit("listening", port=receiver.port)
            elif cmd == "dump":
                emit("state", **STATE.dump(bool(command.get("events", False))))
            elif cmd == "reset":
                with STATE.lock:
                    STATE.reset()
                emit("reset")
            else:
                raise ValueError("unknown command " + str(cmd))
        except (ValueError, OSError, socket.error) as error:
            emit("error", message=str(error))
    receiver.down()


if __name__ == "__main__":
    main()
