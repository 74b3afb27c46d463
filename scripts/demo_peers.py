#!/usr/bin/python3
"""The demo shard's bridge and participants: the test emulators (tests/peers/jvb_peer.py, participant_peer.py) put
to work against the demo's Prosody and jicofo, then kept running until this process is told to stop.

It starts one emulated jitsi-videobridge, which logs in as the bridge account and joins the brewery, waits until
jicofo has health-checked it (so that jicofo knows the bridge), then two emulated lib-jitsi-meet participants, each
in its own process, that ask the focus for the room, join it and accept the Jingle offer the focus sends them. Then
the room has a conference with two active sessions on the bridge, and stays so: the participants keep their
sessions and the bridge answers jicofo's health checks until SIGTERM (or SIGINT/SIGHUP), when the participants
leave, the bridge disconnects and the emulators end.

Everything goes to <state-dir>/peers.log (emptied at the start): each emulator's events, one JSON line each, prefixed with the time and the
emulator's name, and their stderr. <state-dir>/<name>.pid holds each emulator's PID while it runs, and
<state-dir>/peers.ready the room's JID once the sessions are up (what scripts/demo.sh waits for). A step that fails
(an "error" or "protocol_violation" event, a deadline, an emulator that exits) ends everything with exit status 1.
Standard library only; the emulators run under Debian's python3, which has slixmpp.
"""

import argparse
import json
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

PEERS_DIR = Path(__file__).resolve().parent.parent / "tests" / "peers"
PYTHON = "/usr/bin/python3"
STEP_TIMEOUT = 15.0  # seconds for one command's answer
BRIDGE_KNOWN_TIMEOUT = 30.0  # seconds until jicofo's first health check of the bridge
STOP_GRACE = 5.0  # seconds an emulator has to end after "quit"
MAX_QUEUED_EVENTS = 1000  # events kept for the start-up steps; later ones are only logged
PARTICIPANTS = (("alice", "Alice"), ("bob", "Bob"))  # (name, also nick and endpoint id; stats id)
STOPPING = threading.Event()  # set by SIGTERM, SIGINT or SIGHUP


class StepFailed(Exception):
    pass


class Stopped(Exception):
    pass


class Log:
    """peers.log, written by the reader threads and the main thread."""

    def __init__(self, path):
        # One run's log; appending (O_APPEND) keeps the emulators' stderr, written to the same file, in order.
        path.write_text("")
        self.file = open(path, "a", buffering=1, encoding="utf-8")
        self.lock = threading.Lock()

    def line(self, source, text):
        with self.lock:
            self.file.write("%s %s %s\n" % (time.strftime("%H:%M:%S"), source, text.rstrip("\n")))


class Emulator:
    """One emulator process: commands go to its stdin, its stdout events are logged and queued for the steps."""

    def __init__(self, name, script, state_dir, log):
        self.name = name
        self.log = log
        self.pid_file = state_dir / (name + ".pid")
        self.events = queue.Queue(maxsize=MAX_QUEUED_EVENTS)
        self.process = subprocess.Popen([PYTHON, "-u", str(PEERS_DIR / script)], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=log.file, text=True, bufsize=1)
        self.pid_file.write_text("%d\n" % self.process.pid)
        self.reader = threading.Thread(target=self.read_events, daemon=True)
        self.reader.start()

    def read_events(self):
        for line in self.process.stdout:
            self.log.line(self.name, line)
            try:
                self.events.put_nowait(line)
            except queue.Full:
                pass  # running for a while: nobody waits for events any more, the log has them

    def send(self, command):
        logged = dict(command, password="(hidden)") if "password" in command else command
        self.log.line(self.name, "<- " + json.dumps(logged))
        self.process.stdin.write(json.dumps(command) + "\n")
        self.process.stdin.flush()

    def wait_for(self, event, timeout, **fields):
        """The next event of this kind whose fields have these values; an error or protocol violation, the
        emulator's exit or the deadline fails the step."""
        deadline = time.monotonic() + timeout
        while True:
            if STOPPING.is_set():
                raise Stopped()
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise StepFailed("%s: no %s event within %.0f s" % (self.name, event, timeout))
            try:
                line = self.events.get(timeout=min(remaining, 0.5))
            except queue.Empty:
                if self.process.poll() is not None:
                    raise StepFailed("%s exited with status %d" % (self.name, self.process.returncode))
                continue
            parsed = json.loads(line)
            if parsed.get("event") in ("error", "protocol_violation"):
                raise StepFailed("%s: %s" % (self.name, line.strip()))
            if parsed.get("event") == event and all(parsed.get(k) == v for k, v in fields.items()):
                return parsed

    def request(self, command, event, timeout=STEP_TIMEOUT, **fields):
        self.send(command)
        return self.wait_for(event, timeout, **fields)

    def stop(self):
        """"quit" lets the emulator leave its rooms and close its stream; one that lingers is killed."""
        if self.process.poll() is None:
            try:
                self.send({"cmd": "quit"})
                self.process.stdin.close()
            except (BrokenPipeError, ValueError):
                pass
            try:
                self.process.wait(STOP_GRACE)
            except subprocess.TimeoutExpired:
                self.log.line(self.name, "did not end within %.0f s; killed" % STOP_GRACE)
                self.process.kill()
                self.process.wait()
        self.pid_file.unlink(missing_ok=True)


