#!/usr/bin/env bash
# Plan + apply of a task's ruleset against `nft -f` of the same ruleset; then prepare/release of task networks.
# See README.md here. Usage (as root; JAVA_HOME must point at a JDK >= 21; mvn, ip, nft, nsenter needed):
#   residency-guard/src/bench/nft/run.sh
# Knobs (environment; defaults in brackets):
#   HEROA_BENCH_NFT_WARMUP [100]        unmeasured pairs (one apply of each side)
#   HEROA_BENCH_NFT_ITERATIONS [500]    measured pairs, order swapped every pair
#   HEROA_BENCH_NFT_LIFECYCLE [200]     measured prepare + release cycles, with a link and without (after 20 unmeasured)
#   HEROA_BENCH_KEEP=1                  keep the work directory (log)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../../.." && pwd)"
cd "$repo"

warmup="${HEROA_BENCH_NFT_WARMUP:-100}"
iterations="${HEROA_BENCH_NFT_ITERATIONS:-500}"
lifecycle="${HEROA_BENCH_NFT_LIFECYCLE:-200}"
keep="${HEROA_BENCH_KEEP:-0}"

say() { printf 'bench: %s\n' "$*" >&2; }
fail() { say "FAILED: $*"; exit 1; }
out() { printf '%s\n' "$*"; }

[ "$(id -u)" -eq 0 ] || fail "network namespaces and nftables need root: run it as root"
[ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ] || fail "JAVA_HOME must point at a JDK >= 21"
java="$JAVA_HOME/bin/java"
java_version="$("$java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.runtime.version = //p' | head -n1)"
[ "${java_version%%[.+]*}" -ge 21 ] 2>/dev/null || fail "JDK $java_version at $JAVA_HOME is older than 21"
for tool in mvn ip nft nsenter; do command -v "$tool" >/dev/null || fail "$tool is missing (apt-get install maven iproute2 nftables util-linux)"; done

work="$(mktemp -d /tmp/heroa-bench-nft.XXXXXX)"
mkdir -p "$work/classes" "$work/logs"
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  if [ "$keep" = 1 ]; then say "work directory kept: $work"; else rm -rf "$work"; fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ------------------------------------------------------------------------------------------------ build, classpath
jar="$(find residency-guard/target -maxdepth 1 -name 'heroa-residency-guard-*.jar' ! -name '*-sources.jar' 2>/dev/null | head -n1)"
if [ -z "$jar" ] || [ -n "$(find pom.xml residency-guard/pom.xml residency-guard/src/main -newer "$jar" -print -quit 2>/dev/null)" ]; then
  say "building the residency-guard jar (mvn package)"
  mvn -B -q -Dstyle.color=never -DskipTests -Dcheckstyle.skip -pl residency-guard -am package >"$work/logs/mvn.log" 2>&1 \
    || { tail -n 40 "$work/logs/mvn.log" >&2; fail "mvn package"; }
  jar="$(find residency-guard/target -maxdepth 1 -name 'heroa-residency-guard-*.jar' ! -name '*-sources.jar' | head -n1)"
fi
# A copy: a build started meanwhile on this machine rewrites residency-guard/target in place.
cp -p "$jar" "$work/residency-guard.jar" || fail "copying $jar"
mvn -B -q -Dstyle.color=never -pl residency-guard dependency:build-classpath -Dmdep.includeScope=runtime \
  -Dmdep.outputFile="$work/classpath" >"$work/logs/mvn-classpath.log" 2>&1 \
  || { tail -n 40 "$work/logs/mvn-classpath.log" >&2; fail "the runtime classpath of residency-guard"; }
classpath="$work/residency-guard.jar:$(cat "$work/classpath")"
"$JAVA_HOME/bin/javac" --release 21 -nowarn -d "$work/classes" -cp "$classpath" "$here/NftApplyBench.java" >"$work/logs/javac.log" 2>&1 \
  || { cat "$work/logs/javac.log" >&2; fail "compiling the benchmark"; }

# ------------------------------------------------------------------------------------------------------------ run
out "== nftables: plan + apply of a task's ruleset vs nft -f of the same ruleset =="
out "JDK $java_version; $(nproc) CPU(s); $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1); $(nft --version); kernel $(uname -r)"
say "running ($warmup + $iterations pairs, then $lifecycle prepare/release cycles of each kind)"
"$java" -Dheroa.bench.work="$work" -cp "$classpath:$work/classes" ca.heroa.residency.bench.nft.NftApplyBench \
  --warmup "$warmup" --iterations "$iterations" --lifecycle "$lifecycle" >"$work/logs/bench.log" 2>"$work/logs/bench.err" \
  || { cat "$work/logs/bench.err" >&2; fail "the benchmark (log above)"; }
field() { sed -n "s/.*[[:space:]]$1=\([^[:space:]]*\).*/\1/p" | head -n1; }
line() { grep "^NFT $1" "$work/logs/bench.log" | head -n1; }
verdict() { awk -v v="$1" -v g="$3" -v op="$2" 'BEGIN { ok = (op == ">=") ? (v >= g) : (v <= g); print ok ? "MET" : "NOT MET" }'; }

out "ruleset: $(line ruleset | sed 's/^NFT ruleset //')"
out "in the JVM alone (plan + render, no process): $(line in_jvm | sed 's/^NFT in_jvm plan_render //')"
out ""
out "each pair: two new namespaces (untimed), then each side applies the same ruleset into its own, order swapped every pair"
out "$(printf '%-34s %9s %9s %9s %9s' side 'p50 ms' 'p99 ms' 'mean ms' 'min ms')"
for side in ours baseline; do
  l="$(line "apply side=$side ")"
  name="plan + render + nft -f - (Heroa)"; [ "$side" = baseline ] && name="nsenter nft -f <file>"
  out "$(printf '%-34s %9.3f %9.3f %9.3f %9.3f' "$name" "$(printf '%s' "$l" | field p50_ms)" "$(printf '%s' "$l" | field p99_ms)" \
    "$(printf '%s' "$l" | field mean_ms)" "$(printf '%s' "$l" | field min_ms)")"
done
ratio_line="$(line 'apply ratio')"
p50_ratio="$(printf '%s' "$ratio_line" | field p50)"
p99_ratio="$(printf '%s' "$ratio_line" | field p99)"
p50_ours="$(line 'apply side=ours ' | field p50_ms)"
out ""
out "$(printf 'plan + apply, p50: ratio %s (goal <= 1.2: %s); %s ms (goal < 5 ms: %s); p99 ratio %s' \
  "$p50_ratio" "$(verdict "$p50_ratio" '<=' 1.2)" "$p50_ours" "$(verdict "$p50_ours" '<=' 5)" "$p99_ratio")"
out ""
out "for information: the replacing form (add + delete + table, idempotent) applied again and again to one namespace"
for side in ours baseline; do
  l="$(line "replace side=$side ")"
  name="plan + render + nft -f - (Heroa)"; [ "$side" = baseline ] && name="nsenter nft -f <file>"
  out "$(printf '%-34s %9.3f %9.3f %9.3f %9.3f' "$name" "$(printf '%s' "$l" | field p50_ms)" "$(printf '%s' "$l" | field p99_ms)" \
    "$(printf '%s' "$l" | field mean_ms)" "$(printf '%s' "$l" | field min_ms)")"
done
out "$(line check | sed 's/^NFT check /check: /')"
out ""
out "task networks (for information; no baseline): prepare and release, ms"
grep '^NFT lifecycle' "$work/logs/bench.log" | sed 's/^NFT lifecycle /  /'
