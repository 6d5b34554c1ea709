#!/usr/bin/env bash
# The egress benchmark's baseline: one task launch with egress done by hand, the same steps as the appliance's
# KernelTaskNetworks and TaskRunner, in the same order, with the same ruleset text (rendered once by EgressRender):
#   egress-bare.sh DIR NETNS NETFILES -- PODMAN [ARGS...]
# DIR holds egress.env, task.nft, wall-add.nft, wall-remove.nft, host.batch ({netns} stands for NETNS) and task.batch.
#  1. ip netns add NETNS
#  2. nsenter --net=/run/netns/NETNS -- nft -f task.nft      (policy drop before any link exists)
#  3. nft -f wall-add.nft                                     (the link's entry in the appliance's host wall table)
#  4. ip -batch -                                             (veth pair, gateway addresses, static neighbours)
#  5. ip -n NETNS -batch task.batch                           (loopback, task addresses, neighbours, default routes)
#  6. /etc/hosts and /etc/resolv.conf of the task in NETFILES
#  7. PODMAN ARGS...                                          (podman --url ... run --rm --network ns:/run/netns/NETNS ...)
#  8. nsenter --net=/run/netns/NETNS -- nft -j list counters table inet heroa_task
#  9. nft -f wall-remove.nft
# 10. ip -force -batch -                                      (link delete, netns delete)
# Steps 8 to 10 run whether or not the container succeeded; a failing preparation undoes what was done and exits 1.
# Prints "BARE counters <nft JSON>" and "BARE steps NAME=MICROSECONDS ..." for the driver; exits with podman's status.
set -u
dir="$1" name="$2" files="$3"
shift 4
# shellcheck source=/dev/null
. "$dir/egress.env"
path="/run/netns/$name"
steps=""
last="${EPOCHREALTIME/./}"
mark() { local now="${EPOCHREALTIME/./}"; steps+=" $1=$((now - last))"; last="$now"; }
release() { # release LINK(0|1)
  if [ "$1" = 1 ]; then
    counters="$(nsenter --net="$path" -- nft -j list counters table inet heroa_task 2>&1)" || counters="error: $counters"
    mark counters
    nft -f "$dir/wall-remove.nft" || echo "BARE error: wall entry not removed"
    mark wall_remove
    printf 'link delete dev %s\nnetns delete %s\n' "$iface" "$name" | ip -force -batch - || echo "BARE error: link or namespace not removed"
  else
    ip netns delete "$name" || echo "BARE error: namespace not removed"
  fi
  mark delete
  rm -rf "$files"
}

ip netns add "$name" || { echo "BARE error: netns add"; exit 1; }
mark netns_add
if ! nsenter --net="$path" -- nft -f "$dir/task.nft"; then echo "BARE error: task ruleset"; release 0; exit 1; fi
mark ruleset
if ! nft -f "$dir/wall-add.nft"; then echo "BARE error: wall entry"; release 0; exit 1; fi
mark wall_add
host_batch="$(<"$dir/host.batch")"
if ! ip -batch - <<<"${host_batch//\{netns\}/$name}"; then echo "BARE error: host side of the link"; release 1; exit 1; fi
mark host_link
if ! ip -n "$name" -batch "$dir/task.batch"; then echo "BARE error: task side of the link"; release 1; exit 1; fi
mark task_link
# What TaskRunner writes for a plan without names: localhost only, and no name server.
mkdir -m 755 "$files"
printf '# Written by the Heroa appliance: the names this task may reach, resolved once when it was accepted.\n127.0.0.1\tlocalhost\n::1\tlocalhost\n' >"$files/hosts"
printf '# Written by the Heroa appliance: no name server. Allowed names are in /etc/hosts.\n' >"$files/resolv.conf"
chmod 444 "$files/hosts" "$files/resolv.conf"
mark files
"$@"
status=$?
mark podman
release 1
printf 'BARE counters %s\n' "${counters//$'\n'/ }"
printf 'BARE steps%s\n' "$steps"
exit "$status"
