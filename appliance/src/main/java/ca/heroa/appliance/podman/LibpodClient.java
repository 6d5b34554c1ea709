package ca.heroa.appliance.podman;

import ca.heroa.appliance.image.ImageDigest;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Method;
import io.helidon.webclient.api.HttpClientRequest;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

/** {@link PodmanClient} over the libpod REST API, with Helidon's WebClient on the service's Unix socket. */
final class LibpodClient implements PodmanClient {
    private static final System.Logger LOG = System.getLogger(LibpodClient.class.getName());
    /** Podman's answers we parse are inspect documents and lists: far below this. */
    private static final int MAX_ANSWER_BYTES = 16 * 1024 * 1024;
    /** Unpacking an archive into storage takes longer than an ordinary call. */
    private static final int LOAD_TIMEOUT_FACTOR = 10;
    /** Time for Podman to answer once the container stopped, on top of the caller's wait. */
    private static final Duration WAIT_MARGIN = Duration.ofSeconds(5);
    private static final long CPU_PERIOD_MICROS = 100_000;
    private static final int REMOVE_ATTEMPTS = 15;
    private static final Duration REMOVE_RETRY_PAUSE = Duration.ofMillis(10);

    private final UnixDomainSocketAddress address;
    private final Path socket;
    private final String prefix;
    private final Duration timeout;
    private final int usernsSize;
    private final WebClient http;
    private final ObjectMapper mapper = new ObjectMapper();
    /** Load, then resolve the names it reported: serialised so a concurrent load cannot move a name in between. */
    private final ReentrantLock loadLock = new ReentrantLock();

    LibpodClient(Path socket, PodmanSettings settings) {
        this.socket = requireNonNull(socket, "socket is null");
        requireNonNull(settings, "settings is null");
        this.address = UnixDomainSocketAddress.of(socket);
        this.prefix = "/" + settings.apiVersion() + "/libpod";
        this.timeout = settings.requestTimeout();
        this.usernsSize = settings.usernsSize();
        this.http = WebClient.builder()
                .connectTimeout(timeout)
                .readTimeout(timeout)
                .followRedirects(false)
                .sendExpectContinue(false)
                .build();
    }

    @Override
    public PodmanVersion version() {
        JsonNode answer = json(call(Method.GET, "/version", request -> { }, timeout), "/version");
        // The top-level ApiVersion is the Docker-compatible API's; the libpod one is the engine component's.
        String apiVersion = answer.path("ApiVersion").asText("");
        for (JsonNode component : answer.path("Components")) {
            if ("Podman Engine".equals(component.path("Name").asText())) {
                apiVersion = component.path("Details").path("APIVersion").asText(apiVersion);
            }
        }
        return new PodmanVersion(answer.path("Version").asText(""), apiVersion);
    }

