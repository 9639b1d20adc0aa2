#!/usr/bin/env bash
# Real Cassandra 5.0, Kafka 4.x (KRaft) and Redis for Parley's tests and CI -- no Docker.
#
#   scripts/services/services.sh up       download (first run) + start all three, wait until ready
#   scripts/services/services.sh down     stop them (by saved PID only) and wipe their data
#   scripts/services/services.sh status   PID alive? probe passes? (exit 0 only if all are up)
#   scripts/services/services.sh env      export lines for the tests:
#                                         eval "$(scripts/services/services.sh env)"
#
# Servers listen on 127.0.0.1 only. Run data, PID files and logs live in <repo>/.run/ (git-ignored);
# the server jars are cached in $PARLEY_SERVICES_CACHE (default ~/.cache/parley-services).
# See README.md beside this file.
set -euo pipefail

SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
ROOT=$(cd -- "$SCRIPT_DIR/../.." && pwd -P)
RUN_DIR="$ROOT/.run"
LOG_DIR="$RUN_DIR/logs"
CACHE_DIR="${PARLEY_SERVICES_CACHE:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/parley-services}"

# Versions: the poms in cassandra/ and kafka/ carry the same defaults; these win (-D on the mvn
# command line overrides a pom property). Each version gets its own jar folder in the cache.
CASSANDRA_VERSION="${PARLEY_CASSANDRA_VERSION:-5.0.8}"
KAFKA_VERSION="${PARLEY_KAFKA_VERSION:-4.4.0}"

# Ports: set PARLEY_CASSANDRA_PORT, PARLEY_CASSANDRA_STORAGE_PORT, PARLEY_KAFKA_PORT,
# PARLEY_KAFKA_CONTROLLER_PORT or PARLEY_REDIS_PORT to run a second stack beside this one (another
# checkout, a test run beside a dev cluster). `up` records the ports it used in .run/ports, so
# `env`, `status` and `down` of this checkout find the same servers without the variables.
PORTS_FILE="$RUN_DIR/ports"
if [[ -f "$PORTS_FILE" ]]; then
  # shellcheck source=/dev/null
  source "$PORTS_FILE"
fi
CASSANDRA_NATIVE_PORT="${PARLEY_CASSANDRA_PORT:-${SAVED_CASSANDRA_NATIVE_PORT:-9042}}"
CASSANDRA_STORAGE_PORT="${PARLEY_CASSANDRA_STORAGE_PORT:-${SAVED_CASSANDRA_STORAGE_PORT:-7000}}"
KAFKA_BROKER_PORT="${PARLEY_KAFKA_PORT:-${SAVED_KAFKA_BROKER_PORT:-9092}}"
KAFKA_CONTROLLER_PORT="${PARLEY_KAFKA_CONTROLLER_PORT:-${SAVED_KAFKA_CONTROLLER_PORT:-9093}}"
REDIS_PORT="${PARLEY_REDIS_PORT:-${SAVED_REDIS_PORT:-6380}}" # not 6379: a machine-wide Redis may already hold that one

# Services already running keep the ports recorded when they started: a port variable that asks
# for another one cannot move them.
check_running_ports() {
  [[ -f "$PORTS_FILE" ]] || return 0
  local want="$CASSANDRA_NATIVE_PORT $CASSANDRA_STORAGE_PORT $KAFKA_BROKER_PORT $KAFKA_CONTROLLER_PORT $REDIS_PORT"
  local have="${SAVED_CASSANDRA_NATIVE_PORT:-} ${SAVED_CASSANDRA_STORAGE_PORT:-} ${SAVED_KAFKA_BROKER_PORT:-} ${SAVED_KAFKA_CONTROLLER_PORT:-} ${SAVED_REDIS_PORT:-}"
  [[ "$want" == "$have" ]] || die "services of this checkout are running on ports $have; run 'down' before starting them on $want"
}

save_ports() {
  cat >"$PORTS_FILE" <<PORTS
SAVED_CASSANDRA_NATIVE_PORT=$CASSANDRA_NATIVE_PORT
SAVED_CASSANDRA_STORAGE_PORT=$CASSANDRA_STORAGE_PORT
SAVED_KAFKA_BROKER_PORT=$KAFKA_BROKER_PORT
SAVED_KAFKA_CONTROLLER_PORT=$KAFKA_CONTROLLER_PORT
SAVED_REDIS_PORT=$REDIS_PORT
PORTS
}
# Any valid 22-character base64 id works: the Kafka data dir is wiped whenever Kafka is
# (re)started, so a fixed id never meets data formatted with another one.
KAFKA_CLUSTER_ID=4L6g3nShT-eMCtK--X86sw

