package ca.heroa.appliance;

import ca.heroa.appliance.api.ApiService;
import ca.heroa.appliance.api.ImageService;
import ca.heroa.appliance.api.ResidencyService;
import ca.heroa.appliance.api.ReviewService;
import ca.heroa.appliance.api.SecretService;
import ca.heroa.appliance.api.StateService;
import ca.heroa.appliance.api.TaskService;
import ca.heroa.appliance.api.TemplateService;
import ca.heroa.appliance.image.ImageStore;
import ca.heroa.appliance.persistence.PostgresImageStore;
import ca.heroa.appliance.persistence.PostgresStateStore;
import ca.heroa.appliance.persistence.PostgresTaskStore;
import ca.heroa.appliance.persistence.PostgresTemplateStore;
import ca.heroa.appliance.egress.EgressMetrics;
import ca.heroa.appliance.egress.OutboundGate;
import ca.heroa.appliance.egress.SiteResidency;
import ca.heroa.appliance.egress.TaskEgress;
import ca.heroa.appliance.podman.PodmanClient;
import ca.heroa.appliance.podman.PodmanDiscovery;
import ca.heroa.appliance.podman.PodmanException;
import ca.heroa.appliance.podman.PodmanUnavailableException;
import ca.heroa.appliance.state.WorkspaceState;
import ca.heroa.appliance.task.RunnableTemplate;
import ca.heroa.appliance.task.TaskApi;
import ca.heroa.appliance.task.TaskRuntime;
import ca.heroa.appliance.task.TaskSeccomp;
import ca.heroa.appliance.template.ResolvedTemplate;
import ca.heroa.appliance.template.TemplateCatalog;
import ca.heroa.appliance.audit.Checkpointer;
import ca.heroa.appliance.barrier.Barrier;
import ca.heroa.appliance.barrier.BarrierIntegrityException;
import ca.heroa.appliance.custody.AuditSigningKey;
import ca.heroa.appliance.custody.Custody;
import ca.heroa.appliance.custody.KeyRing;
import ca.heroa.appliance.persistence.PostgresCheckpointStore;
import ca.heroa.appliance.persistence.PostgresSecretStore;
import ca.heroa.appliance.persistence.PostgresWrappedKeyStore;
import ca.heroa.appliance.vault.Vault;
import ca.heroa.hsm.CustodyException;
import ca.heroa.hsm.CustodyIntegrityException;
import ca.heroa.hsm.CustodyUnavailableException;
import ca.heroa.hsm.KeyCustody;
import ca.heroa.appliance.api.AuditService;
import ca.heroa.appliance.api.OpenApiService;
import ca.heroa.appliance.api.TokenService;
import ca.heroa.appliance.api.WorkspaceService;
import ca.heroa.appliance.audit.AuditEvent;
import ca.heroa.appliance.audit.AuditUnavailableException;
import ca.heroa.appliance.auth.Authenticator;
import ca.heroa.appliance.cache.ExpiringCache;
import ca.heroa.appliance.auth.FailedAuthenticationLimiter;
import ca.heroa.appliance.http.ApiException;
import ca.heroa.appliance.http.ErrorCode;
import ca.heroa.appliance.http.JsonCodec;
import ca.heroa.appliance.http.Problems;
import ca.heroa.appliance.http.TransportProblems;
import ca.heroa.appliance.persistence.Database;
import ca.heroa.appliance.persistence.GroupCommitLog;
import ca.heroa.appliance.persistence.PostgresAuditTrail;
import ca.heroa.appliance.persistence.PostgresTokenStore;
import ca.heroa.appliance.persistence.PostgresWorkspaceStore;
import ca.heroa.appliance.persistence.StorageUnavailableException;
import ca.heroa.appliance.tls.ServerTls;
import ca.heroa.appliance.token.Scope;
import ca.heroa.appliance.token.TokenHasher;
import ca.heroa.appliance.token.TokenKind;
import ca.heroa.appliance.token.TokenRecord;
import ca.heroa.appliance.token.TokenSecret;
import ca.heroa.appliance.token.CachingTokenStore;
import ca.heroa.appliance.token.TokenStore;
import ca.heroa.appliance.workspace.CachingWorkspaceStore;
import ca.heroa.appliance.workspace.WorkspaceNameTakenException;
import ca.heroa.appliance.workspace.WorkspaceStore;
import ca.heroa.residency.ResidencyGuard;
import ca.heroa.residency.network.NetworkSettings;
import ca.heroa.residency.network.TaskNetworks;
import ca.heroa.residency.plan.EgressPlanner;
import ca.heroa.residency.process.HostCommands;
import ca.heroa.residency.process.ProcessHostCommands;
import ca.heroa.residency.process.Program;
import io.helidon.config.Config;
import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;
import io.helidon.http.DirectHandler;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.DirectHandlers;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.observe.ObserveFeature;
import io.helidon.webserver.observe.health.HealthObserver;
import io.helidon.webserver.observe.metrics.MetricsObserver;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The running appliance: database, audit writer, stores, services and the HTTPS server, built by hand from
 * configuration. {@link Main} is the command-line entry; tests and benchmarks start this directly.
 */
