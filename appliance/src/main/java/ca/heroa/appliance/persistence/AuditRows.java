package ca.heroa.appliance.persistence;

import ca.heroa.appliance.audit.AuditEntry;
import ca.heroa.appliance.audit.AuditEvent;
import ca.heroa.appliance.audit.Outcome;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/** Mapping between audit entries and {@code audit_log} rows. */
final class AuditRows {
    static final String COLUMNS = "seq, occurred_at, actor, workspace_id, action, target, outcome, request_id, "
            + "source_address, details, prev_hash, entry_hash";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
    private static final TypeReference<TreeMap<String, String>> DETAILS = new TypeReference<>() {
    };

    private AuditRows() {
    }

    static String detailsJson(SortedMap<String, String> details) {
        try {
            return JSON.writeValueAsString(details);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("audit details cannot be encoded", e);
        }
    }

    /** The entry in {@code row}; empty when the row cannot even be read as one (it was written behind our back). */
    static Optional<AuditEntry> entry(ResultSet row) throws SQLException {
        TreeMap<String, String> details;
        Optional<Outcome> outcome = outcome(row.getString("outcome"));
        try {
            details = JSON.readValue(row.getString("details"), DETAILS);
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
        if (outcome.isEmpty() || details == null) {
            return Optional.empty();
        }
        AuditEvent event = new AuditEvent(
                row.getObject("occurred_at", OffsetDateTime.class).toInstant(),
                row.getString("actor"),
                Optional.ofNullable(row.getString("workspace_id")),
                row.getString("action"),
                row.getString("target"),
                outcome.get(),
                Optional.ofNullable(row.getString("request_id")),
                Optional.ofNullable(row.getString("source_address")),
                details);
        return Optional.of(new AuditEntry(row.getLong("seq"), event, row.getBytes("prev_hash"), row.getBytes("entry_hash")));
    }

    private static Optional<Outcome> outcome(String value) {
        try {
            return Optional.of(Outcome.fromValue(value));
        } catch (IllegalArgumentException | NullPointerException e) {
            return Optional.empty();
        }
    }
}
