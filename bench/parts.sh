# Sourced by bench/run: install, start and stop the real parts the benchmark runs against.
# Every part listens on 127.0.0.1 on a free port, writes its log under $RUN, and is recorded in
# $RUN/pids so that stop_all (bench/run's EXIT trap) ends exactly what this run started.

say() { printf '%s %s\n' "$(date +%T)" "$*" >&2; }
die() { say "FATAL: $*"; exit 1; }

# seconds since the epoch with microseconds, without starting a process (bash 5)
now() { printf '%s' "$EPOCHREALTIME"; }
# elapsed seconds between two now() values, and other arithmetic bash cannot do
calc() { awk "BEGIN { printf \"%.${2:-3}f\", $1 }"; }

# --- tools: Debian packages, installed once (idempotent) -------------------------------------
APT_UPDATED=
apt_install() {
  [ "$(id -u)" = 0 ] || die "missing $*: install it (apt-get install -y $*) or run as root"
  [ -n "$APT_UPDATED" ] || { apt-get update -qq >/dev/null && APT_UPDATED=1; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

install_tools() {
  command -v wrk >/dev/null || apt_install wrk
  command -v nginx >/dev/null || apt_install nginx-light || apt_install nginx
  command -v redis-server >/dev/null && command -v redis-cli >/dev/null || apt_install redis-server
  command -v curl >/dev/null || apt_install curl
  for t in java mvn python3 awk; do command -v $t >/dev/null || die "$t is not installed"; done
  # Postfix's smtp-sink, extracted from the package, not installed: no mail system is set up
  SMTP_SINK=$CACHE/postfix/usr/sbin/smtp-sink
  SMTP_SOURCE=$CACHE/postfix/usr/sbin/smtp-source
  export LD_LIBRARY_PATH=$CACHE/postfix/usr/lib/postfix  # its libpostfix-*.so live there
  if [ ! -x "$SMTP_SINK" ]; then
    say "extracting smtp-sink from Debian's postfix package into $CACHE/postfix"
    mkdir -p "$CACHE/deb" && rm -f "$CACHE"/deb/postfix_*.deb
    [ -n "$APT_UPDATED" ] || { apt-get update -qq >/dev/null && APT_UPDATED=1; }
    (cd "$CACHE/deb" && apt-get download postfix >/dev/null 2>&1) || die "apt-get download postfix failed"
    dpkg -x "$CACHE"/deb/postfix_*.deb "$CACHE/postfix"
  fi
  [[ "$("$SMTP_SINK" 2>&1 || true)" == *usage* ]] || die "smtp-sink does not run (ldd $SMTP_SINK)"
}

# --- the jar: built only when missing or older than its sources -------------------------------
build_jar() {
  JAR=$REPO/target/camel-mailer.jar
  if [ ! -f "$JAR" ] || [ -n "$(find "$REPO/pom.xml" "$REPO/src/main" -newer "$JAR" -print -quit)" ]; then
    say "building $JAR (mvn -q package -DskipTests)"
    (cd "$REPO" && mvn -q package -DskipTests) >"$RUN/build.log" 2>&1 || die "build failed: $RUN/build.log"
  fi
}

# --- process bookkeeping ----------------------------------------------------------------------
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# started NAME PID: remember a process this run owns; forget PID once it is stopped and reaped,
# so that the EXIT trap never signals a pid the system has since given to someone else
started() { echo "$2 $1" >>"$RUN/pids"; }
forget() { sed -i "/^$1 /d" "$RUN/pids"; }

stop_pid() {  # stop_pid PID [SECONDS]: TERM, wait up to SECONDS, then KILL
  local pid=$1 i
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null
  for ((i = 0; i < ${2:-10} * 10; i++)); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null
}

stop_all() {
  [ -f "$RUN/pids" ] || return 0
  tac "$RUN/pids" | while read -r pid name; do stop_pid "$pid" 25; done
  rm -f "$RUN/pids"
}

# wait_port PORT SECONDS: until something accepts TCP connections there
wait_port() {
  local end=$((SECONDS + $2))
  while ((SECONDS < end)); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.05
  done
  return 1
}

# --- the parts --------------------------------------------------------------------------------
start_redis() {
  REDIS_PORT=$(free_port)
  mkdir -p "$RUN/redis"
  # BENCH_REDIS_AOF=everysec (default): append-only file fsynced once a second, what a queue
  # that must not lose mails would run in production; "no" turns persistence off.
  local persist=(--appendonly yes --appendfsync everysec)
  [ "$REDIS_AOF" = no ] && persist=(--appendonly no)
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$RUN/redis" --save '' "${persist[@]}" \
    --logfile "$RUN/redis/redis.log" --daemonize no &
  started redis $!
  wait_port "$REDIS_PORT" 10 || die "redis-server did not start: $RUN/redis/redis.log"
}

start_sink() {
  SINK_PORT=$(free_port)
  SINK_DIR=$RUN/sink
  mkdir -p "$SINK_DIR" && chmod 777 "$SINK_DIR"  # smtp-sink drops root for nobody after binding
  local user=()
  [ "$(id -u)" = 0 ] && user=(-u nobody)
  # -D: append every message to one dump file (Message-IDs are checked afterwards); backlog 1024
  "$SMTP_SINK" "${user[@]}" -D "$SINK_DIR/dump" "127.0.0.1:$SINK_PORT" 1024 >"$RUN/sink.log" 2>&1 &
  started smtp-sink $!
  wait_port "$SINK_PORT" 10 || die "smtp-sink did not start: $RUN/sink.log"
}

start_gemini() {
  GEMINI_PORT=$(free_port)
  python3 "$BENCH/gemini_stub.py" "$GEMINI_PORT" "$GEMINI_DELAY_MS" "$BENCH/gemini-200-ok.json" \
    >"$RUN/gemini-stub.log" 2>&1 &
  started gemini-stub $!
  wait_port "$GEMINI_PORT" 10 || die "Gemini stub did not start: $RUN/gemini-stub.log"
}

# the webhook receiver: checks each delivery's signature and counts it (GET /stats)
WEBHOOK_SECRET=whsec_YmVuY2gtd2ViaG9vay1zZWNyZXQtMzItYnl0ZXMhIQ==
start_webhook_receiver() {
  WEBHOOK_PORT=$(free_port)
  python3 "$BENCH/webhook_receiver.py" "$WEBHOOK_PORT" "$WEBHOOK_SECRET" >"$RUN/webhook-receiver.log" 2>&1 &
  started webhook-receiver $!
  wait_port "$WEBHOOK_PORT" 10 || die "the webhook receiver did not start: $RUN/webhook-receiver.log"
}

start_nginx() {
  NGINX_PORT=$(free_port)
  mkdir -p "$RUN/nginx"
  # two workers (one per core), no access log: the cheapest possible 202 on this machine
  cat >"$RUN/nginx/nginx.conf" <<EOF
worker_processes 2;
daemon off;
pid $RUN/nginx/nginx.pid;
error_log $RUN/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $RUN/nginx/tmp; proxy_temp_path $RUN/nginx/tmp; fastcgi_temp_path $RUN/nginx/tmp;
  uwsgi_temp_path $RUN/nginx/tmp; scgi_temp_path $RUN/nginx/tmp;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location = /message {
      default_type application/json;
      return 202 '{"status":"queued","message":"La demande d\'envoi d\'email a été mise en file d\'attente.","task_id":"00000000-0000-0000-0000-000000000000"}';
    }
  }
}
EOF
  nginx -p "$RUN/nginx" -c "$RUN/nginx/nginx.conf" 2>>"$RUN/nginx/error.log" &
  started nginx $!
  wait_port "$NGINX_PORT" 10 || die "nginx did not start: $RUN/nginx/error.log"
}

