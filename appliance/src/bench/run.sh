#!/usr/bin/env bash
# The appliance's benchmarks, each measured side by side with its baseline in the same run (see README.md here).
#   ./heroa bench                      all six: http audit startup custody tasks egress
#   ./heroa bench http audit           some of them
# Run through ./heroa bench, which installs wrk, pgbench, hyperfine, curl, softhsm2, Podman (podman, runc, uidmap,
# busybox-static) and nftables/iproute2, and sets JAVA_HOME to a JDK >= 21. The tasks and egress benchmarks run
# containers: they need root (rootful Podman; egress also makes network namespaces, veth links and nftables tables).
# Everything binds 127.0.0.1 on ports 30000-39999, lives under one /tmp/heroa-bench.* directory that is deleted at
# the end, and stops by itself. Knobs (environment; defaults in brackets):
#   HEROA_BENCH_HTTP_SECONDS [10]  HEROA_BENCH_HTTP_WARMUP [15]  HEROA_BENCH_HTTP_CONNECTIONS [32]
#   HEROA_BENCH_HTTP_THREADS [2]   HEROA_BENCH_HTTP_ROUNDS [4]
#   HEROA_BENCH_AUDIT_SECONDS [6]  HEROA_BENCH_AUDIT_WARMUP [3]  HEROA_BENCH_AUDIT_ROUNDS [4]
#   HEROA_BENCH_START_RUNS [5]     HEROA_BENCH_START_INFO_RUNS [3]
#   HEROA_BENCH_CUSTODY_ROUNDS [3] HEROA_BENCH_CUSTODY_WARMUP [2]  HEROA_BENCH_CUSTODY_ITERATIONS [3]
#   HEROA_BENCH_TASKS_ITERATIONS [100]  HEROA_BENCH_TASKS_WARMUP [40]  HEROA_BENCH_TASKS_CONCURRENCY [8]
#   HEROA_BENCH_TASKS_PER_ROUND [48]    HEROA_BENCH_TASKS_ROUNDS [3]  HEROA_BENCH_TASKS_WARMUP_ROUNDS [1]
#   HEROA_BENCH_TASKS_USERNS_SIZE [unset] "what if": an explicit user-namespace size on both sides (see README.md)
#   HEROA_BENCH_TASKS_JFR [unset]  a file: record the tasks benchmark's appliance with JFR (profile settings) into it
#   HEROA_BENCH_EGRESS_ITERATIONS [100]  HEROA_BENCH_EGRESS_WARMUP [20]
#   HEROA_BENCH_KEEP=1             keep the work directory (logs, wrk and pgbench raw output)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
cd "$repo"

http_seconds="${HEROA_BENCH_HTTP_SECONDS:-10}"
http_warmup="${HEROA_BENCH_HTTP_WARMUP:-15}"
http_connections="${HEROA_BENCH_HTTP_CONNECTIONS:-32}"
http_threads="${HEROA_BENCH_HTTP_THREADS:-2}"
http_rounds="${HEROA_BENCH_HTTP_ROUNDS:-4}"
audit_seconds="${HEROA_BENCH_AUDIT_SECONDS:-6}"
audit_warmup="${HEROA_BENCH_AUDIT_WARMUP:-3}"
audit_rounds="${HEROA_BENCH_AUDIT_ROUNDS:-4}"
start_runs="${HEROA_BENCH_START_RUNS:-5}"
start_info_runs="${HEROA_BENCH_START_INFO_RUNS:-3}"
custody_rounds="${HEROA_BENCH_CUSTODY_ROUNDS:-3}"
custody_warmup="${HEROA_BENCH_CUSTODY_WARMUP:-2}"
custody_iterations="${HEROA_BENCH_CUSTODY_ITERATIONS:-3}"
tasks_iterations="${HEROA_BENCH_TASKS_ITERATIONS:-100}"
tasks_warmup="${HEROA_BENCH_TASKS_WARMUP:-40}"
tasks_concurrency="${HEROA_BENCH_TASKS_CONCURRENCY:-8}"
tasks_per_round="${HEROA_BENCH_TASKS_PER_ROUND:-48}"
tasks_rounds="${HEROA_BENCH_TASKS_ROUNDS:-3}"
tasks_warmup_rounds="${HEROA_BENCH_TASKS_WARMUP_ROUNDS:-1}"
tasks_userns_size="${HEROA_BENCH_TASKS_USERNS_SIZE:-}"
tasks_jfr="${HEROA_BENCH_TASKS_JFR:-}"
egress_iterations="${HEROA_BENCH_EGRESS_ITERATIONS:-100}"
egress_warmup="${HEROA_BENCH_EGRESS_WARMUP:-20}"
keep="${HEROA_BENCH_KEEP:-0}"
# The appliance reads HEROA_* environment variables as configuration (before system properties): none of the
# caller's may leak into the measured processes.
while IFS= read -r variable; do unset "$variable"; done < <(compgen -e | grep '^HEROA_' || true)

say() { printf 'bench: %s\n' "$*" >&2; }
fail() { say "FAILED: $*"; exit 1; }
out() { printf '%s\n' "$*"; }

# ---------------------------------------------------------------------------------------------------------- tools
[ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ] || fail "JAVA_HOME must point at a JDK >= 21 (run ./heroa bench)"
java="$JAVA_HOME/bin/java"
java_version="$("$java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.runtime.version = //p' | head -n1)"
[ "${java_version%%[.+]*}" -ge 21 ] 2>/dev/null || fail "JDK $java_version at $JAVA_HOME is older than 21"
selected=("$@")
[ ${#selected[@]} -eq 0 ] && selected=(http audit startup custody tasks egress)
for name in "${selected[@]}"; do
  case "$name" in http|audit|startup|custody|tasks|egress) ;; *) fail "unknown benchmark '$name' (choose among: http audit startup custody tasks egress)" ;; esac
done
wants() { local name; for name in "${selected[@]}"; do [ "$name" = "$1" ] && return 0; done; return 1; }
# http, audit, startup, tasks and egress share the appliance jar, one PostgreSQL and the TLS material; custody needs none of them.
wants_appliance() { wants http || wants audit || wants startup || wants tasks || wants egress; }
command -v mvn >/dev/null || fail "mvn is missing (./heroa bench installs it)"
if wants_appliance; then
  for tool in wrk pgbench psql curl ss; do
    command -v "$tool" >/dev/null || fail "$tool is missing (./heroa bench installs it)"
  done
fi
if wants custody; then
  command -v softhsm2-util >/dev/null || fail "softhsm2-util is missing (the custody benchmark needs SoftHSM2: apt-get install softhsm2)"
fi
if wants tasks || wants egress; then
  [ "$(id -u)" -eq 0 ] || fail "the tasks and egress benchmarks run containers with rootful Podman: run them as root"
  for tool in podman runc curl openssl base64 jq; do
    command -v "$tool" >/dev/null || fail "$tool is missing (./heroa bench installs it)"
  done
  grep -q '^containers:' /etc/subuid && grep -q '^containers:' /etc/subgid \
    || fail "/etc/subuid and /etc/subgid need a \"containers:\" line for --userns=auto (./heroa bench adds it)"
  # The project's Podman settings (runc, cgroupfs, no default ulimits), for the private service and the CLI alike.
  export CONTAINERS_CONF="$repo/build/podman/containers.conf"
fi
if wants egress; then
  for tool in ip nft nsenter gcc; do
    command -v "$tool" >/dev/null || fail "$tool is missing (the egress benchmark needs iproute2, nftables, util-linux and gcc)"
  done
fi

# ----------------------------------------------------------------------------------------------- processes, cleanup
work="$(mktemp -d /tmp/heroa-bench.XXXXXX)"
mkdir -p "$work/logs"
started=()
cleanups=() # commands run at exit, last first, after the processes stopped (the tasks benchmark's containers, image, cgroups)

