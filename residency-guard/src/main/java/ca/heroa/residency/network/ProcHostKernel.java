package ca.heroa.residency.network;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Reads the process's capabilities from {@code /proc/self/status} and writes forwarding switches under {@code /proc/sys}. */
final class ProcHostKernel implements HostKernel {
    private static final int CAP_NET_ADMIN = 12;
    private static final int CAP_SYS_ADMIN = 21;
    private static final List<Path> FORWARDING = List.of(Path.of("/proc/sys/net/ipv4/ip_forward"),
            Path.of("/proc/sys/net/ipv6/conf/all/forwarding"));

    @Override
    public void requirePrivileges() {
        BigInteger effective;
        try {
            effective = Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .filter(line -> line.startsWith("CapEff:"))
                    .map(line -> new BigInteger(line.substring("CapEff:".length()).strip(), 16))
                    .findFirst()
                    .orElseThrow(() -> new TaskNetworkException("/proc/self/status has no CapEff line"));
        } catch (IOException | NumberFormatException e) {
            throw new TaskNetworkException("cannot read this process's capabilities from /proc/self/status: " + e.getMessage(), e);
        }
        if (!effective.testBit(CAP_NET_ADMIN) || !effective.testBit(CAP_SYS_ADMIN)) {
            throw new TaskNetworkException("task networks need root (CAP_NET_ADMIN and CAP_SYS_ADMIN) to create network namespaces,"
                    + " links and nftables rules; run the appliance as root");
        }
    }

    @Override
    public void enableForwarding() {
        for (Path path : FORWARDING) {
            try {
                if (!"1".equals(Files.readString(path).strip())) {
                    Files.writeString(path, "1");
                }
            } catch (IOException e) {
                throw new TaskNetworkException("cannot enable forwarding in " + path + ": " + e.getMessage(), e);
            }
        }
    }
}
