package ca.heroa.appliance.architecture;

import com.tngtech.archunit.core.domain.JavaCall;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.properties.HasName;
import com.tngtech.archunit.core.domain.properties.HasOwner;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.conditions.ArchConditions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.equivalentTo;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/** The module boundaries of ARCHITECTURE.md that apply to what exists so far. */
class ArchitectureTest {
    static final ArchRule ONLY_PERSISTENCE_USES_JDBC = noClasses()
            .that().resideInAPackage("ca.heroa.appliance..")
            .and().resideOutsideOfPackage("ca.heroa.appliance.persistence..")
            .should().dependOnClassesThat().resideInAnyPackage("java.sql..")
            .because("PostgreSQL is untrusted storage reached only through the persistence package; use a store interface");

    static final ArchRule NO_CONSOLE_OUTSIDE_THE_CLI_ENTRY = noClasses()
            .that().resideInAPackage("ca.heroa.appliance..")
            .and().doNotHaveFullyQualifiedName("ca.heroa.appliance.Main")
            .and().resideOutsideOfPackage("ca.heroa.appliance.cli..")
            .and().doNotHaveFullyQualifiedName("ca.heroa.appliance.Main$Serve")
            .and().doNotHaveFullyQualifiedName("ca.heroa.appliance.Main$AdminToken$Rotate")
            .and().doNotHaveFullyQualifiedName("ca.heroa.appliance.Main$Audit$Verify")
            .and().doNotHaveFullyQualifiedName("ca.heroa.appliance.Main$Audit$Purge")
            .and().doNotHaveFullyQualifiedName("ca.heroa.appliance.Main$Audit$Export")
            .and().doNotHaveFullyQualifiedName("ca.heroa.appliance.CustodyCommand")
            .and().doNotHaveFullyQualifiedName("ca.heroa.appliance.CustodyCommand$RotateKeyEncryptionKey")
            .should().accessField(System.class, "out")
            .orShould().accessField(System.class, "err")
            .because("only command-line entry points print; everything else logs with System.Logger");

    static final ArchRule NO_PKCS11_IN_THE_APPLIANCE = noClasses()
            .that().resideInAPackage("ca.heroa.appliance..")
            .should().dependOnClassesThat().resideInAnyPackage("sun.security.pkcs11..")
            .because("key custody is isolated in hsm-adapter; use KeyCustody");

    static final ArchRule DOMAIN_DOES_NOT_KNOW_STORAGE_OR_HTTP_SERVING = noClasses()
            .that().resideInAnyPackage("ca.heroa.appliance.audit..", "ca.heroa.appliance.token..", "ca.heroa.appliance.workspace..")
            .should().dependOnClassesThat().resideInAnyPackage("ca.heroa.appliance.persistence..", "ca.heroa.appliance.api..",
                    "io.helidon.webserver..", "javax.sql..", "com.zaxxer..", "org.flywaydb..")
            .because("the domain is plain Java; storage and HTTP depend on it, not the reverse");

    static final ArchRule ONLY_TLS_USES_BOUNCY_CASTLE_PKIX = noClasses()
            .that().resideInAPackage("ca.heroa.appliance..")
            .and().resideOutsideOfPackage("ca.heroa.appliance.tls..")
            .should().dependOnClassesThat().resideInAnyPackage("org.bouncycastle.cert..", "org.bouncycastle.operator..")
            .because("certificate generation lives in the tls package");

    static final ArchRule KEY_MATERIAL_ONLY_IN_THE_HSM_ADAPTER = noClasses()
            .that().resideInAPackage("ca.heroa.appliance..")
            .should().dependOnClassesThat().resideInAnyPackage("javax.crypto..")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("java.security.KeyStore")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("java.security.KeyPairGenerator")
            .orShould().callConstructor(java.security.SecureRandom.class)
            .orShould().dependOnClassesThat().resideInAnyPackage("org.bouncycastle.crypto..", "org.bouncycastle.jcajce..")
            .because("keys are generated, wrapped and used only through hsm-adapter (KeyCustody, DataKey, MacKey, CustodyTls, Fips)");

