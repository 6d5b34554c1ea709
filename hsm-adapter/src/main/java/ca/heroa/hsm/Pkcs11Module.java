package ca.heroa.hsm;

import sun.security.pkcs11.wrapper.CK_C_INITIALIZE_ARGS;
import sun.security.pkcs11.wrapper.PKCS11;
import sun.security.pkcs11.wrapper.PKCS11Exception;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static sun.security.pkcs11.wrapper.PKCS11Constants.CKF_OS_LOCKING_OK;

/**
 * A loaded PKCS#11 library, through the JDK's own SunPKCS11 wrapper (module jdk.crypto.cryptoki). One per library and
 * JVM, as the library itself is.
 * <p>
 * Some tokens (SoftHSM2 among them) stay broken after their storage disappears until the library is initialised
 * again; {@link #reinitialize(int)} does that (C_Finalize, C_Initialize) so the appliance recovers without a restart.
 * Each re-initialisation starts a new generation: sessions and object handles of an older one are dead.
 */
final class Pkcs11Module {
    private static final Map<Path, Pkcs11Module> LOADED = new HashMap<>();
    private final Path library;
    private final PKCS11 p11;
    private int generation;
    private boolean initialized = true;

    private Pkcs11Module(Path library, PKCS11 p11) {
        this.library = library;
        this.p11 = p11;
    }

    /** The first of {@code libraries} that loads; on failure the exception names every attempt and why it failed. */
    static synchronized Pkcs11Module load(List<Path> libraries) {
        List<String> attempts = new ArrayList<>();
        for (Path candidate : libraries) {
            if (!Files.isRegularFile(candidate)) {
                attempts.add(candidate + " (no such file)");
                continue;
            }
            try {
                Path library = candidate.toRealPath();
                Pkcs11Module loaded = LOADED.get(library);
                if (loaded == null) {
                    loaded = new Pkcs11Module(library, PKCS11.getInstance(library.toString(), "C_GetFunctionList", initializeArguments(), false));
                    LOADED.put(library, loaded);
                } else if (!loaded.initialized()) {
                    loaded.reinitialize(loaded.generation());
                }
                return loaded;
            } catch (IOException e) {
                attempts.add(candidate + " (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
            } catch (PKCS11Exception e) {
                attempts.add(candidate + " (C_Initialize: " + e.getMessage() + ")");
            }
        }
        throw new CustodyException(CustodyProblem.LIBRARY_NOT_LOADED, String.join("; ", attempts));
    }

    PKCS11 p11() {
        return p11;
    }

    Path library() {
        return library;
    }

    synchronized int generation() {
        return generation;
    }

    synchronized boolean initialized() {
        return initialized;
    }

    /**
     * Finalises and initialises the library again, unless someone already did since {@code seenGeneration} (and it
     * worked). Throws
     * {@link CustodyUnavailableException} if the library will not initialise (the token's storage is still gone).
     */
    synchronized void reinitialize(int seenGeneration) {
        if (initialized && generation != seenGeneration) {
            return;
        }
        try {
            p11.C_Finalize(null);
        } catch (PKCS11Exception ignored) {
            // Not initialised (an earlier attempt failed half-way): initialising is what matters.
        }
        generation++;
        initialized = false;
        try {
            initialize().invoke(p11, initializeArguments());
            initialized = true;
        } catch (InvocationTargetException e) {
            throw new CustodyUnavailableException(Pkcs11Errors.reason(e.getCause()), e.getCause());
        } catch (IllegalAccessException e) {
            throw new CustodyUnavailableException("cannot re-initialise the PKCS#11 library", e);
        }
    }

    /**
     * C_Initialize is not public in the JDK's wrapper; the JVM is started with
     * {@code --add-opens jdk.crypto.cryptoki/sun.security.pkcs11.wrapper=ALL-UNNAMED} so the adapter may call it.
     */
    private static Method initialize() {
        try {
            Method method = PKCS11.class.getDeclaredMethod("C_Initialize", Object.class);
            method.setAccessible(true);
            return method;
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new CustodyUnavailableException("re-initialising the PKCS#11 library needs the JVM option "
                    + "--add-opens jdk.crypto.cryptoki/sun.security.pkcs11.wrapper=ALL-UNNAMED", e);
        }
    }

    /** The library may use the operating system's locks: we call it from many threads. */
    private static CK_C_INITIALIZE_ARGS initializeArguments() {
        CK_C_INITIALIZE_ARGS arguments = new CK_C_INITIALIZE_ARGS();
        arguments.flags = CKF_OS_LOCKING_OK;
        return arguments;
    }
}