# Readiness timeouts in seconds (generous: 2 cores shared by two JVMs, Redis and the tests).
CASSANDRA_TIMEOUT="${PARLEY_CASSANDRA_TIMEOUT:-300}"
KAFKA_TIMEOUT="${PARLEY_KAFKA_TIMEOUT:-180}"
REDIS_TIMEOUT="${PARLEY_REDIS_TIMEOUT:-60}"
STOP_GRACE_SECONDS=20

SERVICES=(cassandra kafka redis)

log() { printf '[services] %s\n' "$*" >&2; }
die() {
  log "ERROR: $*"
  exit 1
}

export_env_lines() {
  cat <<EOF
export CASSANDRA_CONTACT_POINTS=127.0.0.1:$CASSANDRA_NATIVE_PORT
export CASSANDRA_LOCAL_DC=datacenter1
export CASSANDRA_KEYSPACE=parley_test
export KAFKA_BROKERS=127.0.0.1:$KAFKA_BROKER_PORT
export REDIS_URL=redis://127.0.0.1:$REDIS_PORT
EOF
}

# ---------------------------------------------------------------------------------------------
# Tools
# ---------------------------------------------------------------------------------------------

apt_install() {
  command -v apt-get >/dev/null || die "apt-get not found; install $* by hand"
  local started=$SECONDS
  log "installing Debian package(s): $* (log: $LOG_DIR/apt.log)"
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >"$LOG_DIR/apt.log" 2>&1; then
    log "apt-get install failed; running apt-get update first"
    DEBIAN_FRONTEND=noninteractive apt-get update -q >>"$LOG_DIR/apt.log" 2>&1 || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >>"$LOG_DIR/apt.log" 2>&1 ||
      { tail -n 20 "$LOG_DIR/apt.log" >&2; die "could not install $*"; }
  fi
  log "installed $* in $((SECONDS - started))s"
}

java_major() { # prints the major version of the given java binary (17, 25, ...)
  "$1" -XshowSettings:properties -version 2>&1 |
    awk -F'= ' '/java.specification.version/ { print $2; exit }'
}

# Cassandra 5.0 runs on JDK 11/17 only (its security manager use dies on JDK 24+), Kafka 4 needs
# >= 17: use a JDK 17 for both, whatever JAVA_HOME or `java` on PATH point to.
find_java17() {
  local candidate candidates=()
  [[ -n "${PARLEY_JAVA17_HOME:-}" ]] && candidates+=("$PARLEY_JAVA17_HOME/bin/java")
  [[ -n "${JAVA_HOME:-}" ]] && candidates+=("$JAVA_HOME/bin/java")
  candidates+=(/usr/lib/jvm/java-17-openjdk-*/bin/java /usr/lib/jvm/*-17*/bin/java)
  if command -v java >/dev/null; then candidates+=("$(command -v java)"); fi
  for candidate in "${candidates[@]}"; do
    if [[ -x "$candidate" && "$(java_major "$candidate")" == 17 ]]; then
      printf '%s\n' "$candidate"
      return 0
    fi
  done
  return 1
}

require_tools() {
  mkdir -p "$LOG_DIR"
  command -v node >/dev/null || die "node not found"
  local mod
  for mod in cassandra-driver kafkajs ioredis; do
    [[ -d "$ROOT/node_modules/$mod" ]] || die "$ROOT/node_modules/$mod missing: run 'npm ci' first"
  done
  if ! JAVA=$(find_java17); then
    apt_install openjdk-17-jre-headless
    JAVA=$(find_java17) || die "no JDK 17 found (looked at PARLEY_JAVA17_HOME, JAVA_HOME, /usr/lib/jvm, PATH)"
  fi
  command -v mvn >/dev/null || apt_install maven
  if ! command -v redis-server >/dev/null; then
    apt_install redis-server
    command -v redis-server >/dev/null || die "redis-server still missing after apt-get install"
  fi
}

# ---------------------------------------------------------------------------------------------
# Jars from Maven Central, cached per version
# ---------------------------------------------------------------------------------------------

