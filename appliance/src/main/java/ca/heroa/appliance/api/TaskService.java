package ca.heroa.appliance.api;

import ca.heroa.appliance.auth.Principal;
import ca.heroa.appliance.auth.RequestAuthenticator;
import ca.heroa.appliance.http.ApiException;
import ca.heroa.appliance.http.ApiRoute;
import ca.heroa.appliance.http.ErrorCode;
import ca.heroa.appliance.http.JsonCodec;
import ca.heroa.appliance.http.RequestInfo;
import ca.heroa.appliance.task.ResourceUsage;
import ca.heroa.appliance.task.TaskId;
import ca.heroa.appliance.task.TaskOutput;
import ca.heroa.appliance.task.TaskRecord;
import ca.heroa.appliance.task.TaskRequest;
import ca.heroa.appliance.task.TaskRuntime;
import ca.heroa.appliance.token.Scope;
import ca.heroa.appliance.workspace.WorkspaceId;
import ca.heroa.appliance.workspace.WorkspaceStore;
import io.helidon.common.uri.UriQuery;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * {@code /v1/workspaces/{ws}/tasks}: run a template (synchronously, waiting up to {@code wait} seconds, or
 * asynchronously with 202), read a task's state, result and output, list, cancel.
 */
public final class TaskService implements ApiService {
    private static final int DEFAULT_LIMIT = 50;
    private static final int MAX_LIMIT = 500;
    private static final int MAX_TEMPLATE_NAME = 64;

    private final RequestAuthenticator authenticator;
    private final WorkspaceStore workspaces;
    private final TaskRuntime runtime;
    private final JsonCodec json;

    public TaskService(RequestAuthenticator authenticator, WorkspaceStore workspaces, TaskRuntime runtime, JsonCodec json) {
        this.authenticator = requireNonNull(authenticator, "authenticator is null");
        this.workspaces = requireNonNull(workspaces, "workspaces is null");
        this.runtime = requireNonNull(runtime, "runtime is null");
        this.json = requireNonNull(json, "json is null");
    }

    @Override
    public List<ApiRoute> routes() {
        return List.of(
                new ApiRoute(Method.POST, "/v1/workspaces/{workspace}/tasks", this::run),
                new ApiRoute(Method.GET, "/v1/workspaces/{workspace}/tasks", this::list),
                new ApiRoute(Method.GET, "/v1/workspaces/{workspace}/tasks/{task}", this::show),
                new ApiRoute(Method.POST, "/v1/workspaces/{workspace}/tasks/{task}/cancel", this::cancel));
    }

    /** The request body: which template, optionally which version, an input for /run/heroa/input, and how long to wait (seconds). */
    record RunBody(String template, Integer version, String input, Integer waitSeconds) {
    }

    record UsageView(long cpuMillis, long peakMemoryBytes, long peakPids, long wallMillis) {
        static UsageView of(ResourceUsage usage) {
            return new UsageView(usage.cpuNanos() / 1_000_000, usage.peakMemoryBytes(), usage.peakPids(), usage.wallMillis());
        }
    }

    record OutputView(String stdout, boolean stdoutTruncated, String stderr, boolean stderrTruncated) {
        static OutputView of(TaskOutput output) {
            return new OutputView(new String(output.stdout(), StandardCharsets.UTF_8), output.stdoutTruncated(),
                    new String(output.stderr(), StandardCharsets.UTF_8), output.stderrTruncated());
        }
    }

    record TemplateView(String workspace, String name, int version, String image) {
    }

    record TaskView(String id, String workspace, String status, TemplateView template, String requestedBy, Instant createdAt,
                    Optional<Instant> startedAt, Optional<Instant> endedAt, Optional<Integer> exitCode, Optional<String> reason,
                    Optional<UsageView> usage, Optional<OutputView> output) {
        static TaskView of(TaskRecord task, Optional<TaskOutput> output) {
            return new TaskView(task.id().value(), task.workspace().value(), task.status().value(),
                    new TemplateView(task.templateOwner().value(), task.templateName(), task.templateVersion(), task.image().value()),
                    task.requestedBy(), task.createdAt(), task.startedAt(), task.endedAt(), task.exitCode(), task.reason(),
                    task.usage().map(UsageView::of), output.map(OutputView::of));
        }
    }

    record TaskList(List<TaskView> tasks, Optional<String> next) {
    }

