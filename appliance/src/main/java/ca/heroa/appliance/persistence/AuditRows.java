package ca.heroa.appliance.persistence;

import ca.heroa.appliance.audit.AuditChain;
import ca.heroa.appliance.audit.AuditCheckpoint;
import ca.heroa.appliance.audit.AuditEntry;
import ca.heroa.appliance.audit.AuditEvent;
import ca.heroa.appliance.audit.ChainHead;
import ca.heroa.appliance.audit.Outcome;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/** Mapping between audit entries, the chain's ends and checkpoints, and their rows. */
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

    static final String CHECKPOINT_COLUMNS = "first_seq, last_seq, entry_count, last_hash, created_at, signed_by, signature";

    /** Where the retained chain starts: the newest purge anchor, or sequence 0 and the genesis hash. */
    record Anchor(long sequence, byte[] hash) {
    }

    static Anchor anchor(Connection connection) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT purged_through, anchor_hash FROM audit_anchor ORDER BY purged_through DESC LIMIT 1");
             ResultSet row = select.executeQuery()) {
            return row.next() ? new Anchor(row.getLong(1), row.getBytes(2)) : new Anchor(0, AuditChain.genesis());
        }
    }

    /** The chain head row; empty only if someone removed it. */
    static Optional<ChainHead> head(Connection connection) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT last_seq, last_hash FROM audit_chain_head WHERE id = 1");
             ResultSet row = select.executeQuery()) {
            return row.next() ? Optional.of(new ChainHead(row.getLong(1), row.getBytes(2))) : Optional.empty();
        }
    }

    static AuditCheckpoint checkpoint(ResultSet row) throws SQLException {
        return new AuditCheckpoint(row.getLong("first_seq"), row.getLong("last_seq"), row.getLong("entry_count"), row.getBytes("last_hash"),
                row.getObject("created_at", OffsetDateTime.class).toInstant(), row.getString("signed_by"), row.getBytes("signature"));
    }

    /** Checkpoints, oldest first. */
    static List<AuditCheckpoint> checkpoints(Connection connection) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT " + CHECKPOINT_COLUMNS + " FROM audit_checkpoint ORDER BY last_seq");
             ResultSet row = select.executeQuery()) {
            List<AuditCheckpoint> checkpoints = new ArrayList<>();
            while (row.next()) {
                checkpoints.add(checkpoint(row));
            }
            return checkpoints;
        }
    }
}
