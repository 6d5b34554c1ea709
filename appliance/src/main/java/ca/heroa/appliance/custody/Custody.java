package ca.heroa.appliance.custody;

import ca.heroa.hsm.KeyCustody;
import ca.heroa.hsm.SoftHsmDevToken;

/** Opens key custody as configured: the development token is created and provisioned on first run; production's is not. */
public final class Custody {
    private Custody() {
    }

    public static KeyCustody open(HsmSettings settings) {
        return switch (settings.mode()) {
            case DEV_TOKEN -> {
                SoftHsmDevToken.ensure(settings.devTokenDirectory(), settings.tokenLabel());
                KeyCustody.provision(settings.custody());
                yield KeyCustody.open(settings.custody());
            }
            case PKCS11 -> KeyCustody.open(settings.custody());
        };
    }
}
