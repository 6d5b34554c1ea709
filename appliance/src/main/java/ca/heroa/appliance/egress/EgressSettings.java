package ca.heroa.appliance.egress;

import ca.heroa.residency.address.Cidr;
import ca.heroa.residency.country.DatasetFile;
import ca.heroa.residency.country.DatasetSource;
import ca.heroa.residency.plan.Allowance;
import ca.heroa.residency.plan.AttestedEndpoint;
import ca.heroa.residency.plan.Destination;
import ca.heroa.residency.plan.PortRange;
import ca.heroa.residency.plan.Protocol;
import ca.heroa.residency.plan.SiteAllowances;
import io.helidon.config.Config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The {@code heroa.egress} node: what the operator allows tasks to reach (nothing by default), the endpoints it attests
 * are in Canada, the country-range dataset, and the addresses of the links between tasks and the host.
 *
 * @param dataset        the country-range files; by default the pinned dataset {@code ./heroa up} fetches into the data directory
 * @param ipv4Subnet     task links take a /30 each from here (never routed beyond the host: masqueraded on the way out)
 * @param ipv6Subnet     task links take a /64 each from here
 * @param resolveTimeout the longest the appliance waits for one host name to resolve when a task starts
 * @param hostsFile      names resolve from this file (hosts format) instead of the host's resolver, when set
 * @param datasetLicence the dataset's licence and attribution, as reported with it
 */
