#!/usr/bin/env bash
# Country lookups of the residency guard against the MaxMind DB reader, same data, same addresses, same run (JMH).
# See README.md here. Usage (from anywhere; JAVA_HOME must point at a JDK >= 21; mvn, curl, tar, sha256sum needed):
#   residency-guard/src/bench/run.sh
# Knobs (environment; defaults in brackets):
#   HEROA_BENCH_COUNTRY_ROUNDS [2]     rounds; each runs every benchmark in its own JMH fork, order reversed every other round
#   HEROA_BENCH_COUNTRY_WARMUP [3]     JMH warm-up iterations of 2 s (one iteration = 1,000,000 lookups, repeated)
#   HEROA_BENCH_COUNTRY_ITERATIONS [5] JMH measured iterations of 2 s
#   HEROA_BENCH_COUNTRY_DATA [heroa-data/residency]  where build/residency/dataset.sh keeps the CSV and mmdb files
#   HEROA_BENCH_KEEP=1                 keep the work directory (JMH logs and CSV results)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
cd "$repo"

rounds="${HEROA_BENCH_COUNTRY_ROUNDS:-2}"
warmup="${HEROA_BENCH_COUNTRY_WARMUP:-3}"
iterations="${HEROA_BENCH_COUNTRY_ITERATIONS:-5}"
data="${HEROA_BENCH_COUNTRY_DATA:-$repo/heroa-data/residency}"
keep="${HEROA_BENCH_KEEP:-0}"
version="2.3.2026061719"
# Latest 3.x of the MaxMind DB reader (com.maxmind.db.Reader, what GeoIP2's DatabaseReader uses underneath). Only the
# benchmark uses it: it is resolved here, never a dependency of the module.
maxmind_version="3.2.0"

say() { printf 'bench: %s\n' "$*" >&2; }
fail() { say "FAILED: $*"; exit 1; }
out() { printf '%s\n' "$*"; }

[ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ] || fail "JAVA_HOME must point at a JDK >= 21"
java="$JAVA_HOME/bin/java"
java_version="$("$java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.runtime.version = //p' | head -n1)"
[ "${java_version%%[.+]*}" -ge 21 ] 2>/dev/null || fail "JDK $java_version at $JAVA_HOME is older than 21"
command -v mvn >/dev/null || fail "mvn is missing"

work="$(mktemp -d /tmp/heroa-bench-country.XXXXXX)"
mkdir -p "$work/logs" "$work/classes" "$work/generated" "$work/results" "$work/cp"
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  if [ "$keep" = 1 ]; then say "work directory kept: $work"; else rm -rf "$work"; fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

pom_property() { sed -n "s:.*<$1>\(.*\)</$1>.*:\1:p" pom.xml | head -n1; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "n/a"; else printf "%.2f", a / b }'; }
verdict() { awk -v v="$1" -v g="$3" -v op="$2" 'BEGIN { ok = (op == ">=") ? (v >= g) : (v <= g); print ok ? "MET" : "NOT MET" }'; }

# ------------------------------------------------------------------------------------------------------------ data
csv_dir="$data/geo-whois-asn-country-$version"
mmdb_dir="$data/geo-whois-asn-country-mmdb-$version"
say "dataset: CSV and mmdb forms of geo-whois-asn-country $version (build/residency/dataset.sh, pinned SHA-256)"
build/residency/dataset.sh "$csv_dir" >"$work/logs/dataset.log" 2>&1 || { cat "$work/logs/dataset.log" >&2; fail "fetching the CSV dataset"; }
build/residency/dataset.sh --mmdb "$mmdb_dir" >>"$work/logs/dataset.log" 2>&1 || { cat "$work/logs/dataset.log" >&2; fail "fetching the mmdb dataset"; }

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
jar="$work/residency-guard.jar"

jmh_version="$(pom_property version.jmh)"
[ -n "$jmh_version" ] || fail "no version.jmh property in pom.xml"
cat >"$work/cp/pom.xml" <<POM
<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>ca.heroa.bench</groupId>
  <artifactId>country-bench-classpath</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>com.maxmind.db</groupId><artifactId>maxmind-db</artifactId><version>$maxmind_version</version></dependency>
    <dependency><groupId>org.openjdk.jmh</groupId><artifactId>jmh-core</artifactId><version>$jmh_version</version></dependency>
    <dependency><groupId>org.openjdk.jmh</groupId><artifactId>jmh-generator-annprocess</artifactId><version>$jmh_version</version></dependency>
  </dependencies>
</project>
POM
say "resolving maxmind-db $maxmind_version and JMH $jmh_version (mvn dependency:build-classpath)"
mvn -B -q -Dstyle.color=never -f "$work/cp/pom.xml" \
  "org.apache.maven.plugins:maven-dependency-plugin:$(pom_property version.plugin.dependency):build-classpath" \
  -Dmdep.outputFile="$work/cp/classpath" >"$work/logs/mvn-classpath.log" 2>&1 \
  || { tail -n 40 "$work/logs/mvn-classpath.log" >&2; fail "the benchmark classpath (Maven Central must be reachable once)"; }
libs="$(cat "$work/cp/classpath")"