# The jar folder is named after the version AND a hash of the pom, so editing a pom (another
# logging binding, an exclusion) never reuses a stale classpath.
lib_dir() { # lib_dir cassandra|kafka
  local version pom_hash
  case "$1" in
    cassandra) version=$CASSANDRA_VERSION ;;
    kafka) version=$KAFKA_VERSION ;;
    *) die "no jars for $1" ;;
  esac
  pom_hash=$(sha256sum "$SCRIPT_DIR/$1/pom.xml")
  printf '%s\n' "$CACHE_DIR/$1-$version-${pom_hash:0:10}"
}

# Copies the runtime classpath of cassandra/pom.xml or kafka/pom.xml into its own cache folder,
# unless a previous run completed that already (the .complete marker is written last, so an
# interrupted download is redone). ~/.m2 is only Maven's own cache: we never rely on it surviving.
ensure_jars() {
  local svc=$1 lib tmp started count
  lib=$(lib_dir "$svc")
  if [[ -f "$lib/.complete" ]]; then
    log "$svc: using cached jars in $lib"
    return 0
  fi
  rm -rf "$lib"
  tmp="$lib.partial.$$"
  mkdir -p "$CACHE_DIR"
  started=$SECONDS
  log "$svc: resolving jars from Maven Central into $lib (first run only; log: $LOG_DIR/mvn-$svc.log)"
  # -B/-Dstyle.color=never: plain log lines; includeScope=runtime: no test/provided jars.
  # The awk filter turns Maven's per-file lines into a progress line every 100 downloads.
  if ! mvn -B -Dstyle.color=never -f "$SCRIPT_DIR/$svc/pom.xml" \
      -Dcassandra.version="$CASSANDRA_VERSION" -Dkafka.version="$KAFKA_VERSION" \
      dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$tmp" 2>&1 |
      tee "$LOG_DIR/mvn-$svc.log" |
      awk -v svc="$svc" '/Downloaded from/ { n++; if (n % 100 == 0) { printf "[services] %s: %d files (poms+jars) downloaded...\n", svc, n; fflush() } }' >&2; then
    grep -E 'ERROR|FAIL' "$LOG_DIR/mvn-$svc.log" | tail -n 20 >&2 || true
    rm -rf "$tmp"
    die "$svc: Maven could not resolve the jars (full log: $LOG_DIR/mvn-$svc.log)"
  fi
  count=$(find "$tmp" -maxdepth 1 -name '*.jar' | wc -l)
  touch "$tmp/.complete"
  # -T: if a concurrent run (another checkout sharing the cache) got there first, keep its folder
  mv -T "$tmp" "$lib" 2>/dev/null || rm -rf "$tmp"
  log "$svc: $count jars ($(du -sh "$lib" | cut -f1)) ready in $((SECONDS - started))s"
}

# ---------------------------------------------------------------------------------------------
# Processes
# ---------------------------------------------------------------------------------------------

LOCK_FD=""
declare -A LAUNCHED_AT_MS=() # service -> launch time (epoch ms), for the readiness report
# One `up`/`down` at a time per checkout. The lock fd must not leak into the servers (they would
# hold the lock for their whole life and the next `up`/`down` would block forever): see close_lock.
take_lock() {
  exec {LOCK_FD}>"$RUN_DIR/.lock"
  flock -w 900 "$LOCK_FD" || die "another services.sh up/down holds $RUN_DIR/.lock for 15 min"
}
close_lock() {
  if [[ -n "$LOCK_FD" ]]; then exec {LOCK_FD}>&-; fi
}

pid_file() { printf '%s\n' "$RUN_DIR/$1.pid"; }
svc_dir() { printf '%s\n' "$RUN_DIR/$1"; }
svc_log() { printf '%s\n' "$LOG_DIR/$1.log"; }

# Prints the saved PID of a service if that process is alive AND is ours: every server is started
# with its working directory in .run/<service>, so a recycled PID of an unrelated process (after
# a crash or reboot) is never mistaken for it, and never signalled.
live_pid() {
  local svc=$1 file pid cwd
  file=$(pid_file "$svc")
  [[ -f "$file" ]] || return 1
  pid=$(<"$file")
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  pid_running "$pid" || return 1
  if [[ -d "/proc/$pid" ]]; then
    cwd=$(readlink "/proc/$pid/cwd") || return 1
    [[ "$cwd" == "$(svc_dir "$svc")" || "$cwd" == "$(svc_dir "$svc") (deleted)" ]] || return 1
  fi
  printf '%s\n' "$pid"
}

