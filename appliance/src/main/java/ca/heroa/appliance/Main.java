package ca.heroa.appliance;

import ca.heroa.appliance.api.ApiService;
import ca.heroa.appliance.api.StateService;
import ca.heroa.appliance.audit.AuditEvent;
import ca.heroa.appliance.audit.AuditVerification;
import ca.heroa.appliance.audit.AuditExport;
import ca.heroa.appliance.audit.AuditTrail;
import ca.heroa.appliance.audit.CheckpointVerifier;
import ca.heroa.appliance.custody.Custody;
import ca.heroa.appliance.custody.KeyRing;
import ca.heroa.appliance.token.TokenHasher;
import ca.heroa.hsm.CustodyException;
import ca.heroa.hsm.Fips;
import ca.heroa.hsm.KeyCustody;
import ca.heroa.hsm.KeyPurpose;
import ca.heroa.appliance.http.ApiException;
import ca.heroa.appliance.http.ErrorCode;
import ca.heroa.appliance.http.Messages;
import ca.heroa.appliance.http.Problems;
import ca.heroa.appliance.http.RequestInfoFilter;
import ca.heroa.appliance.token.TokenSecret;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.config.yaml.YamlConfigParser;
import io.helidon.logging.common.LogConfig;
import io.helidon.metrics.api.Metrics;
import io.helidon.webserver.http.HttpRouting;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * The command-line entry point and the composition of routes. Commands: {@code serve}, {@code admin-token rotate},
 * {@code audit verify|export|purge}, {@code custody provision|inventory|rotate-kek}. Every message comes from the English or French bundle (LANG).
 */
@Command(name = "heroa-appliance", mixinStandardHelpOptions = true,
        subcommands = {Main.Serve.class, Main.AdminToken.class, Main.Audit.class, CustodyCommand.class},
        description = "Heroa sovereign appliance / Appliance souveraine Heroa")
public final class Main implements Callable<Integer> {
    @Option(names = "--config", scope = CommandLine.ScopeType.INHERIT, description = "YAML configuration file (optional) / fichier de configuration YAML (facultatif)")
    Optional<Path> configFile = Optional.empty();

    public static void main(String[] args) {
        // TLS key exchange on FIPS-approved groups only, before anything initialises the JDK's TLS stack (the launcher
        // passes the same; this covers a bare java -jar).
        if (System.getProperty("jdk.tls.namedGroups") == null) {
            System.setProperty("jdk.tls.namedGroups", "secp256r1,secp384r1");
        }
        // Bouncy Castle FIPS's power-on self-tests (~1 s of one core) and the metrics registry (~0.4 s) are process-wide
        // and need nothing else: start them now, while the command line and configuration are read and the database
        // starts. Harmless for commands that never use them.
        Thread.ofPlatform().daemon(true).name("heroa-fips-init").start(Fips::install);
        Thread.ofPlatform().daemon(true).name("heroa-metrics-init").start(Metrics::globalRegistry);
        LogConfig.configureRuntime();
        CommandLine commandLine = new CommandLine(new Main());
        // A failure is one clear line in the user's language, not a stack trace; details go to the log.
        commandLine.setExecutionExceptionHandler((error, command, parsed) -> {
            System.Logger log = System.getLogger(Main.class.getName());
            log.log(System.Logger.Level.DEBUG, "command failed", error);
            Messages messages = Messages.forEnvironment();
            String reason = error instanceof CustodyException custody ? custody.message(messages.language().locale()) : String.valueOf(error.getMessage());
            System.err.println(messages.text("cli.failed", reason));
            return 1;
        });
        System.exit(commandLine.execute(args));
    }

    @Override
    public Integer call() {
        new CommandLine(this).usage(System.out);
        return 2;
    }

    /** The route table: request info, every API service, a problem for anything unmatched, and error mapping. */
    static void routing(HttpRouting.Builder routing, Problems problems, List<ApiService> services) {
        routing.addFilter(new RequestInfoFilter());
        // State keys are checked on the raw path, before Helidon normalises it for routing ("a/../b" must not become "b").
        routing.addFilter(StateService.keyFilter());
        services.forEach(routing::register);
        routing.any((request, response) -> problems.send(request, response, new ApiException(ErrorCode.NOT_FOUND)));
        Appliance.errorHandling(routing, problems);
    }