stop_process() { # stop_process PID: SIGTERM, up to 60 s for its shutdown hooks, then SIGKILL
  local pid="$1" i
  kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 600; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    say "process $pid did not stop in 60 s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}

cleanup() {
  local status=$? i
  trap - EXIT INT TERM
  for ((i = ${#started[@]} - 1; i >= 0; i--)); do stop_process "${started[$i]}"; done
  for ((i = ${#cleanups[@]} - 1; i >= 0; i--)); do eval "${cleanups[$i]}" || true; done
  if [ "$keep" = 1 ]; then
    say "work directory kept: $work"
  else
    rm -rf "$work"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

forget() { # forget PID: drop a stopped process from the cleanup list
  local kept=() pid
  for pid in "${started[@]}"; do [ "$pid" = "$1" ] || kept+=("$pid"); done
  started=("${kept[@]}")
}

used_ports=" "
free_port() { # sets REPLY to a free TCP port in 30000-39999 not handed out before in this run
  local port attempt
  for ((attempt = 0; attempt < 500; attempt++)); do
    port=$((30000 + RANDOM % 10000))
    [[ "$used_ports" == *" $port "* ]] && continue
    [ -z "$(ss -Htan "sport = :$port" 2>/dev/null)" ] || continue
    used_ports+="$port "
    REPLY="$port"
    return 0
  done
  fail "no free port in 30000-39999"
}

wait_for_file() { # wait_for_file FILE SECONDS PID LOG
  local deadline=$((SECONDS + $2))
  until [ -s "$1" ]; do
    kill -0 "$3" 2>/dev/null || { tail -n 30 "$4" >&2; fail "process $3 exited before writing $1 (log above)"; }
    [ "$SECONDS" -lt "$deadline" ] || { tail -n 30 "$4" >&2; fail "no $1 after $2 s (log above)"; }
    sleep 0.1
  done
}

wait_for_200() { # wait_for_200 URL CAFILE SECONDS PID LOG [curl options...]
  local url="$1" ca="$2" deadline=$((SECONDS + $3)) pid="$4" log="$5" code
  shift 5
  while :; do
    code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 --cacert "$ca" "$@" "$url" || true)"
    [ "$code" = 200 ] && return 0
    kill -0 "$pid" 2>/dev/null || { tail -n 30 "$log" >&2; fail "process $pid exited before $url answered 200 (log above)"; }
    [ "$SECONDS" -lt "$deadline" ] || { tail -n 30 "$log" >&2; fail "$url did not answer 200 within $3 s (last: $code)"; }
    sleep 0.05
  done
}

# Numbers: awk does the arithmetic; bash only moves strings.
calc() { awk "BEGIN { printf \"%s\", $* }"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "n/a"; else printf "%.2f", a / b }'; }
verdict() { # verdict VALUE OP GOAL
  awk -v v="$1" -v g="$3" -v op="$2" 'BEGIN { ok = (op == ">=") ? (v >= g) : (v <= g); print ok ? "MET" : "NOT MET" }'
}
stats() { # stats VALUES...: "mean median min max stdev" with 1 decimal
  printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1; s += $1 } END {
    m = s / NR; for (i = 1; i <= NR; i++) d += (v[i] - m) ^ 2
    med = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
    printf "%.1f %.1f %.1f %.1f %.1f", m, med, v[1], v[NR], (NR > 1) ? sqrt(d / (NR - 1)) : 0 }'
}
field() { sed -n "s/.*[[:space:]]$1=\([^[:space:]]*\).*/\1/p" | tail -n1; } # field NAME < "... NAME=VALUE ..."

summary=()
record() { summary+=("$*"); out "$*"; }

# ---------------------------------------------------------------------------------------------------- build, compile
pom_property() { sed -n "s:.*<$1>\(.*\)</$1>.*:\1:p" pom.xml | head -n1; } # pom_property NAME: a property of the root pom
# The same JVM flags for every Java process of every benchmark, those of ./heroa up: native access, the JDK's PKCS#11
# wrapper opened to the hsm-adapter, Bouncy Castle FIPS in approved-only mode (taken from the root pom's properties).
# shellcheck disable=SC2207
jvm=("$java" --enable-native-access=ALL-UNNAMED $(pom_property pkcs11.jvm.args) $(pom_property fips.jvm.args))
jar="appliance/target/heroa-appliance.jar"
if wants_appliance; then
  # The appliance runs with hsm-adapter's jar from appliance/target/libs: a change there needs a rebuild too (as ./heroa build checks).
  if [ ! -f "$jar" ] || [ -n "$(find pom.xml appliance/pom.xml appliance/src/main hsm-adapter/pom.xml hsm-adapter/src/main \
      residency-guard/pom.xml residency-guard/src/main -newer "$jar" -print -quit 2>/dev/null)" ]; then
    say "building the appliance jar (mvn package)"
    mvn -B -q -Dstyle.color=never -DskipTests -Dcheckstyle.skip -pl appliance -am package >"$work/logs/mvn.log" 2>&1 \
      || { tail -n 40 "$work/logs/mvn.log" >&2; fail "mvn package"; }
  fi
  # The benchmarks run a copy of the jar and its libs in the work directory: another build on this machine may rewrite
  # appliance/target meanwhile (a JVM whose jar is rewritten under it fails with "invalid LOC header"), and every
  # benchmark of a run must measure the same build.
  mkdir -p "$work/appliance"
  cp -p "$jar" "$work/appliance/heroa-appliance.jar" && cp -pR appliance/target/libs "$work/appliance/libs" \
    || fail "copying the appliance jar and its libs"
  jar="$work/appliance/heroa-appliance.jar"
  # Every appliance loads its country-range dataset at start (it does not start without one): the pinned dataset,
  # fetched once into heroa-data/residency as ./heroa up does, shared by the benchmarks' fresh data directories.
  dataset="$repo/heroa-data/residency/geo-whois-asn-country-2.3.2026061719"
  build/residency/dataset.sh "$dataset" >"$work/logs/dataset.log" 2>&1 || { cat "$work/logs/dataset.log" >&2; fail "fetching the dataset"; }
  dataset_options=(-Dheroa.egress.dataset.version="geo-whois-asn-country 2.3.2026061719"
    -Dheroa.egress.dataset.files.0.path="$dataset/geo-whois-asn-country-ipv4.csv"
    -Dheroa.egress.dataset.files.1.path="$dataset/geo-whois-asn-country-ipv6.csv")
  classes="$work/classes"
  mkdir -p "$classes"
  mapfile -t sources < <(find "$here/java" -name '*.java' | sort)
  "$JAVA_HOME/bin/javac" --release 21 -nowarn -d "$classes" -cp "$jar:$work/appliance/libs/*" "${sources[@]}" \
    || fail "compiling the benchmark sources"
  # A jar, not a directory: class-data sharing (used by the start-up benchmark on both sides) refuses directories.
  "$JAVA_HOME/bin/jar" --create --file "$work/bench.jar" -C "$classes" . || fail "packaging the benchmark classes"
  classpath="$jar:$work/appliance/libs/*:$work/bench.jar"
fi
if wants custody; then
  # hsm-adapter's jar, built if missing or older than its sources, and copied like the appliance's (see above).
  hsm_jar="$(find hsm-adapter/target -maxdepth 1 -name 'heroa-hsm-adapter-*.jar' ! -name '*-sources.jar' 2>/dev/null | head -n1)"
  if [ -z "$hsm_jar" ] || [ -n "$(find pom.xml hsm-adapter/pom.xml hsm-adapter/src/main -newer "$hsm_jar" -print -quit 2>/dev/null)" ]; then
    say "building the hsm-adapter jar (mvn package)"
    mvn -B -q -Dstyle.color=never -DskipTests -Dcheckstyle.skip -pl hsm-adapter -am package >"$work/logs/mvn-hsm-adapter.log" 2>&1 \
      || { tail -n 40 "$work/logs/mvn-hsm-adapter.log" >&2; fail "mvn package (hsm-adapter)"; }
    hsm_jar="$(find hsm-adapter/target -maxdepth 1 -name 'heroa-hsm-adapter-*.jar' ! -name '*-sources.jar' | head -n1)"
  fi
  cp -p "$hsm_jar" "$work/heroa-hsm-adapter.jar" || fail "copying the hsm-adapter jar"
  hsm_jar="$work/heroa-hsm-adapter.jar"
fi

out "Heroa appliance benchmarks — $(date -u '+%Y-%m-%d %H:%M UTC')"
out "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)"
if wants_appliance; then
  out "JDK: $java_version ($JAVA_HOME); wrk: $(wrk -v 2>&1 | head -n1 | awk '{ print $2 }'); pgbench: $(pgbench --version | awk '{ print $3 }')"
else
  out "JDK: $java_version ($JAVA_HOME)"
fi
revision="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
[ -z "$(git status --porcelain -- appliance/src/main hsm-adapter/src/main residency-guard/src/main pom.xml appliance/pom.xml \
    hsm-adapter/pom.xml residency-guard/pom.xml 2>/dev/null)" ] \
  || revision+=" + uncommitted changes to the appliance, hsm-adapter or residency-guard"
out "appliance: revision $revision"
out "command: ./heroa bench ${selected[*]}"
out ""

# ------------------------------------------------------------------------------------------ shared PostgreSQL, TLS
if wants_appliance; then
  say "starting PostgreSQL (the appliance's EmbeddedPostgres) under $work/pg"
  "${jvm[@]}" -cp "$classpath" ca.heroa.appliance.bench.BenchPostgres --data-dir "$work/pg" \
    --binaries-dir "$work/pg-binaries" --port-file "$work/pg.port" --parent-pid $$ --max-seconds 1800 >"$work/logs/postgres.log" 2>&1 &
  postgres_pid=$!
  started+=("$postgres_pid")
  wait_for_file "$work/pg.port" 120 "$postgres_pid" "$work/logs/postgres.log"
  pg_port="$(cat "$work/pg.port")"
  psql_do() { # psql_do DATABASE SQL
    psql -X -q -At -v ON_ERROR_STOP=1 -h localhost -p "$pg_port" -U postgres -d "$1" -c "$2"
  }
  pg_version="$(psql_do postgres 'SHOW server_version')"
  pg_sync="$(psql_do postgres 'SHOW synchronous_commit')"
  pg_fsync="$(psql_do postgres 'SHOW fsync')"
  out "PostgreSQL $pg_version on localhost:$pg_port (data under /tmp on $(df -T /tmp | awk 'NR == 2 { print $2 }')): synchronous_commit=$pg_sync fsync=$pg_fsync"
  [ "$pg_sync" = on ] || fail "synchronous_commit is $pg_sync, expected on"

  # Both servers of a comparison present the same certificate and key from files (tls.mode=files), so TLS costs the same
  # on both sides. (The appliance's own generate mode keeps its keys in the HSM; that is not what these benchmarks measure.)
  say "making the TLS material (self-signed EC P-256, openssl)"
  mkdir -p "$work/tls"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 7 -subj "/CN=localhost/O=Heroa bench" \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" -keyout "$work/tls/server-key.pem" -out "$work/tls/server.pem" \
    >"$work/logs/tls.log" 2>&1 || { cat "$work/logs/tls.log" >&2; fail "TLS material"; }
  cp "$work/tls/server.pem" "$work/tls/ca.pem"
  ca="$work/tls/ca.pem"
  certificate="$work/tls/server.pem"
  private_key="$work/tls/server-key.pem"
  out ""
fi

# ------------------------------------------------------------------------------- 1. authenticated GET over TLS 1.3
bench_http() {
  out "== 1. Authenticated GET /v1/workspaces/{ws} over TLS 1.3: appliance vs bare Helidon SE handler =="
  local dir="$work/http" admin_port appliance_port bare_port nocache_port nocache_admin_port
  mkdir -p "$dir"
  psql_do postgres "CREATE DATABASE heroa_http"
  free_port; appliance_port="$REPLY"
  free_port; admin_port="$REPLY"
  free_port; bare_port="$REPLY"
  free_port; nocache_port="$REPLY"
  free_port; nocache_admin_port="$REPLY"
  # Key custody: one development token (SoftHSM2, created and provisioned by the first appliance) for both appliances,
  # which share the database and so the token-hashing key, stored there wrapped by the token's key-encryption key.
  export SOFTHSM2_CONF="$dir/hsm/softhsm2.conf"

  say "http: starting the appliance on 127.0.0.1:$appliance_port (external PostgreSQL, TLS files)"
  "${jvm[@]}" "${dataset_options[@]}" -Dheroa.data-dir="$dir/appliance" -Dheroa.hsm.dev-token-dir="$dir/hsm" -Dheroa.server.host=127.0.0.1 \
    -Dheroa.server.port="$appliance_port" -Dheroa.server.admin-port="$admin_port" \
    -Dheroa.server.tls.mode=files -Dheroa.server.tls.certificate="$certificate" -Dheroa.server.tls.private-key="$private_key" \
    -Dheroa.database.mode=external -Dheroa.database.url="jdbc:postgresql://localhost:$pg_port/heroa_http" \
    -Dheroa.database.username=postgres \
    -cp "$classpath" ca.heroa.appliance.bench.BenchAppliance --info-file "$dir/appliance.info" \
    --parent-pid $$ --max-seconds 900 >"$work/logs/http-appliance.log" 2>&1 &
  local appliance_pid=$!
  started+=("$appliance_pid")
  wait_for_file "$dir/appliance.info" 120 "$appliance_pid" "$work/logs/http-appliance.log"
  local admin_token base="https://127.0.0.1:$appliance_port"
  admin_token="$(sed -n 's/^admin-token=//p' "$dir/appliance.info")"

  say "http: creating a workspace and a workspace:read token through the API"
  local workspace token response
  response="$(curl -sS --fail-with-body --cacert "$ca" -H "Authorization: Bearer $admin_token" \
    -H 'Content-Type: application/json' -d '{"name":"bench-http"}' "$base/v1/workspaces")" || fail "create workspace: $response"
  workspace="$(printf '%s' "$response" | sed -n 's/.*"id":"\(ws_[0-9a-f]*\)".*/\1/p')"
  [ -n "$workspace" ] || fail "no workspace id in: $response"
  response="$(curl -sS --fail-with-body --cacert "$ca" -H "Authorization: Bearer $admin_token" \
    -H 'Content-Type: application/json' -d '{"name":"bench-reader","scopes":["workspace:read"]}' \
    "$base/v1/workspaces/$workspace/tokens")" || fail "create token: $response"
  token="$(printf '%s' "$response" | sed -n 's/.*"token":"\(heroa_wt_[^"]*\)".*/\1/p')"
  [ -n "$token" ] || fail "no token in the token response"
  local path="/v1/workspaces/$workspace"
  curl -sS --fail --cacert "$ca" -H "Authorization: Bearer $token" -o "$dir/payload.json" "$base$path" \
    || fail "GET $path with the workspace token"

  say "http: starting the bare Helidon SE server on 127.0.0.1:$bare_port (same PEM files, same JVM flags)"
  "${jvm[@]}" -cp "$classpath" ca.heroa.appliance.bench.BareServer --port "$bare_port" \
    --certificate "$certificate" --private-key "$private_key" --payload "$dir/payload.json" \
    --parent-pid $$ --max-seconds 900 >"$work/logs/http-bare.log" 2>&1 &
  local bare_pid=$!
  started+=("$bare_pid")
  wait_for_200 "https://127.0.0.1:$bare_port$path" "$ca" 60 "$bare_pid" "$work/logs/http-bare.log"
  curl -sS --fail --cacert "$ca" -H "Authorization: Bearer $token" -o "$dir/bare.json" "https://127.0.0.1:$bare_port$path"
  cmp -s "$dir/payload.json" "$dir/bare.json" || fail "the bare server does not serve the same bytes"
  # Diagnostic, not a baseline: the same appliance with its token and workspace cache off (heroa.auth.cache-ttl=PT0S),
  # on the same database and HSM token (so the same token-hashing key), so every request reads the token and the
  # workspace from PostgreSQL.
  say "http: starting a second appliance with heroa.auth.cache-ttl=PT0S on 127.0.0.1:$nocache_port (diagnostic)"
  "${jvm[@]}" "${dataset_options[@]}" -Dheroa.data-dir="$dir/appliance-nocache" -Dheroa.hsm.dev-token-dir="$dir/hsm" -Dheroa.server.host=127.0.0.1 \
    -Dheroa.server.port="$nocache_port" -Dheroa.server.admin-port="$nocache_admin_port" \
    -Dheroa.server.tls.mode=files -Dheroa.server.tls.certificate="$certificate" -Dheroa.server.tls.private-key="$private_key" \
    -Dheroa.database.mode=external -Dheroa.database.url="jdbc:postgresql://localhost:$pg_port/heroa_http" \
    -Dheroa.database.username=postgres -Dheroa.auth.cache-ttl=PT0S \
    -cp "$classpath" ca.heroa.appliance.bench.BenchAppliance --info-file "$dir/appliance-nocache.info" \
    --parent-pid $$ --max-seconds 900 >"$work/logs/http-appliance-nocache.log" 2>&1 &
  local nocache_pid=$!
  started+=("$nocache_pid")
  wait_for_file "$dir/appliance-nocache.info" 120 "$nocache_pid" "$work/logs/http-appliance-nocache.log"
  wait_for_200 "https://127.0.0.1:$nocache_port$path" "$ca" 60 "$nocache_pid" "$work/logs/http-appliance-nocache.log" \
    -H "Authorization: Bearer $token"

  tls_of() { curl -sv -o /dev/null --cacert "$ca" "$1" 2>&1 | sed -n 's/.*SSL connection using \(TLSv[0-9.]*\) \/ \([^ ]*\).*/\1 \2/p' | head -n1; }
  out "payload: $(wc -c <"$dir/payload.json") bytes of JSON, identical from both servers"
  out "TLS negotiated: appliance $(tls_of "$base/v1/openapi"), bare $(tls_of "https://127.0.0.1:$bare_port/v1/openapi")"
  out "wrk: -t$http_threads -c$http_connections -d${http_seconds}s --latency, header 'Authorization: Bearer <workspace token>' on every server; warm-up ${http_warmup}s each; $http_rounds round(s), order reversed every other round"
  out "no-cache (diagnostic, not a baseline): the same appliance with heroa.auth.cache-ttl=PT0S: token and workspace read from PostgreSQL on every request"

  local -A url=([appliance]="$base$path" [bare]="https://127.0.0.1:$bare_port$path" [no-cache]="https://127.0.0.1:$nocache_port$path")
  run_wrk() { # run_wrk VARIANT SECONDS LABEL: sets REPLY to the BENCH line
    local log="$work/logs/wrk-$1-$3.log"
    wrk -t"$http_threads" -c"$http_connections" -d"$2s" --latency --timeout 10s -s "$here/wrk-report.lua" \
      -H "Authorization: Bearer $token" "${url[$1]}" >"$log" 2>&1 || { cat "$log" >&2; fail "wrk on $1"; }
    REPLY="$(grep '^BENCH ' "$log" | tail -n1)"
    [ -n "$REPLY" ] || { cat "$log" >&2; fail "no result from wrk on $1"; }
    local bad
    bad=$(( $(printf '%s' "$REPLY" | field socket_errors) + $(printf '%s' "$REPLY" | field status_errors) ))
    [ "$bad" -eq 0 ] || say "WARNING: wrk on $1 saw $bad errors or non-2xx responses (see $log)"
  }
  local variants=(appliance bare no-cache) variant
  say "http: warm-up ${http_warmup}s each"
  for variant in "${variants[@]}"; do run_wrk "$variant" "$http_warmup" warmup; done

  local round order rps p50 p99 requests duration
  local -A total_requests=() total_us=() p50s=() p99s=() round_rps=()
  out ""
  out "$(printf '%-7s %-10s %12s %10s %10s %10s' round server 'requests/s' 'p50 ms' 'p99 ms' errors)"
  for ((round = 1; round <= http_rounds; round++)); do
    if ((round % 2)); then order="appliance bare no-cache"; else order="no-cache bare appliance"; fi
    for variant in $order; do
      say "http: round $round, $variant (${http_seconds}s)"
      run_wrk "$variant" "$http_seconds" "round$round"
      requests="$(printf '%s' "$REPLY" | field requests)"
      duration="$(printf '%s' "$REPLY" | field duration_us)"
      p50="$(printf '%s' "$REPLY" | field p50_us)"
      p99="$(printf '%s' "$REPLY" | field p99_us)"
      rps="$(calc "$requests / ($duration / 1000000)")"
      total_requests[$variant]=$(( ${total_requests[$variant]:-0} + requests ))
      total_us[$variant]=$(( ${total_us[$variant]:-0} + duration ))
      p50s[$variant]="${p50s[$variant]:-} $p50"
      p99s[$variant]="${p99s[$variant]:-} $p99"
      round_rps[$variant]="$rps"
      out "$(printf '%-7s %-10s %12.0f %10.2f %10.2f %10s' "$round" "$variant" "$rps" "$(calc "$p50 / 1000")" "$(calc "$p99 / 1000")" \
        "$(( $(printf '%s' "$REPLY" | field socket_errors) + $(printf '%s' "$REPLY" | field status_errors) ))")"
    done
    out "        round $round: appliance / bare = $(ratio "${round_rps[appliance]}" "${round_rps[bare]}")"
  done
  local -A mean_rps=() mean_p50=() mean_p99=()
  for variant in "${variants[@]}"; do
    mean_rps[$variant]="$(calc "${total_requests[$variant]} / (${total_us[$variant]} / 1000000)")"
    # shellcheck disable=SC2086
    mean_p50[$variant]="$(calc "$(stats ${p50s[$variant]} | awk '{ print $1 }') / 1000")"
    # shellcheck disable=SC2086
    mean_p99[$variant]="$(calc "$(stats ${p99s[$variant]} | awk '{ print $1 }') / 1000")"
  done
  local throughput_ratio
  throughput_ratio="$(ratio "${mean_rps[appliance]}" "${mean_rps[bare]}")"
  out ""
  out "requests/s = all requests of a server's rounds / their total time; p50 and p99 = mean over its rounds"
  record "$(printf '1. GET over TLS 1.3   appliance %8.0f req/s (p50 %.2f ms, p99 %.2f ms) | bare %8.0f req/s (p50 %.2f ms, p99 %.2f ms) | ratio %s (goal >= 0.70: %s); p99 ratio %s' \
    "${mean_rps[appliance]}" "${mean_p50[appliance]}" "${mean_p99[appliance]}" "${mean_rps[bare]}" "${mean_p50[bare]}" "${mean_p99[bare]}" \
    "$throughput_ratio" "$(verdict "$throughput_ratio" '>=' 0.70)" "$(ratio "${mean_p99[appliance]}" "${mean_p99[bare]}")")"
  record "$(printf '   diagnostic         appliance with cache-ttl=PT0S %8.0f req/s (p50 %.2f ms, p99 %.2f ms) = %s x bare' \
    "${mean_rps[no-cache]}" "${mean_p50[no-cache]}" "${mean_p99[no-cache]}" "$(ratio "${mean_rps[no-cache]}" "${mean_rps[bare]}")")"
  out ""

  stop_process "$nocache_pid"; forget "$nocache_pid"
  stop_process "$bare_pid"; forget "$bare_pid"
  stop_process "$appliance_pid"; forget "$appliance_pid"
  unset SOFTHSM2_CONF
  psql_do postgres "DROP DATABASE heroa_http"
}

# --------------------------------------------------------------------------------------------- 2. audit appends
bench_audit() {
  out "== 2. Audit appends (hash-chained, group commit) vs pgbench INSERTs of the same rows, same PostgreSQL =="
  local jdbc_url="jdbc:postgresql://localhost:$pg_port/heroa_audit"
  psql_do postgres "CREATE DATABASE heroa_audit"
  "${jvm[@]}" -cp "$classpath" ca.heroa.appliance.bench.AuditBench --jdbc-url "$jdbc_url" --prepare >"$work/logs/audit-prepare.log" 2>&1 \
    || { cat "$work/logs/audit-prepare.log" >&2; fail "migrating heroa_audit"; }
  psql_do heroa_audit "CREATE TABLE audit_bench (LIKE audit_log INCLUDING ALL); CREATE SEQUENCE audit_bench_seq"
  out "appliance: AuditTrail.append from N threads (pool 16, batch-max 256), ${audit_warmup}s warm-up then ${audit_seconds}s counted"
  out "pgbench:   -n -M prepared -f audit-append.sql -c N -j min(N,2) -T $audit_seconds, into audit_bench (LIKE audit_log INCLUDING ALL)"
  out "$audit_rounds round(s) per N, alternating order"
  out ""
  out "$(printf '%-8s %-7s %-10s %14s %12s' writers round side 'appends/s' 'p99 ms')"
  local writers round side order rate p99 log
  local -A rates=() round_rate=()
  for writers in 1 16; do
    for ((round = 1; round <= audit_rounds; round++)); do
      if ((round % 2)); then order="appliance pgbench"; else order="pgbench appliance"; fi
      for side in $order; do
        say "audit: $writers writer(s), round $round, $side"
        log="$work/logs/audit-$side-$writers-$round.log"
        if [ "$side" = appliance ]; then
          "${jvm[@]}" -cp "$classpath" ca.heroa.appliance.bench.AuditBench --jdbc-url "$jdbc_url" --writers "$writers" \
            --seconds "$audit_seconds" --warmup-seconds "$audit_warmup" >"$log" 2>&1 || { cat "$log" >&2; fail "AuditBench"; }
          rate="$(grep '^AUDIT writers' "$log" | field rate)"
          p99="$(calc "$(grep '^AUDIT writers' "$log" | field p99_us) / 1000")"
        else
          pgbench -n -M prepared -f "$here/audit-append.sql" -c "$writers" -j $((writers < 2 ? writers : 2)) -T "$audit_seconds" \
            -h localhost -p "$pg_port" -U postgres heroa_audit >"$log" 2>&1 || { cat "$log" >&2; fail "pgbench"; }
          rate="$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' "$log" | head -n1)"
          p99="-"
        fi
        [ -n "$rate" ] || { cat "$log" >&2; fail "no rate in $log"; }
        rates[$side-$writers]="${rates[$side-$writers]:-} $rate"
        round_rate[$side]="$rate"
        if [ "$p99" = - ]; then
          out "$(printf '%-8s %-7s %-10s %14.1f %12s' "$writers" "$round" "$side" "$rate" "$p99")"
        else
          out "$(printf '%-8s %-7s %-10s %14.1f %12.2f' "$writers" "$round" "$side" "$rate" "$p99")"
        fi
      done
      out "                 round $round: appliance / pgbench = $(ratio "${round_rate[appliance]}" "${round_rate[pgbench]}")"
    done
  done
  say "audit: verifying the whole hash chain the appliance wrote"
  "${jvm[@]}" -cp "$classpath" ca.heroa.appliance.bench.AuditBench --jdbc-url "$jdbc_url" --writers 1 --seconds 1 --warmup-seconds 0 \
    --verify >"$work/logs/audit-verify.log" 2>&1 || { cat "$work/logs/audit-verify.log" >&2; fail "audit chain verification"; }
  out "chain check after the run: $(grep '^AUDIT verify' "$work/logs/audit-verify.log" | sed 's/^AUDIT verify //')"
  out ""
  local mean_appliance mean_pgbench r
  for writers in 1 16; do
    # shellcheck disable=SC2086
    mean_appliance="$(stats ${rates[appliance-$writers]} | awk '{ print $1 }')"
    # shellcheck disable=SC2086
    mean_pgbench="$(stats ${rates[pgbench-$writers]} | awk '{ print $1 }')"
    r="$(ratio "$mean_appliance" "$mean_pgbench")"
    if [ "$writers" = 16 ]; then
      record "$(printf '2. audit, %2d writers  appliance %8.1f appends/s | pgbench %8.1f tps | ratio %s (goal >= 0.80: %s)' \
        "$writers" "$mean_appliance" "$mean_pgbench" "$r" "$(verdict "$r" '>=' 0.80)")"
    else
      record "$(printf '2. audit, %2d writer   appliance %8.1f appends/s | pgbench %8.1f tps | ratio %s (no goal)' \
        "$writers" "$mean_appliance" "$mean_pgbench" "$r")"
    fi
  done
  out ""
  psql_do postgres "DROP DATABASE heroa_audit"
}

# -------------------------------------------------------------------------------- 3. process start to first 200
bench_startup() {
  out "== 3. Process start to first 200 on GET /v1/openapi: appliance (external PostgreSQL) vs bare Helidon SE =="
  local dir="$work/start"
  mkdir -p "$dir"
  psql_do postgres "CREATE DATABASE heroa_start"

  # Class-data sharing, as ./heroa up uses it: each program gets its own archive, written by the JVM at the end of
  # its first (unmeasured) start and used by the measured ones. Both sides get the same treatment.
  mkdir -p "$work/cds"
  # Key custody as in production (heroa.hsm.mode=pkcs11): the vendor library and a token provisioned beforehand; here
  # SoftHSM2's library and the development token that the unmeasured first start creates and provisions in $dir/hsm.
  # SoftHSM2 finds the token through SOFTHSM2_CONF (the bare server ignores it).
  export SOFTHSM2_CONF="$dir/hsm/softhsm2.conf"
  local softhsm_library="" candidate
  for candidate in /usr/lib/softhsm/libsofthsm2.so /usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so; do
    [ -f "$candidate" ] && { softhsm_library="$candidate"; break; }
  done
  [ -n "$softhsm_library" ] || fail "SoftHSM2's library is missing (apt-get install softhsm2)"
  local -a hsm_options=(-Dheroa.hsm.dev-token-dir="$dir/hsm")
  cds() { printf -- '-XX:+AutoCreateSharedArchive -XX:SharedArchiveFile=%s -Xlog:cds=off -Xlog:cds+dynamic=off' "$work/cds/$1.jsa"; }

  time_to_200() { # time_to_200 NAME CAFILE PORT -- COMMAND...: sets REPLY to milliseconds from launch to first 200
    local name="$1" ca_file="$2" port="$3" log="$work/logs/start-$1.log" t0 t1 pid code
    shift 4
    t0="$(date +%s%N)"
    "$@" >"$log" 2>&1 &
    pid=$!
    started+=("$pid")
    local deadline=$((SECONDS + 120))
    while :; do
      if [ -s "$ca_file" ]; then
        code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 --cacert "$ca_file" "https://localhost:$port/v1/openapi" || true)"
        [ "$code" = 200 ] && break
      fi
      kill -0 "$pid" 2>/dev/null || { tail -n 30 "$log" >&2; fail "$name exited before answering (log above)"; }
      [ "$SECONDS" -lt "$deadline" ] || { tail -n 30 "$log" >&2; fail "$name did not answer 200 within 120 s"; }
      sleep 0.02
    done
    t1="$(date +%s%N)"
    stop_process "$pid"
    forget "$pid"
    REPLY=$(( (t1 - t0) / 1000000 ))
  }
  bare() { # bare RUN
    local port
    free_port; port="$REPLY"
    time_to_200 "bare-$1" "$ca" "$port" -- "${jvm[@]}" $(cds bare) -cp "$classpath" ca.heroa.appliance.bench.BareServer \
      --port "$port" --certificate "$certificate" --private-key "$private_key"
  }
  appliance() { # appliance RUN DATABASE: external PostgreSQL, TLS files, new data directory
    local port admin data="$dir/appliance-$1"
    free_port; port="$REPLY"
    free_port; admin="$REPLY"
    time_to_200 "appliance-$1" "$ca" "$port" -- "${jvm[@]}" $(cds appliance) "${dataset_options[@]}" -Dheroa.data-dir="$data" -Dheroa.server.host=127.0.0.1 \
      -Dheroa.server.port="$port" -Dheroa.server.admin-port="$admin" -Dheroa.server.tls.mode=files \
      -Dheroa.server.tls.certificate="$certificate" -Dheroa.server.tls.private-key="$private_key" \
      -Dheroa.database.mode=external -Dheroa.database.url="jdbc:postgresql://localhost:$pg_port/$2" \
      -Dheroa.database.username=postgres "${hsm_options[@]}" -jar "$jar" serve
    rm -rf "$data"
  }
  embedded() { # embedded DATADIR NAME: everything in development mode (embedded PostgreSQL, generated TLS, token in DATADIR/hsm)
    local port admin
    free_port; port="$REPLY"
    free_port; admin="$REPLY"
    time_to_200 "$2" "$1/tls/ca.pem" "$port" -- env SOFTHSM2_CONF="$1/hsm/softhsm2.conf" "${jvm[@]}" $(cds appliance) \
      "${dataset_options[@]}" -Dheroa.data-dir="$1" -Dheroa.server.host=127.0.0.1 -Dheroa.server.port="$port" -Dheroa.server.admin-port="$admin" -jar "$jar" serve
  }

  say "startup: one unmeasured start of each (page cache, class-data archives; migrates heroa_start, provisions the token)"
  bare warmup
  appliance warmup heroa_start
  hsm_options=(-Dheroa.hsm.mode=pkcs11 -Dheroa.hsm.library="$softhsm_library" -Dheroa.hsm.pin-file="$dir/hsm/user.pin")
  local run
  local -a bare_ms=() appliance_ms=() first_ms=() embedded_first_ms=() embedded_restart_ms=()
  for ((run = 1; run <= start_runs; run++)); do
    if ((run % 2)); then
      bare "$run"; bare_ms+=("$REPLY")
      appliance "$run" heroa_start; appliance_ms+=("$REPLY")
    else
      appliance "$run" heroa_start; appliance_ms+=("$REPLY")
      bare "$run"; bare_ms+=("$REPLY")
    fi
    say "startup: run $run: bare ${bare_ms[-1]} ms, appliance ${appliance_ms[-1]} ms"
  done
  for ((run = 1; run <= start_info_runs; run++)); do
    psql_do postgres "CREATE DATABASE heroa_first_$run"
    appliance "first-$run" "heroa_first_$run"; first_ms+=("$REPLY")
    psql_do postgres "DROP DATABASE heroa_first_$run"
    embedded "$dir/embedded-$run" "embedded-first-$run"; embedded_first_ms+=("$REPLY")
    embedded "$dir/embedded-$run" "embedded-restart-$run"; embedded_restart_ms+=("$REPLY")
    rm -rf "$dir/embedded-$run"
    say "startup: info run $run: first start on an empty database ${first_ms[-1]} ms, embedded first start ${embedded_first_ms[-1]} ms, embedded restart ${embedded_restart_ms[-1]} ms"
  done

  out "each run: launch the JVM, poll https://localhost:PORT/v1/openapi with curl --cacert every 20 ms until 200, then stop it"
  out "appliance: java -jar heroa-appliance.jar serve, -Dheroa.database.mode=external (already migrated database), TLS files, new data directory each run"
  out "bare:      java -cp heroa-appliance.jar:libs/*:bench BareServer, same TLS files, same JVM flags"
  out ""
  out "$(printf '%-52s %5s %9s %9s %9s %9s %8s' variant runs 'mean ms' 'median' 'min' 'max' 'stdev')"
  show() { # show LABEL VALUES...
    local label="$1"; shift
    # shellcheck disable=SC2046,SC2183
    out "$(printf '%-52s %5d %9.1f %9.1f %9.1f %9.1f %8.1f' "$label" "$#" $(stats "$@"))"
  }
  show "bare Helidon SE (baseline)" "${bare_ms[@]}"
  show "appliance, external PostgreSQL, migrated database" "${appliance_ms[@]}"
  show "appliance, external PostgreSQL, empty database (info)" "${first_ms[@]}"
  show "appliance, embedded PostgreSQL, first start (info)" "${embedded_first_ms[@]}"
  show "appliance, embedded PostgreSQL, restart (info)" "${embedded_restart_ms[@]}"
  out ""
  local mean_bare mean_appliance r
  mean_bare="$(stats "${bare_ms[@]}" | awk '{ print $1 }')"
  mean_appliance="$(stats "${appliance_ms[@]}" | awk '{ print $1 }')"
  r="$(ratio "$mean_appliance" "$mean_bare")"
  record "$(printf '3. start to first 200 appliance %7.0f ms | bare %7.0f ms | ratio %s (goal <= 1.50: %s)' \
    "$mean_appliance" "$mean_bare" "$r" "$(verdict "$r" '<=' 1.50)")"
  record "$(printf '   for information    empty database %.0f ms; embedded PostgreSQL: first start %.0f ms, restart %.0f ms' \
    "$(stats "${first_ms[@]}" | awk '{ print $1 }')" "$(stats "${embedded_first_ms[@]}" | awk '{ print $1 }')" \
    "$(stats "${embedded_restart_ms[@]}" | awk '{ print $1 }')")"
  out ""
  unset SOFTHSM2_CONF
  psql_do postgres "DROP DATABASE heroa_start"
}

# ------------------------------------------------------------------------------------- 4. key custody (JMH, SoftHSM2)
bench_custody() {
  out "== 4. Key custody on SoftHSM2 (JMH): secret delivery and checkpoint signing vs plain SunPKCS11, same token =="
  local dir="$work/custody"
  mkdir -p "$dir/classes" "$dir/generated" "$dir/jmh" "$dir/results"

  # hsm-adapter's jar (copied into the work directory at the start) and runtime dependencies, JMH from the version the
  # root pom manages; nothing of it goes into the product: the bench sources compile against that jar into the work directory.
  local dependency_plugin jmh_version
  dependency_plugin="org.apache.maven.plugins:maven-dependency-plugin:$(pom_property version.plugin.dependency):build-classpath"
  jmh_version="$(pom_property version.jmh)"
  [ -n "$jmh_version" ] || fail "no version.jmh property in pom.xml"
  say "custody: resolving hsm-adapter's runtime classpath and JMH $jmh_version (mvn dependency:build-classpath)"
  mvn -B -q -Dstyle.color=never -pl hsm-adapter "$dependency_plugin" -DincludeScope=runtime \
    -Dmdep.outputFile="$dir/hsm-adapter.classpath" >"$work/logs/mvn-custody-classpath.log" 2>&1 \
    || { tail -n 40 "$work/logs/mvn-custody-classpath.log" >&2; fail "hsm-adapter's classpath"; }
  cat >"$dir/jmh/pom.xml" <<POM
<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>ca.heroa.bench</groupId>
  <artifactId>custody-jmh-classpath</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.openjdk.jmh</groupId><artifactId>jmh-core</artifactId><version>$jmh_version</version></dependency>
    <dependency><groupId>org.openjdk.jmh</groupId><artifactId>jmh-generator-annprocess</artifactId><version>$jmh_version</version></dependency>
  </dependencies>
</project>
POM
  mvn -B -q -Dstyle.color=never -f "$dir/jmh/pom.xml" "$dependency_plugin" -Dmdep.outputFile="$dir/jmh.classpath" \
    >>"$work/logs/mvn-custody-classpath.log" 2>&1 \
    || { tail -n 40 "$work/logs/mvn-custody-classpath.log" >&2; fail "JMH's classpath (Maven Central must be reachable once)"; }
  local jmh_classpath custody_classpath
  jmh_classpath="$(cat "$dir/jmh.classpath")"
  custody_classpath="$hsm_jar:$(cat "$dir/hsm-adapter.classpath"):$jmh_classpath:$dir/classes"

  say "custody: compiling the benchmarks (javac with JMH's annotation processor)"
  local -a custody_sources
  mapfile -t custody_sources < <(find hsm-adapter/src/bench/java -name '*.java' | sort)
  "$JAVA_HOME/bin/javac" --release 21 -nowarn -proc:full -processorpath "$jmh_classpath" -s "$dir/generated" -d "$dir/classes" \
    -cp "$hsm_jar:$(cat "$dir/hsm-adapter.classpath"):$jmh_classpath" "${custody_sources[@]}" >"$work/logs/custody-javac.log" 2>&1 \
    || { cat "$work/logs/custody-javac.log" >&2; fail "compiling the custody benchmarks"; }

  # One token for everything, in the work directory (deleted at the end). SoftHSM2 reads SOFTHSM2_CONF when the library
  # loads, so every JVM gets it in its environment; JMH's forks inherit it from their host JVM.
  local token="$dir/token"
  export SOFTHSM2_CONF="$token/softhsm2.conf"
  say "custody: creating and provisioning the SoftHSM2 token under $token"
  "${jvm[@]}" -cp "$custody_classpath" ca.heroa.hsm.bench.BenchToken provision >"$work/logs/custody-provision.log" 2>&1 \
    || { cat "$work/logs/custody-provision.log" >&2; fail "provisioning the benchmark token"; }
  local slot
  slot="$(softhsm2-util --show-slots | awk '/^Slot [0-9]+/ { slot = $2 } /^[[:space:]]*Label:[[:space:]]*heroa-bench[[:space:]]*$/ { print slot }')"
  [[ "$slot" =~ ^[0-9]+$ ]] || fail "no slot holds the token heroa-bench (softhsm2-util --show-slots)"
  # The forks: the same flags on both sides; a fixed, pre-touched heap, because on these virtual machines the first touch
  # of each new heap page costs more than the operation measured: a growing heap made whole iterations up to 6x slower.
  local -a fork_options=("${jvm[@]:1}" -Xms1g -Xmx1g -XX:+AlwaysPreTouch -Dheroa.bench.slot="$slot")

  out "token: SoftHSM2 $(softhsm2-util --version), slot $slot; keys bench-kek-1 (AES-256) and bench-audit-signing (EC P-256) made by KeyCustody.provision"
  out "JMH $jmh_version, one fork per run: ${custody_warmup} x 1 s warm-up, ${custody_iterations} x 1 s measured, 1 thread; fork JVM: ${fork_options[*]}"
  out "ours:  delivery = KeyCustody.unwrapDataKey + DataKey.open (1 KiB, BC-FIPS) + close; signing = KeyCustody.sign(AUDIT_SIGNING, 250 B)"
  out "plain: delivery = Cipher AES/GCM (SunPKCS11, same KEK) + Cipher AES/GCM (SunJCE); signing = Signature SHA256withECDSA (SunPKCS11)"
  out "$custody_rounds round(s), order reversed every other round; every fork opens both custody and the SunPKCS11 provider"
  out "load average before the runs (1, 5, 15 min): $(cut -d' ' -f1-3 /proc/loadavg)"
  out ""

  run_jmh() { # run_jmh BENCHMARK ROUND: one JMH run, one fork; sets REPLY to its CSV result file
    local csv="$dir/results/$1-$2.csv" log="$work/logs/custody-$1-$2.log"
    "${jvm[@]}" -cp "$custody_classpath" org.openjdk.jmh.Main "^ca\\.heroa\\.hsm\\.bench\\.$1\$" -f 1 -t 1 \
      -wi "$custody_warmup" -w 1s -i "$custody_iterations" -r 1s -foe true -jvmArgs "${fork_options[*]}" -rf csv -rff "$csv" \
      >"$log" 2>&1 || { tail -n 40 "$log" >&2; fail "JMH $1 (log above)"; }
    REPLY="$csv"
  }
  csv_value() { # csv_value CSV NAME: the score of the row NAME (e.g. DeliveryBench.ours:p0.50)
    awk -F, -v name="\"ca.heroa.hsm.bench.$2\"" '$1 == name { print $5 }' "$1"
  }

  out "$(printf '%-7s %-26s %10s %10s %10s %12s' round benchmark 'p50 us' 'p90 us' 'p99 us' 'ops/s')"
  local round name order csv
  local -A values=() round_value=()
  for ((round = 1; round <= custody_rounds; round++)); do
    if ((round % 2)); then
      order="DeliveryBench.ours DeliveryBench.plain SigningBench.ours SigningBench.plain DeliveryBench.plainUnbound DeliveryBench.oursWarm DeliveryBench.plainWarm"
    else
      order="DeliveryBench.plain DeliveryBench.ours SigningBench.plain SigningBench.ours DeliveryBench.plainWarm DeliveryBench.oursWarm DeliveryBench.plainUnbound"
    fi
    for name in $order; do
      say "custody: round $round, $name"
      run_jmh "$name" "$round"
      csv="$REPLY"
      if [[ "$name" == SigningBench.* ]]; then
        round_value[$name]="$(csv_value "$csv" "$name")"
        [ -n "${round_value[$name]}" ] || { cat "$csv" >&2; fail "no score for $name"; }
        out "$(printf '%-7s %-26s %10s %10s %10s %12.0f' "$round" "$name" - - - "${round_value[$name]}")"
      else
        round_value[$name]="$(csv_value "$csv" "$name:p0.50")"
        [ -n "${round_value[$name]}" ] || { cat "$csv" >&2; fail "no p50 for $name"; }
        out "$(printf '%-7s %-26s %10.2f %10.2f %10.2f %12s' "$round" "$name" "${round_value[$name]}" \
          "$(csv_value "$csv" "$name:p0.90")" "$(csv_value "$csv" "$name:p0.99")" -)"
      fi
      values[$name]="${values[$name]:-} ${round_value[$name]}"
    done
    out "        round $round: delivery p50 ours / plain = $(ratio "${round_value[DeliveryBench.ours]}" "${round_value[DeliveryBench.plain]}"); signing ours / plain = $(ratio "${round_value[SigningBench.ours]}" "${round_value[SigningBench.plain]}")"
  done
  out "load average after the runs (1, 5, 15 min): $(cut -d' ' -f1-3 /proc/loadavg)"
  out ""
  local -A mean=()
  for name in "${!values[@]}"; do
    # shellcheck disable=SC2086
    mean[$name]="$(printf '%s\n' ${values[$name]} | awk '{ s += $1 } END { printf "%.3f", s / NR }')"
  done
  local delivery_ratio signing_ratio
  delivery_ratio="$(ratio "${mean[DeliveryBench.ours]}" "${mean[DeliveryBench.plain]}")"
  signing_ratio="$(ratio "${mean[SigningBench.ours]}" "${mean[SigningBench.plain]}")"
  out "p50 = mean of the rounds' p50 (JMH SampleTime); ops/s = mean of the rounds' throughput"
  record "$(printf '4. secret delivery   ours p50 %.2f us | plain SunPKCS11 + SunJCE p50 %.2f us | ratio %s (goal <= 1.20: %s)' \
    "${mean[DeliveryBench.ours]}" "${mean[DeliveryBench.plain]}" "$delivery_ratio" "$(verdict "$delivery_ratio" '<=' 1.20)")"
  record "$(printf '   for information    plain without associated data p50 %.2f us (ours / it = %s); warm cache: ours p50 %.2f us, plain (SunJCE) %.2f us' \
    "${mean[DeliveryBench.plainUnbound]}" "$(ratio "${mean[DeliveryBench.ours]}" "${mean[DeliveryBench.plainUnbound]}")" \
    "${mean[DeliveryBench.oursWarm]}" "${mean[DeliveryBench.plainWarm]}")"
  record "$(printf '4. checkpoint signing ours %8.0f signatures/s | plain SunPKCS11 %8.0f signatures/s | ratio %s (goal >= 0.90: %s)' \
    "${mean[SigningBench.ours]}" "${mean[SigningBench.plain]}" "$signing_ratio" "$(verdict "$signing_ratio" '>=' 0.90)")"
  out ""
  unset SOFTHSM2_CONF
}

# ------------------------------------------------------------------------------- 5, 6. task launch (Podman containers)
# Both sides run on one private Podman service with its own storage (--root, --runroot, --tmpdir under the work
# directory, on the same file system as /var/lib/containers here): other Podman users of this host neither disturb the
# measurement nor wait on its storage locks, and everything it stored goes with one directory. What the benchmark leaves
# outside the work directory, removed at its end or at exit: the cgroups Podman made under the run's own cgroup parent,
# and the task runtime directory on /dev/shm. Names carry a random stem, so only this run's are touched.
tasks_stem=""
tasks_runtime=""
tasks_storage=""
tasks_podman() { podman --root "$tasks_storage/root" --runroot "$tasks_storage/run" --tmpdir "$tasks_storage/tmp" "$@"; }
count_lines() { printf '%s\n' "$2" | grep -c -- "$1" || true; } # count_lines PATTERN TEXT
tasks_cleanup() {
  [ -n "$tasks_stem" ] || return 0
  local id group controller mount
  if [ -n "$tasks_storage" ] && [ -d "$tasks_storage/root" ]; then
    # The service is stopped by now: the CLI works on the same storage directly. Containers that exist only in storage
    # (a create cut short by a Podman deadlock leaves those) are listed with --external.
    for id in $(tasks_podman ps -a --external -q 2>/dev/null); do
      tasks_podman rm -f "$id" >/dev/null 2>&1 || say "could not remove container $id"
    done
    tasks_podman rmi -a -f >/dev/null 2>&1 || true
    # Nothing of it may stay mounted before it is deleted.
    while read -r mount; do
      umount -l "$mount" 2>/dev/null || say "could not unmount $mount"
    done < <(findmnt -rn -o TARGET | grep -F "$tasks_storage/" | sort -r || true)
    rm -rf "$tasks_storage" 2>/dev/null || say "could not remove $tasks_storage"
  fi
  for controller in /sys/fs/cgroup/*/; do
    group="$controller$tasks_stem"
    [ -d "$group" ] || continue
    # Deepest first; a cgroup directory holds only kernel files, so rmdir removes it once no process is left.
    find "$group" -depth -type d -exec rmdir {} \; 2>/dev/null || say "could not remove every cgroup under $group"
  done
  [ -n "$tasks_runtime" ] && rm -rf "$tasks_runtime"
  tasks_stem=""
}

# api_workspace_with_image NAME: through the API, creates workspace bench-NAME and a runner token (into $dir/auth.curl:
# every header with the token goes through files, not command lines) and uploads $dir/base.oci.tar; sets the caller's
# workspace and image. Uses the caller's ca, base, admin_token and dir.
api_workspace_with_image() {
  local response token digest
  response="$(curl -sS --fail-with-body --cacert "$ca" -H "Authorization: Bearer $admin_token" \
    -H 'Content-Type: application/json' -d "{\"name\":\"bench-$1\"}" "$base/v1/workspaces")" || fail "create workspace: $response"
  workspace="$(printf '%s' "$response" | sed -n 's/.*"id":"\(ws_[0-9a-f]*\)".*/\1/p')"
  [ -n "$workspace" ] || fail "no workspace id in: $response"
  response="$(curl -sS --fail-with-body --cacert "$ca" -H "Authorization: Bearer $admin_token" -H 'Content-Type: application/json' \
    -d '{"name":"bench-runner","scopes":["workspace:read","images:write","templates:write","tasks:run"]}' \
    "$base/v1/workspaces/$workspace/tokens")" || fail "create token: $response"
  token="$(printf '%s' "$response" | sed -n 's/.*"token":"\(heroa_wt_[^"]*\)".*/\1/p')"
  [ -n "$token" ] || fail "no token in the token response"
  printf 'header = "Authorization: Bearer %s"\n' "$token" >"$dir/auth.curl"
  chmod 600 "$dir/auth.curl"
  digest="sha-256=:$(openssl dgst -sha256 -binary "$dir/base.oci.tar" | base64 -w0):"
  response="$(curl -sS --fail-with-body --cacert "$ca" -K "$dir/auth.curl" -H 'Content-Type: application/x-tar' \
    -H "Content-Digest: $digest" --data-binary @"$dir/base.oci.tar" "$base/v1/workspaces/$workspace/images")" \
    || fail "upload image: $response"
  image="$(printf '%s' "$response" | jq -r '.digest')"
  [[ "$image" =~ ^sha256:[0-9a-f]{64}$ ]] || fail "no image digest in: $response"
}

bench_tasks() {
  out "== 5, 6. Task launch: POST /v1/workspaces/{ws}/tasks (synchronous) vs bare podman run --rm, same image, flags and Podman service =="
  local dir="$work/tasks"
  mkdir -p "$dir"
  tasks_stem="heroa-bench-$(od -An -N4 -tx4 /dev/urandom | tr -d ' \n')"
  tasks_storage="$dir/podman"
  mkdir -p "$tasks_storage/root" "$tasks_storage/run" "$tasks_storage/tmp"
  cleanups+=("tasks_cleanup")
  # The task runtime directory must be a tmpfs (secrets go through it): /dev/shm. The bare side's bind mount lives there too.
  tasks_runtime="/dev/shm/$tasks_stem"
  mkdir -p "$tasks_runtime/bare" "$tasks_runtime/bare-output"
  chmod 755 "$tasks_runtime" "$tasks_runtime/bare"

  # A private Podman service for both sides, configured by build/podman/containers.conf (runc, cgroupfs). It stops with
  # this script (SIGTERM through the watcher), or by itself when this script is gone.
  local socket="$dir/podman.sock" parent=$$
  say "tasks: starting a private Podman service on $socket, storage under $tasks_storage"
  (
    set +e
    # SIGTERM, then SIGKILL after 10 s: a deadlocked service may not end on SIGTERM.
    stop_service() {
      kill -TERM "$service" 2>/dev/null
      for ((i = 0; i < 50; i++)); do kill -0 "$service" 2>/dev/null || break; sleep 0.2; done
      kill -KILL "$service" 2>/dev/null
      wait "$service" 2>/dev/null
    }
    trap 'stop_service; exit 0' TERM INT
    # podman itself, not through a function (a function in the background is a subshell: signals would reach it, not podman).
    podman --root "$tasks_storage/root" --runroot "$tasks_storage/run" --tmpdir "$tasks_storage/tmp" \
      system service --time 0 "unix://$socket" >"$work/logs/podman-service.log" 2>&1 &
    service=$!
    echo "$service" >"$dir/podman-service.pid"
    deadline=$((SECONDS + 3600))
    while kill -0 "$parent" 2>/dev/null && kill -0 "$service" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 1; done
    stop_service
  ) &
  local podman_watch=$!
  started+=("$podman_watch")
  local waited
  for ((waited = 0; waited < 300; waited++)); do
    [ -S "$socket" ] && podman --url "unix://$socket" version >/dev/null 2>&1 && break
    kill -0 "$podman_watch" 2>/dev/null || { tail -n 20 "$work/logs/podman-service.log" >&2; fail "the Podman service exited"; }
    sleep 0.1
  done
  [ -S "$socket" ] || { tail -n 20 "$work/logs/podman-service.log" >&2; fail "the Podman service did not answer within 30 s"; }
  local podman_pid
  podman_pid="$(cat "$dir/podman-service.pid")"
  # The "what if" variant: both sides ask for a user namespace of an explicit size. The CLI says so itself; the
  # appliance's requests pass through PodmanShim, which adds the size to each create and changes nothing else.
  local appliance_socket="$socket" userns=auto shim_pid=""
  if [ -n "$tasks_userns_size" ]; then
    [[ "$tasks_userns_size" =~ ^[0-9]+$ ]] || fail "HEROA_BENCH_TASKS_USERNS_SIZE must be a number of IDs (e.g. 1024)"
    userns="auto:size=$tasks_userns_size"
    appliance_socket="$dir/shim.sock"
    say "tasks: what-if variant: user namespaces of $tasks_userns_size IDs on both sides (PodmanShim in front of the appliance's Podman)"
    "${jvm[@]}" -cp "$classpath" ca.heroa.appliance.bench.PodmanShim --listen "$appliance_socket" --upstream "$socket" \
      --userns-size "$tasks_userns_size" --log-creates "$dir/creates.jsonl" --parent-pid $$ --max-seconds 3600 \
      >"$work/logs/tasks-shim.log" 2>&1 &
    shim_pid=$!
    started+=("$shim_pid")
    for ((waited = 0; waited < 300; waited++)); do
      [ -S "$appliance_socket" ] && podman --url "unix://$appliance_socket" version >/dev/null 2>&1 && break
      sleep 0.1
    done
    [ -S "$appliance_socket" ] || { cat "$work/logs/tasks-shim.log" >&2; fail "PodmanShim did not start"; }
  fi

  say "tasks: building the busybox base image archive (build/podman/base-image.sh)"
  "$repo/build/podman/base-image.sh" "$dir/base.oci.tar" >"$work/logs/tasks-base-image.log" 2>&1 \
    || { cat "$work/logs/tasks-base-image.log" >&2; fail "building the base image"; }

  psql_do postgres "CREATE DATABASE heroa_tasks"
  local port admin_port
  free_port; port="$REPLY"
  free_port; admin_port="$REPLY"
  export SOFTHSM2_CONF="$dir/hsm/softhsm2.conf"
  say "tasks: starting the appliance on 127.0.0.1:$port (external PostgreSQL, TLS files, Podman at $appliance_socket, $tasks_concurrency tasks at once)"
  # The appliance's own phase timer (TaskRunner logs each task's phases at DEBUG): one line per task, read by the driver.
  cat >"$dir/logging.properties" <<'PROPERTIES'
handlers=java.util.logging.ConsoleHandler
java.util.logging.ConsoleHandler.level=FINE
java.util.logging.SimpleFormatter.format=%1$tFT%1$tT.%1$tL %4$s %3$s: %5$s%6$s%n
.level=INFO
ca.heroa.appliance.task.TaskRunner.level=FINE
PROPERTIES
  local -a profiling=()
  if [ -n "$tasks_jfr" ]; then
    # For diagnosis only (it costs the appliance a few per cent of CPU): not in recorded runs.
    profiling=("-XX:StartFlightRecording=filename=$tasks_jfr,settings=profile,dumponexit=true,jdk.ExecutionSample#period=5ms,jdk.Compilation#threshold=0ms,jdk.ClassLoad#enabled=true")
    say "tasks: recording the appliance with JFR into $tasks_jfr"
  fi
  "${jvm[@]}" "${profiling[@]}" -Djava.util.logging.config.file="$dir/logging.properties" "${dataset_options[@]}" -Dheroa.data-dir="$dir/appliance" -Dheroa.hsm.dev-token-dir="$dir/hsm" -Dheroa.server.host=127.0.0.1 \
    -Dheroa.server.port="$port" -Dheroa.server.admin-port="$admin_port" \
    -Dheroa.server.tls.mode=files -Dheroa.server.tls.certificate="$certificate" -Dheroa.server.tls.private-key="$private_key" \
    -Dheroa.database.mode=external -Dheroa.database.url="jdbc:postgresql://localhost:$pg_port/heroa_tasks" \
    -Dheroa.database.username=postgres -Dheroa.podman.socket="$appliance_socket" \
    -Dheroa.tasks.max-concurrent="$tasks_concurrency" -Dheroa.tasks.max-queued=64 \
    -Dheroa.tasks.runtime-directory="$tasks_runtime/appliance" -Dheroa.tasks.cgroup-parent="$tasks_stem" \
    -cp "$classpath" ca.heroa.appliance.bench.BenchAppliance --info-file "$dir/appliance.info" \
    --parent-pid $$ --max-seconds 1800 >"$work/logs/tasks-appliance.log" 2>&1 &
  local appliance_pid=$!
  started+=("$appliance_pid")
  wait_for_file "$dir/appliance.info" 120 "$appliance_pid" "$work/logs/tasks-appliance.log"
  local admin_token base="https://127.0.0.1:$port" jdbc_url
  admin_token="$(sed -n 's/^admin-token=//p' "$dir/appliance.info")"
  jdbc_url="$(sed -n 's/^jdbc-url=//p' "$dir/appliance.info")"

  say "tasks: creating a workspace and a token, uploading the image, defining the template (through the API)"
  local workspace image response
  api_workspace_with_image tasks
  local image_id="${image#sha256:}"
  local manifest
  manifest="$(jq -cn --arg image "$image" '{name: "bench-true", image: $image, command: ["/bin/true"], secrets: [],
    resources: {cpuMillis: 1000, memoryMiB: 256, pids: 64, tmpfsMiB: 64, timeoutSeconds: 60}}')"
  response="$(curl -sS --fail-with-body --cacert "$ca" -K "$dir/auth.curl" -H 'Content-Type: application/json' \
    -d "$manifest" "$base/v1/workspaces/$workspace/templates")" || fail "define template: $response"

  # Ours: one curl per task, a new TLS connection each time, as a CI job would run it.
  {
    printf 'url = "%s"\n' "$base/v1/workspaces/$workspace/tasks"
    printf 'cacert = "%s"\n' "$ca"
    cat "$dir/auth.curl"
    printf 'header = "Content-Type: application/json"\n'
    printf 'data = "{\\"template\\":\\"bench-true\\",\\"waitSeconds\\":60}"\n'
    printf 'write-out = "\\n%%{http_code} %%{time_appconnect} %%{time_total}\\n"\n'
    printf 'max-time = 120\n'
  } >"$dir/task.curl"
  chmod 600 "$dir/task.curl"
  # Bare: the flags the appliance's LibpodClient sets on every task container, as the CLI spells them; the same seccomp
  # profile file (the one the appliance installed), a read-only bind mount of a tmpfs directory at /run/heroa, the
  # same resources, environment variable names and labels, and a cgroup parent of its own per container.
  local seccomp="$dir/appliance/tasks/seccomp.json"
  [ -s "$seccomp" ] || fail "the appliance did not install its seccomp profile at $seccomp"
  printf '%s\n' --rm --name '{name}' --network none "--userns=$userns" --user 1000:1000 --cap-drop=all \
    --security-opt no-new-privileges --security-opt "seccomp=$seccomp" --read-only --read-only-tmpfs=false \
    --tmpfs /tmp:rw,size=64m,nosuid,nodev,mode=1777,U,notmpcopyup --pids-limit 64 --memory 256m --memory-swap 256m --cpus 1 \
    --shm-size 8m -v "$tasks_runtime/bare:/run/heroa:ro,nosuid,nodev,rprivate" --cgroup-parent '{cgroup}' \
    --pid private --ipc private --uts private --image-volume ignore --systemd=false --http-proxy=false --restart no \
    --no-healthcheck --log-driver k8s-file --log-opt "path=$tasks_runtime/bare-output/{name}.log" --log-opt max-size=16m \
    --entrypoint= --label heroa.bench="$tasks_stem" --label heroa.task-id=bare --label heroa.workspace="$workspace" \
    -e HEROA_TASK_ID=bare -e HEROA_WORKSPACE="$workspace" -e HEROA_STATE_SOCKET=/run/heroa/state.sock \
    -e HEROA_TOKEN_FILE=/run/heroa/token -e HEROA_SECRETS_DIR=/run/heroa/secrets "$image_id" /bin/true >"$dir/bare.args"

  out "appliance: curl -K task.curl: POST $base/v1/workspaces/{ws}/tasks {\"template\":\"bench-true\",\"waitSeconds\":60}, one curl process and TLS 1.3 connection per task; 200 only after the final state and its audit entry are committed"
  out "template:  image $image (busybox-static, build/podman/base-image.sh), command /bin/true, cpu 1000m, memory 256 MiB, pids 64, tmpfs 64 MiB"
  out "bare:      podman --url unix://<same socket> run $(tr '\n' ' ' <"$dir/bare.args" | sed "s|$tasks_stem|<stem>|g")"
  out "Podman service: podman --root/--runroot/--tmpdir <work>/tasks/podman/... system service --time 0 unix://<work>/tasks/podman.sock (CONTAINERS_CONF=build/podman/containers.conf)"
  out "Podman $(podman --url "unix://$socket" version --format '{{.Server.Version}}'), $(runc --version | head -n1), cgroup $(stat -fc %T /sys/fs/cgroup | sed 's/cgroup2fs/v2/; s/tmpfs/v1/'); heroa.tasks.max-concurrent=$tasks_concurrency, max-queued=64"
  if [ -n "$tasks_userns_size" ]; then
    out "WHAT-IF VARIANT: --userns=auto:size=$tasks_userns_size on both sides; the appliance talks to Podman through PodmanShim, which adds"
    out "  the size to its container creates (what LibpodClient would send with the proposed change) and forwards every other byte unchanged"
  fi
  out "latency: $tasks_warmup unmeasured pairs, then $tasks_iterations pairs one at a time, alternating (ours first in even pairs, bare first in odd ones)"
  out "throughput: $tasks_warmup_rounds unmeasured round(s), then $tasks_rounds rounds of $tasks_per_round tasks per side from $tasks_concurrency concurrent clients, order reversed every other round"
  out "load average before (1, 5, 15 min): $(cut -d' ' -f1-3 /proc/loadavg)"
  out ""

  local log="$work/logs/tasks-driver.log" driver_status=0
  "${jvm[@]}" -cp "$classpath" ca.heroa.appliance.bench.TaskBench --curl-config "$dir/task.curl" --bare-args "$dir/bare.args" \
    --podman "$(command -v podman)" --socket "$socket" --jdbc-url "$jdbc_url" --out-dir "$dir/results" \
    --name-prefix "$tasks_stem" --cgroup-prefix "/$tasks_stem/bare" --appliance-pid "$appliance_pid" --podman-pid "$podman_pid" \
    --appliance-log "$work/logs/tasks-appliance.log" \
    --iterations "$tasks_iterations" --warmup "$tasks_warmup" --concurrency "$tasks_concurrency" \
    --tasks-per-round "$tasks_per_round" --rounds "$tasks_rounds" --warmup-rounds "$tasks_warmup_rounds" >"$log" || driver_status=$?
  out "load average after (1, 5, 15 min): $(cut -d' ' -f1-3 /proc/loadavg)"

  # A launch that did not end usually means Podman itself stopped answering. If it did, its goroutines say why: SIGQUIT
  # makes the service print them to its log and exit, which also releases the storage locks it held (they block every
  # Podman user on this host meanwhile).
  local deadlock=""
  if ! timeout 15 podman --url "unix://$socket" ps -a -q >/dev/null 2>&1; then
    say "tasks: the Podman service does not answer; dumping its goroutines (SIGQUIT) into $work/logs/podman-service.log"
    kill -QUIT "$podman_pid" 2>/dev/null || true
    for ((waited = 0; waited < 100; waited++)); do kill -0 "$podman_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$podman_pid" 2>/dev/null || true
    # Each goroutine as "[state] call <- caller <- ...", keeping those waiting on a containers/storage lock file.
    local chains
    chains="$(awk '/^goroutine [0-9]+ \[/ { state = $3; sub(/[],:].*/, "", state); sub(/^\[/, "", state); chain = ""; g = 1; next }
      g && /^(github|main)/ { sub(/\((0x|_|\{|\)|\.\.\.).*$/, ""); sub(/.*\//, ""); chain = chain (chain ? " <- " : "") $0 }
      g && /^$/ { if (chain ~ /lockfile/) print "[" state "] " chain; g = 0 }' "$work/logs/podman-service.log")"
    deadlock="Podman deadlocked: $(count_lines lockfile "$chains") calls waiting on containers/storage lock files, $(count_lines getMaxSizeFromImage "$chains") of them in CreateContainer -> getAutoUserNS -> getMaxSizeFromImage -> LayerStore (podman issue 16062)"
    out "$deadlock"
    out "  blocked calls (from the service's goroutine dump, $work/logs/podman-service.log):"
    printf '%s\n' "$chains" | sed 's/lockfile.(\*lockfile).lock <- lockfile.(\*lockfile).R\{0,1\}Lock <- //' | cut -c1-200 | sort | uniq -c | sort -rn | head -n 12
  fi
  if [ "$driver_status" -ne 0 ]; then
    sed -n '/^Exception\|^Caused by\|^bench: tasks:/p' "$log" >&2
    stop_process "$appliance_pid"; forget "$appliance_pid"
    if [ -n "$shim_pid" ]; then stop_process "$shim_pid"; forget "$shim_pid"; fi
    stop_process "$podman_watch"; forget "$podman_watch"
    unset SOFTHSM2_CONF
    tasks_cleanup
    if [ -n "$deadlock" ]; then record "5, 6. task launch     NOT MEASURED: $deadlock"; fi
    fail "the tasks driver failed (driver log: $log; appliance log: $work/logs/tasks-appliance.log)"
  fi
  if [ "$keep" = 1 ]; then cp "$log" "$dir/results/driver.log"; fi

  line() { grep "^TASKS $1" "$log" | head -n1 || true; } # line PREFIX: the driver's first line starting with TASKS PREFIX
  local -A p50=() p99=() mean=() p90=() maximum=() rate=()
  local side
  for side in ours bare; do
    p50[$side]="$(line "latency side=$side " | field p50_ms)"
    p90[$side]="$(line "latency side=$side " | field p90_ms)"
    p99[$side]="$(line "latency side=$side " | field p99_ms)"
    mean[$side]="$(line "latency side=$side " | field mean_ms)"
    maximum[$side]="$(line "latency side=$side " | field max_ms)"
    rate[$side]="$(line "throughput side=$side " | field rate)"
  done
  out ""
  out "$(printf '%-10s %8s %8s %8s %8s %8s' latency 'mean ms' 'p50 ms' 'p90 ms' 'p99 ms' 'max ms')"
  for side in ours bare; do
    out "$(printf '%-10s %8.1f %8.1f %8.1f %8.1f %8.1f' "$side" "${mean[$side]}" "${p50[$side]}" "${p90[$side]}" "${p99[$side]}" "${maximum[$side]}")"
  done
  out "curl (ours): $(line curl | sed 's/^TASKS curl //')"
  local strict_p50 strict_p99
  strict_p50="$(line 'strict side=bare' | field p50_ms)"
  strict_p99="$(line 'strict side=bare' | field p99_ms)"
  if [ -n "$strict_p50" ]; then
    out "$(printf 'bare until Podman removed its container (Podman events; without the remote CLI'"'"'s work after that): p50 %.1f ms, p99 %.1f ms' "$strict_p50" "$strict_p99")"
  fi
  out ""
  out "$(printf '%-7s %-6s %7s %10s %10s' round side tasks seconds 'tasks/s')"
  local round_line round tasks seconds r
  while IFS= read -r round_line; do
    round="$(printf '%s' "$round_line" | field round)"
    if [[ "$round_line" == *ratio=* ]]; then
      out "        round $round: ours / bare = $(printf '%s' "$round_line" | field ratio)"
      continue
    fi
    side="$(printf '%s' "$round_line" | field side)"
    tasks="$(printf '%s' "$round_line" | field tasks)"
    seconds="$(printf '%s' "$round_line" | field seconds)"
    r="$(printf '%s' "$round_line" | field rate)"
    out "$(printf '%-7s %-6s %7d %10.2f %10.2f' "$round" "$side" "$tasks" "$seconds" "$r")"
  done < <(grep '^TASKS throughput round=' "$log")
  for side in ours bare; do
    if [ -n "${rate[$side]}" ]; then out "all rounds, $side: $(line "throughput side=$side " | sed 's/^TASKS throughput //')"; fi
  done
  if [ -n "$(line 'throughput failed')" ]; then out "throughput stopped: $(line 'throughput failed' | sed 's/^TASKS throughput failed //')"; fi
  out ""
  out "CPU per task (ms; machine = every process and the kernel, from /proc/stat; appliance = its JVM; podman_service = the API service, not conmon or runc):"
  grep '^TASKS cpu ' "$log" | sed 's/^TASKS cpu /  /' || true
  out ""
  out "where the time goes, latency launches (median, p90, p99 in ms between consecutive marks; clocks: driver, Podman events, task row):"
  grep '^TASKS phases\? ' "$log" | sed 's/^TASKS //; s/^/  /' || true
  out ""
  out "the appliance's own phase timer (TaskRunner, DEBUG log; median, p90, p99 in ms):"
  grep '^TASKS runner ' "$log" | sed 's/^TASKS runner /  /' || true
  out ""
  out "$(line audit | sed 's/^TASKS //')"

  if [ -n "$shim_pid" ]; then
    out "PodmanShim: $(awk -v size="$tasks_userns_size" '/"AutoUserNs":true/ { n++; if (index($0, "\"Size\":" size)) s++ } END { printf "%d container creates forwarded, %d with Size %s", n, s, size }' "$dir/creates.jsonl")"
  fi

  # The appliance first (its tasks are done), then the service; then nothing of the run may remain in Podman.
  stop_process "$appliance_pid"; forget "$appliance_pid"
  if [ -n "$shim_pid" ]; then stop_process "$shim_pid"; forget "$shim_pid"; fi
  local leftover=""
  if [ -z "$deadlock" ]; then
    leftover="$(podman --url "unix://$socket" ps -a --format '{{.Names}}' | grep -E "^($tasks_stem-|heroa-task_)" || true)"
  fi
  stop_process "$podman_watch"; forget "$podman_watch"
  unset SOFTHSM2_CONF
  psql_do postgres "DROP DATABASE heroa_tasks"
  tasks_cleanup
  [ -z "$leftover" ] || say "WARNING: containers left after the run (removed now): $leftover"

  local p50_ratio p99_ratio rate_ratio variant=""
  if [ -n "$tasks_userns_size" ]; then variant=" [what-if: --userns=auto:size=$tasks_userns_size on both sides]"; fi
  p50_ratio="$(ratio "${p50[ours]}" "${p50[bare]}")"
  p99_ratio="$(ratio "${p99[ours]}" "${p99[bare]}")"
  out ""
  record "$(printf '5. task launch, p50   appliance %7.1f ms | bare podman run %7.1f ms | ratio %s (goal <= 1.15: %s)%s' \
    "${p50[ours]}" "${p50[bare]}" "$p50_ratio" "$(verdict "$p50_ratio" '<=' 1.15)" "$variant")"
  record "$(printf '5. task launch, p99   appliance %7.1f ms | bare podman run %7.1f ms | ratio %s (goal <= 1.30: %s)%s' \
    "${p99[ours]}" "${p99[bare]}" "$p99_ratio" "$(verdict "$p99_ratio" '<=' 1.30)" "$variant")"
  if [ -n "$strict_p50" ]; then
    record "$(printf '   for information    bare until its container is removed: p50 %.1f ms, p99 %.1f ms; appliance / it: p50 %s, p99 %s' \
      "$strict_p50" "$strict_p99" "$(ratio "${p50[ours]}" "$strict_p50")" "$(ratio "${p99[ours]}" "$strict_p99")")"
  fi
  if [ -n "${rate[ours]}" ] && [ -n "${rate[bare]}" ]; then
    rate_ratio="$(ratio "${rate[ours]}" "${rate[bare]}")"
    record "$(printf '6. %d concurrent      appliance %7.2f tasks/s | bare podman run %7.2f tasks/s | ratio %s (goal >= 0.90: %s)%s' \
      "$tasks_concurrency" "${rate[ours]}" "${rate[bare]}" "$rate_ratio" "$(verdict "$rate_ratio" '>=' 0.90)" "$variant")"
  else
    record "$(printf '6. %d concurrent      NOT MEASURED: %s%s' "$tasks_concurrency" \
      "${deadlock:-$(line 'throughput failed' | sed 's/^TASKS throughput failed //')}" "$variant")"
  fi
  out ""
}

# ------------------------------------------------------------------------------- 7. task launch with egress (kernel)
# The lab and the baseline's kernel objects live outside the work directory; egress_cleanup removes exactly those of this
# run (names with its random stem, the appliance's table named after its own data directory), at the end or at exit.
egress_lab_ns=""
egress_lab_link=""
egress_route_table=""
egress_rule=()
egress_appliance_id=""
egress_bare_prefix=""
egress_bare_link=""
egress_cleanup() {
  local name link
  if [ ${#egress_rule[@]} -gt 0 ]; then
    ip rule del "${egress_rule[@]}" 2>/dev/null || say "could not remove the rule: ip rule ${egress_rule[*]}"
    egress_rule=()
  fi
  if [ -n "$egress_route_table" ]; then
    ip route flush table "$egress_route_table" 2>/dev/null || true
    egress_route_table=""
  fi
  # What a launch cut short left: the script's namespaces and link, the appliance's namespaces and links (its id is ours).
  if [ -n "$egress_bare_prefix" ]; then
    for name in $(ip netns list | awk '{ print $1 }' | grep -F -- "$egress_bare_prefix" || true); do
      ip netns delete "$name" 2>/dev/null || say "could not delete the network namespace $name"
    done
  fi
  if [ -n "$egress_bare_link" ] && ip link show dev "$egress_bare_link" >/dev/null 2>&1; then
    ip link delete dev "$egress_bare_link" 2>/dev/null || say "could not delete the link $egress_bare_link"
  fi
  if [ -n "$egress_appliance_id" ]; then
    for name in $(ip netns list | awk '{ print $1 }' | grep -E "^heroa-$egress_appliance_id-" || true); do
      ip netns delete "$name" 2>/dev/null || say "could not delete the network namespace $name"
    done
    for link in $(ip -o link show | awk -F': ' '{ print $2 }' | sed 's/@.*//' | grep -E "^h${egress_appliance_id:0:6}[0-9a-f]{4}\$" || true); do
      ip link delete dev "$link" 2>/dev/null || say "could not delete the link $link"
    done
    # The appliance installs its host wall at start and leaves it when it stops (the next start replaces it).
    if nft list table inet "heroa_$egress_appliance_id" >/dev/null 2>&1; then
      nft delete table inet "heroa_$egress_appliance_id" || say "could not delete the nftables table inet heroa_$egress_appliance_id"
    fi
    egress_appliance_id=""
  fi
  if [ -n "$egress_lab_ns" ]; then
    # Deleting the namespace deletes its end of the veth pair, and with it the host's end.
    ip netns delete "$egress_lab_ns" 2>/dev/null || say "could not delete the lab namespace $egress_lab_ns"
    egress_lab_ns=""
  fi
  if [ -n "$egress_lab_link" ]; then
    if ip link show dev "$egress_lab_link" >/dev/null 2>&1; then ip link delete dev "$egress_lab_link" 2>/dev/null || true; fi
    egress_lab_link=""
  fi
}

bench_egress() {
  out "== 7. Task launch with egress: POST /v1/workspaces/{ws}/tasks (egress to a lab host) vs a shell script doing the same steps (netns add, nft -f, ip, podman run --network ns:, netns delete) =="
  local dir="$work/egress"
  mkdir -p "$dir"
  local rand
  rand="$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')"
  tasks_stem="heroa-bench-$rand"
  tasks_storage="$dir/podman"
  mkdir -p "$tasks_storage/root" "$tasks_storage/run" "$tasks_storage/tmp"
  cleanups+=("tasks_cleanup")
  cleanups+=("egress_cleanup")
  tasks_runtime="/dev/shm/$tasks_stem"
  mkdir -p "$tasks_runtime/bare" "$tasks_runtime/bare-output" "$tasks_runtime/bare-net"
  chmod 755 "$tasks_runtime" "$tasks_runtime/bare" "$tasks_runtime/bare-net"

  # ---- the lab: a "Canadian" host, 198.51.100.10, serving TCP 443 in a network namespace of its own. Task subnets
  # 10.215.0.0/16 reach it through a routing table of this run (policy routing, so a test lab elsewhere on this host
  # that routes the same documentation address is left alone); the link is 10.197.N.0/30.
  local octet="" candidate
  for candidate in $(shuf -i 0-255 -n 256); do
    if ! ip -4 -o addr show | grep -q " 10\.197\.$candidate\." && [ -z "$(ip route show table $((19700 + candidate)) 2>/dev/null)" ]; then
      octet="$candidate"; break
    fi
  done
  [ -n "$octet" ] || fail "egress: no free 10.197.N.0/30 link subnet"
  local lab_host="10.197.$octet.1" lab_peer="10.197.$octet.2" lab_address=198.51.100.10 lab_port=443
  egress_lab_ns="heroa-benchlab-$rand"
  egress_lab_link="hbl$rand"
  say "egress: building the lab: namespace $egress_lab_ns, link $egress_lab_link ($lab_host - $lab_peer), $lab_address:$lab_port"
  {
    ip netns add "$egress_lab_ns" &&
    ip link add "$egress_lab_link" type veth peer name eth0 netns "$egress_lab_ns" &&
    ip addr add "$lab_host/30" dev "$egress_lab_link" &&
    ip link set dev "$egress_lab_link" up &&
    ip -n "$egress_lab_ns" link set dev lo up &&
    ip -n "$egress_lab_ns" addr add "$lab_peer/30" dev eth0 &&
    ip -n "$egress_lab_ns" addr add "$lab_address/32" dev eth0 &&
    ip -n "$egress_lab_ns" link set dev eth0 up &&
    ip -n "$egress_lab_ns" route add default via "$lab_host" &&
    egress_route_table=$((19700 + octet)) &&
    ip route add "$lab_address/32" via "$lab_peer" dev "$egress_lab_link" table "$egress_route_table" &&
    egress_rule=(from 10.215.0.0/16 to "$lab_address/32" lookup "$egress_route_table" priority 1970) &&
    ip rule add "${egress_rule[@]}"
  } >"$work/logs/egress-lab.log" 2>&1 || { cat "$work/logs/egress-lab.log" >&2; fail "egress: building the lab"; }
  gcc -static -O2 -o "$dir/heroa-probe" "$repo/appliance/src/test/resources/probe/heroa-probe.c" >>"$work/logs/egress-lab.log" 2>&1 \
    || { cat "$work/logs/egress-lab.log" >&2; fail "egress: compiling the lab server (heroa-probe.c)"; }
  ip netns exec "$egress_lab_ns" "$dir/heroa-probe" serve "$lab_port" >"$work/logs/egress-lab-server.log" 2>&1 &
  local lab_pid=$!
  started+=("$lab_pid")
  local waited
  for ((waited = 0; waited < 100; waited++)); do
    grep -q '^serving' "$work/logs/egress-lab-server.log" 2>/dev/null && break
    kill -0 "$lab_pid" 2>/dev/null || { cat "$work/logs/egress-lab-server.log" >&2; fail "egress: the lab server exited"; }
    sleep 0.05
  done
  grep -q '^serving' "$work/logs/egress-lab-server.log" || fail "egress: the lab server did not start"
  # The lab dataset: the documentation range of the lab host is "Canadian".
  printf '# Heroa egress benchmark lab: documentation ranges labelled as if they were Canadian or not.\n198.51.100.0,198.51.100.255,CA\n203.0.113.0,203.0.113.255,US\n' \
    >"$dir/lab-ranges.csv"

  # ---- a private Podman service, as in the tasks benchmark.
  local socket="$dir/podman.sock" parent=$$
  say "egress: starting a private Podman service on $socket, storage under $tasks_storage"
  (
    set +e
    stop_service() {
      kill -TERM "$service" 2>/dev/null
      for ((i = 0; i < 50; i++)); do kill -0 "$service" 2>/dev/null || break; sleep 0.2; done
      kill -KILL "$service" 2>/dev/null
      wait "$service" 2>/dev/null
    }
    trap 'stop_service; exit 0' TERM INT
    podman --root "$tasks_storage/root" --runroot "$tasks_storage/run" --tmpdir "$tasks_storage/tmp" \
      system service --time 0 "unix://$socket" >"$work/logs/egress-podman-service.log" 2>&1 &
    service=$!
    echo "$service" >"$dir/podman-service.pid"
    deadline=$((SECONDS + 3600))
    while kill -0 "$parent" 2>/dev/null && kill -0 "$service" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 1; done
    stop_service
  ) &
  local podman_watch=$!
  started+=("$podman_watch")
  for ((waited = 0; waited < 300; waited++)); do
    [ -S "$socket" ] && podman --url "unix://$socket" version >/dev/null 2>&1 && break
    kill -0 "$podman_watch" 2>/dev/null || { tail -n 20 "$work/logs/egress-podman-service.log" >&2; fail "the Podman service exited"; }
    sleep 0.1
  done
  [ -S "$socket" ] || { tail -n 20 "$work/logs/egress-podman-service.log" >&2; fail "the Podman service did not answer within 30 s"; }

  say "egress: building the busybox base image archive (build/podman/base-image.sh)"
  "$repo/build/podman/base-image.sh" "$dir/base.oci.tar" >"$work/logs/egress-base-image.log" 2>&1 \
    || { cat "$work/logs/egress-base-image.log" >&2; fail "building the base image"; }

  # ---- the appliance: as in the tasks benchmark, plus the lab's egress settings.
  psql_do postgres "CREATE DATABASE heroa_egress"
  local port admin_port userns_size=65536
  free_port; port="$REPLY"
  free_port; admin_port="$REPLY"
  export SOFTHSM2_CONF="$dir/hsm/softhsm2.conf"
  cat >"$dir/logging.properties" <<'PROPERTIES'
handlers=java.util.logging.ConsoleHandler
java.util.logging.ConsoleHandler.level=FINE
java.util.logging.SimpleFormatter.format=%1$tFT%1$tT.%1$tL %4$s %3$s: %5$s%6$s%n
.level=INFO
ca.heroa.appliance.task.TaskRunner.level=FINE
ca.heroa.residency.network.KernelTaskNetworks.level=FINE
PROPERTIES
  say "egress: starting the appliance on 127.0.0.1:$port (external PostgreSQL, TLS files, Podman at $socket, task subnets 10.215.0.0/16, fd68:6572:6f63::/48)"
  "${jvm[@]}" -Djava.util.logging.config.file="$dir/logging.properties" -Dheroa.data-dir="$dir/appliance" -Dheroa.hsm.dev-token-dir="$dir/hsm" \
    -Dheroa.server.host=127.0.0.1 -Dheroa.server.port="$port" -Dheroa.server.admin-port="$admin_port" \
    -Dheroa.server.tls.mode=files -Dheroa.server.tls.certificate="$certificate" -Dheroa.server.tls.private-key="$private_key" \
    -Dheroa.database.mode=external -Dheroa.database.url="jdbc:postgresql://localhost:$pg_port/heroa_egress" \
    -Dheroa.database.username=postgres -Dheroa.podman.socket="$socket" -Dheroa.podman.userns-size="$userns_size" \
    -Dheroa.tasks.max-concurrent=8 -Dheroa.tasks.max-queued=64 \
    -Dheroa.tasks.runtime-directory="$tasks_runtime/appliance" -Dheroa.tasks.cgroup-parent="$tasks_stem" \
    -Dheroa.egress.dataset.version="heroa-bench-lab 1" -Dheroa.egress.dataset.files.0.path="$dir/lab-ranges.csv" \
    -Dheroa.egress.site-allowances.0.cidr=198.51.100.0/24 -Dheroa.egress.site-allowances.0.ports.0="$lab_port" \
    -Dheroa.egress.site-allowances.0.protocol=tcp \
    -Dheroa.egress.task-network.ipv4-subnet=10.215.0.0/16 -Dheroa.egress.task-network.ipv6-subnet=fd68:6572:6f63::/48 \
    -cp "$classpath" ca.heroa.appliance.bench.BenchAppliance --info-file "$dir/appliance.info" \
    --parent-pid $$ --max-seconds 1800 >"$work/logs/egress-appliance.log" 2>&1 &
  local appliance_pid=$!
  started+=("$appliance_pid")
  # Its id names its host wall table and its namespaces: the first 6 bytes of SHA-256 of its data directory's path.
  egress_appliance_id="$(printf '%s' "$dir/appliance" | sha256sum | cut -c1-12)"
  wait_for_file "$dir/appliance.info" 120 "$appliance_pid" "$work/logs/egress-appliance.log"
  nft list table inet "heroa_$egress_appliance_id" >/dev/null 2>&1 \
    || fail "egress: the appliance's host wall table inet heroa_$egress_appliance_id is missing (id computed from $dir/appliance)"
  local admin_token base="https://127.0.0.1:$port" jdbc_url
  admin_token="$(sed -n 's/^admin-token=//p' "$dir/appliance.info")"
  jdbc_url="$(sed -n 's/^jdbc-url=//p' "$dir/appliance.info")"

  say "egress: creating a workspace and a token, uploading the image, defining the template (through the API)"
  local workspace image response
  api_workspace_with_image egress
  local image_id="${image#sha256:}" manifest
  local -a command=(/bin/nc -w 2 "$lab_address" "$lab_port")
  manifest="$(jq -cn --arg image "$image" --arg to "$lab_address/32" --argjson port "$lab_port" \
    --argjson command "$(printf '%s\n' "${command[@]}" | jq -R . | jq -sc .)" '{name: "bench-egress", image: $image,
    command: $command, secrets: [], egress: [{cidr: $to, ports: [$port], protocol: "tcp"}],
    resources: {cpuMillis: 1000, memoryMiB: 256, pids: 64, tmpfsMiB: 64, timeoutSeconds: 60}}')"
  response="$(curl -sS --fail-with-body --cacert "$ca" -K "$dir/auth.curl" -H 'Content-Type: application/json' \
    -d "$manifest" "$base/v1/workspaces/$workspace/templates")" || fail "define template: $response"
  {
    printf 'url = "%s"\n' "$base/v1/workspaces/$workspace/tasks"
    printf 'cacert = "%s"\n' "$ca"
    cat "$dir/auth.curl"
    printf 'header = "Content-Type: application/json"\n'
    printf 'data = "{\\"template\\":\\"bench-egress\\",\\"waitSeconds\\":60}"\n'
    printf 'write-out = "\\n%%{http_code} %%{time_appconnect} %%{time_total}\\n"\n'
    printf 'max-time = 120\n'
  } >"$dir/task.curl"
  chmod 600 "$dir/task.curl"

  # ---- sanity pass: one task of ours reaches the lab host, and its audit entries hold the plan and the counted packets.
  say "egress: sanity pass: one task through the appliance"
  local body task_id completed allowed_out plan
  body="$(curl -sS -K "$dir/task.curl")" || fail "egress: sanity task request: $body"
  [ "$(printf '%s\n' "$body" | tail -n1 | awk '{ print $1 }')" = 200 ] || fail "egress: sanity task did not answer 200: $body"
  body="$(printf '%s\n' "$body" | sed '$d')"
  task_id="$(printf '%s' "$body" | jq -r '.id')"
  [ "$(printf '%s' "$body" | jq -r '.status')" = succeeded ] && printf '%s' "$body" | jq -r '.output.stdout' | grep -q "heroa-lab $lab_port" \
    || { tail -n 20 "$work/logs/egress-appliance.log" >&2; fail "egress: the sanity task did not reach $lab_address:$lab_port: $body"; }
  completed="$(psql_do heroa_egress "SELECT details FROM audit_log WHERE target = 'task:$task_id' AND action = 'task.completed'")"
  allowed_out="$(printf '%s' "$completed" | jq -r '.egressAllowedOutPackets // "0"')"
  [ "$allowed_out" -gt 0 ] 2>/dev/null || fail "egress: the sanity task's task.completed entry counts no allowed packet out: $completed"
  plan="$(psql_do heroa_egress "SELECT details FROM audit_log WHERE target = 'task:$task_id' AND action = 'task.accepted'" | jq -r '.egressPlan')"
  [ -n "$plan" ] && [ "$plan" != null ] || fail "egress: no egressPlan in the sanity task's task.accepted entry"

  # ---- the baseline's input, rendered once from that recorded plan by the residency guard's own functions.
  "${jvm[@]}" -cp "$classpath" ca.heroa.appliance.bench.EgressRender --plan-json "$plan" --appliance-id "$egress_appliance_id" \
    --ipv4-subnet 10.215.0.0/16 --ipv6-subnet fd68:6572:6f63::/48 --slot 4096 --out-dir "$dir/render" >"$work/logs/egress-render.log" 2>&1 \
    || { cat "$work/logs/egress-render.log" >&2; fail "egress: rendering the baseline's rulesets"; }
  egress_bare_link="$(sed -n 's/^iface=//p' "$dir/render/egress.env")"
  egress_bare_prefix="$tasks_stem-bare-"
  local seccomp="$dir/appliance/tasks/seccomp.json"
  [ -s "$seccomp" ] || fail "the appliance did not install its seccomp profile at $seccomp"
  # The tasks benchmark's bare flags with the appliance's explicit user-namespace size, and what a task with egress
  # gets on top: the prepared namespace, an empty read-only /sys, its /etc/hosts and /etc/resolv.conf.
  printf '%s\n' --rm --name '{name}' --network 'ns:/run/netns/{netns}' "--userns=auto:size=$userns_size" --user 1000:1000 --cap-drop=all \
    --security-opt no-new-privileges --security-opt "seccomp=$seccomp" --read-only --read-only-tmpfs=false \
    --tmpfs /tmp:rw,size=64m,nosuid,nodev,mode=1777,U,notmpcopyup --tmpfs /sys:ro,nosuid,nodev,noexec,size=4096 \
    --pids-limit 64 --memory 256m --memory-swap 256m --cpus 1 \
    --shm-size 8m -v "$tasks_runtime/bare:/run/heroa:ro,nosuid,nodev,rprivate" \
    -v '{netfiles}/hosts:/etc/hosts:ro,nosuid,nodev,rprivate' -v '{netfiles}/resolv.conf:/etc/resolv.conf:ro,nosuid,nodev,rprivate' \
    --cgroup-parent '{cgroup}' \
    --pid private --ipc private --uts private --image-volume ignore --systemd=false --http-proxy=false --restart no \
    --no-healthcheck --log-driver k8s-file --log-opt "path=$tasks_runtime/bare-output/{name}.log" --log-opt max-size=16m \
    --entrypoint= --label heroa.bench="$tasks_stem" --label heroa.task-id=bare --label heroa.workspace="$workspace" \
    -e HEROA_TASK_ID=bare -e HEROA_WORKSPACE="$workspace" -e HEROA_STATE_SOCKET=/run/heroa/state.sock \
    -e HEROA_TOKEN_FILE=/run/heroa/token -e HEROA_SECRETS_DIR=/run/heroa/secrets "$image_id" "${command[@]}" >"$dir/bare.args"

  out "lab:       namespace with 198.51.100.10 (\"CA\" in the lab dataset, 198.51.100.0/24) serving TCP $lab_port (heroa-probe serve), linked to the host by 10.197.$octet.0/30; tasks reach it through ip rule from 10.215.0.0/16"
  out "site:      heroa.egress.site-allowances.0 = 198.51.100.0/24 tcp/443; task subnets 10.215.0.0/16, fd68:6572:6f63::/48; heroa.podman.userns-size=$userns_size"
  out "template:  image $image (busybox-static), command ${command[*]}, egress [198.51.100.10/32 tcp/443], cpu 1000m, memory 256 MiB, pids 64, tmpfs 64 MiB"
  out "appliance: curl -K task.curl: POST $base/v1/workspaces/{ws}/tasks {\"template\":\"bench-egress\",\"waitSeconds\":60}; 200 only after the final state and its audit entry (with the kernel counters) are committed"
  out "bare:      bash egress-bare.sh: ip netns add; nsenter --net nft -f task.nft; nft -f wall-add.nft; ip -batch (host side); ip -n -batch (task side);"
  out "           hosts and resolv.conf; podman --url unix://<same socket> run --network ns:/run/netns/<netns> ...; nsenter nft -j list counters;"
  out "           nft -f wall-remove.nft; ip -force -batch (link delete, netns delete). Rulesets rendered once by NftRuleset from the plan in the sanity task's audit entry:"
  sed 's/^/             task.nft: /' "$dir/render/task.nft" | grep -E 'daddr|policy' | head -n 3
  out "           its link: slot 4096 of the appliance's subnets ($(sed -n 's/^iface=//p' "$dir/render/egress.env"), $(sed -n 's/^task_ipv4=//p' "$dir/render/egress.env")), its entry in the appliance's host wall table inet heroa_<id>"
  out "bare podman run flags: $(tr '\n' ' ' <"$dir/bare.args" | sed "s|$tasks_stem|<stem>|g")"
  out "Podman $(podman --url "unix://$socket" version --format '{{.Server.Version}}'), $(runc --version | head -n1), $(nft --version), $(ip -V)"
  out "sanity: task $task_id succeeded, output '$(printf '%s' "$body" | jq -r '.output.stdout' | head -n1)', task.completed egressAllowedOutPackets=$allowed_out"
  out "latency: $egress_warmup unmeasured pairs, then $egress_iterations pairs one at a time, alternating (ours first in even pairs, bare first in odd ones)"
  out "load average before (1, 5, 15 min): $(cut -d' ' -f1-3 /proc/loadavg)"
  out ""

  local log="$work/logs/egress-driver.log" driver_status=0
  "${jvm[@]}" -cp "$classpath" ca.heroa.appliance.bench.EgressBench --curl-config "$dir/task.curl" --bare-script "$here/egress-bare.sh" \
    --render-dir "$dir/render" --bare-args "$dir/bare.args" --podman "$(command -v podman)" --socket "$socket" --jdbc-url "$jdbc_url" \
    --out-dir "$dir/results" --name-prefix "$tasks_stem" --cgroup-prefix "/$tasks_stem/bare" --netns-prefix "$egress_bare_prefix" \
    --files-dir "$tasks_runtime/bare-net" --expect "heroa-lab $lab_port" --appliance-log "$work/logs/egress-appliance.log" \
    --iterations "$egress_iterations" --warmup "$egress_warmup" >"$log" || driver_status=$?
  out "load average after (1, 5, 15 min): $(cut -d' ' -f1-3 /proc/loadavg)"
  if [ "$driver_status" -ne 0 ]; then
    sed -n '/^Exception\|^Caused by\|^bench: egress:/p' "$log" >&2
    fail "the egress driver failed (driver log: $log; appliance log: $work/logs/egress-appliance.log)"
  fi
  if [ "$keep" = 1 ]; then cp "$log" "$dir/results/driver.log"; fi

  eline() { grep "^EGRESS $1" "$log" | head -n1 || true; }
  local -A p50=() p90=() p99=() mean=() maximum=()
  local side
  for side in ours bare; do
    p50[$side]="$(eline "latency side=$side " | field p50_ms)"
    p90[$side]="$(eline "latency side=$side " | field p90_ms)"
    p99[$side]="$(eline "latency side=$side " | field p99_ms)"
    mean[$side]="$(eline "latency side=$side " | field mean_ms)"
    maximum[$side]="$(eline "latency side=$side " | field max_ms)"
  done
  out ""
  out "$(printf '%-10s %8s %8s %8s %8s %8s' latency 'mean ms' 'p50 ms' 'p90 ms' 'p99 ms' 'max ms')"
  for side in ours bare; do
    out "$(printf '%-10s %8.1f %8.1f %8.1f %8.1f %8.1f' "$side" "${mean[$side]}" "${p50[$side]}" "${p90[$side]}" "${p99[$side]}" "${maximum[$side]}")"
  done
  out ""
  out "the script's steps (bash EPOCHREALTIME; median, p90, p99 in ms):"
  grep '^EGRESS step ' "$log" | sed 's/^EGRESS step side=bare /  /' || true
  out "the appliance's own timers (TaskRunner phases and KernelTaskNetworks prepare/release, DEBUG log; median, p90, p99 in ms):"
  grep '^EGRESS runner ' "$log" | sed 's/^EGRESS runner /  /' || true
  out ""
  local unreleased_p50 unreleased_p99
  unreleased_p50="$(eline 'unreleased side=bare' | field p50_ms)"
  unreleased_p99="$(eline 'unreleased side=bare' | field p99_ms)"
  out "$(printf 'script without its release steps (wall entry removal, link and namespace deletion): p50 %.1f ms, p99 %.1f ms' "$unreleased_p50" "$unreleased_p99")"
  out "$(eline audit | sed 's/^EGRESS //')"

  stop_process "$appliance_pid"; forget "$appliance_pid"
  local leftover
  leftover="$(podman --url "unix://$socket" ps -a --format '{{.Names}}' | grep -E "^($tasks_stem-|heroa-task_)" || true)"
  local leftover_netns
  leftover_netns="$(ip netns list | awk '{ print $1 }' | grep -E "^(heroa-$egress_appliance_id-|$egress_bare_prefix)" || true)"
  stop_process "$podman_watch"; forget "$podman_watch"
  stop_process "$lab_pid"; forget "$lab_pid"
  unset SOFTHSM2_CONF
  psql_do postgres "DROP DATABASE heroa_egress"
  tasks_cleanup
  egress_cleanup
  [ -z "$leftover" ] || say "WARNING: containers left after the run (removed now): $leftover"
  [ -z "$leftover_netns" ] || say "WARNING: network namespaces left after the run (removed now): $leftover_netns"

  local p50_ratio p99_ratio
  p50_ratio="$(ratio "${p50[ours]}" "${p50[bare]}")"
  p99_ratio="$(ratio "${p99[ours]}" "${p99[bare]}")"
  out ""
  record "$(printf '7. launch w/ egress  appliance %7.1f ms | shell script   %7.1f ms | ratio %s (goal <= 1.15: %s)  [p50]' \
    "${p50[ours]}" "${p50[bare]}" "$p50_ratio" "$(verdict "$p50_ratio" '<=' 1.15)")"
  record "$(printf '   for information    p99: appliance %.1f ms, shell script %.1f ms, ratio %s' "${p99[ours]}" "${p99[bare]}" "$p99_ratio")"
  record "$(printf '   for information    script without its release steps (wall entry removal, link and netns delete): p50 %.1f ms, p99 %.1f ms; appliance / it: p50 %s' \
    "$unreleased_p50" "$unreleased_p99" "$(ratio "${p50[ours]}" "$unreleased_p50")")"
  out ""
}

began=$SECONDS
wants http && bench_http
wants audit && bench_audit
wants startup && bench_startup
wants custody && bench_custody
wants tasks && bench_tasks
wants egress && bench_egress
out "== Summary (ratios: appliance / baseline, measured in this run) =="
for line in "${summary[@]}"; do out "$line"; done
out "total time: $((SECONDS - began)) s"