    static final ArchRule SECRET_VALUES_ONLY_FOR_DELIVERY = noClasses()
            .that().resideInAPackage("ca.heroa.appliance..")
            .and().resideOutsideOfPackage("ca.heroa.appliance.vault..")
            .and().doNotHaveFullyQualifiedName("ca.heroa.appliance.task.TaskRunner")
            .should().callMethod(ca.heroa.appliance.vault.Vault.class, "reveal", ca.heroa.appliance.workspace.WorkspaceId.class,
                    ca.heroa.appliance.vault.SecretName.class)
            .orShould().dependOnClassesThat().haveFullyQualifiedName("ca.heroa.appliance.vault.SecretValue")
            .because("a secret value leaves the vault only to be delivered to a task (TaskRunner writes it into the task's tmpfs);"
                    + " no API route or log reads it");

    static final ArchRule ONLY_THE_PODMAN_CLIENT_TALKS_TO_PODMAN = noClasses()
            .that().resideInAPackage("ca.heroa.appliance..")
            .and().resideOutsideOfPackage("ca.heroa.appliance.podman..")
            .should().dependOnClassesThat().resideInAnyPackage("io.helidon.webclient..")
            .because("Podman is driven only through its REST API by the podman package's PodmanClient, never by a CLI process");

    static final ArchRule NO_EXTERNAL_PROCESS_IN_THE_APPLIANCE = noClasses()
            .that().resideInAPackage("ca.heroa.appliance..")
            .should().callConstructor(ProcessBuilder.class, String[].class)
            .orShould().callConstructor(ProcessBuilder.class, java.util.List.class)
            .orShould().callMethodWhere(JavaCall.Predicates.target(HasOwner.Predicates.With.owner(equivalentTo(Runtime.class)))
                    .and(JavaCall.Predicates.target(HasName.Predicates.name("exec"))))
            .because("every external process (ip, nsenter, nft) runs in residency-guard through its one narrow, fakeable HostCommands");

    static final ArchRule NO_OUTBOUND_CONNECTION_BUT_THROUGH_THE_GATE = noClasses()
            .that().resideInAPackage("ca.heroa.appliance..")
            .and().resideOutsideOfPackage("ca.heroa.appliance.podman..")
            // The egress package is the one place: its sockets connect only where OutboundGate approved.
            .and().resideOutsideOfPackage("ca.heroa.appliance.egress..")
            .should().callConstructorWhere(JavaCall.Predicates.target(HasOwner.Predicates.With.owner(
                    assignableTo(java.net.Socket.class).or(assignableTo(java.net.URLConnection.class)))))
            .orShould().callMethodWhere(JavaCall.Predicates.target(HasOwner.Predicates.With.owner(
                    equivalentTo(java.net.InetAddress.class).or(equivalentTo(java.net.URL.class)).or(equivalentTo(java.nio.channels.SocketChannel.class))
                            .or(equivalentTo(java.net.http.HttpClient.class)).or(equivalentTo(java.sql.DriverManager.class))))
                    .and(JavaCall.Predicates.target(HasName.Predicates.nameMatching(
                            "getByName|getAllByName|openConnection|openStream|open|newHttpClient|newBuilder|getConnection"))))
            .because("the appliance's own outbound connections are decided in one place, egress.OutboundGate, with the residency "
                    + "check tasks get; a database connection needs its ApprovedDestination (names resolve through a residency Resolver)");

    static final ArchRule ONLY_THE_GATE_APPROVES_DESTINATIONS = noClasses()
            .that().resideInAPackage("ca.heroa.appliance..")
            .and().doNotHaveFullyQualifiedName("ca.heroa.appliance.egress.OutboundGate")
            .should().callConstructor(ca.heroa.appliance.egress.ApprovedDestination.class, String.class, String.class, int.class,
                    java.util.List.class)
            .because("an ApprovedDestination is the proof that OutboundGate checked a destination's residency");

