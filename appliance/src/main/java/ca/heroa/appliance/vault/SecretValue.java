package ca.heroa.appliance.vault;

import java.util.Arrays;

/**
 * A secret's plaintext on its way to a task. Overwritten on close; no {@code toString} that shows it. Only the vault
 * creates one, and only the task runtime's delivery reads it.
 */
public final class SecretValue implements AutoCloseable {
    private final SecretName name;
    private final byte[] bytes;
    private boolean closed;

    SecretValue(SecretName name, byte[] bytes) {
        this.name = name;
        this.bytes = bytes;
    }

    public SecretName name() {
        return name;
    }

    /** A copy of the value; the caller overwrites it when done. */
    public synchronized byte[] copy() {
        if (closed) {
            throw new IllegalStateException("the secret value was closed");
        }
        return bytes.clone();
    }

    public int length() {
        return bytes.length;
    }

    @Override
    public synchronized void close() {
        Arrays.fill(bytes, (byte) 0);
        closed = true;
    }

    @Override
    public String toString() {
        return "SecretValue[" + name + ", " + bytes.length + " bytes]";
    }
}
