package ca.heroa.residency.plan;

import ca.heroa.residency.Residency;
import ca.heroa.residency.ResidencyGuard;
import ca.heroa.residency.address.Cidr;
import ca.heroa.residency.address.ReservedBlock;
import ca.heroa.residency.plan.Destination.Block;
import ca.heroa.residency.plan.Destination.HostName;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * Builds a task's egress plan: the template's allowances intersected with the site's, every address checked by the
 * residency guard. Blocks declared literally are checked whole when a template is submitted ({@link #checkDeclared});
 * host names are resolved once when a task starts ({@link #plan}) and every address they resolve to is checked, so
 * a name that later resolves elsewhere never gains a rule. Anything refused fails the whole plan: a task never runs
 * with less than it was reviewed for, silently.
 */
public final class EgressPlanner {
    private final ResidencyGuard guard;
    private final SiteAllowances site;
    private final Resolver resolver;
    private final List<Cidr> taskNetworks;

    /**
     * @param taskNetworks the blocks the links between tasks and the host are taken from: no plan ever names an address
     *                     in them (another task, or the host's end of another task's link), whatever the site allows
     */
    public EgressPlanner(ResidencyGuard guard, SiteAllowances site, Resolver resolver, List<Cidr> taskNetworks) {
        this.guard = requireNonNull(guard, "guard is null");
        this.site = requireNonNull(site, "site is null");
        this.resolver = requireNonNull(resolver, "resolver is null");
        this.taskNetworks = List.copyOf(taskNetworks);
    }

    /**
     * What can be decided without resolving names: literal blocks fully (site, reserved space, host addresses,
     * residency), host names against the site's allowances. Empty when nothing is refused.
     */
    public List<Refusal> checkDeclared(List<Allowance> declared) {
        Set<InetAddress> host = guard.hostAddresses();
        List<Refusal> refusals = new ArrayList<>();
        for (Allowance allowance : declared) {
            switch (allowance.destination()) {
                case Block block -> refusals.addAll(checkBlock(allowance, block.cidr(), host));
                case HostName name -> {
                    if (!siteMightAllow(allowance, name)) {
                        refusals.add(refusal(allowance, Optional.empty(), Optional.empty(), RefusalReason.NOT_ALLOWED_BY_SITE));
                    }
                }
            }
        }
        return List.copyOf(refusals);
    }

    /** The plan for one task: names resolved now, once; every address checked. */
    public PlanResult plan(List<Allowance> declared) {
        Set<InetAddress> host = guard.hostAddresses();
        List<Refusal> refusals = new ArrayList<>();
        List<PlannedRule> rules = new ArrayList<>();
        Map<String, List<InetAddress>> pinned = new LinkedHashMap<>();
        Map<HostName, List<InetAddress>> resolved = new LinkedHashMap<>();
        for (Allowance allowance : declared) {
            switch (allowance.destination()) {
                case Block block -> {
                    List<Refusal> refused = checkBlock(allowance, block.cidr(), host);
                    refusals.addAll(refused);
                    if (refused.isEmpty()) {
                        rules.add(new PlannedRule(block.cidr(), allowance.protocol(), allowance.ports(), block.text()));
                    }
                }
                case HostName name -> {
                    // One lookup per name per plan, even when several allowances name it: one answer, one truth.
                    List<InetAddress> addresses = resolved.computeIfAbsent(name, resolver::resolve);
                    if (addresses.isEmpty()) {
                        refusals.add(refusal(allowance, Optional.empty(), Optional.empty(), RefusalReason.UNRESOLVED));
                        continue;
                    }
                    List<Refusal> refused = new ArrayList<>();
                    for (InetAddress address : addresses) {
                        refused.addAll(checkAddress(allowance, name, address, host));
                    }
                    refusals.addAll(refused);
                    if (refused.isEmpty()) {
                        for (InetAddress address : addresses) {
                            rules.add(new PlannedRule(Cidr.of(address), allowance.protocol(), allowance.ports(), name.name()));
                        }
                        pinned.put(name.name(), addresses);
                    }
                }
            }
        }
        if (!refusals.isEmpty()) {
            return new PlanResult.Refused(refusals);
        }
        List<PinnedHost> hosts = pinned.entrySet().stream().map(entry -> new PinnedHost(entry.getKey(), entry.getValue())).toList();
        return new PlanResult.Planned(new EgressPlan(rules, hosts));
    }

    private List<Refusal> checkBlock(Allowance allowance, Cidr block, Set<InetAddress> host) {
        List<Refusal> refusals = new ArrayList<>();
        Optional<String> address = Optional.of(block.toString());
        Residency residency = guard.residency(block);
        if (!siteCovers(allowance, entry -> entry instanceof Block siteBlock && siteBlock.cidr().contains(block))) {
            refusals.add(refusal(allowance, address, residency.country(), RefusalReason.NOT_ALLOWED_BY_SITE));
        }
        List<ReservedBlock> reserved = guard.reserved(block);
        if (!reserved.isEmpty() && !siteNamesReserved(block, reserved)) {
            refusals.add(refusal(allowance, address, residency.country(), RefusalReason.RESERVED_ADDRESS));
        }
        boolean holdsHostAddress = host.stream().anyMatch(block::contains);
        if (taskNetworks.stream().anyMatch(block::overlaps)) {
            refusals.add(refusal(allowance, address, residency.country(), RefusalReason.APPLIANCE_ADDRESS));
        } else if (holdsHostAddress && !(block.single() && siteNamesSingle(block))) {
            refusals.add(refusal(allowance, address, residency.country(), RefusalReason.APPLIANCE_ADDRESS));
        }
        if (!residency.canadian()) {
            refusals.add(refusal(allowance, address, residency.country(), RefusalReason.NOT_CANADIAN));
        }
        return refusals;
    }

    private List<Refusal> checkAddress(Allowance allowance, HostName name, InetAddress address, Set<InetAddress> host) {
        List<Refusal> refusals = new ArrayList<>();
        Cidr single = Cidr.of(address);
        Optional<String> text = Optional.of(Cidr.text(address));
        Residency residency = guard.residency(address, Optional.of(name));
        if (!siteCovers(allowance, entry -> entry.equals(name) || entry instanceof Block siteBlock && siteBlock.cidr().contains(address))) {
            refusals.add(refusal(allowance, text, residency.country(), RefusalReason.NOT_ALLOWED_BY_SITE));
        }
        Optional<ReservedBlock> reserved = guard.reserved(address);
        if (reserved.isPresent() && !siteNamesReserved(single, List.of(reserved.get()))) {
            refusals.add(refusal(allowance, text, residency.country(), RefusalReason.RESERVED_ADDRESS));
        }
        if (taskNetworks.stream().anyMatch(network -> network.contains(address))) {
            refusals.add(refusal(allowance, text, residency.country(), RefusalReason.APPLIANCE_ADDRESS));
        } else if (host.contains(address) && !siteNamesSingle(single)) {
            refusals.add(refusal(allowance, text, residency.country(), RefusalReason.APPLIANCE_ADDRESS));
        }
        if (!residency.canadian()) {
            refusals.add(refusal(allowance, text, residency.country(), RefusalReason.NOT_CANADIAN));
        }
        return refusals;
    }

    /** Every port of the allowance is covered, for its protocol, by site entries whose destination matches. */
    private boolean siteCovers(Allowance allowance, java.util.function.Predicate<Destination> matches) {
        List<Allowance> candidates = site.allowances().stream()
                .filter(entry -> entry.protocol() == allowance.protocol() && matches.test(entry.destination()))
                .toList();
        for (PortRange range : allowance.ports()) {
            for (int port = range.first(); port <= range.last(); port++) {
                int wanted = port;
                if (candidates.stream().noneMatch(entry -> entry.ports().stream().anyMatch(mine -> mine.contains(wanted)))) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Before resolution, a name can only be allowed by a site entry naming it or by some block entry. */
    private boolean siteMightAllow(Allowance allowance, HostName name) {
        return siteCovers(allowance, entry -> entry.equals(name) || entry instanceof Block);
    }

    /**
     * Special-purpose space counts as named only by a site block that contains {@code block} and lies inside that
     * special-purpose space: "10.20.0.0/16" names part of 10/8; "0.0.0.0/0" names nothing in particular.
     */
    private boolean siteNamesReserved(Cidr block, List<ReservedBlock> reserved) {
        return site.allowances().stream()
                .map(Allowance::destination)
                .filter(Block.class::isInstance)
                .map(entry -> ((Block) entry).cidr())
                .anyMatch(entry -> entry.contains(block) && reserved.stream().allMatch(special -> special.block().contains(entry)));
    }

    /** A host address counts as named only by a site entry for exactly that one address. */
    private boolean siteNamesSingle(Cidr single) {
        return site.allowances().stream().anyMatch(entry -> entry.destination().equals(new Block(single)));
    }

    private static Refusal refusal(Allowance allowance, Optional<String> address, Optional<String> country, RefusalReason reason) {
        String ports = allowance.ports().stream().map(PortRange::toString).collect(Collectors.joining(","));
        String endpoint = allowance.destination().text() + " " + allowance.protocol().value() + "/" + ports;
        return new Refusal(endpoint, address, country, reason);
    }
}
