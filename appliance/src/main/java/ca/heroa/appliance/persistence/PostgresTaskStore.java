package ca.heroa.appliance.persistence;

import ca.heroa.appliance.audit.AuditEvent;
import ca.heroa.appliance.image.ImageDigest;
import ca.heroa.appliance.task.ResourceUsage;
import ca.heroa.appliance.task.TaskId;
import ca.heroa.appliance.task.TaskRecord;
import ca.heroa.appliance.task.TaskStatus;
import ca.heroa.appliance.task.TaskStore;
import ca.heroa.appliance.workspace.WorkspaceId;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** Tasks in PostgreSQL; every change of state goes through the {@link GroupCommitLog} with its audit entry. */
public final class PostgresTaskStore implements TaskStore {
    private static final String COLUMNS = """
            id, workspace_id, template_owner, template_name, template_version, image_digest, status, requested_by, created_at,
            started_at, ended_at, exit_code, cpu_nanos, peak_memory_bytes, peak_pids, wall_millis, reason, stdout_truncated, stderr_truncated""";

    private final DataSource dataSource;
    private final GroupCommitLog log;

    public PostgresTaskStore(DataSource dataSource, GroupCommitLog log) {
        this.dataSource = requireNonNull(dataSource, "dataSource is null");
        this.log = requireNonNull(log, "log is null");
    }

    @Override
    public void accept(TaskRecord task, String applianceId, AuditEvent accepted) {
        log.execute(connection -> {
            try (PreparedStatement insert = connection.prepareStatement("""
                    INSERT INTO task (id, workspace_id, appliance_id, template_owner, template_name, template_version, image_digest, status,
                                      requested_by, created_at)
                    SELECT ?, ?, ?, ?, ?, ?, ?, 'queued', ?, ? WHERE EXISTS (SELECT 1 FROM workspace WHERE id = ?)""")) {
                insert.setString(1, task.id().value());
                insert.setString(2, task.workspace().value());
                insert.setString(3, applianceId);
                insert.setString(4, task.templateOwner().value());
                insert.setString(5, task.templateName());
                insert.setInt(6, task.templateVersion());
                insert.setString(7, task.image().value());
                insert.setString(8, task.requestedBy());
                insert.setObject(9, Sql.timestamp(task.createdAt()));
                insert.setString(10, task.workspace().value());
                return insert.executeUpdate() == 1 ? Optional.of(task) : Optional.<TaskRecord>empty();
            }
        }, stored -> accepted).orElseThrow(() -> new IllegalStateException("the workspace " + task.workspace() + " vanished while its task was accepted"));
    }

