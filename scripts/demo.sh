#!/usr/bin/env bash
# A local demo shard on loopback: installs what is needed, builds jicofo, then starts a Prosody from Debian set up
# like a Jitsi host (meet.jitsi, the focus and bridge users registered), jicofo pointed at it, and the test suite's
# emulated bridge and two emulated participants (scripts/demo_peers.py), who join one room and stay there, so that
# jicofo runs a conference with two sessions on the bridge. Everything runs in the background.
#   scripts/demo.sh          install, build, start (stops a previous demo first)
#   scripts/demo.sh stop     stop everything it started
#   scripts/demo.sh status   show what runs and ask jicofo for its health
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
demo_dir="$root/build/demo"
domain=meet.jitsi
rest_port=8888
c2s_port=5222
http_port=5280
brewery="jvbbrewery@internal-muc.$domain"
room="demo@conference.$domain"

# The PID files the demo writes, in the order they are stopped, and what each process's command line contains (so
# that a stale PID file never makes us signal someone else's process). demo_peers.py writes jvb, alice and bob and
# removes them when it ends; stopping it stops them, the later entries only catch emulators it left behind.
pid_names=(peers jvb alice bob jicofo prosody)
declare -A pid_command=([peers]=demo_peers.py [jvb]=jvb_peer.py [alice]=participant_peer.py
  [bob]=participant_peer.py [jicofo]=jicofo [prosody]=prosody)

# The PID of a demo process that runs, or nothing.
running_pid() {
  local file="$demo_dir/$1.pid" pid
  [[ -f "$file" ]] || return 0
  pid=$(cat "$file")
  if [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null &&
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "${pid_command[$1]}"; then
    echo "$pid"
  fi
}

stop_demo() {
  local name pid
  for name in "${pid_names[@]}"; do
    pid=$(running_pid "$name")
    if [[ -n "$pid" ]]; then
      kill -TERM "$pid"
      # demo_peers.py gives each emulator 5 s to leave; the others end at once.
      for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
      echo "stopped $name (pid $pid)"
    fi
    rm -f "$demo_dir/$name.pid"
  done
  rm -f "$demo_dir/peers.ready"
}

show_status() {
  local name pid
  for name in prosody jicofo peers jvb alice bob; do
    pid=$(running_pid "$name")
    case $name in
      peers) label="demo_peers.py (keeps the emulators below)" ;;
      jvb) label="bridge jvb1 (jvb_peer.py)" ;;
      alice | bob) label="participant $name (participant_peer.py)" ;;
      *) label=$name ;;
    esac
    if [[ -n "$pid" ]]; then
      echo "$label: running (pid $pid)"
    else
      echo "$label: not running"
    fi
  done
  curl -s -w ' (HTTP %{http_code})\n' "http://127.0.0.1:$rest_port/about/health" || true
}

case "${1:-start}" in
  stop) stop_demo; exit 0 ;;
  status) show_status; exit 0 ;;
  start) ;;
  *) echo "usage: $0 [start|stop|status]" >&2; exit 2 ;;
esac

./scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DJICOFO_BUILD_TESTS=OFF >/dev/null
ninja -C build jicofo

stop_demo
# Another Prosody or jicofo on the demo's ports (not one this demo started: that one was just stopped) would make ours
# fail to bind or the checks below ask the wrong server; stop it yourself rather than have the demo kill it.
for port in "$c2s_port" "$http_port" "$rest_port"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "port $port on 127.0.0.1 is in use by a process this demo did not start; stop it first" >&2
    exit 1
  fi
done
mkdir -p "$demo_dir"/{data,certs}

# Self-signed certificates so that c2s offers STARTTLS, as on a real host (jicofo's use-tls defaults to true).
for host in "$domain" "auth.$domain"; do
  if [[ ! -f "$demo_dir/certs/$host.crt" ]]; then
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=$host" \
      -addext "subjectAltName=DNS:$host,DNS:*.$host" \
      -keyout "$demo_dir/certs/$host.key" -out "$demo_dir/certs/$host.crt" 2>/dev/null
  fi
done

run_as_root=false
[[ $(id -u) -eq 0 ]] && run_as_root=true
cat >"$demo_dir/prosody.cfg.lua" <<PROSODY
-- Demo shard: a Jitsi-like Prosody on loopback. Written by scripts/demo.sh.
run_as_root = $run_as_root
pidfile = "$demo_dir/prosody.pid"
data_path = "$demo_dir/data"
certificates = "$demo_dir/certs"
log = { { levels = { min = "info" }, to = "file", filename = "$demo_dir/prosody.log" } }
interfaces = { "127.0.0.1" }
c2s_ports = { $c2s_port }
http_ports = { $http_port }
http_interfaces = { "127.0.0.1" }
https_ports = { }
modules_disabled = { "s2s" }
consider_bosh_secure = true
consider_websocket_secure = true
cross_domain_websocket = true
modules_enabled = { "roster"; "saslauth"; "tls"; "disco"; "ping"; "posix"; "bosh"; "websocket"; "smacks" }
authentication = "internal_hashed"
storage = "internal"

VirtualHost "$domain"
  authentication = "anonymous"
  main_muc = "conference.$domain"
Component "conference.$domain" "muc"
  muc_room_locking = false
  admins = { "focus@auth.$domain" }