    @Override
    public LoadedImage loadImage(Path archive) {
        requireNonNull(archive, "archive is null");
        long size;
        try {
            size = Files.size(archive);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        loadLock.lock();
        try {
            Answer answer = send(Method.POST, "/images/load", request -> request.header(HeaderValues.create(HeaderNames.CONTENT_TYPE, "application/x-tar"))
                    .header(HeaderValues.create(HeaderNames.CONTENT_LENGTH, Long.toString(size))), archive, timeout.multipliedBy(LOAD_TIMEOUT_FACTOR));
            if (answer.status() >= 400) {
                String message = message(answer);
                LOG.log(Level.INFO, "Podman refused an image archive: {0}", message);
                if (answer.status() == 400 || message.startsWith("unable to load image")) {
                    throw new InvalidImageArchiveException(answer.status(), "not an image archive Podman can load", List.of());
                }
                throw new PodmanException(answer.status(), message);
            }
            List<String> names = new ArrayList<>();
            json(answer, "/images/load").path("Names").forEach(name -> names.add(name.asText()));
            Set<ImageDigest> ids = new LinkedHashSet<>();
            for (String name : names) {
                ids.addAll(resolve(name));
            }
            if (ids.size() != 1) {
                throw new InvalidImageArchiveException(400, "the archive holds " + ids.size() + " images, not one", List.copyOf(ids));
            }
            return new LoadedImage(ids.iterator().next(), names.stream().filter(name -> ImageDigest.parse(name).isEmpty()).toList());
        } finally {
            loadLock.unlock();
        }
    }

    /** The IDs a name Podman reported after a load stands for: an ID itself, or a reference. */
    private List<ImageDigest> resolve(String name) {
        Optional<ImageDigest> id = ImageDigest.parse(name).or(() -> ImageDigest.parse("sha256:" + name));
        if (id.isPresent()) {
            return List.of(id.get());
        }
        ObjectNode filters = mapper.createObjectNode();
        filters.putArray("reference").add(name);
        String query = filters.toString();
        JsonNode images = json(call(Method.GET, "/images/json", request -> request.queryParam("filters", query), timeout), "/images/json");
        List<ImageDigest> ids = new ArrayList<>();
        images.forEach(image -> ImageDigest.parse("sha256:" + image.path("Id").asText()).ifPresent(ids::add));
        return ids;
    }

    @Override
    public Optional<ImageInfo> inspectImage(ImageDigest id) {
        requireNonNull(id, "id is null");
        Answer answer = call(Method.GET, "/images/" + id.hex() + "/json", request -> { }, timeout);
        if (answer.status() == 404) {
            return Optional.empty();
        }
        JsonNode image = json(answer, "/images/{id}/json");
        // An ID is also looked up as a name or prefix; only an exact ID match is this image.
        if (!id.hex().equals(image.path("Id").asText())) {
            return Optional.empty();
        }
        List<String> names = new ArrayList<>();
        image.path("RepoTags").forEach(name -> names.add(name.asText()));
        return Optional.of(new ImageInfo(id, Math.max(0, image.path("Size").asLong()), names));
    }

    @Override
    public void removeImage(ImageDigest id) {
        requireNonNull(id, "id is null");
        Answer answer = call(Method.DELETE, "/images/" + id.hex(), request -> { }, timeout);
        if (answer.status() != 404) {
            ok(answer);
        }
    }

    @Override
    public ContainerId createContainer(ContainerSpec spec) {
        requireNonNull(spec, "spec is null");
        byte[] body = ContainerSpecJson.of(mapper, spec, CPU_PERIOD_MICROS, usernsSize).toString().getBytes(StandardCharsets.UTF_8);
        Answer answer = call(Method.POST, "/containers/create", request -> request.header(HeaderValues.create(HeaderNames.CONTENT_TYPE,
                "application/json")), body, timeout);
        return new ContainerId(json(ok(answer), "/containers/create").path("Id").asText());
    }

    @Override
    public ContainerInfo inspectContainer(ContainerId id) {
        requireNonNull(id, "id is null");
        JsonNode container = json(ok(call(Method.GET, "/containers/" + id + "/json", request -> { }, timeout)), "/containers/{id}/json");
        JsonNode state = container.path("State");
        String status = state.path("Status").asText("");
        Optional<Integer> exitCode = switch (status) {
            case "exited", "stopped" -> Optional.of(state.path("ExitCode").asInt());
            default -> Optional.empty();
        };
        JsonNode mappings = container.path("HostConfig").path("IDMappings");
        return new ContainerInfo(new ContainerId(container.path("Id").asText()), status, exitCode, state.path("OOMKilled").asBoolean(),
                hostIdOfZero(mappings.path("UidMap")), hostIdOfZero(mappings.path("GidMap")), labels(container.path("Config").path("Labels")));
    }

    /** Mappings read {@code inside:host:length}; no mapping means no user namespace, where 0 is 0. */
    private static long hostIdOfZero(JsonNode mappings) {
        for (JsonNode mapping : mappings) {
            String[] parts = mapping.asText().split(":");
            if (parts.length == 3 && Long.parseLong(parts[0]) == 0) {
                return Long.parseLong(parts[1]);
            }
        }
        return 0;
    }

    @Override
    public void startContainer(ContainerId id) {
        requireNonNull(id, "id is null");
        Answer answer = call(Method.POST, "/containers/" + id + "/start", request -> { }, timeout);
        // 304: it already runs.
        if (answer.status() != 304) {
            ok(answer);
        }
    }

    @Override
    public Optional<Integer> waitForExit(ContainerId id, Duration wait) {
        requireNonNull(id, "id is null");
        requireNonNull(wait, "wait is null");
        // When the wait is cut, interrupting its thread closes its connection, and Podman ends the wait with it.
        // Podman checks the condition every "interval" (250 ms by default): a task that ends at once would wait that long.
        HttpClientRequest request = request(Method.POST, "/containers/" + id + "/wait")
                .queryParam("condition", "exited", "stopped")
                .queryParam("interval", "10ms")
                .readTimeout(wait.plus(WAIT_MARGIN));
        Optional<Answer> answer = within(wait, () -> {
            try (HttpClientResponse response = request.request()) {
                return new Answer(response.status().code(), body(response));
            }
        });
        if (answer.isEmpty()) {
            return Optional.empty();
        }
        String code = new String(ok(answer.get()).body(), StandardCharsets.UTF_8).trim();
        try {
            return Optional.of(Integer.parseInt(code));
        } catch (NumberFormatException e) {
            throw new PodmanException(200, "wait answered something other than an exit code");
        }
    }

    @Override
    public void killContainer(ContainerId id) {
        requireNonNull(id, "id is null");
        Answer answer = call(Method.POST, "/containers/" + id + "/kill", request -> request.queryParam("signal", "SIGKILL"), timeout);
        if (answer.status() == 404 || answer.status() == 409 || answer.status() >= 500 && message(answer).contains("container state improper")) {
            return;
        }
        ok(answer);
    }

    @Override
    public void removeContainer(ContainerId id) {
        requireNonNull(id, "id is null");
        for (int attempt = 1; ; attempt++) {
            Answer answer = call(Method.DELETE, "/containers/" + id, request -> request.queryParam("force", "true").queryParam("v", "true"), timeout);
            if (answer.status() < 400 || answer.status() == 404) {
                return;
            }
            // Right after a container stopped, conmon's clean-up may still hold its /dev/shm mount; Podman 4.3 then
            // fails the removal with EBUSY. It is gone a moment later.
            if (attempt >= REMOVE_ATTEMPTS || !message(answer).contains("device or resource busy")) {
                ok(answer);
            }
            try {
                Thread.sleep(REMOVE_RETRY_PAUSE.toMillis() * attempt);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PodmanUnavailableException("interrupted while removing container " + id, e);
            }
        }
    }

    @Override
    public ContainerLogs logs(ContainerId id, int maxBytesPerStream) {
        requireNonNull(id, "id is null");
        if (maxBytesPerStream < 0) {
            throw new IllegalArgumentException("maxBytesPerStream is negative");
        }
        HttpClientRequest request = request(Method.GET, "/containers/" + id + "/logs")
                .queryParam("stdout", "true").queryParam("stderr", "true").queryParam("follow", "false").readTimeout(timeout);
        return within(timeout, () -> {
            try (HttpClientResponse response = request.request()) {
                int status = response.status().code();
                if (status >= 400) {
                    ok(new Answer(status, body(response)));
                }
                try (InputStream in = response.inputStream()) {
                    return LogFrames.read(in, maxBytesPerStream);
                }
            }
        }).orElseThrow(() -> timedOut("/containers/{id}/logs", timeout));
    }

    @Override
    public List<ContainerSummary> listContainers(String labelKey) {
        requireNonNull(labelKey, "labelKey is null");
        ObjectNode filters = mapper.createObjectNode();
        filters.putArray("label").add(labelKey);
        String query = filters.toString();
        JsonNode containers = json(ok(call(Method.GET, "/containers/json", request -> request.queryParam("all", "true").queryParam("filters", query),
                timeout)), "/containers/json");
        List<ContainerSummary> summaries = new ArrayList<>();
        for (JsonNode container : containers) {
            summaries.add(new ContainerSummary(new ContainerId(container.path("Id").asText()), container.path("State").asText(""),
                    labels(container.path("Labels"))));
        }
        return summaries;
    }

    @Override
    public void close() {
        http.closeResource();
    }

    @Override
    public String toString() {
        return "PodmanClient[" + socket + "]";
    }

    private static Map<String, String> labels(JsonNode labels) {
        Map<String, String> map = new LinkedHashMap<>();
        labels.properties().forEach(entry -> map.put(entry.getKey(), entry.getValue().asText()));
        return map;
    }

    private record Answer(int status, byte[] body) {
    }

    private HttpClientRequest request(Method method, String path) {
        return http.method(method).address(address).path(prefix + path);
    }

    private Answer call(Method method, String path, Consumer<HttpClientRequest> customise, Duration limit) {
        HttpClientRequest request = request(method, path).readTimeout(limit);
        customise.accept(request);
        return within(limit, () -> {
            try (HttpClientResponse response = request.request()) {
                return new Answer(response.status().code(), body(response));
            }
        }).orElseThrow(() -> timedOut(path, limit));
    }

    private Answer call(Method method, String path, Consumer<HttpClientRequest> customise, byte[] body, Duration limit) {
        HttpClientRequest request = request(method, path).readTimeout(limit);
        customise.accept(request);
        return within(limit, () -> {
            try (HttpClientResponse response = request.submit(body)) {
                return new Answer(response.status().code(), body(response));
            }
        }).orElseThrow(() -> timedOut(path, limit));
    }

    private Answer send(Method method, String path, Consumer<HttpClientRequest> customise, Path file, Duration limit) {
        HttpClientRequest request = request(method, path).readTimeout(limit);
        customise.accept(request);
        return within(limit, () -> {
            try (HttpClientResponse response = request.outputStream(out -> {
                Files.copy(file, out);
                out.close();
            })) {
                return new Answer(response.status().code(), body(response));
            }
        }).orElseThrow(() -> timedOut(path, limit));
    }

    /**
     * Runs a call on its own virtual thread and gives it {@code limit}. The WebClient's read timeout does not apply to a
     * Unix socket (a blocking channel read has none), so a silent Podman would otherwise hang the caller; interrupting
     * the thread closes its channel, which ends the blocked read. Empty when the time ran out.
     */
    private <T> Optional<T> within(Duration limit, Callable<T> call) {
        FutureTask<T> task = new FutureTask<>(call);
        Thread.ofVirtual().name("podman-call").start(task);
        try {
            return Optional.of(task.get(limit.toNanos(), TimeUnit.NANOSECONDS));
        } catch (TimeoutException e) {
            task.cancel(true);
            return Optional.empty();
        } catch (InterruptedException e) {
            task.cancel(true);
            Thread.currentThread().interrupt();
            throw new PodmanUnavailableException("interrupted while calling Podman at " + socket, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof PodmanException podman) {
                throw podman;
            }
            if (cause instanceof IOException || cause instanceof UncheckedIOException) {
                throw unavailable((Exception) cause);
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(cause);
        }
    }

    private PodmanUnavailableException timedOut(String path, Duration limit) {
        return new PodmanUnavailableException("Podman at " + socket + " did not answer " + path + " within " + limit);
    }

    private static byte[] body(HttpClientResponse response) {
        try (InputStream in = response.inputStream()) {
            byte[] body = in.readNBytes(MAX_ANSWER_BYTES + 1);
            if (body.length > MAX_ANSWER_BYTES) {
                throw new PodmanException(response.status().code(), "answer larger than " + MAX_ANSWER_BYTES + " bytes");
            }
            return body;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Answer ok(Answer answer) {
        if (answer.status() >= 400) {
            throw new PodmanException(answer.status(), message(answer));
        }
        return answer;
    }

    private JsonNode json(Answer answer, String what) {
        try {
            return mapper.readTree(ok(answer).body());
        } catch (IOException e) {
            throw new PodmanException(answer.status(), what + " answered malformed JSON");
        }
    }

    /** Podman's own message from an error answer, e.g. {@code no such container}. */
    private static String message(Answer answer) {
        try {
            JsonNode error = new ObjectMapper().readTree(answer.body());
            String message = error.path("message").asText("");
            if (!message.isEmpty()) {
                return message;
            }
        } catch (JsonProcessingException e) {
            // not JSON: use the text below
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String text = new String(answer.body(), StandardCharsets.UTF_8).strip();
        return text.length() > 500 ? text.substring(0, 500) : text;
    }

    private PodmanUnavailableException unavailable(Exception e) {
        return new PodmanUnavailableException("Podman at " + socket + " did not answer: " + e.getMessage(), e);
    }

    /** The libpod create body; the isolation here is not configurable. */
    static final class ContainerSpecJson {
        private ContainerSpecJson() {
        }

        static ObjectNode of(ObjectMapper mapper, ContainerSpec spec, long cpuPeriodMicros, int usernsSize) {
            ObjectNode body = mapper.createObjectNode();
            body.put("name", spec.name());
            body.put("image", spec.image().hex());
            // [""] clears the image's entry point, and a set entry point stops Podman falling back to the image's Cmd.
            body.putArray("entrypoint").add("");
            ArrayNode command = body.putArray("command");
            spec.command().forEach(command::add);
            ObjectNode environment = body.putObject("env");
            spec.environment().forEach(environment::put);
            ObjectNode labels = body.putObject("labels");
            spec.labels().forEach(labels::put);
            body.put("user", spec.user());
            body.put("env_host", false);
            body.put("httpproxy", false);
            body.put("systemd", "false");
            body.put("stdin", false);
            body.put("terminal", false);
            body.put("remove", false);
            body.put("restart_policy", "no");
            // An image's HEALTHCHECK would make Podman run commands in the container from outside, on a timer.
            body.putObject("healthconfig").putArray("Test").add("NONE");
            // Output to a file, never to the journal (the default where systemd runs, which would keep it), bounded in size;
            // the caller may put it on a tmpfs of its own.
            ObjectNode log = body.putObject("log_configuration").put("driver", "k8s-file");
            spec.log().ifPresent(file -> log.put("path", file.path().toString()).put("size", file.maxBytes()));

            // A user namespace of its own from the "containers" range in /etc/subuid: root inside is nobody outside.
            // The size is explicit (see PodmanSettings.DEFAULT_USERNS_SIZE): the CLI's --userns=auto:size=N sends both fields.
            body.putObject("userns").put("nsmode", "auto").put("value", "size=" + usernsSize);
            ObjectNode idmappings = body.putObject("idmappings").put("AutoUserNs", true);
            idmappings.putObject("AutoUserNsOpts").put("Size", usernsSize);
            body.putArray("cap_drop").add("ALL");
            body.putArray("cap_add");
            body.put("privileged", false);
            body.put("no_new_privileges", true);
            body.put("seccomp_policy", "default");
            // A stricter profile than Podman's default, when the caller has one: the default allows unshare, setns, mount
            // and ptrace and leaves them to the user namespace and the dropped capabilities; tasks get no such calls at all.
            spec.seccompProfile().ifPresent(profile -> body.put("seccomp_profile_path", profile.toString()));
            body.put("read_only_filesystem", true);
            body.put("read_only_tmpfs", false);
            if (spec.network().isPresent()) {
                // A namespace the caller made and firewalled before this container exists: the task's first
                // instruction already runs under its rules. It belongs to the host's user namespace, where the kernel
                // refuses this container a sysfs mount (as for --network=host), so /sys is an empty read-only tmpfs.
                body.putObject("netns").put("nsmode", "path").put("value", spec.network().get().toString());
            } else {
                body.putObject("netns").put("nsmode", "none");
            }
            body.putObject("pidns").put("nsmode", "private");
            body.putObject("ipcns").put("nsmode", "private");
            body.putObject("utsns").put("nsmode", "private");
            body.putArray("devices");
            // An image's VOLUME would otherwise become an anonymous volume: a host directory not in the spec.
            body.put("image_volume_mode", "ignore");
            ArrayNode mounts = body.putArray("mounts");
            for (TmpfsMount tmpfs : spec.tmpfs()) {
                ObjectNode mount = mounts.addObject();
                mount.put("destination", tmpfs.destination());
                mount.put("type", "tmpfs");
                mount.put("source", "tmpfs");
                // notmpcopyup: the tmpfs starts empty; by default Podman copies the image's directory (contents and
                // permissions) onto it, which would let an image decide what a task's writable space holds.
                // U: owned by the container's user, so a non-root task can write it (Podman 4.3's API drops "mode=" for
                // tmpfs mounts; it is still sent for versions that apply it).
                mount.putArray("options").add("size=" + tmpfs.sizeBytes()).add("nosuid").add("nodev").add("mode=" + tmpfs.mode())
                        .add("U").add("notmpcopyup");
            }
            if (spec.network().isPresent()) {
                mounts.addObject().put("destination", "/sys").put("type", "tmpfs").put("source", "tmpfs")
                        .putArray("options").add("ro").add("nosuid").add("nodev").add("noexec").add("size=4096");
            }
            for (BindMount bind : spec.binds()) {
                ObjectNode mount = mounts.addObject();
                mount.put("destination", bind.destination());
                mount.put("type", "bind");
                mount.put("source", bind.source().toString());
                mount.putArray("options").add("rbind").add(bind.readOnly() ? "ro" : "rw").add("nosuid").add("nodev").add("rprivate");
            }

            ObjectNode limits = body.putObject("resource_limits");
            limits.putObject("memory").put("limit", spec.memoryBytes()).put("swap", spec.memoryBytes());
            limits.putObject("cpu").put("quota", spec.cpuMillis() * cpuPeriodMicros / 1000).put("period", cpuPeriodMicros);
            limits.putObject("pids").put("limit", spec.pidsLimit());
            body.put("shm_size", spec.shmSizeBytes());
            // No r_limits: with any set, Podman 4.3 adds RLIMIT_NPROC, which runc may not raise inside the user namespace.
            spec.cgroupParent().ifPresent(parent -> body.put("cgroup_parent", parent));
            return body;
        }
    }
}