    @Override
    public boolean start(TaskId id, Instant at, AuditEvent started) {
        return log.execute(connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE task SET status = 'running', started_at = ? WHERE id = ? AND status = 'queued'")) {
                update.setObject(1, Sql.timestamp(at));
                update.setString(2, id.value());
                return update.executeUpdate() == 1 ? Optional.of(id) : Optional.<TaskId>empty();
            }
        }, ignored -> started).isPresent();
    }

    @Override
    public boolean finish(TaskId id, Ending ending, AuditEvent event) {
        return log.execute(connection -> {
            try (PreparedStatement update = connection.prepareStatement("""
                    UPDATE task SET status = ?, ended_at = ?, exit_code = ?, cpu_nanos = ?, peak_memory_bytes = ?, peak_pids = ?, wall_millis = ?,
                                    reason = ?, output_sealed_at = ?, stdout_sealed = ?, stdout_truncated = ?, stderr_sealed = ?, stderr_truncated = ?
                    WHERE id = ? AND status IN ('queued', 'running')""")) {
                update.setString(1, ending.status().value());
                update.setObject(2, Sql.timestamp(ending.endedAt()));
                setInteger(update, 3, ending.exitCode());
                Optional<ResourceUsage> usage = ending.usage();
                setLong(update, 4, usage.map(ResourceUsage::cpuNanos));
                setLong(update, 5, usage.map(ResourceUsage::peakMemoryBytes));
                setLong(update, 6, usage.map(ResourceUsage::peakPids));
                setLong(update, 7, usage.map(ResourceUsage::wallMillis));
                update.setString(8, ending.reason().orElse(null));
                Optional<SealedOutput> output = ending.output();
                update.setObject(9, output.map(sealed -> Sql.timestamp(sealed.sealedAt())).orElse(null), Types.TIMESTAMP_WITH_TIMEZONE);
                update.setBytes(10, output.map(SealedOutput::stdout).orElse(null));
                update.setBoolean(11, output.map(SealedOutput::stdoutTruncated).orElse(false));
                update.setBytes(12, output.map(SealedOutput::stderr).orElse(null));
                update.setBoolean(13, output.map(SealedOutput::stderrTruncated).orElse(false));
                update.setString(14, id.value());
                if (update.executeUpdate() == 1) {
                    return Optional.of(id);
                }
            }
            // Its workspace was deleted (and the task row with it) while it ran: the row is gone, its ending is still audited.
            try (PreparedStatement exists = connection.prepareStatement("SELECT 1 FROM task WHERE id = ?")) {
                exists.setString(1, id.value());
                try (ResultSet row = exists.executeQuery()) {
                    return row.next() ? Optional.<TaskId>empty() : Optional.of(id);
                }
            }
        }, ignored -> event).isPresent();
    }

    @Override
    public Optional<TaskRecord> find(WorkspaceId workspace, TaskId id) {
        List<TaskRecord> found = select("SELECT " + COLUMNS + " FROM task WHERE workspace_id = ? AND id = ?", workspace.value(), id.value());
        return found.stream().findFirst();
    }

    @Override
    public List<TaskRecord> list(WorkspaceId workspace, Optional<TaskId> before, int limit) {
        if (before.isPresent()) {
            return select("SELECT " + COLUMNS + """
                     FROM task WHERE workspace_id = ? AND (created_at, id) <
                       (SELECT created_at, id FROM task WHERE workspace_id = ? AND id = ?) ORDER BY created_at DESC, id DESC LIMIT\s""" + limit,
                    workspace.value(), workspace.value(), before.get().value());
        }
        return select("SELECT " + COLUMNS + " FROM task WHERE workspace_id = ? ORDER BY created_at DESC, id DESC LIMIT " + limit, workspace.value());
    }

    @Override
    public Optional<SealedOutput> output(WorkspaceId workspace, TaskId id) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("""
                     SELECT output_sealed_at, stdout_sealed, stdout_truncated, stderr_sealed, stderr_truncated
                     FROM task WHERE workspace_id = ? AND id = ? AND output_sealed_at IS NOT NULL""")) {
            select.setString(1, workspace.value());
            select.setString(2, id.value());
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? Optional.of(new SealedOutput(row.getObject("output_sealed_at", OffsetDateTime.class).toInstant(),
                        row.getBytes("stdout_sealed"), row.getBoolean("stdout_truncated"), row.getBytes("stderr_sealed"),
                        row.getBoolean("stderr_truncated"))) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StorageUnavailableException(e);
        }
    }

    @Override
    public List<TaskRecord> unfinished(String applianceId) {
        return select("SELECT " + COLUMNS + " FROM task WHERE appliance_id = ? AND status IN ('queued', 'running') ORDER BY created_at", applianceId);
    }

    private List<TaskRecord> select(String sql, String... parameters) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                select.setString(i + 1, parameters[i]);
            }
            List<TaskRecord> tasks = new ArrayList<>();
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    tasks.add(record(row));
                }
            }
            return tasks;
        } catch (SQLException e) {
            throw new StorageUnavailableException(e);
        }
    }

    private static TaskRecord record(ResultSet row) throws SQLException {
        Long cpu = row.getObject("cpu_nanos", Long.class);
        Optional<ResourceUsage> usage = cpu == null ? Optional.empty()
                : Optional.of(new ResourceUsage(cpu, row.getLong("peak_memory_bytes"), row.getLong("peak_pids"), row.getLong("wall_millis")));
        return new TaskRecord(new TaskId(row.getString("id")), new WorkspaceId(row.getString("workspace_id")),
                new WorkspaceId(row.getString("template_owner")), row.getString("template_name"), row.getInt("template_version"),
                new ImageDigest(row.getString("image_digest")), TaskStatus.fromValue(row.getString("status")), row.getString("requested_by"),
                row.getObject("created_at", OffsetDateTime.class).toInstant(),
                Sql.instant(row.getObject("started_at", OffsetDateTime.class)), Sql.instant(row.getObject("ended_at", OffsetDateTime.class)),
                Optional.ofNullable(row.getObject("exit_code", Integer.class)), usage, Optional.ofNullable(row.getString("reason")),
                row.getBoolean("stdout_truncated"), row.getBoolean("stderr_truncated"));
    }

    private static void setInteger(PreparedStatement statement, int index, Optional<Integer> value) throws SQLException {
        if (value.isPresent()) {
            statement.setInt(index, value.get());
        } else {
            statement.setNull(index, Types.INTEGER);
        }
    }

    private static void setLong(PreparedStatement statement, int index, Optional<Long> value) throws SQLException {
        if (value.isPresent()) {
            statement.setLong(index, value.get());
        } else {
            statement.setNull(index, Types.BIGINT);
        }
    }
}