public final class Appliance implements AutoCloseable {
    static final String ADMIN_SOCKET = "admin";
    private static final int CACHE_CAPACITY = 100_000;
    private static final System.Logger LOG = System.getLogger(Appliance.class.getName());

    private final Database database;
    private final GroupCommitLog log;
    private final WebServer server;
    private final ServerTls tls;
    private final List<ApiService> services;
    private final Optional<TokenSecret> firstAdminToken;
    private final ScheduledExecutorService housekeeping;
    private final DataDirectoryLock lock;
    private final KeyRing keys;
    private final Vault vault;
    private final Checkpointer checkpointer;
    private final PodmanClient podman;
    private final TemplateCatalog templates;
    private final TaskRuntime tasks;

    private Appliance(Database database, GroupCommitLog log, WebServer server, ServerTls tls, List<ApiService> services,
                      Optional<TokenSecret> firstAdminToken, ScheduledExecutorService housekeeping, DataDirectoryLock lock, KeyRing keys,
                      Vault vault, Checkpointer checkpointer, PodmanClient podman, TemplateCatalog templates, TaskRuntime tasks) {
        this.database = database;
        this.log = log;
        this.server = server;
        this.tls = tls;
        this.services = services;
        this.firstAdminToken = firstAdminToken;
        this.housekeeping = housekeeping;
        this.lock = lock;
        this.keys = keys;
        this.vault = vault;
        this.checkpointer = checkpointer;
        this.podman = podman;
        this.templates = templates;
        this.tasks = tasks;
    }

    /** Starts the appliance from the {@code heroa} config node. */
    public static Appliance start(Config heroa) {
        return start(heroa, ProcessHostCommands.create(List.of(Program.IP, Program.NSENTER, Program.NFT)));
    }

