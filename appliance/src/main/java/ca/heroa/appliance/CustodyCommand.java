package ca.heroa.appliance;

import ca.heroa.appliance.audit.AuditEvent;
import ca.heroa.appliance.custody.HsmSettings;
import ca.heroa.appliance.custody.KeyRing;
import ca.heroa.appliance.http.Messages;
import ca.heroa.hsm.KeyAttributes;
import ca.heroa.hsm.KeyCustody;
import ca.heroa.hsm.SoftHsmDevToken;
import io.helidon.config.Config;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code custody provision|inventory|rotate-kek}: key custody on the HSM, from the command line. */
@Command(name = "custody", mixinStandardHelpOptions = true, description = "Key custody in the HSM / Garde des clés dans le HSM",
        subcommands = {CustodyCommand.Provision.class, CustodyCommand.Inventory.class, CustodyCommand.RotateKeyEncryptionKey.class})
final class CustodyCommand {
    @CommandLine.ParentCommand
    Main main;

    @Command(name = "provision", mixinStandardHelpOptions = true, description = "Create the key-encryption key and the signing keys that "
            + "are missing on the token / Créer sur le jeton la clé de chiffrement de clés et les clés de signature manquantes")
    static final class Provision implements Callable<Integer> {
        @CommandLine.ParentCommand
        CustodyCommand parent;

        @Override
        public Integer call() {
            HsmSettings hsm = ApplianceSettings.from(parent.main.heroaConfig()).hsm();
            if (hsm.mode() == HsmSettings.Mode.DEV_TOKEN) {
                SoftHsmDevToken.ensure(hsm.devTokenDirectory(), hsm.tokenLabel());
            }
            print(KeyCustody.provision(hsm.custody()));
            return 0;
        }
    }

    @Command(name = "inventory", mixinStandardHelpOptions = true, description = "List the appliance's keys with the attributes the token "
            + "reports / Lister les clés de l'appliance avec les attributs que le jeton déclare")
    static final class Inventory implements Callable<Integer> {
        @CommandLine.ParentCommand
        CustodyCommand parent;

        @Override
        public Integer call() {
            HsmSettings hsm = ApplianceSettings.from(parent.main.heroaConfig()).hsm();
            try (KeyCustody custody = KeyCustody.open(hsm.custody())) {
                print(custody.inventory());
            }
            return 0;
        }
    }

    @Command(name = "rotate-kek", mixinStandardHelpOptions = true, description = "Rotate the key-encryption key: rewrap every stored key, "
            + "then destroy the old one (stop the appliance first) / Renouveler la clé de chiffrement de clés : rechiffrer chaque clé stockée, "
            + "puis détruire l'ancienne (arrêtez d'abord l'appliance)")
    static final class RotateKeyEncryptionKey implements Callable<Integer> {
        @CommandLine.ParentCommand
        CustodyCommand parent;

        @Override
        public Integer call() {
            Config heroa = parent.main.heroaConfig();
            ApplianceSettings settings = ApplianceSettings.from(heroa);
            Messages messages = Messages.forEnvironment();
            // A serving appliance keeps handles to the current key-encryption key and wraps new keys with it: rotating
            // behind its back could destroy a key it still uses. Rotation from the command line needs the data directory.
            try (Appliance.Storage storage = Appliance.openStorage(heroa)) {
                if (storage.lock().isEmpty()) {
                    System.err.println(messages.text("cli.custody.rotate.serving", settings.dataDirectory()));
                    return 1;
                }
                rotate(storage, settings, messages);
            }
            return 0;
        }

        private static void rotate(Appliance.Storage storage, ApplianceSettings settings, Messages messages) {
            try (KeyCustody custody = KeyCustody.open(settings.hsm().custody()); KeyRing keys = storage.keyRing(custody, settings, Clock.systemUTC())) {
                String current = keys.rotateKeyEncryptionKey(AuditEvent.Context.commandLine());
                System.out.println(messages.text("cli.custody.rotated", current));
            }
        }
    }

    private static void print(List<KeyAttributes> inventory) {
        Messages messages = Messages.forEnvironment();
        System.out.println(messages.text("cli.custody.inventory.header"));
        for (KeyAttributes key : inventory) {
            System.out.printf("%-40s %-12s %-4s %4d  token=%s sensitive=%s extractable=%s never-extractable=%s%n", key.label(), key.objectClass(),
                    key.keyType(), key.sizeBits(), key.token(), key.sensitive(), key.extractable(), key.neverExtractable());
        }
    }
}
