package ca.heroa.appliance.persistence;

import java.util.ArrayList;
import java.util.List;

/** The servers a PostgreSQL JDBC URL names ({@code jdbc:postgresql://h1[:p1][,h2[:p2]]/db?...}), for the outbound gate. */
final class JdbcUrl {
    private static final String PREFIX = "jdbc:postgresql:";
    private static final int DEFAULT_PORT = 5432;
    private static final int MAX_SERVERS = 16;

    private JdbcUrl() {
    }

    record Server(String host, int port) {
    }

    static List<Server> servers(String url) {
        if (!url.startsWith(PREFIX)) {
            throw new IllegalArgumentException("heroa.database.url is a jdbc:postgresql: URL");
        }
        String rest = url.substring(PREFIX.length());
        if (!rest.startsWith("//")) {
            // jdbc:postgresql:database — the driver's default, localhost.
            return List.of(new Server("localhost", DEFAULT_PORT));
        }
        String authority = rest.substring(2);
        int end = authority.indexOf('/');
        authority = end < 0 ? authority : authority.substring(0, end);
        int query = authority.indexOf('?');
        authority = query < 0 ? authority : authority.substring(0, query);
        List<Server> servers = new ArrayList<>();
        for (String part : authority.split(",", MAX_SERVERS + 1)) {
            if (servers.size() == MAX_SERVERS) {
                throw new IllegalArgumentException("heroa.database.url names more than " + MAX_SERVERS + " servers");
            }
            servers.add(server(part));
        }
        return List.copyOf(servers);
    }

    private static Server server(String part) {
        String host;
        String port = "";
        if (part.startsWith("[")) {
            int close = part.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("heroa.database.url has an unclosed IPv6 address");
            }
            host = part.substring(1, close);
            port = part.substring(close + 1).startsWith(":") ? part.substring(close + 2) : "";
        } else {
            int colon = part.lastIndexOf(':');
            host = colon < 0 ? part : part.substring(0, colon);
            port = colon < 0 ? "" : part.substring(colon + 1);
        }
        if (host.isEmpty()) {
            host = "localhost";
        }
        try {
            return new Server(host, port.isEmpty() ? DEFAULT_PORT : Integer.parseInt(port));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("heroa.database.url has a port that is not a number");
        }
    }
}