say "compiling the benchmarks (javac with JMH's annotation processor)"
mapfile -t sources < <(find "$here/java" -name '*.java' | sort)
"$JAVA_HOME/bin/javac" --release 21 -nowarn -proc:full -processorpath "$libs" -s "$work/generated" -d "$work/classes" \
  -cp "$jar:$libs" "${sources[@]}" >"$work/logs/javac.log" 2>&1 || { cat "$work/logs/javac.log" >&2; fail "compiling the benchmarks"; }
classpath="$jar:$libs:$work/classes"
properties=(-Dheroa.bench.dataset-dir="$csv_dir" -Dheroa.bench.mmdb="$mmdb_dir/geo-whois-asn-country.mmdb")
# A fixed, pre-touched heap on both sides: the sample (1,000,000 InetAddress) and both data sets fit with room to spare.
fork_options=(-Xms2g -Xmx2g -XX:+AlwaysPreTouch "${properties[@]}")

# ---------------------------------------------------------------------------------------------- cross-check, run
out "== Country lookups: CountryRanges (CSV) vs MaxMind DB reader (mmdb), geo-whois-asn-country $version =="
out "JDK $java_version; $(nproc) CPU(s); $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)"
out "maxmind-db $maxmind_version (com.maxmind.db.Reader, memory-mapped, as GeoIP2's DatabaseReader opens it); JMH $jmh_version"
"$java" "${fork_options[@]}" -cp "$classpath" ca.heroa.residency.bench.CrossCheck >"$work/logs/check.log" 2>"$work/logs/check.err" \
  || { cat "$work/logs/check.err" "$work/logs/check.log" >&2; fail "the cross-check"; }
field() { sed -n "s/.*[[:space:]]$1=\([^[:space:]]*\).*/\1/p" | head -n1; }
load_line="$(grep '^CHECK load' "$work/logs/check.log")"
sample_line="$(grep '^CHECK sample' "$work/logs/check.log")"
bounds_line="$(grep '^CHECK boundaries' "$work/logs/check.log")"
out "load of the CSV files (SHA-256 verified, parsed, overlaps resolved): first in a fresh JVM $(printf '%s' "$load_line" | field cold_ms) ms, warm $(printf '%s' "$load_line" | field warm_ms) ms"
out "sample: $(printf '%s' "$sample_line" | sed 's/^CHECK sample //')"
out "cross-check on the sample: $(printf '%s' "$sample_line" | field disagreements) disagreements; on every row boundary of both CSV files (first, last and the neighbours outside): $(printf '%s' "$bounds_line" | field disagreements) disagreements of $(printf '%s' "$bounds_line" | field addresses) addresses"
grep '^CHECK differs' "$work/logs/check.log" | sed 's/^CHECK /  /' || true
out "JMH: $rounds round(s), one fork per benchmark and round, ${warmup} x 2 s warm-up, ${iterations} x 2 s measured, 1 thread; fork JVM: ${fork_options[*]}"
out ""

run_jmh() { # run_jmh BENCHMARK ROUND: sets REPLY to lookups/s
  local csv="$work/results/$1-$2.csv" log="$work/logs/jmh-$1-$2.log"
  "$java" -cp "$classpath" org.openjdk.jmh.Main "^ca\\.heroa\\.residency\\.bench\\.CountryLookupBench\\.$1\$" -f 1 -t 1 \
    -wi "$warmup" -w 2s -i "$iterations" -r 2s -foe true -jvmArgs "${fork_options[*]}" -rf csv -rff "$csv" >"$log" 2>&1 \
    || { tail -n 40 "$log" >&2; fail "JMH $1 (log above)"; }
  REPLY="$(awk -F, -v name="\"ca.heroa.residency.bench.CountryLookupBench.$1\"" '$1 == name { print $5 }' "$csv")"
  [ -n "$REPLY" ] || { cat "$csv" >&2; fail "no score for $1"; }
}

out "$(printf '%-7s %-14s %16s' round benchmark 'lookups/s')"
declare -A sum=()
for ((round = 1; round <= rounds; round++)); do
  if ((round % 2)); then order="heroa maxmind maxmindCached"; else order="maxmindCached maxmind heroa"; fi
  declare -A value=()
  for name in $order; do
    say "round $round: $name"
    run_jmh "$name" "$round"
    value[$name]="$REPLY"
    sum[$name]="$(awk -v a="${sum[$name]:-0}" -v b="$REPLY" 'BEGIN { printf "%.1f", a + b }')"
    out "$(printf '%-7s %-14s %16.0f' "$round" "$name" "$REPLY")"
  done
  out "        round $round: heroa / maxmind = $(ratio "${value[heroa]}" "${value[maxmind]}"); heroa / maxmindCached = $(ratio "${value[heroa]}" "${value[maxmindCached]}")"
done
mean() { awk -v s="${sum[$1]}" -v n="$rounds" 'BEGIN { printf "%.0f", s / n }'; }
heroa="$(mean heroa)" maxmind="$(mean maxmind)" cached="$(mean maxmindCached)"
overall="$(ratio "$heroa" "$maxmind")"
out ""
out "$(printf 'country lookups   CountryRanges %12s lookups/s | MaxMind Reader %12s lookups/s | ratio %s (goal >= 5: %s)' \
  "$heroa" "$maxmind" "$overall" "$(verdict "$overall" '>=' 5)")"
out "$(printf '  for information  MaxMind Reader with CHMCache %s lookups/s; CountryRanges / it = %s' "$cached" "$(ratio "$heroa" "$cached")")"
