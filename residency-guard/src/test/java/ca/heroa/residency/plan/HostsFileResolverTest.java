package ca.heroa.residency.plan;

import ca.heroa.residency.address.Cidr;
import ca.heroa.residency.plan.Destination.HostName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The operator's pinned names: read at each lookup, comments and malformed lines ignored, never a DNS query. */
class HostsFileResolverTest {
    @Test
    void namesResolveFromTheFileAsItIsNow(@TempDir Path directory) throws IOException {
        Path file = directory.resolve("hosts");
        Files.writeString(file, """
                # pinned by Ansible
                198.51.100.10  api.example.ca  api   # the CA endpoint
                2001:db8:ca::10 API.example.ca
                198.51.100.10  api.example.ca
                not-an-address api.example.ca
                203.0.113.10
                """);
        HostsFileResolver resolver = new HostsFileResolver(file);
        assertEquals(List.of(Cidr.parseAddress("198.51.100.10"), Cidr.parseAddress("2001:db8:ca::10")), resolver.resolve(new HostName("api.example.ca")));
        assertEquals(List.of(Cidr.parseAddress("198.51.100.10")), resolver.resolve(new HostName("api")));
        assertEquals(List.of(), resolver.resolve(new HostName("localhost")), "no fallback to the system resolver");
        Files.writeString(file, "203.0.113.10 api.example.ca\n");
        assertEquals(List.of(Cidr.parseAddress("203.0.113.10")), resolver.resolve(new HostName("api.example.ca")), "read afresh each time");
    }

    @Test
    void anOversizedOrMissingFileIsAnError(@TempDir Path directory) throws IOException {
        Path file = directory.resolve("hosts");
        assertThrows(UncheckedIOException.class, () -> new HostsFileResolver(file).resolve(new HostName("a.example")));
        Files.write(file, new byte[(int) HostsFileResolver.MAX_BYTES + 1]);
        assertThrows(IllegalStateException.class, () -> new HostsFileResolver(file).resolve(new HostName("a.example")));
    }
}