public record EgressSettings(SiteAllowances site, List<AttestedEndpoint> attested, DatasetSource dataset, Cidr ipv4Subnet, Cidr ipv6Subnet,
                             Duration resolveTimeout, Optional<Path> hostsFile, String datasetLicence) {
    /** The dataset {@code build/residency/dataset.sh} fetches: npm @ip-location-db/geo-whois-asn-country, pinned. */
    public static final String DEFAULT_DATASET_VERSION = "geo-whois-asn-country 2.3.2026061719";
    public static final String DEFAULT_DATASET_LICENCE = "ip-location-db geo-whois-asn-country (https://github.com/sapics/ip-location-db): "
            + "CC BY 4.0, data by NRO (https://www.nro.net/)";
    private static final String DEFAULT_DATASET_DIRECTORY = "geo-whois-asn-country-2.3.2026061719";
    private static final List<String[]> DEFAULT_DATASET_FILES = List.of(
            new String[] {"geo-whois-asn-country-ipv4.csv", "f08438247ce315e7f2aafe72b487ad103204c95d91e866e6c5306659e555496f"},
            new String[] {"geo-whois-asn-country-ipv6.csv", "f06aa7d51b1d3b38c67d2216bd7bb003744aed7b5173d86d728ca466fb57728b"});

    public EgressSettings {
        requireNonNull(site, "site is null");
        attested = List.copyOf(attested);
        requireNonNull(dataset, "dataset is null");
        requireNonNull(ipv4Subnet, "ipv4Subnet is null");
        requireNonNull(ipv6Subnet, "ipv6Subnet is null");
        requireNonNull(resolveTimeout, "resolveTimeout is null");
        requireNonNull(hostsFile, "hostsFile is null");
        requireNonNull(datasetLicence, "datasetLicence is null");
        if (ipv4Subnet.ipv6() || ipv4Subnet.prefixLength() > 24) {
            throw new IllegalArgumentException("heroa.egress.task-network.ipv4-subnet is an IPv4 block of /24 or larger");
        }
        if (!ipv6Subnet.ipv6() || ipv6Subnet.prefixLength() > 56) {
            throw new IllegalArgumentException("heroa.egress.task-network.ipv6-subnet is an IPv6 block of /56 or larger");
        }
        if (resolveTimeout.isNegative() || resolveTimeout.isZero() || resolveTimeout.compareTo(Duration.ofSeconds(30)) > 0) {
            throw new IllegalArgumentException("heroa.egress.resolve-timeout is more than PT0S and at most PT30S");
        }
    }

    public static EgressSettings from(Config egress, Path dataDirectory) {
        Config network = egress.get("task-network");
        return new EgressSettings(
                new SiteAllowances(list(egress.get("site-allowances"), "heroa.egress.site-allowances", EgressSettings::allowance)),
                list(egress.get("attested-endpoints"), "heroa.egress.attested-endpoints", EgressSettings::attested),
                dataset(egress.get("dataset"), dataDirectory),
                cidr(network.get("ipv4-subnet").asString().orElse("10.213.0.0/16"), "heroa.egress.task-network.ipv4-subnet"),
                cidr(network.get("ipv6-subnet").asString().orElse("fd68:6572:6f61::/48"), "heroa.egress.task-network.ipv6-subnet"),
                egress.get("resolve-timeout").as(Duration.class).orElse(Duration.ofSeconds(5)),
                egress.get("hosts-file").asString().asOptional().map(Path::of),
                egress.get("dataset.licence").asString().orElse(egress.get("dataset.files").asNodeList().orElse(List.of()).isEmpty()
                        ? DEFAULT_DATASET_LICENCE : "not stated by the operator (heroa.egress.dataset.licence)"));
    }

    private static DatasetSource dataset(Config dataset, Path dataDirectory) {
        List<DatasetFile> files = list(dataset.get("files"), "heroa.egress.dataset.files", file -> new DatasetFile(
                Path.of(file.get("path").asString().orElseThrow(() -> new IllegalArgumentException("a dataset file needs a path"))),
                file.get("sha256").asString().asOptional()));
        if (files.isEmpty()) {
            Path directory = dataDirectory.resolve("residency").resolve(DEFAULT_DATASET_DIRECTORY);
            return new DatasetSource(dataset.get("version").asString().orElse(DEFAULT_DATASET_VERSION), DEFAULT_DATASET_FILES.stream()
                    .map(file -> new DatasetFile(directory.resolve(file[0]), Optional.of(file[1])))
                    .toList());
        }
        return new DatasetSource(dataset.get("version").asString()
                .orElseThrow(() -> new IllegalArgumentException("heroa.egress.dataset.version is required with heroa.egress.dataset.files")), files);
    }

    private static Allowance allowance(Config entry) {
        Destination destination = destination(entry);
        List<PortRange> ports = new ArrayList<>();
        Config portList = entry.get("ports");
        for (Config port : portList.asNodeList().orElse(List.of())) {
            ports.add(PortRange.parse(port.asString().orElseThrow(() -> new IllegalArgumentException("a port is a number or first-last"))));
        }
        String protocol = entry.get("protocol").asString().orElse("tcp");
        return new Allowance(destination, ports, Protocol.parse(protocol)
                .orElseThrow(() -> new IllegalArgumentException("protocol is tcp or udp, not " + protocol)));
    }

    private static AttestedEndpoint attested(Config entry) {
        return new AttestedEndpoint(destination(entry), entry.get("justification").asString()
                .orElseThrow(() -> new IllegalArgumentException("an attested endpoint needs a justification")));
    }

    private static Destination destination(Config entry) {
        Optional<String> host = entry.get("host").asString().asOptional();
        Optional<String> cidr = entry.get("cidr").asString().asOptional();
        if (host.isPresent() == cidr.isPresent()) {
            throw new IllegalArgumentException("each entry names exactly one of host and cidr");
        }
        return host.<Destination>map(Destination.HostName::new).orElseGet(() -> new Destination.Block(Cidr.parse(cidr.get())));
    }

    private static Cidr cidr(String text, String key) {
        try {
            return Cidr.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + " is not a CIDR block: " + e.getMessage(), e);
        }
    }

    private static <T> List<T> list(Config node, String key, java.util.function.Function<Config, T> parse) {
        List<T> items = new ArrayList<>();
        List<Config> nodes = node.asNodeList().orElse(List.of());
        for (int i = 0; i < nodes.size(); i++) {
            try {
                items.add(parse.apply(nodes.get(i)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(key + "[" + i + "]: " + e.getMessage(), e);
            }
        }
        return items;
    }
}
