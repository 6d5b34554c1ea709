package ca.heroa.appliance.persistence;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Every server a PostgreSQL JDBC URL can name reaches the outbound gate. */
class JdbcUrlTest {
    @Test
    void everyServerOfTheUrlIsFound() {
        assertEquals(List.of(new JdbcUrl.Server("db.example.ca", 5432)), JdbcUrl.servers("jdbc:postgresql://db.example.ca/heroa?sslmode=verify-full"));
        assertEquals(List.of(new JdbcUrl.Server("a", 5433), new JdbcUrl.Server("b", 5432), new JdbcUrl.Server("2001:db8::7", 6000)),
                JdbcUrl.servers("jdbc:postgresql://a:5433,b,[2001:db8::7]:6000/heroa"));
        assertEquals(List.of(new JdbcUrl.Server("localhost", 5432)), JdbcUrl.servers("jdbc:postgresql:heroa"));
        assertEquals(List.of(new JdbcUrl.Server("localhost", 5432)), JdbcUrl.servers("jdbc:postgresql:///heroa"));
        assertEquals(List.of(new JdbcUrl.Server("h", 5432)), JdbcUrl.servers("jdbc:postgresql://h?user=x"));
    }

    @Test
    void malformedUrlsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> JdbcUrl.servers("jdbc:mysql://h/db"));
        assertThrows(IllegalArgumentException.class, () -> JdbcUrl.servers("jdbc:postgresql://h:port/db"));
        assertThrows(IllegalArgumentException.class, () -> JdbcUrl.servers("jdbc:postgresql://[::1/db"));
        assertThrows(IllegalArgumentException.class, () -> JdbcUrl.servers("jdbc:postgresql://" + "h,".repeat(20) + "h/db"));
    }
}
