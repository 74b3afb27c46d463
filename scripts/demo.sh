#!/usr/bin/env bash
# A local demo shard on loopback: installs what is needed, builds jicofo, then starts a Prosody from Debian set up
# like a Jitsi host (meet.jitsi, the focus user registered) and jicofo pointed at it, both in the background.
#   scripts/demo.sh          install, build, start (stops a previous demo first)
#   scripts/demo.sh stop     stop both
#   scripts/demo.sh status   show what runs and ask jicofo for its health
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
demo_dir="$root/build/demo"
domain=meet.jitsi
rest_port=8888
c2s_port=5222
http_port=5280

stop_demo() {
  for name in jicofo prosody; do
    if [[ -f "$demo_dir/$name.pid" ]]; then
      pid=$(cat "$demo_dir/$name.pid")
      if kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid"
        for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
        echo "stopped $name (pid $pid)"
      fi
      rm -f "$demo_dir/$name.pid"
    fi
  done
}

show_status() {
  for name in prosody jicofo; do
    if [[ -f "$demo_dir/$name.pid" ]] && kill -0 "$(cat "$demo_dir/$name.pid")" 2>/dev/null; then
      echo "$name: running (pid $(cat "$demo_dir/$name.pid"))"
    else
      echo "$name: not running"
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

password_file="$demo_dir/focus.password"
[[ -f "$password_file" ]] || openssl rand -hex 16 >"$password_file"
password=$(cat "$password_file")
prosodyctl --config "$demo_dir/prosody.cfg.lua" register focus "auth.$domain" "$password" >/dev/null

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
  # No bridge runs in the demo, so no brewery either: with jicofo.bridge.brewery-jid set, /about/health would
  # rightly fail ("No operational bridges available") until a videobridge joined it.
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

# Healthy means REST answers and the focus has logged in to Prosody.
for _ in $(seq 1 150); do
  if curl -sf "http://127.0.0.1:$rest_port/about/health" >/dev/null 2>&1; then
    echo "demo shard up: Prosody on 127.0.0.1:$c2s_port (BOSH/WebSocket on :$http_port), jicofo REST on 127.0.0.1:$rest_port"
    echo "  curl localhost:$rest_port/about/health    logs: $demo_dir/{jicofo,prosody}.log    stop: $0 stop"
    show_status
    exit 0
  fi
  sleep 0.1
done
echo "jicofo is not healthy on port $rest_port after 15 s; its log:" >&2
tail -n 30 "$demo_dir/jicofo.log" >&2
exit 1
