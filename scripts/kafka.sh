#!/usr/bin/env bash
# Runs a real single-node Kafka broker (combined KRaft node) for tests and local use, from Maven Central jars, without Docker.
#
# Usage: scripts/kafka.sh fetch
#        scripts/kafka.sh start   [STATE_DIR]            fresh broker on two free loopback ports; prints host:port
#        scripts/kafka.sh stop    [--keep-data] [--kill] [STATE_DIR]   --kill: SIGKILL at once, as a crash would
#        scripts/kafka.sh restart [STATE_DIR]            same ports and data as the last start (after stop --keep-data)
#        scripts/kafka.sh status  [STATE_DIR]            exit 0 when running, 3 when not
#
# STATE_DIR defaults to .kafka/ in the repository. It holds server.properties, data/, broker.log,
# broker.pid and bootstrap (host:port for clients).
# Needs Java 17+ and Maven; jars are cached in $HOME/.cache/palisade/kafka (and ~/.m2).
# Environment: KAFKA_VERSION (default 4.1.2), KAFKA_MAX_LIFETIME (default 85m: the broker dies by
# itself after that even if nobody stops it), KAFKA_READY_TIMEOUT (seconds, default 90).
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
kafka_version=${KAFKA_VERSION:-4.1.2}
dependency_plugin=org.apache.maven.plugins:maven-dependency-plugin:3.8.1
cache_dir="$HOME/.cache/palisade/kafka"
libs_dir="$cache_dir/libs-$kafka_version"
marker="$libs_dir/.complete"
max_lifetime=${KAFKA_MAX_LIFETIME:-85m}
ready_timeout=${KAFKA_READY_TIMEOUT:-90}
stop_timeout=20
ready_line='Kafka Server started'

