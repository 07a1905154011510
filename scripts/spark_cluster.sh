#!/usr/bin/env bash
# A small Apache Spark standalone cluster on this machine, for the Spark SQL source tests
# and benchmarks, everything bound to 127.0.0.1:
#   master         spark://127.0.0.1:7077   (web UI 127.0.0.1:18080)
#   two workers    1 core and STOCKLENS_SPARK_WORKER_MEMORY (default 1536m) each
#   Thrift Server  127.0.0.1:10000 (HiveServer2 protocol: hive://127.0.0.1:10000/default),
#                  its executors on the two workers (one 1-core executor on each)
#
#   scripts/spark_cluster.sh start    install what is missing, start what is not running
#   scripts/spark_cluster.sh status   what runs, by pid, and whether the Thrift port answers
#   scripts/spark_cluster.sh stop     stop what start started (by the recorded pids)
#
# Installs, when missing: a Java 17 runtime (Debian's openjdk-17-jre-headless) and the
# Spark distribution that PyPI's pyspark package carries (jars, bin/, sbin/, the Thrift
# Server), pinned below, into the state folder with `pip --target` — not into the app's
# virtualenv: StockLens never imports pyspark, it only needs the Java programs.
# State (pids, logs, warehouse, the Derby metastore) lives in $STOCKLENS_SPARK_STATE
# (default: .spark/ in the repository, git-ignored); the distribution, a third-party tree
# of ~490 MB, in $STOCKLENS_SPARK_DIST (default: ~/.cache/stocklens/, outside the
# repository, shared by every clone on the machine). Idempotent.
set -euo pipefail

SPARK_VERSION=4.1.4
HOST=127.0.0.1
ROOT=$(cd "$(dirname "$0")/.." && pwd)
STATE=${STOCKLENS_SPARK_STATE:-$ROOT/.spark}
MASTER_PORT=${STOCKLENS_SPARK_MASTER_PORT:-7077}
THRIFT_PORT=${STOCKLENS_SPARK_THRIFT_PORT:-10000}
UI_PORT=${STOCKLENS_SPARK_UI_PORT:-18080}  # master UI; the workers' are the next two
WORKER_MEMORY=${STOCKLENS_SPARK_WORKER_MEMORY:-1536m}
EXECUTOR_MEMORY=${STOCKLENS_SPARK_EXECUTOR_MEMORY:-1g}  # must fit in a worker's memory
DRIVER_MEMORY=${STOCKLENS_SPARK_DRIVER_MEMORY:-1g}  # the Thrift Server's JVM
DAEMON_MEMORY=256m  # master and worker JVMs only schedule
# more Thrift Server settings, "key=value key=value" (the tests turn whole-stage code
# generation off: on their tiny tables compiling each stage costs more than it saves)
EXTRA_CONF=${STOCKLENS_SPARK_CONF:-}
WAIT_S=${STOCKLENS_SPARK_WAIT_S:-240}  # the Thrift Server takes ~30 s on an idle machine
DIST=${STOCKLENS_SPARK_DIST:-${XDG_CACHE_HOME:-$HOME/.cache}/stocklens}/pyspark-$SPARK_VERSION
SPARK_HOME=$DIST/pyspark
RUN=$STATE/run
LOGS=$STATE/logs
DAEMONS=(master worker1 worker2 thrift)

say() { echo "spark_cluster: $*" >&2; }
die() { say "ERROR: $*"; exit 1; }
port_open() { (exec 3<>"/dev/tcp/$HOST/$1") >/dev/null 2>&1; }
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else die "need root or sudo to run: $*"
  fi
}

pid_of() { # the recorded pid of a daemon if that process still runs, else nothing
  local file=$RUN/$1.pid pid
  [ -f "$file" ] || return 0
  pid=$(cat "$file")
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then echo "$pid"; fi
}

install_java() {
  command -v java >/dev/null 2>&1 && return 0
  command -v apt-get >/dev/null 2>&1 || die "no java and no apt-get to install Java 17"
  say "installing openjdk-17-jre-headless (Debian package) for Spark"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -qq
  as_root apt-get install -y -qq openjdk-17-jre-headless >/dev/null
}

install_spark() {
  [ -x "$SPARK_HOME/bin/spark-class" ] && return 0
  local python
  python=$(command -v "$ROOT/.venv/bin/python" python3.11 python3 2>/dev/null | head -n 1)
  [ -n "$python" ] || die "no Python to install pyspark==$SPARK_VERSION with"
  say "installing the Spark $SPARK_VERSION distribution (pyspark from PyPI, ~450 MB) into $DIST"
  rm -rf "$DIST.partial"
  "$python" -m pip install -q --no-deps --target "$DIST.partial" "pyspark==$SPARK_VERSION"
  mv "$DIST.partial" "$DIST"
  [ -x "$SPARK_HOME/bin/spark-class" ] || die "pyspark $SPARK_VERSION has no bin/spark-class"
}

launch() { # launch NAME COMMAND...: run in the background, record its pid and log
  local name=$1
  shift
  nohup "$@" >"$LOGS/$name.log" 2>&1 </dev/null &
  echo $! >"$RUN/$name.pid"
}