    static final ArchRule THE_DATABASE_POOL_CONNECTS_ONLY_TO_APPROVED_SERVERS = classes()
            .that().haveFullyQualifiedName("ca.heroa.appliance.persistence.Database")
            .should(ArchConditions.callMethod(ca.heroa.appliance.egress.OutboundGate.class, "approve", String.class, String.class, int.class))
            .andShould(ArchConditions.callMethod(ca.heroa.appliance.egress.ApprovedSocketFactory.class, "register", java.util.List.class))
            .because("the database is the appliance's one configurable outbound destination: each server its URL names passes the gate,"
                    + " and the driver's sockets connect only to the addresses approved then");

    static final ArchRule HIKARI_ONLY_IN_DATABASE = noClasses()
            .that().resideInAPackage("ca.heroa.appliance..")
            .and().doNotHaveFullyQualifiedName("ca.heroa.appliance.persistence.Database")
            .should().callConstructorWhere(JavaCall.Predicates.target(HasOwner.Predicates.With.owner(
                    assignableTo(com.zaxxer.hikari.HikariDataSource.class))))
            .because("only Database opens connection pools, after the gate approved the servers");

    static final ArchRule NO_PACKAGE_CYCLES = slices().matching("ca.heroa.appliance.(*)..").should().beFreeOfCycles()
            .because("packages form a layered graph: api -> auth -> token/workspace/audit -> http; persistence implements the domain");

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("ca.heroa.appliance", "java.sql", "sun.security.pkcs11", "org.bouncycastle", "javax.crypto", "java.security",
                        "io.helidon.webclient", "java.lang", "java.net", "java.nio.channels", "com.zaxxer.hikari");
    }

    @Test
    void onlyPersistenceUsesJdbc() {
        ONLY_PERSISTENCE_USES_JDBC.check(classes);
    }

    @Test
    void noConsoleOutputOutsideTheCliEntry() {
        NO_CONSOLE_OUTSIDE_THE_CLI_ENTRY.check(classes);
    }

    @Test
    void noPkcs11InTheAppliance() {
        NO_PKCS11_IN_THE_APPLIANCE.check(classes);
    }

    @Test
    void domainDoesNotKnowStorageOrServing() {
        DOMAIN_DOES_NOT_KNOW_STORAGE_OR_HTTP_SERVING.check(classes);
    }

    @Test
    void onlyTlsUsesBouncyCastlePkix() {
        ONLY_TLS_USES_BOUNCY_CASTLE_PKIX.check(classes);
    }

    @Test
    void keyMaterialOnlyInTheHsmAdapter() {
        KEY_MATERIAL_ONLY_IN_THE_HSM_ADAPTER.check(classes);
    }

    @Test
    void secretValuesOnlyForDelivery() {
        SECRET_VALUES_ONLY_FOR_DELIVERY.check(classes);
    }

    @Test
    void noExternalProcessInTheAppliance() {
        NO_EXTERNAL_PROCESS_IN_THE_APPLIANCE.check(classes);
    }

    @Test
    void noOutboundConnectionButThroughTheGate() {
        NO_OUTBOUND_CONNECTION_BUT_THROUGH_THE_GATE.check(classes);
    }

    @Test
    void onlyTheGateApprovesDestinations() {
        ONLY_THE_GATE_APPROVES_DESTINATIONS.check(classes);
    }

    @Test
    void theDatabasePoolConnectsOnlyToApprovedServers() {
        THE_DATABASE_POOL_CONNECTS_ONLY_TO_APPROVED_SERVERS.check(classes);
        HIKARI_ONLY_IN_DATABASE.check(classes);
    }

    @Test
    void onlyThePodmanClientTalksToPodman() {
        ONLY_THE_PODMAN_CLIENT_TALKS_TO_PODMAN.check(classes);
    }

    @Test
    void noPackageCycles() {
        NO_PACKAGE_CYCLES.check(classes);
    }
}