# A killed JVM stays a zombie for a moment (and for good if nobody reaps it), and kill -0 still
# succeeds on a zombie: so also look at the state field of /proc/PID/stat ("PID (comm) STATE ...").
pid_running() {
  local pid=$1 stat state
  kill -0 "$pid" 2>/dev/null || return 1
  [[ -r "/proc/$pid/stat" ]] || return 0 # no procfs: trust kill -0
  stat=$(<"/proc/$pid/stat") || return 1
  state=${stat##*) }
  [[ "${state%% *}" != [ZX] ]]
}

port_in_use() { # true if something accepts connections on 127.0.0.1:$1
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

ports_of() {
  case "$1" in
    cassandra) echo "$CASSANDRA_NATIVE_PORT $CASSANDRA_STORAGE_PORT" ;;
    kafka) echo "$KAFKA_BROKER_PORT $KAFKA_CONTROLLER_PORT" ;;
    redis) echo "$REDIS_PORT" ;;
    *) die "unknown service $1" ;;
  esac
}

# Checked for every service to start before any is started, so a clash leaves nothing half-up.
check_ports_free() {
  local svc=$1 port ports
  read -r -a ports <<<"$(ports_of "$svc")"
  for port in "${ports[@]}"; do
    if port_in_use "$port"; then
      die "$svc: port $port on 127.0.0.1 is taken by a process this script did not start (no live PID in $(pid_file "$svc")); stop it first"
    fi
  done
}

# launch SERVICE COMMAND...: starts the command in .run/<service> as its own session (setsid: a
# Ctrl-C or hang-up in the calling terminal doesn't reach it), stdin closed, output to the log, and
# saves its PID. `exec setsid` keeps the PID: the backgrounded subshell is not a process-group
# leader, so setsid calls setsid() itself and execs the server instead of forking.
launch() {
  local svc=$1 pid
  shift
  ( cd "$(svc_dir "$svc")" && close_lock && exec setsid "$@" </dev/null >"$(svc_log "$svc")" 2>&1 ) &
  pid=$!
  LAUNCHED_AT_MS[$svc]=$(date +%s%3N)
  printf '%s\n' "$pid" >"$(pid_file "$svc")"
  log "$svc: started, PID $pid, log $(svc_log "$svc")"
}

