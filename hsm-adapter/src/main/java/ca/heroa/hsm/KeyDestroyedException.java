package ca.heroa.hsm;

/** The software key was destroyed (closed, or evicted from a cache) before this use; unwrap it again. */
public final class KeyDestroyedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    KeyDestroyedException() {
        super("the key was destroyed");
    }
}