wait_port() { # wait_port PORT NAME: until something accepts connections, or fail
  local deadline=$((SECONDS + WAIT_S))
  until port_open "$1"; do
    [ -n "$(pid_of "$2")" ] || die "$2 exited while starting; see $LOGS/$2.log"
    [ "$SECONDS" -lt "$deadline" ] || die "$2 did not open $HOST:$1 in ${WAIT_S} s; see $LOGS/$2.log"
    sleep 1
  done
}

start() {
  install_java
  install_spark
  mkdir -p "$RUN" "$LOGS" "$STATE/warehouse" "$STATE/work" "$STATE/tmp"
  export SPARK_HOME JAVA_HOME=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}
  export SPARK_LOCAL_IP=$HOST SPARK_MASTER_HOST=$HOST SPARK_DAEMON_MEMORY=$DAEMON_MEMORY
  export SPARK_LOG_DIR=$LOGS SPARK_PID_DIR=$RUN SPARK_CONF_DIR=$STATE/conf
  mkdir -p "$SPARK_CONF_DIR"
  local class=$SPARK_HOME/bin/spark-class master=spark://$HOST:$MASTER_PORT
  if [ -z "$(pid_of master)" ]; then
    port_open "$MASTER_PORT" && die "$HOST:$MASTER_PORT is taken by another program"
    say "starting the master at $master"
    launch master "$class" org.apache.spark.deploy.master.Master \
      --host "$HOST" --port "$MASTER_PORT" --webui-port "$UI_PORT"
  fi
  wait_port "$MASTER_PORT" master
  local n
  for n in 1 2; do
    if [ -z "$(pid_of "worker$n")" ]; then
      say "starting worker $n (1 core, $WORKER_MEMORY)"
      mkdir -p "$STATE/work/worker$n"
      launch "worker$n" "$class" org.apache.spark.deploy.worker.Worker \
        --host "$HOST" --cores 1 --memory "$WORKER_MEMORY" \
        --webui-port $((UI_PORT + n)) --work-dir "$STATE/work/worker$n" "$master"
    fi
  done
  if [ -z "$(pid_of thrift)" ]; then
    port_open "$THRIFT_PORT" && die "$HOST:$THRIFT_PORT is taken by another program"
    say "starting the Thrift Server at $HOST:$THRIFT_PORT"
    # Two cores: one shuffle partition per core (200 by default, most of them empty
    # tasks to schedule), and no adaptive re-planning between the hundreds of stages a
    # metric query has (it has nothing to coalesce at two partitions). Derby's files stay
    # in the state folder.
    local extra=() pair
    for pair in $EXTRA_CONF; do extra+=(--conf "$pair"); done
    # (the launcher sizes the Thrift Server's JVM by SPARK_DAEMON_MEMORY, not --driver-memory)
    SPARK_DAEMON_MEMORY=$DRIVER_MEMORY launch thrift "$SPARK_HOME/bin/spark-submit" \
      --class org.apache.spark.sql.hive.thriftserver.HiveThriftServer2 \
      --name "StockLens Thrift Server" --master "$master" \
      --driver-memory "$DRIVER_MEMORY" --executor-memory "$EXECUTOR_MEMORY" \
      --conf spark.executor.cores=1 --conf spark.cores.max=2 \
      --conf spark.driver.host=$HOST --conf spark.driver.bindAddress=$HOST \
      --conf spark.ui.enabled=false --conf spark.sql.shuffle.partitions=2 \
      --conf spark.sql.adaptive.enabled=false "${extra[@]}" \
      --conf spark.sql.warehouse.dir="$STATE/warehouse" \
      --conf spark.local.dir="$STATE/tmp" \
      --conf "spark.driver.extraJavaOptions=-Dderby.system.home=$STATE" \
      --conf "spark.hadoop.javax.jdo.option.ConnectionURL=jdbc:derby:;databaseName=$STATE/metastore_db;create=true" \
      --hiveconf hive.server2.thrift.bind.host=$HOST \
      --hiveconf hive.server2.thrift.port="$THRIFT_PORT" \
      spark-internal
  fi
  wait_port "$THRIFT_PORT" thrift
  say "ready: hive://$HOST:$THRIFT_PORT/default (logs in $LOGS)"
}

stop() {
  local name pid deadline
  for name in thrift worker2 worker1 master; do
    pid=$(pid_of "$name")
    if [ -n "$pid" ]; then
      say "stopping $name (pid $pid)"
      kill "$pid" 2>/dev/null || true
      deadline=$((SECONDS + 30))
      while kill -0 "$pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.5; done
      kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$RUN/$name.pid"
  done
}

status() {
  local name pid running=0
  for name in "${DAEMONS[@]}"; do
    pid=$(pid_of "$name")
    if [ -n "$pid" ]; then echo "$name: running (pid $pid)"; running=$((running + 1))
    else echo "$name: stopped"
    fi
  done
  if port_open "$THRIFT_PORT"; then echo "thrift port $HOST:$THRIFT_PORT: open"
  else echo "thrift port $HOST:$THRIFT_PORT: closed"
  fi
  [ "$running" -eq ${#DAEMONS[@]} ]
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
