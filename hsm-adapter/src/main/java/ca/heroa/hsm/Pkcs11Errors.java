package ca.heroa.hsm;

import sun.security.pkcs11.wrapper.PKCS11Exception;

/** Turns failures into reasons fit for a log line or an answer: a PKCS#11 return code or an exception type, never data. */
final class Pkcs11Errors {
    static final long CKR_PIN_INCORRECT = 0xA0L;
    static final long CKR_PIN_LEN_RANGE = 0xA2L;
    static final long CKR_PIN_LOCKED = 0xA4L;
    static final long CKR_USER_ALREADY_LOGGED_IN = 0x100L;
    static final long CKR_ENCRYPTED_DATA_INVALID = 0x40L;
    static final long CKR_GENERAL_ERROR = 0x05L;

    private Pkcs11Errors() {
    }

    static String reason(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof PKCS11Exception pkcs11) {
                return pkcs11.getMessage();
            }
            if (cause instanceof CustodyException custody) {
                return custody.arguments().isEmpty() ? custody.problem().name() : custody.arguments().get(0);
            }
        }
        return failure == null ? "unknown" : failure.getClass().getSimpleName();
    }

    static boolean isCode(PKCS11Exception e, long code) {
        return e.getErrorCode() == code;
    }
}