# Fills @KEY@ placeholders of a template: render TEMPLATE OUT KEY=VALUE...
render() {
  local template=$1 out=$2 text pair
  shift 2
  text=$(<"$template")
  for pair in "$@"; do
    text=${text//@"${pair%%=*}"@/${pair#*=}}
  done
  printf '%s\n' "$text" >"$out"
}

start_cassandra() {
  local dir lib jamm
  dir=$(svc_dir cassandra)
  lib=$(lib_dir cassandra)
  rm -rf "$dir" # fresh node: stale data of another cluster name / DC blocks startup
  mkdir -p "$dir/conf"
  render "$SCRIPT_DIR/cassandra/cassandra.yaml" "$dir/conf/cassandra.yaml" \
    "DIR=$dir" "NATIVE_PORT=$CASSANDRA_NATIVE_PORT" "STORAGE_PORT=$CASSANDRA_STORAGE_PORT"
  jamm=$(find "$lib" -maxdepth 1 -name 'jamm-*.jar' | head -n 1)
  [[ -n "$jamm" ]] || die "cassandra: no jamm jar in $lib"
  local jvm=(
    # heap fixed at 2 GiB (Cassandra sizes memtables and caches from the max heap); the test suites
    # create a keyspace per server, and 1 GiB ran out after a few dozen keyspaces
    -Xms2G -Xmx2G
    # Cassandra's own thread stack size (conf/jvm-server.options)
    -Xss256k
    # G1 with Cassandra's pause target (conf/jvm17-server.options)
    -XX:+UseG1GC -XX:MaxGCPauseMillis=300
    # fail fast instead of limping on after an OOM (also silences a StartupChecks warning);
    # no heap dump: 1 GiB files in a CI workspace help nobody
    -XX:+ExitOnOutOfMemoryError
    # no mmap'ed /tmp/hsperfdata file (upstream default, CASSANDRA-9242: avoids GC stalls on
    # slow disks; jps/jstat then don't see the process)
    -XX:+PerfDisableSharedMem
    # assertions on, as upstream ships Cassandra, except in the chronicle libraries (upstream too)
    -ea -da:net.openhft...
    # IPv4 sockets only (everything here is 127.0.0.1); no AWT
    -Djava.net.preferIPv4Stack=true -Djava.awt.headless=true
    # jamm measures object sizes (memtable/cache accounting); loaded as an agent exactly as
    # upstream's cassandra.in.sh does (the node did start without it in a test, but that is not
    # a configuration upstream runs)
    -javaagent:"$jamm"
    # lets the JVM attach to itself (jamm/sjk use the attach API; upstream jvm17-server.options)
    -Djdk.attach.allowAttachSelf=true
    # JPMS: Cassandra 5.0 reaches into JDK internals; this is upstream's conf/jvm17-server.options
    # list (a missing entry dies with InaccessibleObjectException) plus three harmless extras
    # other embedded-5.0 setups carry: com.sun.jmx.remote.security, java.nio, java.nio.charset.
    --add-exports java.base/jdk.internal.misc=ALL-UNNAMED
    --add-exports java.base/java.lang.ref=ALL-UNNAMED
    --add-exports java.management.rmi/com.sun.jmx.remote.internal.rmi=ALL-UNNAMED
    --add-exports java.management/com.sun.jmx.remote.security=ALL-UNNAMED
    --add-exports java.rmi/sun.rmi.registry=ALL-UNNAMED
    --add-exports java.rmi/sun.rmi.server=ALL-UNNAMED
    --add-exports java.sql/java.sql=ALL-UNNAMED
    --add-exports jdk.unsupported/sun.misc=ALL-UNNAMED
    --add-exports jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED
    --add-exports jdk.attach/sun.tools.attach=ALL-UNNAMED
    --add-opens java.base/java.lang.module=ALL-UNNAMED
    --add-opens java.base/jdk.internal.loader=ALL-UNNAMED
    --add-opens java.base/jdk.internal.ref=ALL-UNNAMED
    --add-opens java.base/jdk.internal.reflect=ALL-UNNAMED
    --add-opens java.base/jdk.internal.math=ALL-UNNAMED
    --add-opens java.base/jdk.internal.module=ALL-UNNAMED
    --add-opens java.base/jdk.internal.util.jar=ALL-UNNAMED
    --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED
    --add-opens jdk.compiler/com.sun.tools.javac=ALL-UNNAMED
    --add-opens java.base/sun.nio.ch=ALL-UNNAMED
    --add-opens java.base/java.io=ALL-UNNAMED
    --add-opens java.base/java.lang=ALL-UNNAMED
    --add-opens java.base/java.lang.reflect=ALL-UNNAMED
    --add-opens java.base/java.util=ALL-UNNAMED
    --add-opens java.base/java.nio=ALL-UNNAMED
    --add-opens java.base/java.nio.charset=ALL-UNNAMED
    # netty: allow Unsafe direct buffers on JDK 9+, and undo netty 4.1.75's allocator changes
    # (both from upstream's jvm17-server.options)
    -Dio.netty.tryReflectionSetAccessible=true
    -Dio.netty.allocator.useCacheForAllThreads=true -Dio.netty.allocator.maxOrder=11
    # keep stdout/stderr open (the daemon closes them otherwise); we redirect them to the log
    -Dcassandra-foreground=true
    # must be a URL, not a path
    -Dcassandra.config="file://$dir/conf/cassandra.yaml"
    -Dcassandra.storagedir="$dir"
    -Dcassandra.logdir="$dir/logs"
    # INFO to stdout (logback's default without a config is DEBUG)
    -Dlogback.configurationFile="$SCRIPT_DIR/cassandra/logback.xml"
    # single node: don't wait for gossip to settle (saves several seconds of startup)
    -Dcassandra.skip_wait_for_gossip_to_settle=0
    # no fsync of system tables: test data is thrown away anyway
    -Dcassandra.unsafesystem=true
    -cp "$lib/*"
  )
  launch cassandra "$JAVA" "${jvm[@]}" org.apache.cassandra.service.CassandraDaemon
}

start_kafka() {
  local dir lib
  dir=$(svc_dir kafka)
  lib=$(lib_dir kafka)
  LAUNCHED_AT_MS[kafka]=$(date +%s%3N) # readiness time includes the format step
  rm -rf "$dir" # fresh log dirs: data formatted with another cluster id is refused
  mkdir -p "$dir"
  render "$SCRIPT_DIR/kafka/server.properties" "$dir/server.properties" \
    "DIR=$dir" "BROKER_PORT=$KAFKA_BROKER_PORT" "CONTROLLER_PORT=$KAFKA_CONTROLLER_PORT"
  # log4j2 config for both JVMs (the broker's default would be no config at all)
  local logcfg=(-Dlog4j2.configurationFile="file:$SCRIPT_DIR/kafka/log4j2.properties")
  # KRaft needs its log dirs formatted (meta.properties + bootstrap metadata) before first start;
  # what kafka-storage.sh runs. Static voters in server.properties => no --standalone here.
  if ! (cd "$dir" && "$JAVA" -Xmx256m "${logcfg[@]}" -cp "$lib/*" kafka.tools.StorageTool \
      format --cluster-id "$KAFKA_CLUSTER_ID" --config "$dir/server.properties" --ignore-formatted \
      >"$(svc_log kafka)" 2>&1); then
    tail -n 20 "$(svc_log kafka)" >&2
    die "kafka: formatting the storage failed"
  fi
  local jvm=(
    # 512 MiB is plenty for a test broker (kafka-server-start.sh defaults to 1 GiB)
    -Xms256m -Xmx512m
    # kafka-run-class.sh's default GC settings
    -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35
    -XX:+ExplicitGCInvokesConcurrent
    -XX:+ExitOnOutOfMemoryError
    -Djava.awt.headless=true
    "${logcfg[@]}"
    -cp "$lib/*"
  )
  # `>>`: keep the format output at the top of the log
  ( cd "$dir" && close_lock && exec setsid "$JAVA" "${jvm[@]}" kafka.Kafka "$dir/server.properties" \
      </dev/null >>"$(svc_log kafka)" 2>&1 ) &
  printf '%s\n' "$!" >"$(pid_file kafka)"
  log "kafka: started, PID $!, log $(svc_log kafka)"
}

start_redis() {
  local dir
  dir=$(svc_dir redis)
  rm -rf "$dir"
  mkdir -p "$dir"
  # foreground (--daemonize no) so that $! is the server's PID; no RDB/AOF persistence;
  # --dir also makes .run/redis its working directory (the ownership check in live_pid)
  launch redis redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --daemonize no \
    --save '' --appendonly no --dir "$dir" --logfile ''
}

# Runs the readiness probe of each given service in parallel, each with its own timeout, and
# prints the log tail of every service that did not get ready. Returns non-zero if any failed.
wait_ready() {
  local svc timeout pid failed=() pids=() i
  for svc in "$@"; do
    case "$svc" in
      cassandra) timeout=$CASSANDRA_TIMEOUT ;;
      kafka) timeout=$KAFKA_TIMEOUT ;;
      redis) timeout=$REDIS_TIMEOUT ;;
      *) die "unknown service $svc" ;;
    esac
    pid=$(live_pid "$svc") || pid=0
    # stdout to stderr like all progress output: `up` prints nothing on stdout
    PROBE_T0_MS="${LAUNCHED_AT_MS[$svc]:-}" \
      node "$SCRIPT_DIR/probe.mjs" "$svc" --wait "$timeout" --pid "$pid" >&2 &
    pids+=("$!")
  done
  i=0
  for svc in "$@"; do
    wait "${pids[$i]}" || failed+=("$svc")
    i=$((i + 1))
  done
  for svc in "${failed[@]}"; do
    log "$svc did not get ready; last lines of $(svc_log "$svc"):"
    tail -n 40 "$(svc_log "$svc")" >&2 || true
  done
  ((${#failed[@]} == 0))
}

# ---------------------------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------------------------

cmd_up() {
  local begin=$SECONDS svc pid to_start=()
  mkdir -p "$RUN_DIR" "$LOG_DIR"
  take_lock
  require_tools
  log "java: $JAVA (JDK $(java_major "$JAVA")), run dir: $RUN_DIR, jar cache: $CACHE_DIR"
  for svc in "${SERVICES[@]}"; do
    if pid=$(live_pid "$svc"); then
      log "$svc: already running (PID $pid); re-checking readiness"
    else
      if [[ -f "$(pid_file "$svc")" ]]; then
        log "$svc: removing stale PID file (process $(<"$(pid_file "$svc")") is gone)"
        rm -f "$(pid_file "$svc")"
      fi
      to_start+=("$svc")
    fi
  done
  if ((${#to_start[@]} < ${#SERVICES[@]})); then check_running_ports; fi
  for svc in "${to_start[@]}"; do
    check_ports_free "$svc"
  done
  save_ports
  for svc in "${to_start[@]}"; do
    if [[ "$svc" != redis ]]; then ensure_jars "$svc"; fi
  done
  # All three start at once; Cassandra first, since it takes longest.
  for svc in "${to_start[@]}"; do
    "start_$svc"
  done
  log "waiting for readiness (timeouts: cassandra ${CASSANDRA_TIMEOUT}s, kafka ${KAFKA_TIMEOUT}s, redis ${REDIS_TIMEOUT}s)"
  if ! wait_ready "${SERVICES[@]}"; then
    die "not all services are ready after $((SECONDS - begin))s; they are left running for inspection: '$0 down' stops them"
  fi
  log "all services up in $((SECONDS - begin))s; use: eval \"\$($0 env)\""
}

# stop_pid SERVICE PID: TERM, wait up to STOP_GRACE_SECONDS, then KILL -- this PID only.
stop_pid() {
  local svc=$1 pid=$2 waited=0
  kill -TERM "$pid" 2>/dev/null || true
  while pid_running "$pid" && ((waited < STOP_GRACE_SECONDS * 4)); do
    sleep 0.25
    waited=$((waited + 1))
  done
  if pid_running "$pid"; then
    log "$svc: PID $pid still alive after ${STOP_GRACE_SECONDS}s; sending KILL"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 0.5
  fi
}

cmd_down() {
  local svc pid stopping=()
  [[ -d "$RUN_DIR" ]] || { log "nothing to stop (no $RUN_DIR)"; return 0; }
  take_lock
  for svc in "${SERVICES[@]}"; do
    if pid=$(live_pid "$svc"); then
      log "$svc: stopping PID $pid"
      stop_pid "$svc" "$pid" &
      stopping+=("$!")
    elif [[ -f "$(pid_file "$svc")" ]]; then
      log "$svc: not running (stale PID file removed)"
    else
      log "$svc: not running"
    fi
  done
  for pid in "${stopping[@]}"; do wait "$pid"; done
  for svc in "${SERVICES[@]}"; do
    if pid=$(live_pid "$svc"); then
      log "$svc: PID $pid survived KILL; keeping its data dir"
      continue
    fi
    rm -f "$(pid_file "$svc")"
    # data goes, logs stay in .run/logs for post-mortems (truncated by the next `up`)
    rm -rf "$(svc_dir "$svc")"
  done
  rm -f "$PORTS_FILE"
  log "down (jar cache kept in $CACHE_DIR)"
}

cmd_status() {
  local svc pid all_up=0 probe_pids=() i state
  declare -A alive=()
  for svc in "${SERVICES[@]}"; do
    if pid=$(live_pid "$svc"); then alive[$svc]="PID $pid alive"; else alive[$svc]="no live PID"; fi
    node "$SCRIPT_DIR/probe.mjs" "$svc" >"$RUN_DIR/.status-$svc.out" 2>&1 &
    probe_pids+=("$!")
  done
  i=0
  for svc in "${SERVICES[@]}"; do
    if wait "${probe_pids[$i]}" && [[ "${alive[$svc]}" == *alive ]]; then
      state=UP
    else
      state=DOWN
      all_up=1
    fi
    printf '%-9s %-4s  %-18s %s\n' "$svc" "$state" "${alive[$svc]}" \
      "$(sed -e 's/^\[probe\] [a-z]*: //' "$RUN_DIR/.status-$svc.out" | head -n 1)"
    rm -f "$RUN_DIR/.status-$svc.out"
    i=$((i + 1))
  done
  return "$all_up"
}

main() {
  local cmd=${1:-}
  # The probes read the same variables as the tests; make sure they check OUR servers even if the
  # caller's environment points the tests somewhere else.
  eval "$(export_env_lines)"
  case "$cmd" in
    up) cmd_up ;;
    down) cmd_down ;;
    status)
      mkdir -p "$RUN_DIR"
      cmd_status
      ;;
    env) export_env_lines ;;
    *)
      echo "usage: $0 up|down|status|env" >&2
      exit 2
      ;;
  esac
}

main "$@"
