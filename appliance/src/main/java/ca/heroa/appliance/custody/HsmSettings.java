package ca.heroa.appliance.custody;

import ca.heroa.hsm.CustodySettings;
import ca.heroa.hsm.PinSource;
import ca.heroa.hsm.TokenSelector;
import io.helidon.config.Config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The {@code heroa.hsm} configuration node.
 *
 * @param mode            {@code dev-token}: a SoftHSM2 token under {@code <data-dir>/hsm}, created and provisioned on
 *                        first run; {@code pkcs11}: the HSM vendor's library and a token provisioned with
 *                        {@code heroa custody provision}
 * @param custody         how to reach the token
 * @param devTokenDirectory where the development token lives (dev-token mode)
 * @param keyCacheTimeToLive how long an unwrapped software key stays in memory before it is zeroed
 */
public record HsmSettings(Mode mode, CustodySettings custody, Path devTokenDirectory, Duration keyCacheTimeToLive) {
    public enum Mode { DEV_TOKEN, PKCS11 }

    public HsmSettings {
        requireNonNull(mode, "mode is null");
        requireNonNull(custody, "custody is null");
        requireNonNull(devTokenDirectory, "devTokenDirectory is null");
        requireNonNull(keyCacheTimeToLive, "keyCacheTimeToLive is null");
        if (keyCacheTimeToLive.isNegative() || keyCacheTimeToLive.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("hsm.key-cache-ttl must be between 0 and 1 hour");
        }
    }

    public static HsmSettings from(Config hsm, Path dataDirectory) {
        String modeName = hsm.get("mode").asString().orElse("dev-token");
        Mode mode = switch (modeName) {
            case "dev-token" -> Mode.DEV_TOKEN;
            case "pkcs11" -> Mode.PKCS11;
            default -> throw new IllegalArgumentException("hsm.mode must be dev-token or pkcs11, not " + modeName);
        };
        Path devTokenDirectory = hsm.get("dev-token-dir").asString().map(Path::of).orElse(dataDirectory.resolve("hsm")).toAbsolutePath().normalize();
        String tokenLabel = hsm.get("token-label").asString().orElse("heroa");
        TokenSelector token = hsm.get("slot").asLong().map(TokenSelector::slot).orElseGet(() -> TokenSelector.label(tokenLabel));
        Optional<Path> library = hsm.get("library").asString().map(Path::of);
        List<Path> libraries = switch (mode) {
            case DEV_TOKEN -> library.map(List::of).orElse(CustodySettings.SOFTHSM2_LIBRARIES);
            case PKCS11 -> List.of(library.orElseThrow(() -> new IllegalArgumentException("hsm.library is required in pkcs11 mode")));
        };
        Optional<PinSource> pin = hsm.get("pin-file").asString().map(file -> PinSource.file(Path.of(file)))
                .or(() -> hsm.get("pin-env").asString().map(PinSource::environment));
        PinSource pinSource = switch (mode) {
            case DEV_TOKEN -> pin.orElse(PinSource.file(devTokenDirectory.resolve("user.pin")));
            case PKCS11 -> pin.orElseThrow(() -> new IllegalArgumentException("hsm.pin-file or hsm.pin-env is required in pkcs11 mode"));
        };
        CustodySettings custody = new CustodySettings(libraries, token, pinSource,
                hsm.get("key-label-prefix").asString().orElse("heroa"),
                hsm.get("reconnect-interval").as(Duration.class).orElse(Duration.ofSeconds(1)));
        return new HsmSettings(mode, custody, devTokenDirectory, hsm.get("key-cache-ttl").as(Duration.class).orElse(Duration.ofMinutes(5)));
    }

    /** The token label asked for, for the development token's creation. */
    public String tokenLabel() {
        return custody.token() instanceof TokenSelector.Label label ? label.label() : "heroa";
    }
}
