package ca.heroa.appliance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Set;

/**
 * The key of the token hash, in a file only the service user can read; created on first run. (The HSM issue
 * moves it under key custody.)
 */
final class TokenHashKey {
    private static final int LENGTH = 32;

    private TokenHashKey() {
    }

    static byte[] loadOrCreate(Path file) {
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(file.getParent());
                byte[] key = new byte[LENGTH];
                new SecureRandom().nextBytes(key);
                Path temporary = Files.createTempFile(file.getParent(), ".token-hash", ".tmp",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.write(temporary, key);
                Files.move(temporary, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                return key;
            }
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            if (permissions.contains(PosixFilePermission.GROUP_READ) || permissions.contains(PosixFilePermission.OTHERS_READ)) {
                throw new IllegalStateException("the token hash key " + file + " is readable by others; run: chmod 600 " + file);
            }
            byte[] key = Files.readAllBytes(file);
            if (key.length != LENGTH) {
                throw new IllegalStateException("the token hash key " + file + " must hold exactly " + LENGTH + " bytes");
            }
            return key;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read or create the token hash key " + file + ": " + e.getMessage(), e);
        }
    }
}