# the stack's floor (bench/floor.camel.yaml): Camel main from the service's jar, the same JVM options (with an
# AppCDS archive of its own), the same Redis. start_floor LOG [JVM OPTIONS...] sets FLOOR_PID; stop_floor ends it
start_floor() {
  local log=$1
  shift
  FLOOR_PORT=${FLOOR_PORT:-$(free_port)}
  java $FLOOR_JVM_OPTS "$@" -cp "$JAR" -Dcamel.main.routesIncludePattern="file:$BENCH/floor.camel.yaml" \
    -Dcamel.server.enabled=true -Dcamel.server.host=127.0.0.1 -Dcamel.server.port="$FLOOR_PORT" \
    -Dcamel.rest.component=platform-http -Dfloor.redis-port="$REDIS_PORT" \
    org.apache.camel.main.Main >"$log" 2>&1 &
  FLOOR_PID=$!
  started floor $FLOOR_PID
}

stop_floor() {
  stop_pid "$FLOOR_PID" 30
  wait "$FLOOR_PID" || true
  forget "$FLOOR_PID"
}

# the service, as the README runs it: java -jar from a folder holding routes/, prompts/ and application.properties
prepare_service_dir() {
  SVC=$RUN/service
  mkdir -p "$SVC"
  cp -r "$REPO/routes" "$REPO/prompts" "$REPO/application.properties" "$SVC/"
  MAILER_PORT=$(free_port)
}