    private void run(ServerRequest request, ServerResponse response) {
        Principal principal = authenticator.authenticate(request);
        WorkspaceId workspace = ExistingWorkspace.of(workspaces, principal, request, Scope.TASKS_RUN);
        RunBody body = json.read(request, RunBody.class);
        if (body.template() == null || body.template().isBlank()) {
            throw new ApiException(ErrorCode.MISSING_FIELD, "template");
        }
        if (body.template().length() > MAX_TEMPLATE_NAME) {
            throw new ApiException(ErrorCode.NOT_FOUND);
        }
        if (body.version() != null && body.version() < 1) {
            throw new ApiException(ErrorCode.INVALID_PARAMETER, "version");
        }
        Optional<byte[]> input = Optional.ofNullable(body.input()).map(text -> text.getBytes(StandardCharsets.UTF_8));
        if (input.isPresent() && input.get().length > runtime.settings().maxInputBytes()) {
            throw new ApiException(ErrorCode.BODY_TOO_LARGE, Integer.toString(runtime.settings().maxInputBytes()));
        }
        Duration wait = waitOf("waitSeconds", body.waitSeconds());
        TaskRecord accepted = runtime.submit(workspace, new TaskRequest(body.template(), Optional.ofNullable(body.version()), input),
                principal.auditContext(RequestInfo.of(request)));
        TaskRecord task = wait.isZero() ? accepted : runtime.await(workspace, accepted.id(), wait).orElse(accepted);
        response.header(HeaderNames.LOCATION, "/v1/workspaces/" + workspace + "/tasks/" + task.id());
        send(response, workspace, task, task.status().finished() ? Status.OK_200 : Status.ACCEPTED_202);
    }

    private void show(ServerRequest request, ServerResponse response) {
        WorkspaceId workspace = ExistingWorkspace.of(workspaces, authenticator.authenticate(request), request, Scope.WORKSPACE_READ);
        TaskId id = taskId(request);
        Duration wait = waitOf("wait", request.query().first("wait").map(value -> integer("wait", value)).orElse(0));
        TaskRecord task = (wait.isZero() ? runtime.find(workspace, id) : runtime.await(workspace, id, wait))
                .orElseThrow(() -> new ApiException(ErrorCode.NOT_FOUND));
        send(response, workspace, task, Status.OK_200);
    }

    private void send(ServerResponse response, WorkspaceId workspace, TaskRecord task, Status status) {
        Optional<TaskOutput> output = task.status().finished() ? runtime.output(workspace, task.id()) : Optional.empty();
        json.send(response, status, TaskView.of(task, output));
    }

    private void list(ServerRequest request, ServerResponse response) {
        WorkspaceId workspace = ExistingWorkspace.of(workspaces, authenticator.authenticate(request), request, Scope.WORKSPACE_READ);
        UriQuery query = request.query();
        int limit = query.first("limit").map(value -> integer("limit", value)).orElse(DEFAULT_LIMIT);
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new ApiException(ErrorCode.INVALID_PARAMETER, "limit");
        }
        Optional<TaskId> before = query.first("before").map(value -> TaskId.parse(value)
                .orElseThrow(() -> new ApiException(ErrorCode.INVALID_CURSOR)));
        List<TaskRecord> tasks = runtime.list(workspace, before, limit);
        Optional<String> next = tasks.size() == limit ? Optional.of(tasks.getLast().id().value()) : Optional.empty();
        json.send(response, Status.OK_200, new TaskList(tasks.stream().map(task -> TaskView.of(task, Optional.empty())).toList(), next));
    }

    private void cancel(ServerRequest request, ServerResponse response) {
        Principal principal = authenticator.authenticate(request);
        WorkspaceId workspace = ExistingWorkspace.of(workspaces, principal, request, Scope.TASKS_RUN);
        TaskRecord task = runtime.cancel(workspace, taskId(request), principal.auditContext(RequestInfo.of(request)));
        json.send(response, Status.ACCEPTED_202, TaskView.of(task, Optional.empty()));
    }

    private Duration waitOf(String name, Integer seconds) {
        if (seconds == null) {
            return Duration.ZERO;
        }
        if (seconds < 0 || seconds > runtime.settings().maxWait().toSeconds()) {
            throw new ApiException(ErrorCode.INVALID_PARAMETER, name);
        }
        return Duration.ofSeconds(seconds);
    }

    private static int integer(String name, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new ApiException(ErrorCode.INVALID_PARAMETER, name);
        }
    }

    private static TaskId taskId(ServerRequest request) {
        return TaskId.parse(request.path().pathParameters().get("task")).orElseThrow(() -> new ApiException(ErrorCode.NOT_FOUND));
    }

}
