package ca.heroa.residency.plan;

import ca.heroa.residency.address.Cidr;
import ca.heroa.residency.plan.Destination.HostName;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static java.util.Objects.requireNonNull;

/**
 * Resolves names from a file in /etc/hosts form ({@code address name [alias...]}, # comments) that the operator
 * maintains, read afresh at each lookup, for sites that pin their destinations instead of trusting DNS. A name in no
 * line does not resolve. The file is bounded in size; a malformed line is skipped.
 */
public final class HostsFileResolver implements Resolver {
    public static final long MAX_BYTES = 1024 * 1024;

    private final Path file;

    public HostsFileResolver(Path file) {
        this.file = requireNonNull(file, "file is null");
    }

    @Override
    public List<InetAddress> resolve(HostName name) {
        List<InetAddress> addresses = new ArrayList<>();
        for (String line : lines()) {
            int comment = line.indexOf('#');
            String[] fields = (comment < 0 ? line : line.substring(0, comment)).trim().split("\\s+");
            if (fields.length < 2) {
                continue;
            }
            InetAddress address;
            try {
                address = Cidr.parseAddress(fields[0]);
            } catch (IllegalArgumentException malformed) {
                continue;
            }
            for (int i = 1; i < fields.length; i++) {
                if (fields[i].toLowerCase(Locale.ROOT).equals(name.name()) && !addresses.contains(address)) {
                    addresses.add(address);
                }
            }
        }
        return addresses.size() > MAX_ADDRESSES ? List.of() : List.copyOf(addresses);
    }

    private List<String> lines() {
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new IllegalStateException("the hosts file " + file + " is larger than " + MAX_BYTES + " bytes");
            }
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the hosts file " + file, e);
        }
    }
}