service_env() {
  export REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0
  export SMTP_SERVER=127.0.0.1 SMTP_PORT=$SINK_PORT SMTP_SECURITY=none
  export GEMINI_API_KEY=bench-key GEMINI_BASE_URL=http://127.0.0.1:$GEMINI_PORT
  export SENDER_EMAIL=bench@$MAIL_DOMAIN MAILER_HTTP_PORT=$MAILER_PORT
  # MAILER_WORKER_CONCURRENCY and any other MAILER_* setting pass through from the caller
}

# start_service LOG [JVM OPTIONS...]: starts it in the background with $JVM_OPTS and these, sets
# SERVICE_PID (java itself, whose RSS is read)
start_service() {
  local log=$1
  shift
  (cd "$SVC" && service_env && exec java $JVM_OPTS "$@" -jar "$JAR") >"$log" 2>&1 &
  SERVICE_PID=$!
  started service $SERVICE_PID
}

# http_status PORT PATH: sets STATUS to the code of one GET, with bash's /dev/tcp and no fork
# (a loop that starts curl every 10 ms would steal CPU from the JVM whose start it times)
http_status() {
  local line=
  STATUS=000
  { exec 3<>"/dev/tcp/127.0.0.1/$1"; } 2>/dev/null || return 0
  printf 'GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' "$2" >&3
  read -r -t 2 line <&3
  exec 3<&-
  line=${line#* }
  [ -n "$line" ] && STATUS=${line%% *}
}

# wait_ready PORT SECONDS PID: polls GET / every 10 ms until it answers 200; fails at once if PID has exited
wait_ready() {
  local end=$((SECONDS + $2))
  while ((SECONDS < end)) && kill -0 "$3" 2>/dev/null; do
    http_status "$1" /
    [ "$STATUS" = 200 ] && return 0
    sleep 0.01
  done
  return 1
}

# --- other jobs on the machine ------------------------------------------------------------------
# busy CPU seconds of the whole machine so far (/proc/stat, in USER_HZ = 1/100 s)
machine_busy_s() { awk '/^cpu / { printf "%.2f", ($2 + $3 + $4 + $7 + $8) / 100 }' /proc/stat; }
# outside_cpu BUSY0 T0: sets OUTSIDE_PCT, the share of the machine's CPUs that processes not started
# by this run used since then (another engineer's build shows up here, and makes figures noisy).
# Call it as a command, not in $(...): bash's times reports the children of the shell it runs in.
outside_cpu() {
  local own
  times >"$RUN/times"  # line 2: user and system time of this shell's reaped children
  own=$(awk 'NR == 2 { for (i = 1; i <= 2; i++) { split($i, p, /[ms]/); t += p[1] * 60 + p[2] } print t }' "$RUN/times")
  OUTSIDE_PCT=$(calc "100 * (($(machine_busy_s) - $1) - $own) / (($(now) - $2) * $(nproc))" 0)
}

hwm_kib() { awk '/^VmHWM/ { print $2 }' "/proc/$1/status" 2>/dev/null; }
