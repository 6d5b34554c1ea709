package ca.heroa.residency.architecture;

import com.tngtech.archunit.core.domain.JavaCall;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.properties.HasName;
import com.tngtech.archunit.core.domain.properties.HasOwner;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.equivalentTo;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/** The residency guard's own boundaries: one way to run a process, one way to resolve a name. */
class ArchitectureTest {
    static final ArchRule ONE_WAY_TO_RUN_A_PROCESS = noClasses()
            .that().resideInAPackage("ca.heroa.residency..")
            .and().doNotHaveFullyQualifiedName("ca.heroa.residency.process.ProcessHostCommands")
            .should().callConstructor(ProcessBuilder.class, String[].class)
            .orShould().callConstructor(ProcessBuilder.class, java.util.List.class)
            .orShould().callMethodWhere(JavaCall.Predicates.target(HasOwner.Predicates.With.owner(equivalentTo(Runtime.class)))
                    .and(JavaCall.Predicates.target(HasName.Predicates.name("exec"))))
            .because("ip, nsenter and nft run only through HostCommands (ProcessHostCommands), the one narrow interface tests fake");

    static final ArchRule ONE_WAY_TO_RESOLVE_A_NAME = noClasses()
            .that().resideInAPackage("ca.heroa.residency..")
            .and().doNotHaveFullyQualifiedName("ca.heroa.residency.plan.SystemResolver")
            // Cidr hands the JDK only strings with a colon, which it parses as IPv6 literals and never looks up.
            .and().doNotHaveFullyQualifiedName("ca.heroa.residency.address.Cidr")
            .should().callMethodWhere(JavaCall.Predicates.target(HasOwner.Predicates.With.owner(equivalentTo(InetAddress.class)))
                    .and(JavaCall.Predicates.target(HasName.Predicates.nameMatching("getByName|getAllByName|getLocalHost|getCanonicalHostName|getHostName"))))
            .because("names are resolved once per plan, by a Resolver, so every address a rule names was checked");

    static final ArchRule NO_CONSOLE = noClasses()
            .that().resideInAPackage("ca.heroa.residency..")
            .should().accessField(System.class, "out").orShould().accessField(System.class, "err")
            .because("the module logs with System.Logger; it has no command-line entry point");

    static final ArchRule NO_PACKAGE_CYCLES = slices().matching("ca.heroa.residency.(*)..").should().beFreeOfCycles()
            .because("address <- country <- plan <- nft <- network; process stands alone");

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("ca.heroa.residency", "java.lang", "java.net", "java.io");
    }

    @Test
    void oneWayToRunAProcess() {
        ONE_WAY_TO_RUN_A_PROCESS.check(classes);
    }

    @Test
    void oneWayToResolveAName() {
        ONE_WAY_TO_RESOLVE_A_NAME.check(classes);
    }

    @Test
    void noConsoleOutput() {
        NO_CONSOLE.check(classes);
    }

    @Test
    void noPackageCycles() {
        NO_PACKAGE_CYCLES.check(classes);
    }
}