    /**
     * The {@code heroa} config node: environment variables, then system properties, then {@code --config}, then the
     * built-in application.yaml.
     */
    Config heroaConfig() {
        // Sources, parser and mappers are named here, not discovered: discovery costs start-up time and could pick
        // up whatever a jar on the class path registers.
        Config.Builder builder = Config.builder()
                .disableEnvironmentVariablesSource()
                .disableSystemPropertiesSource()
                .disableParserServices()
                .addParser(YamlConfigParser.create())
                .disableFilterServices()
                .disableMapperServices()
                .disableKeyResolving()
                .addSource(ConfigSources.environmentVariables())
                .addSource(ConfigSources.systemProperties());
        configFile.ifPresent(file -> {
            if (!Files.isReadable(file)) {
                throw new CommandLine.ParameterException(new CommandLine(this),
                        Messages.forEnvironment().text("cli.config.unreadable", file));
            }
            builder.addSource(ConfigSources.file(file));
        });
        return builder.addSource(ConfigSources.classpath("application.yaml")).build().get("heroa");
    }

    @Command(name = "serve", mixinStandardHelpOptions = true, description = "Start the appliance / Démarrer l'appliance")
    static final class Serve implements Callable<Integer> {
        @CommandLine.ParentCommand
        Main main;

        @Override
        public Integer call() throws InterruptedException {
            Messages messages = Messages.forEnvironment();
            PrintWriter out = new PrintWriter(System.out, true);
            out.println(messages.text("cli.serve.starting"));
            Appliance appliance = Appliance.start(main.heroaConfig());
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                appliance.close();
                stopped.countDown();
            }, "heroa-shutdown"));
            out.println(messages.text("cli.serve.url", "https://localhost:" + appliance.port() + "/v1/openapi"));
            out.println(messages.text("cli.serve.admin", "https://127.0.0.1:" + appliance.adminPort() + "/observe/health"));
            out.println(messages.text("cli.serve.fingerprint", appliance.tls().trustAnchorFingerprint()));
            appliance.tls().trustAnchorFile().ifPresent(file -> out.println(messages.text("cli.serve.ca-file", file)));
            appliance.firstAdminToken().ifPresentOrElse(
                    token -> out.println(messages.text("cli.serve.admin-token", token.reveal())),
                    () -> out.println(messages.text("cli.serve.admin-token-exists")));
            out.println(messages.text("cli.serve.ready"));
            stopped.await();
            return 0;
        }
    }

    @Command(name = "admin-token", mixinStandardHelpOptions = true, description = "Tenant-admin token / Jeton d'administration du locataire",
            subcommands = AdminToken.Rotate.class)
    static final class AdminToken {
        @CommandLine.ParentCommand
        Main main;

        @Command(name = "rotate", mixinStandardHelpOptions = true, description = "Revoke every tenant-admin token and print a new one / "
                + "Révoquer tous les jetons d'administration et en afficher un nouveau")
        static final class Rotate implements Callable<Integer> {
            @CommandLine.ParentCommand
            AdminToken parent;

            @Override
            public Integer call() {
                Config heroa = parent.main.heroaConfig();
                ApplianceSettings settings = ApplianceSettings.from(heroa);
                try (Appliance.Storage storage = Appliance.openStorage(heroa); KeyCustody custody = Custody.open(settings.hsm());
                     KeyRing keys = storage.keyRing(custody, settings, Clock.systemUTC())) {
                    TokenSecret token = Appliance.rotateAdminToken(storage.tokens(), new TokenHasher(keys::tokenHashKey), Clock.systemUTC());
                    System.out.println(Messages.forEnvironment().text("cli.admin-token.rotated", token.reveal()));
                }
                return 0;
            }
        }
    }

    @Command(name = "audit", mixinStandardHelpOptions = true, description = "Audit log / Journal d'audit",
            subcommands = {Audit.Verify.class, Audit.Export.class, Audit.Purge.class})
    static final class Audit {
        @CommandLine.ParentCommand
        Main main;

        @Command(name = "verify", mixinStandardHelpOptions = true, description = "Recompute the hash chain and check every signed checkpoint "
                + "(the live log, or an export offline) / Recalculer la chaîne et vérifier chaque point de contrôle signé (journal vivant ou export, hors ligne)")
        static final class Verify implements Callable<Integer> {
            @CommandLine.ParentCommand
            Audit parent;

            @Option(names = "--export", description = "verify this export directory offline (no database, no HSM) / vérifier ce répertoire d'export hors ligne")
            Optional<Path> export = Optional.empty();

            @Option(names = "--public-key", description = "audit-signing public key or certificate (PEM), obtained independently of the export / "
                    + "clé publique ou certificat de signature d'audit (PEM), obtenu indépendamment de l'export")
            Optional<Path> publicKey = Optional.empty();

            @Override
            public Integer call() {
                Messages messages = Messages.forEnvironment();
                if (export.isPresent()) {
                    Path key = publicKey.orElseThrow(() -> new CommandLine.ParameterException(new CommandLine(this),
                            messages.text("cli.audit.public-key-required")));
                    AuditExport.Verification result = AuditExport.verify(export.get(), AuditExport.readPublicKey(key));
                    return report(messages, result.chain(), result.checkpoints());
                }
                Config heroa = parent.main.heroaConfig();
                ApplianceSettings settings = ApplianceSettings.from(heroa);
                try (Appliance.Storage storage = Appliance.openStorage(heroa)) {
                    AuditVerification chain = storage.audit().verify();
                    PublicKey key;
                    if (publicKey.isPresent()) {
                        key = AuditExport.readPublicKey(publicKey.get());
                    } else {
                        try (KeyCustody custody = Custody.open(settings.hsm())) {
                            key = custody.certificate(KeyPurpose.AUDIT_SIGNING).getPublicKey();
                        }
                    }
                    AuditTrail.ChainSnapshot chainEnds = storage.audit().ends();
                    CheckpointVerifier.Result checkpoints = CheckpointVerifier.verify(chainEnds.checkpoints(), key, chainEnds.anchorSequence(),
                            chainEnds.head().sequence(), true, storage.checkpoints()::entryHash);
                    return report(messages, chain, checkpoints);
                }
            }

            private static int report(Messages messages, AuditVerification chain, CheckpointVerifier.Result checkpoints) {
                if (chain.intact()) {
                    System.out.println(messages.text("audit.verify.intact", chain.entriesChecked()));
                } else {
                    System.out.println(messages.text(chain.reason().orElseThrow().key(), chain.firstBroken().orElseThrow()));
                    System.out.println(messages.text("audit.verify.broken", chain.firstBroken().orElseThrow(), chain.entriesChecked()));
                }
                for (CheckpointVerifier.Failure failure : checkpoints.failures()) {
                    System.out.println(messages.text(failure.problem().key(), failure.lastSequence()));
                }
                checkpoints.unsignedTail().ifPresent(tail -> System.out.println(messages.text("audit.checkpoint.tail", tail[0], tail[1])));
                System.out.println(messages.text(checkpoints.intact() ? "audit.checkpoint.intact" : "audit.checkpoint.broken",
                        checkpoints.checked(), checkpoints.failures().size()));
                return chain.intact() && checkpoints.intact() ? 0 : 1;
            }
        }

        @Command(name = "export", mixinStandardHelpOptions = true, description = "Write the audit log, its signed checkpoints and the "
                + "audit-signing public key to a directory, for offline verification / Écrire le journal d'audit, ses points de contrôle signés "
                + "et la clé publique de signature dans un répertoire, pour une vérification hors ligne")
        static final class Export implements Callable<Integer> {
            @CommandLine.ParentCommand
            Audit parent;

            @Option(names = "--out", required = true, description = "directory to create (must not hold anything) / répertoire à créer (vide)")
            Path out;

            @Override
            public Integer call() {
                Config heroa = parent.main.heroaConfig();
                ApplianceSettings settings = ApplianceSettings.from(heroa);
                try (Appliance.Storage storage = Appliance.openStorage(heroa); KeyCustody custody = Custody.open(settings.hsm())) {
                    AuditExport.Written written = AuditExport.write(out, storage.audit(), custody.certificate(KeyPurpose.AUDIT_SIGNING));
                    Messages messages = Messages.forEnvironment();
                    System.out.println(messages.text("audit.export.done", written.entries(), written.checkpoints(), out));
                    if (written.unsigned() > 0) {
                        System.out.println(messages.text("audit.export.unsigned", written.unsigned()));
                    }
                }
                return 0;
            }
        }

        @Command(name = "purge", mixinStandardHelpOptions = true, description = "Remove entries older than the retention window now / "
                + "Supprimer maintenant les entrées plus anciennes que la durée de conservation")
        static final class Purge implements Callable<Integer> {
            @CommandLine.ParentCommand
            Audit parent;

            @Override
            public Integer call() {
                Config heroa = parent.main.heroaConfig();
                ApplianceSettings settings = ApplianceSettings.from(heroa);
                try (Appliance.Storage storage = Appliance.openStorage(heroa)) {
                    long purged = storage.audit().purgeBefore(Clock.systemUTC().instant().minus(settings.auditRetention()),
                            AuditEvent.Context.commandLine());
                    System.out.println(Messages.forEnvironment().text("audit.purge.done", purged));
                }
                return 0;
            }
        }
    }
}