log() { printf 'kafka.sh: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

usage() {
  sed -n '4,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

# The state dir is written into server.properties and compared against /proc cmdlines, so it must be absolute.
state_dir_of() {
  local dir=${1:-$repo_root/.kafka}
  mkdir -p "$dir"
  (cd "$dir" && pwd)
}

fetch() {
  if [[ -f $marker ]]; then
    echo "$libs_dir"
    return
  fi
  command -v mvn >/dev/null || die "Maven (mvn) is required to fetch the Kafka $kafka_version jars"
  mkdir -p "$cache_dir"
  # Two test runs may fetch at once; the lock keeps them from deleting each other's half-copied jars.
  exec 9>"$cache_dir/.fetch.lock"
  flock 9
  if [[ ! -f $marker ]]; then
    log "fetching Kafka $kafka_version jars into $libs_dir"
    rm -rf "$libs_dir"
    # Maven's output is only worth reading when it failed.
    mvn -B -q -f "$repo_root/test/kafka/pom.xml" -Dkafka.version="$kafka_version" \
      "$dependency_plugin:copy-dependencies" -DincludeScope=runtime -DoutputDirectory="$libs_dir" \
      >"$cache_dir/fetch.log" 2>&1 \
      || { cat "$cache_dir/fetch.log" >&2; die "mvn could not fetch the Kafka $kafka_version jars"; }
    [[ -f $libs_dir/kafka_2.13-$kafka_version.jar && -n $(compgen -G "$libs_dir/slf4j-simple-*.jar") ]] \
      || die "the fetched jars in $libs_dir are incomplete"
    # Written last: a fetch interrupted before this line is redone from scratch next time.
    ls "$libs_dir" >"$marker"
  fi
  exec 9>&-
  echo "$libs_dir"
}

# Picks ports below the kernel's ephemeral range, so an outgoing client connection cannot take a
# port while the broker is down between stop --keep-data and restart.
free_ports() {
  node -e '
    const net = require("node:net");
    const fs = require("node:fs");
    const count = Number(process.argv[1]);
    let low = 32768;
    try { low = Number(fs.readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/)[0]); } catch {}
    const min = 20000, max = Math.max(min + 1000, low - 1);
    const canBind = (port) => new Promise((resolve) => {
      const server = net.createServer();
      server.once("error", () => resolve(false));
      server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
    });
    (async () => {
      const ports = [];
      for (let tries = 0; ports.length < count && tries < 500; tries++) {
        const port = min + Math.floor(Math.random() * (max - min));
        if (!ports.includes(port) && await canBind(port)) ports.push(port);
      }
      if (ports.length < count) { process.stderr.write("no free loopback ports\n"); process.exit(1); }
      process.stdout.write(ports.join(" ") + "\n");
    })();
  ' "$1"
}

# Kafka accepts any 16 random bytes in URL-safe base64 as a cluster id, except ones starting with "-".
cluster_id() {
  node -e '
    const { randomBytes } = require("node:crypto");
    let id;
    do { id = randomBytes(16).toString("base64url"); } while (id.startsWith("-"));
    process.stdout.write(id + "\n");
  '
}

write_config() {
  local state=$1 client_port=$2 controller_port=$3
  cat >"$state/server.properties" <<EOF
# Single combined KRaft node for tests: static voter, loopback only, replication factor 1 everywhere.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$controller_port
listeners=PLAINTEXT://127.0.0.1:$client_port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://127.0.0.1:$client_port
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$state/data
num.partitions=1
default.replication.factor=1
min.insync.replicas=1
auto.create.topics.enable=false
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
share.coordinator.state.topic.num.partitions=1
group.initial.rebalance.delay.ms=0
# After a crash the restarted node can only register once its old incarnation's session expired
# (default 9 s); tests that kill the broker wait for that on every restart.
broker.session.timeout.ms=4000
broker.heartbeat.interval.ms=1000
num.network.threads=2
num.io.threads=2
num.recovery.threads.per.data.dir=1
# The log cleaner's dedupe buffer (default 128 MiB) lives on the heap for the broker's whole life;
# at that size it kept G1 running a concurrent cycle, with a 5-15 ms remark pause, every few
# seconds. Test topics are tiny, so 8 MiB is plenty.
log.cleaner.dedupe.buffer.size=8388608
EOF
}

config_value() {
  sed -n "s/^$2=//p" "$1/server.properties" | tail -n 1
}

client_port_of() {
  local listeners
  listeners=$(config_value "$1" listeners)
  listeners=${listeners#PLAINTEXT://127.0.0.1:}
  echo "${listeners%%,*}"
}

# Only a process that is our broker for this state dir counts, so a recycled pid is never signalled.
broker_pid() {
  local state=$1 pid
  [[ -f $state/broker.pid ]] || return 1
  pid=$(<"$state/broker.pid")
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  [[ -r /proc/$pid/cmdline ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF "kafka.Kafka $state/server.properties" || return 1
  echo "$pid"
}

# A fixed heap: a growing one adds pauses to resize it while tests and benchmarks measure latency.
java_opts=(
  -Xms512m -Xmx512m
  -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:+ExitOnOutOfMemoryError
  -Djava.awt.headless=true
  -Dorg.slf4j.simpleLogger.showDateTime=true
  -Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS
)

format_data() {
  local state=$1
  rm -rf "$state/data"
  java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$libs_dir/*" kafka.tools.StorageTool format \
    -t "$(cluster_id)" -c "$state/server.properties" >"$state/format.log" 2>&1 \
    || { cat "$state/format.log" >&2; die "formatting $state/data failed"; }
}

launch() {
  local state=$1 log_offset pid client_port deadline
  client_port=$(client_port_of "$state")
  touch "$state/broker.log"
  log_offset=$(stat -c %s "$state/broker.log")
  rm -f "$state/broker.pid" "$state/bootstrap"
  # timeout bounds the broker's life if nobody stops it; the inner shell records the pid java execs into.
  # shellcheck disable=SC2016 # expanded by the inner shell
  timeout --kill-after=10s "$max_lifetime" bash -c 'echo $$ >"$1.tmp" && mv "$1.tmp" "$1" && shift && exec "$@"' _ \
    "$state/broker.pid" java "${java_opts[@]}" -cp "$libs_dir/*" kafka.Kafka "$state/server.properties" \
    </dev/null >>"$state/broker.log" 2>&1 &
  local supervisor=$!

  deadline=$((SECONDS + ready_timeout))
  while :; do
    if ! kill -0 "$supervisor" 2>/dev/null && ! pid=$(broker_pid "$state"); then
      fail_start "$state" "the broker exited during start-up"
    fi
    if ((SECONDS >= deadline)); then
      fail_start "$state" "the broker was not ready within ${ready_timeout}s"
    fi
    if (exec 3<>"/dev/tcp/127.0.0.1/$client_port") 2>/dev/null \
      && tail -c "+$((log_offset + 1))" "$state/broker.log" | grep -qF "$ready_line"; then
      break
    fi
    sleep 0.2
  done
  pid=$(broker_pid "$state") || fail_start "$state" "the broker pid was not recorded"
  echo "127.0.0.1:$client_port" >"$state/bootstrap"
  log "broker $pid ready at 127.0.0.1:$client_port (state in $state)"
  echo "127.0.0.1:$client_port"
}

fail_start() {
  local state=$1
  # The cause is usually an ERROR far above the shutdown noise at the end, so show both; log_offset
  # (set by launch) skips the lines of earlier runs.
  log "$2; errors, then the last lines of $state/broker.log:"
  tail -c "+$((${log_offset:-0} + 1))" "$state/broker.log" | grep -E '\] (ERROR|FATAL) |^Caused by:' | tail -n 10 >&2 || true
  echo "..." >&2
  tail -n 20 "$state/broker.log" >&2 || true
  stop_broker "$state" || true
  exit 1
}

stop_broker() {
  local state=$1 signal=${2:-TERM} pid deadline
  if pid=$(broker_pid "$state"); then
    if [[ $signal == TERM ]]; then
      kill -TERM "$pid" 2>/dev/null || true
      deadline=$((SECONDS + stop_timeout))
      while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
    fi
    if kill -0 "$pid" 2>/dev/null; then
      [[ $signal == KILL ]] || log "broker $pid did not stop within ${stop_timeout}s; killing it"
      kill -KILL "$pid" 2>/dev/null || true
      deadline=$((SECONDS + 10))
      while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
      ! kill -0 "$pid" 2>/dev/null || die "broker $pid survived SIGKILL"
    fi
  fi
  rm -f "$state/broker.pid" "$state/bootstrap"
}

cmd_start() {
  (($# <= 1)) || usage
  local state ports pid
  state=$(state_dir_of "${1:-}")
  if pid=$(broker_pid "$state"); then
    die "a broker is already running from $state (pid $pid); stop it first"
  fi
  fetch >/dev/null
  command -v java >/dev/null || die "Java 17+ is required to run the broker"
  ports=$(free_ports 2)
  # shellcheck disable=SC2086 # two words on purpose
  write_config "$state" $ports
  format_data "$state"
  : >"$state/broker.log"
  launch "$state"
}

cmd_restart() {
  (($# <= 1)) || usage
  local state
  state=$(state_dir_of "${1:-}")
  [[ -f $state/server.properties && -f $state/data/meta.properties ]] \
    || die "no broker data in $state to restart; use start"
  fetch >/dev/null
  stop_broker "$state"
  echo "--- restart ---" >>"$state/broker.log"
  launch "$state"
}

cmd_stop() {
  local keep=0 signal=TERM
  while [[ ${1:-} == --* ]]; do
    case $1 in
      --keep-data) keep=1 ;;
      --kill) signal=KILL ;;
      *) usage ;;
    esac
    shift
  done
  (($# <= 1)) || usage
  local state
  state=$(state_dir_of "${1:-}")
  stop_broker "$state" "$signal"
  if ((keep == 0)); then rm -rf "$state/data"; fi
  log "stopped (state in $state)"
}

cmd_status() {
  (($# <= 1)) || usage
  local state pid
  state=$(state_dir_of "${1:-}")
  if pid=$(broker_pid "$state"); then
    echo "running pid=$pid bootstrap=$(cat "$state/bootstrap" 2>/dev/null || echo unknown)"
  else
    echo "stopped"
    exit 3
  fi
}

case ${1:-} in
  fetch) shift; (($# == 0)) || usage; fetch ;;
  start) shift; cmd_start "$@" ;;
  restart) shift; cmd_restart "$@" ;;
  stop) shift; cmd_stop "$@" ;;
  status) shift; cmd_status "$@" ;;
  *) usage ;;
esac
