package ca.heroa.hsm;

/**
 * What went wrong with key custody. Each problem has an English and a French message in
 * {@code ca/heroa/hsm/messages_{en,fr}.properties}, under the key {@code custody.<lower-dash name>}.
 */
public enum CustodyProblem {
    /** No PKCS#11 library could be loaded; the argument lists every path tried and why each failed. */
    LIBRARY_NOT_LOADED,
    /** The token is not in any slot; arguments: the label or slot asked for, the tokens seen. */
    TOKEN_NOT_FOUND,
    /** The PIN could not be read; arguments: where from, why. */
    PIN_UNREADABLE,
    /** The PIN file can be read by other users; argument: its path. */
    PIN_FILE_TOO_OPEN,
    /** The token refused the PIN, or login failed; argument: the token. */
    LOGIN_FAILED,
    /** Required keys are absent; argument: their labels. */
    KEYS_NOT_PROVISIONED,
    /** A key exists but its attributes break the custody promise; arguments: label, what is wrong. */
    KEY_ATTRIBUTES_WRONG,
    /** The HSM is unreachable or returned errors; argument: the reason (a PKCS#11 return code, never data). */
    HSM_UNAVAILABLE,
    /** A wrapped key or a ciphertext failed authentication: it was altered, or moved from where it belongs. */
    INTEGRITY_FAILURE,
    /** The development SoftHSM2 token could not be created; argument: why. */
    DEV_TOKEN_FAILED,
    /** Bouncy Castle FIPS is not in approved-only mode. */
    NOT_APPROVED_MODE,
    /** The current key-encryption key cannot be destroyed; argument: its label. */
    KEY_IN_USE;

    /** The message key in the bundles. */
    public String messageKey() {
        return "custody." + name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
