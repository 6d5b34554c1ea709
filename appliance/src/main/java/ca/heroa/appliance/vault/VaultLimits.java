package ca.heroa.appliance.vault;

import io.helidon.config.Config;

/**
 * The {@code heroa.vault} configuration node.
 *
 * @param maxValueBytes largest secret value accepted
 * @param keepVersions  versions kept per secret; older ones are deleted when a new one is written
 * @param maxSecrets    secrets (names) a workspace may hold
 */
public record VaultLimits(int maxValueBytes, int keepVersions, int maxSecrets) {
    public VaultLimits {
        if (maxValueBytes < 1 || maxValueBytes > 1 << 20 || keepVersions < 1 || keepVersions > 1000 || maxSecrets < 1) {
            throw new IllegalArgumentException("vault limits out of range");
        }
    }

    public static VaultLimits from(Config vault) {
        return new VaultLimits(vault.get("max-value-bytes").asInt().orElse(32 * 1024), vault.get("keep-versions").asInt().orElse(20),
                vault.get("max-secrets").asInt().orElse(1000));
    }
}
