#!/usr/bin/env bash
# Capacity: one calc-server direct, one behind HAProxy, two behind HAProxy.
# Run from the workspace root after
#   cargo build --release -p calc-server -p calc-bench
# LEVEL (default warning) is the servers' --log-level; PIPELINES the -P values.
set -euo pipefail
LEVEL=${LEVEL:-warning}; PIPELINES=${PIPELINES:-1 16}
T=target/release; D=$(mktemp -d)
# Servers start in command substitutions (subshells), so their pids are
# recorded in a file rather than taken from `jobs`.
trap 'kill $(cat "$D/pids") 2>/dev/null; sleep 1; rm -rf "$D"' EXIT
start() { # start NAME [FLAGS...]: a server on a free port; prints the port
  local n=$1; shift
  $T/calc-server 127.0.0.1 0 --log-level "$LEVEL" --log-file "$D/$n.log" "$@" > "$D/$n.out" 2>/dev/null &
  echo $! >> "$D/pids"
  until grep -q listening "$D/$n.out" 2>/dev/null; do sleep 0.05; done
  sed -n 's/^listening on .*://p' "$D/$n.out"
}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
haproxy_for() { # haproxy_for PORT SERVER_PORT...: round robin, send-proxy-v2
  local port=$1; shift; local cfg="$D/haproxy-$port.cfg" i=0
  printf 'global\n    maxconn 4096\ndefaults\n    mode tcp\n    timeout connect 2s\n    timeout client 30s\n    timeout server 30s\nfrontend calc\n    bind 127.0.0.1:%s\n    default_backend calc_servers\nbackend calc_servers\n    balance roundrobin\n' "$port" > "$cfg"
  for p in "$@"; do i=$((i+1)); echo "    server s$i 127.0.0.1:$p send-proxy-v2" >> "$cfg"; done
  haproxy -db -f "$cfg" > "$D/haproxy-$port.err" 2>&1 &
  echo $! >> "$D/pids"
  until python3 -c "import socket; socket.create_connection(('127.0.0.1',$port)).close()" 2>/dev/null; do sleep 0.05; done
}
DIRECT=$(start direct)
ONE=$(start one --proxy-protocol)
A=$(start a --proxy-protocol); B=$(start b --proxy-protocol)
H1=$(free_port); haproxy_for "$H1" "$ONE"
H2=$(free_port); haproxy_for "$H2" "$A" "$B"
for P in $PIPELINES; do
  for round in 1 2 3; do
    for setup in "direct $DIRECT" "haproxy+1 $H1" "haproxy+2 $H2"; do
      set -- $setup
      echo "level=$LEVEL P=$P round=$round $1 load=$(cut -d' ' -f1 /proc/loadavg) $($T/calc-bench 127.0.0.1 "$2" -c 50 -P "$P" -d 5 --warmup 1 -e '1+2*3' --expect 'OK 7' -q | tr '\n' ' ')"
    done
  done
done
