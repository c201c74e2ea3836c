#!/usr/bin/env bash
# A real S3 server on loopback for tests and local runs: Ceph RADOS Gateway from
# Debian (ceph-mon, ceph-osd, radosgw). One monitor + one OSD + radosgw on
# 127.0.0.1; no mgr, no cephx, no systemd, no Docker.
#
#   scripts/s3-server.sh start          idempotent; prints S3_ENDPOINT=... lines
#   scripts/s3-server.sh stop           stops all daemons (data kept; S3_PURGE=1 deletes it)
#   scripts/s3-server.sh stop-gateway   kills radosgw only (outage tests); `start` brings it back
#
# Variables: S3_DIR (/tmp/evidence-s3)  S3_PORT (9000)  S3_MON_PORT (6790)
#   S3_ACCESS_KEY / S3_SECRET_KEY  S3_OSD_GB (10, sparse file)  S3_RESET=1 wipes first
#
# The OSD uses BlueStore on a sparse file rather than MemStore: MemStore keeps every
# byte (and every deleted-but-not-yet-collected byte) in the OSD's RAM, which a 1 GiB
# bench plus repeated test runs would turn into gigabytes of resident memory. BlueStore
# keeps RAM bounded (128 MiB cache) and survives restarts, at a small cost in speed
# (a 1 GiB put: ~90 MiB/s here, against ~105 MiB/s on MemStore).
set -Eeuo pipefail

cmd=${1:-}
S3_DIR=${S3_DIR:-/tmp/evidence-s3}
S3_PORT=${S3_PORT:-9000}
S3_MON_PORT=${S3_MON_PORT:-6790}
S3_ACCESS_KEY=${S3_ACCESS_KEY:-evidence-test}
S3_SECRET_KEY=${S3_SECRET_KEY:-evidence-test-secret}
S3_OSD_GB=${S3_OSD_GB:-10}
D=$S3_DIR
export CEPH_CONF=$D/ceph.conf
trap 'echo "s3-server: failed at line $LINENO (exit $?); logs in $D/log" >&2' ERR
ENDPOINT=http://127.0.0.1:$S3_PORT
# A cluster made with other settings, or from an older ceph.conf template (bump
# CONF_VERSION when editing it), is rebuilt rather than reused.
CONF_VERSION=2
STAMP="$CONF_VERSION $S3_PORT $S3_MON_PORT $S3_OSD_GB $S3_ACCESS_KEY $S3_SECRET_KEY"
PACKAGES="ceph-mon ceph-osd radosgw curl"

alive() { [ -f "$D/run/$1.pid" ] && kill -0 "$(cat "$D/run/$1.pid")" 2>/dev/null; }
answering() { curl -s -o /dev/null --max-time 2 "$ENDPOINT/" 2>/dev/null; }
stamp_ok() { [ -f "$D/initialized" ] && [ "$(cat "$D/stamp" 2>/dev/null)" = "$STAMP" ]; }
print_env() {
  printf 'S3_ENDPOINT=%s\nS3_ACCESS_KEY=%s\nS3_SECRET_KEY=%s\nS3_REGION=us-east-1\n' \
    "$ENDPOINT" "$S3_ACCESS_KEY" "$S3_SECRET_KEY"
}
wait_for() { # $1 = description, rest = command; up to 60 s
  local what=$1; shift
  for _ in $(seq 1 300); do "$@" >/dev/null 2>&1 && return 0; sleep 0.2; done
  echo "s3-server: timed out waiting for $what (logs: $D/log)" >&2; exit 1
}
stop_daemon() { # $1 = name, $2 = signal; only ever the pid from our own pid file
  local f=$D/run/$1.pid pid
  [ -f "$f" ] || return 0
  pid=$(cat "$f")
  if kill -0 "$pid" 2>/dev/null; then
    kill "-$2" "$pid"
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
  fi
  rm -f "$f"
}

# TERM, not KILL, for radosgw too: a killed radosgw leaves watches behind that stall the
# next bucket creation until they expire (see "osd client watch timeout").
stop_all() {
  stop_daemon client.rgw TERM
  stop_daemon osd.0 TERM
  stop_daemon mon.a TERM
}

install_packages() {
  local need="" p
  for p in $PACKAGES; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || need="$need $p"
  done
  [ -z "$need" ] && return 0
  if [ "$(id -u)" != 0 ]; then
    echo "s3-server: missing packages; run as root: apt-get install -y --no-install-recommends$need" >&2
    exit 1
  fi
  echo "s3-server: installing$need" >&2
  # policy-rc.d in containers keeps the packaged services from starting; we run our own.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $need >/dev/null \
    || { apt-get update -q >/dev/null \
         && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $need >/dev/null; }
}

rgw_ready() {
  if [ -f "$D/run/client.rgw.pid" ] && ! alive client.rgw; then
    echo "s3-server: radosgw exited; see $D/log/client.rgw.log" >&2; exit 1
  fi
  answering
}
start_gateway() {
  radosgw -n client.rgw >>"$D/log/startup.log" 2>&1
  wait_for "radosgw on $ENDPOINT" rgw_ready
}