def start_bridge(args, bridge):
    bridge.request({"cmd": "connect", "jid": "jvb@auth." + args.domain, "password": args.bridge_password,
                    "host": "127.0.0.1", "port": args.port, "verify": False}, "connected")
    bridge.request({"cmd": "join_brewery", "room": args.brewery, "nick": "jvb1",
                    "stats": {"region": "demo", "relay_id": "jvb1"}}, "joined")
    # jicofo health-checks the bridges of its brewery every jicofo.bridge.health-checks.interval (10 s); the first
    # check shows that jicofo knows this bridge, so the participants that come next get sessions on it.
    bridge.wait_for("healthcheck", BRIDGE_KNOWN_TIMEOUT, reply="result")


def join_participant(args, participant, stats_id):
    name = participant.name
    participant.request({"cmd": "connect", "name": name, "jid": args.domain, "host": "127.0.0.1",
                         "port": args.port, "verify": False}, "connected")
    reply = participant.request({"cmd": "conference", "name": name, "room": args.room,
                                 "to": "focus@auth.%s/focus" % args.domain, "machine_uid": "demo-" + name},
                                "conference_reply")
    if reply.get("ready") != "true":
        raise StepFailed("%s: the focus did not accept the conference request: %s" % (name, json.dumps(reply)))
    participant.request({"cmd": "join", "name": name, "room": args.room, "nick": name, "stats_id": stats_id,
                         "region": "demo"}, "joined")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--state-dir", required=True, type=Path, help="where the log, PID and ready files go")
    parser.add_argument("--domain", required=True, help="the XMPP domain (e.g. meet.jitsi)")
    parser.add_argument("--port", type=int, default=5222, help="Prosody's c2s port on 127.0.0.1")
    parser.add_argument("--brewery", required=True, help="the bridge brewery MUC (jicofo.bridge.brewery-jid)")
    parser.add_argument("--bridge-password-file", required=True, type=Path, help="the password of jvb@auth.<domain>")
    parser.add_argument("--room", required=True, help="the conference room's JID")
    args = parser.parse_args()
    args.bridge_password = args.bridge_password_file.read_text().strip()

    state_dir = args.state_dir
    ready_file = state_dir / "peers.ready"
    ready_file.unlink(missing_ok=True)
    log = Log(state_dir / "peers.log")
    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, lambda _signum, _frame: STOPPING.set())

    emulators = []
    status = 0
    try:
        # Each emulator is in the list from its start, so that a failed step stops it too.
        emulators.append(Emulator("jvb", "jvb_peer.py", state_dir, log))
        start_bridge(args, emulators[0])
        for name, stats_id in PARTICIPANTS:
            emulators.append(Emulator(name, "participant_peer.py", state_dir, log))
            join_participant(args, emulators[-1], stats_id)
        # Each participant gets an offer from the focus, accepts it (participant_peer.py answers by itself) and
        # the focus acknowledges the accept: the session is active.
        for participant in emulators[1:]:
            participant.wait_for("session_initiate", STEP_TIMEOUT, reply="result")
            participant.wait_for("jingle_reply", STEP_TIMEOUT, action="session-accept", type="result")
        ready_file.write_text(args.room + "\n")
        log.line("demo", "ready: %s with %d participants on the bridge" % (args.room, len(emulators) - 1))
        while not STOPPING.wait(0.5):
            gone = [e for e in emulators if e.process.poll() is not None]
            if gone:
                raise StepFailed("%s exited with status %d" % (gone[0].name, gone[0].process.returncode))
    except Stopped:
        log.line("demo", "stopped during start-up")
        status = 1
    except StepFailed as failure:
        log.line("demo", "failed: %s" % failure)
        print("demo_peers: %s (log: %s)" % (failure, state_dir / "peers.log"), file=sys.stderr)
        status = 1
    finally:
        ready_file.unlink(missing_ok=True)
        # Participants first, so that they leave the room while the bridge is still there.
        for emulator in reversed(emulators):
            emulator.stop()
        log.line("demo", "stopped")
    return status


if __name__ == "__main__":
    sys.exit(main())