Component "internal-muc.$domain" "muc"
  muc_room_locking = false
  admins = { "focus@auth.$domain", "jvb@auth.$domain" }
VirtualHost "auth.$domain"
  authentication = "internal_hashed"
PROSODY

# The focus and the bridge log in with accounts of auth.<domain>, as jitsi-meet-prosody sets them up.
for user in focus jvb; do
  [[ -f "$demo_dir/$user.password" ]] || openssl rand -hex 16 >"$demo_dir/$user.password"
  prosodyctl --config "$demo_dir/prosody.cfg.lua" register "$user" "auth.$domain" "$(cat "$demo_dir/$user.password")" \
    >/dev/null
done
password=$(cat "$demo_dir/focus.password")

cat >"$demo_dir/jicofo.conf" <<JICOFO
# Demo shard configuration, written by scripts/demo.sh; the shape of a Debian host's jicofo.conf.
jicofo {
  xmpp {
    client {
      hostname = "127.0.0.1"
      port = $c2s_port
      domain = "auth.$domain"
      xmpp-domain = "$domain"
      username = "focus"
      password = "$password"
      # The demo's certificates are self-signed.
      disable-certificate-verification = true
    }
    trusted-domains = [ "recorder.$domain" ]
  }
  # The demo's bridge (an emulated jitsi-videobridge) joins this MUC; until it has, /about/health rightly fails
  # with "No operational bridges available".
  bridge {
    brewery-jid = "$brewery"
  }
  health {
    enabled = true
  }
  rest {
    host = "127.0.0.1"
    port = $rest_port
  }
}
JICOFO

setsid nohup prosody --config "$demo_dir/prosody.cfg.lua" -F >"$demo_dir/prosody.out" 2>&1 &
echo $! >"$demo_dir/prosody.pid"
for _ in $(seq 1 100); do
  (exec 3<>"/dev/tcp/127.0.0.1/$c2s_port") 2>/dev/null && break
  sleep 0.1
done
setsid nohup "$root/build/jicofo" --config "$demo_dir/jicofo.conf" >"$demo_dir/jicofo.log" 2>&1 &
echo $! >"$demo_dir/jicofo.pid"

# jicofo is up once REST answers; it is healthy only once the bridge has joined (below).
for _ in $(seq 1 150); do
  curl -sf "http://127.0.0.1:$rest_port/about/version" >/dev/null 2>&1 && break
  sleep 0.1
done
if ! curl -sf "http://127.0.0.1:$rest_port/about/version" >/dev/null 2>&1; then
  echo "jicofo's REST does not answer on port $rest_port after 15 s; its log:" >&2
  tail -n 30 "$demo_dir/jicofo.log" >&2
  exit 1
fi

# The emulated bridge and participants; demo_peers.py writes peers.ready once both participants have an active
# Jingle session with the focus, and keeps them there until it is stopped.
rm -f "$demo_dir/peers.ready"
setsid nohup /usr/bin/python3 "$root/scripts/demo_peers.py" --state-dir "$demo_dir" --domain "$domain" \
  --port "$c2s_port" --brewery "$brewery" --bridge-password-file "$demo_dir/jvb.password" --room "$room" \
  >"$demo_dir/peers.out" 2>&1 &
echo $! >"$demo_dir/peers.pid"
for _ in $(seq 1 600); do
  [[ -f "$demo_dir/peers.ready" ]] && break
  kill -0 "$(cat "$demo_dir/peers.pid")" 2>/dev/null || break
  sleep 0.1
done
if [[ ! -f "$demo_dir/peers.ready" ]]; then
  echo "the bridge and participants did not get their sessions; the end of $demo_dir/peers.log:" >&2
  tail -n 20 "$demo_dir/peers.log" >&2
  cat "$demo_dir/peers.out" >&2
  echo "(stop the rest with: $0 stop)" >&2
  exit 1
fi

# Health checks run every 10 s; the first one may have run before the bridge joined.
for _ in $(seq 1 300); do
  curl -sf "http://127.0.0.1:$rest_port/about/health" >/dev/null 2>&1 && break
  sleep 0.1
done
if ! curl -sf "http://127.0.0.1:$rest_port/about/health" >/dev/null 2>&1; then
  echo "jicofo is not healthy on port $rest_port after 30 s: $(curl -s "http://127.0.0.1:$rest_port/about/health")" >&2
  tail -n 30 "$demo_dir/jicofo.log" >&2
  exit 1
fi

echo "demo shard up: Prosody on 127.0.0.1:$c2s_port (BOSH/WebSocket on :$http_port), jicofo REST on 127.0.0.1:$rest_port,"
echo "an emulated bridge (jvb1) in $brewery and two emulated participants (alice, bob) in $room."
show_status
echo
echo "Look at the conference:"
echo "  curl localhost:$rest_port/debug/conferences                # lists $room"
echo "  curl localhost:$rest_port/debug/conference/$room   # media: alice and bob active on the bridge"
echo "  curl localhost:$rest_port/about/health                     # OK"
echo "  curl localhost:$rest_port/stats   curl localhost:$rest_port/metrics"
echo "Logs: $demo_dir/{jicofo,prosody,peers}.log"
echo "Stop everything: $0 stop    (what runs: $0 status)"
