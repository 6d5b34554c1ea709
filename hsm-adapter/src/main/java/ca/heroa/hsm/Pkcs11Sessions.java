package ca.heroa.hsm;

import sun.security.pkcs11.wrapper.PKCS11;
import sun.security.pkcs11.wrapper.PKCS11Exception;

import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Semaphore;

import static sun.security.pkcs11.wrapper.PKCS11Constants.CKF_RW_SESSION;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKF_SERIAL_SESSION;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKU_USER;

/**
 * A bounded pool of read-write sessions on one token, for one generation of the module. A session that saw an error
 * is closed rather than reused. Once the module is re-initialised the pool is abandoned, never closed: its handles are
 * dead and may already belong to someone else's new sessions.
 */
final class Pkcs11Sessions {
    static final int MAX_SESSIONS = 32;
    private final Pkcs11Module module;
    private final long slot;
    private final int generation;
    private final ConcurrentLinkedDeque<Long> idle = new ConcurrentLinkedDeque<>();
    private final Semaphore permits = new Semaphore(MAX_SESSIONS, true);

    Pkcs11Sessions(Pkcs11Module module, long slot, int generation) {
        this.module = module;
        this.slot = slot;
        this.generation = generation;
    }

    @FunctionalInterface
    interface Work<T> {
        T apply(PKCS11 p11, long session) throws PKCS11Exception;
    }

    <T> T with(Work<T> work) throws PKCS11Exception {
        permits.acquireUninterruptibly();
        Long session = null;
        boolean healthy = false;
        try {
            session = idle.poll();
            if (session == null) {
                session = module.p11().C_OpenSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, null, null);
            }
            T result = work.apply(module.p11(), session);
            healthy = true;
            return result;
        } finally {
            if (session != null) {
                if (healthy) {
                    idle.push(session);
                } else {
                    closeQuietly(session);
                }
            }
            permits.release();
        }
    }

    /** Logs the application in (PKCS#11 login covers every session); overwrites the PIN. */
    void login(char[] pin, String token) throws PKCS11Exception {
        try {
            with((p11, session) -> {
                try {
                    p11.C_Login(session, CKU_USER, pin);
                } catch (PKCS11Exception e) {
                    if (!Pkcs11Errors.isCode(e, Pkcs11Errors.CKR_USER_ALREADY_LOGGED_IN)) {
                        throw e;
                    }
                }
                return null;
            });
        } catch (PKCS11Exception e) {
            if (Pkcs11Errors.isCode(e, Pkcs11Errors.CKR_PIN_INCORRECT) || Pkcs11Errors.isCode(e, Pkcs11Errors.CKR_PIN_LOCKED)
                    || Pkcs11Errors.isCode(e, Pkcs11Errors.CKR_PIN_LEN_RANGE)) {
                throw new CustodyException(CustodyProblem.LOGIN_FAILED, token);
            }
            throw e;
        } finally {
            Arrays.fill(pin, '\0');
        }
    }

    int generation() {
        return generation;
    }

    /** Closes the sessions not in use (when this pool is replaced or custody closes). */
    void closeIdle() {
        Long session;
        while ((session = idle.poll()) != null) {
            closeQuietly(session);
        }
    }

    private void closeQuietly(long session) {
        if (module.generation() != generation) {
            return;
        }
        try {
            module.p11().C_CloseSession(session);
        } catch (PKCS11Exception ignored) {
            // Already gone with its token: nothing to release.
        }
    }
}