    /**
     * Starts the appliance with {@code commands} as its only way to run {@code ip}, {@code nsenter} and {@code nft}
     * (tests wrap the real ones to make the kernel refuse something on purpose).
     */
    public static Appliance start(Config heroa, HostCommands commands) {
        ApplianceSettings settings = ApplianceSettings.from(heroa);
        prepareDataDirectory(settings.dataDirectory());
        DataDirectoryLock lock = DataDirectoryLock.acquire(settings.dataDirectory());
        try {
            return start(settings, lock, commands);
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    private static Appliance start(ApplianceSettings settings, DataDirectoryLock lock, HostCommands commands) {
        // The database (pool, migrations), key custody (HSM login, key checks) and the metrics registry take the longest
        // to start and need nothing else: start them first, on their own threads, and prepare the rest meanwhile.
        CompletableFuture<ResidencyGuard> residency = CompletableFuture.supplyAsync(() -> SiteResidency.guard(settings.egress()),
                Appliance::startupThread);
        OutboundGate gate = new OutboundGate(residency::join, SiteResidency.systemResolver(settings.egress()));
        CompletableFuture<Database> opening = CompletableFuture.supplyAsync(
                () -> Database.open(settings.database(), settings.dataDirectory(), false, gate), Appliance::startupThread);
        CompletableFuture<KeyCustody> custodyOpening = CompletableFuture.supplyAsync(() -> Custody.open(settings.hsm()), Appliance::startupThread);
        CompletableFuture<MetricsObserver> metrics = CompletableFuture.supplyAsync(
                () -> MetricsObserver.create(), Appliance::startupThread);
        CompletableFuture<PodmanClient> podmanOpening = CompletableFuture.supplyAsync(() -> PodmanDiscovery.connect(settings.podman()),
                Appliance::startupThread);
        Storage storage;
        ServerTls tls;
        JsonCodec json;
        KeyCustody custody;
        PodmanClient podman;
        ResidencyGuard guard;
        try {
            json = new JsonCodec(settings.limits());
            guard = residency.join();
            podman = podmanOpening.join();
            metrics.join();
            custody = custodyOpening.join();
            tls = ServerTls.load(settings.tls(), settings.dataDirectory(), custody);
            storage = Storage.create(opening.join(), settings, new AuditMetrics());
        } catch (RuntimeException e) {
            opening.thenAccept(Database::close);
            custodyOpening.thenAccept(KeyCustody::close);
            podmanOpening.thenAccept(PodmanClient::close);
            throw unwrap(e);
        }
        Clock clock = Clock.systemUTC();
        KeyRing keys = null;
        TaskRuntime tasks = null;
        try {
            keys = storage.keyRing(custody, settings, clock, true);
            TokenHasher hasher = new TokenHasher(keys::tokenHashKey);
            Optional<TokenSecret> firstAdmin = createFirstAdminToken(storage.tokens(), hasher, clock);
            Problems problems = new Problems(json);
            WorkspaceStore workspaces = new CachingWorkspaceStore(storage.workspaces(),
                    new ExpiringCache<>(settings.cacheTimeToLive(), CACHE_CAPACITY, clock));
            TokenStore tokens = new CachingTokenStore(storage.tokens(), new ExpiringCache<>(settings.cacheTimeToLive(), CACHE_CAPACITY, clock));
            FailedAuthenticationLimiter limiter = new FailedAuthenticationLimiter(settings.authFailureLimit(), settings.authFailureWindow(), 100_000, clock);
            Authenticator authenticator = new Authenticator(tokens, workspaces, hasher, limiter, storage.audit(), clock);
            Barrier barrier = new Barrier(keys);
            Vault vault = new Vault(storage.secrets(), barrier, settings.vault(), clock);
            WorkspaceState state = new WorkspaceState(storage.states(), barrier, settings.state(), clock);
            ImageStore images = storage.images();
            EgressMetrics egressMetrics = new EgressMetrics();
            TaskEgress egress = new TaskEgress(new EgressPlanner(guard, settings.egress().site(), SiteResidency.resolver(settings.egress()),
                    List.of(settings.egress().ipv4Subnet(), settings.egress().ipv6Subnet())),
                    TaskNetworks.create(new NetworkSettings(settings.applianceId(), settings.egress().ipv4Subnet(), settings.egress().ipv6Subnet()),
                            commands), egressMetrics);
            TemplateCatalog templates = new TemplateCatalog(storage.templates(), images::holds, settings.templates(), clock, egress::checkDeclared);
            TaskApi taskApi = (routing, taskAuthenticator) ->
                    Main.routing(routing, problems, List.of(new StateService(taskAuthenticator, workspaces, state, json)));
            tasks = new TaskRuntime(settings.tasks(), settings.applianceId(), podman, storage.tasks(),
                    (caller, name, version) -> templates.resolve(caller, name, version).map(Appliance::runnable), vault, barrier, taskApi,
                    java.nio.file.Path.of("/sys/fs/cgroup"), TaskSeccomp.install(settings.dataDirectory().resolve("tasks")), egress, clock);
            // Before the first request: whatever a crash left (containers, unfinished tasks, half-received uploads) goes.
            tasks.reconcile();
            removeUnfinishedUploads(settings.dataDirectory().resolve("uploads"));
            List<ApiService> services = List.of(
                    new WorkspaceService(authenticator, workspaces, keys, json, clock, tasks::cancelWorkspace),
                    new TokenService(authenticator, tokens, workspaces, hasher, json, clock),
                    new SecretService(authenticator, workspaces, vault, json),
                    new StateService(authenticator, workspaces, state, json),
                    new ImageService(authenticator, workspaces, images, podman, templates::imageUsedBy, settings.images(),
                            settings.dataDirectory().resolve("uploads"), json, clock),
                    new TemplateService(authenticator, workspaces, templates, json),
                    new ReviewService(authenticator, templates, json),
                    new TaskService(authenticator, workspaces, tasks, json),
                    new AuditService(authenticator, storage.audit(), json),
                    new ResidencyService(authenticator, guard, settings.egress(), gate, egressMetrics, json),
                    new OpenApiService());
            KeyRing keyRing = keys;
            WebServer server = WebServer.builder()
                    .host(settings.host())
                    .port(settings.port())
                    .tls(tls.tls())
                    .maxPayloadSize(settings.maxPayloadBytes())
                    .directHandlers(directHandlers(json))
                    .featuresDiscoverServices(false)
                    .putSocket(ADMIN_SOCKET, socket -> socket.host("127.0.0.1").port(settings.adminPort()).tls(tls.tls())
                            .directHandlers(directHandlers(json)))
                    .addFeature(ObserveFeature.builder()
                            .observersDiscoverServices(false)
                            .sockets(List.of(ADMIN_SOCKET))
                            .addObserver(HealthObserver.builder()
                                    .useSystemServices(false)
                                    .details(true)
                                    .addCheck(() -> databaseHealth(storage.database()), HealthCheckType.READINESS, "database")
                                    .addCheck(() -> custodyHealth(keyRing.custody()), HealthCheckType.READINESS, "hsm")
                                    .build())
                            .addObserver(metrics.join())
                            .build())
                    .routing(routing -> Main.routing(routing, problems, services))
                    .build()
                    .start();
            Checkpointer checkpointer = storage.checkpointer(custody, settings, clock);
            ScheduledExecutorService housekeeping = scheduleHousekeeping(storage, keys, checkpointer, settings, clock);
            return new Appliance(storage.database(), storage.log(), server, tls, services, firstAdmin, housekeeping, lock, keys, vault, checkpointer,
                    podman, templates, tasks);
        } catch (RuntimeException e) {
            if (tasks != null) {
                tasks.close();
            }
            if (keys != null) {
                keys.close();
            }
            podman.close();
            custody.close();
            storage.close();
            throw e;
        }
    }

    /** Image archives a crash interrupted while they were received: never loaded, never recorded. */
    private static void removeUnfinishedUploads(java.nio.file.Path uploads) {
        if (!java.nio.file.Files.isDirectory(uploads)) {
            return;
        }
        try (var files = java.nio.file.Files.list(uploads)) {
            for (java.nio.file.Path file : files.toList()) {
                java.nio.file.Files.deleteIfExists(file);
            }
        } catch (java.io.IOException e) {
            LOG.log(Level.WARNING, "unfinished uploads in " + uploads + " not removed: " + e.getMessage());
        }
    }

    /** The data directory holds keys and the database: only the service user may enter it. */
    private static void prepareDataDirectory(java.nio.file.Path directory) {
        try {
            java.nio.file.Files.createDirectories(directory);
            java.nio.file.Files.setPosixFilePermissions(directory, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot prepare the data directory " + directory + ": " + e.getMessage(), e);
        }
    }

    /**
     * Storage without a server, for the command-line tools: the database of the appliance serving the data
     * directory if one runs, otherwise one this tool starts and owns (holding the data directory's lock meanwhile).
     */
    static Storage openStorage(Config heroa) {
        ApplianceSettings settings = ApplianceSettings.from(heroa);
        prepareDataDirectory(settings.dataDirectory());
        Optional<DataDirectoryLock> lock = DataDirectoryLock.tryAcquire(settings.dataDirectory());
        try {
            // Command-line tools reach the same database as the appliance, through the same gate.
            OutboundGate gate = new OutboundGate(() -> SiteResidency.guard(settings.egress()), SiteResidency.systemResolver(settings.egress()));
            Database database = Database.open(settings.database(), settings.dataDirectory(), lock.isEmpty(), gate);
            Storage storage = Storage.create(database, settings, GroupCommitLog.Observer.NONE);
            return lock.map(held -> storage.holding(held)).orElse(storage);
        } catch (RuntimeException e) {
            lock.ifPresent(DataDirectoryLock::close);
            throw e;
        }
    }

    private static void startupThread(Runnable task) {
        Thread.ofPlatform().name("heroa-startup").daemon(true).start(task);
    }

    private static RuntimeException unwrap(RuntimeException e) {
        return e instanceof java.util.concurrent.CompletionException && e.getCause() instanceof RuntimeException cause ? cause : e;
    }

    static Optional<TokenSecret> createFirstAdminToken(TokenStore tokens, TokenHasher hasher, Clock clock) {
        TokenSecret secret = TokenSecret.generate(TokenKind.TENANT_ADMIN);
        TokenRecord record = adminRecord(secret, hasher, clock);
        boolean created = tokens.createFirstAdmin(record, AuditEvent.success(AuditEvent.Context.system(), Optional.empty(),
                "admin-token.create", "token:" + record.id(), Map.of()));
        return created ? Optional.of(secret) : Optional.empty();
    }

    static TokenSecret rotateAdminToken(TokenStore tokens, TokenHasher hasher, Clock clock) {
        TokenSecret secret = TokenSecret.generate(TokenKind.TENANT_ADMIN);
        TokenRecord record = adminRecord(secret, hasher, clock);
        tokens.rotateAdmin(record, clock.instant(), AuditEvent.success(AuditEvent.Context.commandLine(), Optional.empty(),
                "admin-token.rotate", "token:" + record.id(), Map.of()));
        return secret;
    }

    private static TokenRecord adminRecord(TokenSecret secret, TokenHasher hasher, Clock clock) {
        return new TokenRecord(secret.tokenId(), TokenKind.TENANT_ADMIN, Optional.empty(), "tenant-admin",
                EnumSet.allOf(Scope.class), clock.instant().truncatedTo(ChronoUnit.MICROS), Optional.empty(), Optional.empty(),
                hasher.hash(secret));
    }

    private static HealthCheckResponse databaseHealth(Database database) {
        return HealthCheckResponse.builder().status(database.reachable()).build();
    }

    private static HealthCheckResponse custodyHealth(KeyCustody custody) {
        try {
            return HealthCheckResponse.builder().status(!custody.inventory().isEmpty()).detail("token", custody.describe())
                    .detail("retiredKeyEncryptionKeys", custody.retiredKeyEncryptionKeys().size()).build();
        } catch (CustodyException e) {
            return HealthCheckResponse.builder().status(false).detail("reason", e.getMessage()).build();
        }
    }

    /** Retention purge, signed checkpoints, and completion of any unfinished key-encryption key rotation. */
    private static ScheduledExecutorService scheduleHousekeeping(Storage storage, KeyRing keys, Checkpointer checkpointer, ApplianceSettings settings,
                                                                 Clock clock) {
        ScheduledExecutorService executor = Executors.newScheduledThreadPool(1, Thread.ofPlatform().name("heroa-housekeeping").daemon(true).factory());
        long interval = settings.auditPurgeInterval().toSeconds();
        executor.scheduleWithFixedDelay(() -> {
            try {
                Instant cutoff = clock.instant().minus(settings.auditRetention());
                long purged = storage.audit().purgeBefore(cutoff, AuditEvent.Context.system());
                if (purged > 0) {
                    LOG.log(Level.INFO, "audit retention removed " + purged + " entries older than " + cutoff);
                }
            } catch (AuditUnavailableException | StorageUnavailableException e) {
                LOG.log(Level.WARNING, "audit retention purge did not run: " + e.getMessage());
            }
        }, interval, interval, TimeUnit.SECONDS);
        executor.scheduleWithFixedDelay(() -> {
            try {
                checkpointer.tick();
            } catch (CustodyException | StorageUnavailableException e) {
                LOG.log(Level.WARNING, "audit checkpoint not signed yet (" + e.getMessage() + "); the next one will cover its entries");
            }
        }, 1, 1, TimeUnit.SECONDS);
        executor.scheduleWithFixedDelay(() -> keys.finishRotationLater(AuditEvent.Context.system()), 1, 1, TimeUnit.MINUTES);
        return executor;
    }

    /** Maps what handlers throw to problem responses. */
    static void errorHandling(HttpRouting.Builder routing, Problems problems) {
        routing.error(ApiException.class, (request, response, error) -> problems.send(request, response, error))
                .error(WorkspaceNameTakenException.class, (request, response, error) ->
                        problems.send(request, response, new ApiException(ErrorCode.NAME_TAKEN)))
                .error(AuditUnavailableException.class, (request, response, error) -> {
                    LOG.log(Level.ERROR, "audit log unavailable; operation refused: " + error.getMessage());
                    problems.send(request, response, new ApiException(ErrorCode.AUDIT_UNAVAILABLE));
                })
                .error(StorageUnavailableException.class, (request, response, error) ->
                        problems.send(request, response, new ApiException(ErrorCode.SERVICE_UNAVAILABLE)))
                .error(CustodyUnavailableException.class, (request, response, error) -> {
                    LOG.log(Level.WARNING, "key custody unavailable; operation refused: " + error.getMessage());
                    problems.send(request, response, new ApiException(ErrorCode.HSM_UNAVAILABLE));
                })
                .error(BarrierIntegrityException.class, (request, response, error) -> {
                    LOG.log(Level.ERROR, error.getMessage());
                    problems.send(request, response, new ApiException(ErrorCode.INTEGRITY_FAILURE));
                })
                .error(CustodyIntegrityException.class, (request, response, error) -> {
                    LOG.log(Level.ERROR, "a wrapped key failed its integrity check: " + error.getMessage());
                    problems.send(request, response, new ApiException(ErrorCode.INTEGRITY_FAILURE));
                })
                .error(PodmanUnavailableException.class, (request, response, error) -> {
                    LOG.log(Level.WARNING, "Podman unavailable; operation refused: " + error.getMessage());
                    problems.send(request, response, new ApiException(ErrorCode.PODMAN_UNAVAILABLE));
                })
                .error(PodmanException.class, (request, response, error) -> {
                    LOG.log(Level.ERROR, "Podman refused a call: " + error.getMessage());
                    problems.send(request, response, new ApiException(ErrorCode.INTERNAL));
                })
                .error(Exception.class, problems::sendUnexpected);
    }

    private static DirectHandlers directHandlers(JsonCodec json) {
        return DirectHandlers.builder()
                .addHandler(DirectHandler.EventType.PAYLOAD_TOO_LARGE, new TransportProblems(json))
                .addHandler(DirectHandler.EventType.BAD_REQUEST, new TransportProblems(json))
                .build();
    }

    public int port() {
        return server.port();
    }

    public int adminPort() {
        return server.port(ADMIN_SOCKET);
    }

    public ServerTls tls() {
        return tls;
    }

    /** Every API route served, for the OpenAPI and cross-workspace tests. */
    public List<ApiService> services() {
        return services;
    }

    /** The tenant-admin token created by this start, if this was the first start. Shown once. */
    public Optional<TokenSecret> firstAdminToken() {
        return firstAdminToken;
    }

    public String jdbcUrl() {
        return database.jdbcUrl();
    }

    /** The vault, whose internal read path the task runtime uses (and tests that look behind the API). */
    public Vault vault() {
        return vault;
    }

    /** Template versions and their review (for tests that look behind the API). */
    public TemplateCatalog templates() {
        return templates;
    }

    /** The task runtime (for tests and benchmarks that look behind the API). */
    public TaskRuntime taskRuntime() {
        return tasks;
    }

    /** Where tasks' tmpfs directories live (secrets, token, input, state socket), for tests that check they are gone. */
    public java.nio.file.Path taskRuntimeDirectory() {
        return tasks.settings().runtimeDirectory();
    }

    /** The appliance's keys (for tests that look behind the API). */
    public KeyRing keys() {
        return keys;
    }

    @Override
    public void close() {
        housekeeping.shutdownNow();
        server.stop();
        // Running tasks are killed and recorded as cancelled while the audit log and the database still work.
        tasks.close();
        try {
            // What this process wrote since the last checkpoint is signed before it stops, while it still vouches for it.
            checkpointer.now();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "no closing audit checkpoint (" + e.getMessage() + "); the next start's first checkpoint covers those entries");
        }
        keys.close();
        keys.custody().close();
        podman.close();
        log.close();
        database.close();
        lock.close();
    }

    /** A resolved template version as the task runtime runs it. */
    private static RunnableTemplate runnable(ResolvedTemplate template) {
        var manifest = template.manifest();
        var resources = manifest.resources();
        return new RunnableTemplate(template.owner(), template.name(), template.version(), manifest.image(), manifest.command(),
                manifest.environment(), new RunnableTemplate.Limits(resources.cpuMillis(), resources.memoryMiB(), resources.pids(),
                resources.tmpfsMiB(), resources.timeoutSeconds()), manifest.secrets(), manifest.egressAllowances());
    }

    /** The database with its audit writer and stores. */
    record Storage(Database database, GroupCommitLog log, PostgresWorkspaceStore workspaces, PostgresTokenStore tokens,
                   PostgresAuditTrail audit, PostgresSecretStore secrets, PostgresWrappedKeyStore wrappedKeys, PostgresCheckpointStore checkpoints,
                   PostgresStateStore states, PostgresImageStore images, PostgresTemplateStore templates, PostgresTaskStore tasks,
                   Optional<DataDirectoryLock> lock) implements AutoCloseable {
        static Storage create(Database database, ApplianceSettings settings, GroupCommitLog.Observer observer) {
            GroupCommitLog log = new GroupCommitLog(database.dataSource(), settings.auditBatchMax(), settings.auditQueueCapacity(), observer);
            return new Storage(database, log, new PostgresWorkspaceStore(database.dataSource(), log),
                    new PostgresTokenStore(database.dataSource(), log), new PostgresAuditTrail(database.dataSource(), log),
                    new PostgresSecretStore(database.dataSource(), log), new PostgresWrappedKeyStore(database.dataSource()),
                    new PostgresCheckpointStore(database.dataSource()), new PostgresStateStore(database.dataSource(), log),
                    new PostgresImageStore(database.dataSource(), log), new PostgresTemplateStore(database.dataSource(), log),
                    new PostgresTaskStore(database.dataSource(), log), Optional.empty());
        }

        Storage holding(DataDirectoryLock held) {
            return new Storage(database, log, workspaces, tokens, audit, secrets, wrappedKeys, checkpoints, states, images, templates, tasks,
                    Optional.of(held));
        }

        /**
         * The key ring over this storage: brings a token-hash key file from before custody under it, and finishes a
         * key-encryption key rotation that a crash interrupted (only the owner of the data directory does: a command-line
         * tool next to a serving appliance leaves that to the appliance).
         */
        KeyRing keyRing(KeyCustody custody, ApplianceSettings settings, Clock clock) {
            return keyRing(custody, settings, clock, lock.isPresent());
        }

        KeyRing keyRing(KeyCustody custody, ApplianceSettings settings, Clock clock, boolean owner) {
            KeyRing keys = new KeyRing(custody, wrappedKeys, audit, settings.hsm().keyCacheTimeToLive(), clock);
            try {
                if (owner) {
                    keys.importLegacyTokenHashKey(settings.tokenHashKeyFile());
                    // Never blocks a start: what cannot be finished now is finished by housekeeping.
                    keys.finishRotationLater(AuditEvent.Context.system());
                }
                return keys;
            } catch (RuntimeException e) {
                keys.close();
                throw e;
            }
        }

        Checkpointer checkpointer(KeyCustody custody, ApplianceSettings settings, Clock clock) {
            return new Checkpointer(checkpoints, log::committedHead, new AuditSigningKey(custody), settings.checkpointEveryEntries(),
                    settings.checkpointInterval(), clock);
        }

        @Override
        public void close() {
            log.close();
            database.close();
            lock.ifPresent(DataDirectoryLock::close);
        }
    }
}