create_cluster() {
  rm -rf "$D"; mkdir -p "$D"/{run,log,mon/ceph-a,osd/ceph-0}
  local fsid; fsid=$(cat /proc/sys/kernel/random/uuid)
  cat > "$CEPH_CONF" <<EOF
[global]
fsid = $fsid
mon host = v1:127.0.0.1:$S3_MON_PORT
public addr = 127.0.0.1
cluster addr = 127.0.0.1
auth cluster required = none
auth service required = none
auth client required = none
keyring = $D/keyring
run dir = $D/run
admin socket = $D/run/\$name.asok
pid file = $D/run/\$name.pid
log file = $D/log/\$name.log
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon allow pool size one = true
mon warn on pool no redundancy = false
# the host disk may be fuller than Ceph's defaults like; this is a test cluster
mon data avail warn = 2
mon data avail crit = 1
[mon]
mon data = $D/mon/ceph-\$id
paxos propose interval = 0.05
paxos min wait = 0.01
[osd]
osd data = $D/osd/ceph-\$id
osd objectstore = bluestore
bluestore block create = true
bluestore block size = $((S3_OSD_GB * 1073741824))
bluestore cache autotune = false
bluestore cache size = 134217728
osd memory target = 939524096
osd op num shards = 1
osd op num threads per shard = 2
# The OSD would place itself in the CRUSH map at boot, but its first command can race
# the arrival of the monmap and be refused ("wrong fsid"), killing the OSD; we do it
# from the CLI instead (see start).
osd crush update on start = false
osd class update on start = false
# A killed radosgw leaves its watches behind; until they expire, bucket creation on the next
# radosgw waits for them (30 s by default).
osd client watch timeout = 10
[client.rgw]
rgw frontends = beast endpoint=127.0.0.1:$S3_PORT
rgw thread pool size = 32
# reclaim the space of deleted objects within minutes, not hours (tests and benches churn)
rgw gc obj min wait = 60
rgw gc processor period = 60
EOF
  ceph-authtool --create-keyring "$D/keyring" --gen-key -n mon. --cap mon 'allow *' >/dev/null
  monmaptool --create --fsid "$fsid" --addv a "[v1:127.0.0.1:$S3_MON_PORT]" "$D/monmap" >/dev/null
  ceph-mon --mkfs -i a --monmap "$D/monmap" --keyring "$D/keyring"
}

start() {
  if [ "${S3_RESET:-0}" != 1 ] && alive mon.a && alive osd.0 && stamp_ok; then
    alive client.rgw && answering && { print_env; return; }
    stop_daemon client.rgw KILL   # hung or half-dead gateway: restart just that
    start_gateway; print_env; return
  fi
  stop_all
  if answering; then echo "s3-server: port $S3_PORT is already in use by something else" >&2; exit 1; fi
  install_packages

  local fresh=0
  if [ "${S3_RESET:-0}" = 1 ] || ! stamp_ok; then fresh=1; create_cluster; fi

  ceph-mon -i a >>"$D/log/startup.log" 2>&1   # daemonizes, writes run/mon.a.pid
  if [ "$fresh" = 1 ]; then
    local osd_uuid; osd_uuid=$(cat /proc/sys/kernel/random/uuid)
    ceph --connect-timeout 30 osd new "$osd_uuid" >/dev/null   # -> osd.0
    ceph --connect-timeout 30 osd crush add osd.0 1.0 root=default >/dev/null 2>&1
    ceph-osd -i 0 --mkfs --osd-uuid "$osd_uuid" >"$D/log/osd-mkfs.log" 2>&1
  fi
  ceph-osd -i 0 >>"$D/log/startup.log" 2>&1
  wait_for "osd.0 up" bash -c "ceph --connect-timeout 5 osd stat | grep -q ' 1 up'"

  if [ "$fresh" = 1 ]; then
    # radosgw's pools up front, so the first bucket and object calls are not slow
    for p in .rgw.root default.rgw.log default.rgw.control default.rgw.meta \
             default.rgw.buckets.index default.rgw.buckets.data default.rgw.buckets.non-ec; do
      printf 'osd pool create %s 8 8 replicated\nosd pool application enable %s rgw\n' "$p" "$p"
    done | ceph --connect-timeout 30 >/dev/null 2>&1
    radosgw-admin user create --uid=evidence-test --display-name=evidence-test \
      --access-key="$S3_ACCESS_KEY" --secret-key="$S3_SECRET_KEY" >/dev/null
    # Ceph calls its region "default"; clients sign with what GetBucketLocation returns.
    radosgw-admin zonegroup modify --rgw-zonegroup=default --api-name=us-east-1 >/dev/null
  fi
  start_gateway
  if [ "$fresh" = 1 ]; then echo "$STAMP" > "$D/stamp"; touch "$D/initialized"; fi
  print_env
}

# One caller at a time (parallel test runs may all call start). The lock lives beside
# $D because a fresh start deletes $D; -o keeps the daemons we spawn from inheriting it.
if [ -z "${S3_SERVER_LOCKED:-}" ]; then
  mkdir -p "$(dirname "$D")"
  S3_SERVER_LOCKED=1 exec flock -o "$D.lock" bash "${BASH_SOURCE[0]}" "$@"
fi

case "$cmd" in
  start) start ;;
  stop)
    stop_all
    [ "${S3_PURGE:-0}" = 1 ] && rm -rf "$D"
    echo "s3-server: stopped" >&2 ;;
  stop-gateway) stop_daemon client.rgw KILL ;;   # KILL: an abrupt outage, like a crash
  *) echo "usage: $0 start|stop|stop-gateway" >&2; exit 2 ;;
esac
