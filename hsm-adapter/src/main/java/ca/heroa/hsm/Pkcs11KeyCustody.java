package ca.heroa.hsm;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import sun.security.pkcs11.wrapper.PKCS11;
import sun.security.pkcs11.wrapper.PKCS11Exception;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import static java.util.Objects.requireNonNull;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKO_CERTIFICATE;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKO_PRIVATE_KEY;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKO_PUBLIC_KEY;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKO_SECRET_KEY;

/**
 * {@link KeyCustody} over the JDK's SunPKCS11 module. It calls the module's PKCS#11 wrapper directly rather than going
 * through JCA provider objects, because JCA cannot generate a key with an exact attribute template, cannot read
 * attributes back for the inventory, and cannot recover from a lost token without its session pool closing handles
 * that a re-initialised library has since handed to someone else. Sessions here belong to one module generation and
 * are abandoned, never closed, after a re-initialisation.
 */
final class Pkcs11KeyCustody implements KeyCustody {
    private static final System.Logger LOG = System.getLogger(KeyCustody.class.getName());
    private static final byte[] WRAP_DOMAIN = "heroa.wrap.v1".getBytes(StandardCharsets.US_ASCII);
    private static final byte DATA_KEY = 1;
    private static final byte MAC_KEY = 2;
    private static final java.time.Duration LOGIN_BACKOFF = java.time.Duration.ofSeconds(30);
    private static final java.time.Duration MAX_LOGIN_BACKOFF = java.time.Duration.ofMinutes(5);
    private static final ASN1ObjectIdentifier EC_PUBLIC_KEY = new ASN1ObjectIdentifier("1.2.840.10045.2.1");
    private static final ASN1ObjectIdentifier PRIME256V1 = new ASN1ObjectIdentifier("1.2.840.10045.3.1.7");
    private static final ASN1ObjectIdentifier ECDSA_WITH_SHA256 = new ASN1ObjectIdentifier("1.2.840.10045.4.3.2");

    private final CustodySettings settings;
    private final Pkcs11Module module;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final Object reconnecting = new Object();
    private volatile Connection connection;
    private volatile boolean closed;
    private long lastAttemptNanos;
    private long retryAfterNanos;
    private int brokenGeneration = -1;
    private String lastFailure = "not connected";

    /** A logged-in token with the handles of our keys (valid for the sessions' module generation). */
    private record Connection(Pkcs11Sessions sessions, NavigableMap<Integer, Long> keyEncryptionKeys,
                              Map<KeyPurpose, Long> signingKeys, Map<KeyPurpose, X509Certificate> certificates) {
        long currentKeyEncryptionKey() {
            return keyEncryptionKeys.lastEntry().getValue();
        }
    }

    @FunctionalInterface
    private interface Operation<T> {
        T run(Connection connection, PKCS11 p11, long session) throws PKCS11Exception;
    }

    private Pkcs11KeyCustody(CustodySettings settings, Pkcs11Module module) {
        this.settings = settings;
        this.module = module;
    }

    static KeyCustody open(CustodySettings settings) {
        Fips.install();
        Pkcs11KeyCustody custody = new Pkcs11KeyCustody(settings, Pkcs11Module.load(settings.libraries()));
        try {
            custody.connection = custody.connect(Optional.empty());
        } catch (PKCS11Exception e) {
            throw new CustodyUnavailableException(Pkcs11Errors.reason(e), e);
        }
        LOG.log(Level.INFO, "key custody ready on " + custody.describe() + "; key-encryption key " + custody.currentKeyEncryptionKey());
        return custody;
    }

    static List<KeyAttributes> provision(CustodySettings settings) {
        Fips.install();
        Pkcs11Module module = Pkcs11Module.load(settings.libraries());
        Pkcs11KeyCustody custody = new Pkcs11KeyCustody(settings, module);
        try {
            Pkcs11Sessions sessions = custody.login();
            Objects found = sessions.with((p11, session) -> custody.scan(p11, session));
            // Refuse before creating anything when a key already there breaks the promise (no certificate signed by it).
            for (KeyAttributes key : found.attributes()) {
                Optional<KeyPurpose> purpose = custody.purposeOf(key.label());
                if (key.isSecret() && purpose.isPresent() && !key.violations(purpose.get()).isEmpty()) {
                    throw new CustodyException(CustodyProblem.KEY_ATTRIBUTES_WRONG, key.label(), String.join("; ", key.violations(purpose.get())));
                }
            }
            if (found.keyEncryptionKeys().isEmpty()) {
                String label = custody.keyEncryptionKeyLabel(1);
                sessions.with((p11, session) -> Pkcs11Token.generateKeyEncryptionKey(p11, session, label));
                LOG.log(Level.INFO, "provisioned " + label + " (AES-256, sensitive, never extractable)");
            }
            for (KeyPurpose purpose : KeyPurpose.signing()) {
                String label = settings.label(purpose);
                Optional<Long> publicKey = Optional.ofNullable(found.publicKeys().get(purpose));
                if (!found.privateKeys().containsKey(purpose)) {
                    long[] pair = sessions.with((p11, session) -> Pkcs11Token.generateSigningPair(p11, session, label));
                    publicKey = Optional.of(pair[0]);
                    found.privateKeys().put(purpose, pair[1]);
                    LOG.log(Level.INFO, "provisioned " + label + " (EC P-256, private part sensitive and never extractable)");
                }
                if (!found.certificates().containsKey(purpose)) {
                    long privateKey = found.privateKeys().get(purpose);
                    long publicHandle = publicKey.orElseThrow(() -> new CustodyException(CustodyProblem.KEY_ATTRIBUTES_WRONG, label,
                            "its public key is missing, so no certificate can be made"));
                    sessions.with((p11, session) -> {
                        storeSelfSignedCertificate(p11, session, label, publicHandle, privateKey);
                        return null;
                    });
                }
            }
            try (KeyCustody verified = open(settings)) {
                return verified.inventory();
            }
        } catch (PKCS11Exception e) {
            throw new CustodyUnavailableException(Pkcs11Errors.reason(e), e);
        }
    }

    // ---- software keys and wrapping ----

    @Override
    public DataKey newDataKey() {
        return new DataKey(Fips.randomBytes(SoftwareKey.LENGTH));
    }

    @Override
    public MacKey newMacKey() {
        return new MacKey(Fips.randomBytes(SoftwareKey.LENGTH));
    }

    @Override
    public MacKey importMacKey(byte[] material) {
        return new MacKey(requireNonNull(material, "material is null").clone());
    }

    @Override
    public WrappedKey wrap(SoftwareKey key, byte[] context) {
        requireNonNull(key, "key is null");
        byte[] associatedData = wrapContext(key instanceof DataKey ? DATA_KEY : MAC_KEY, context);
        byte[] nonce = Fips.randomBytes(DataKey.NONCE_BYTES);
        return call((connection, p11, session) -> {
            byte[] material = key.copyForWrapping();
            try {
                Map.Entry<Integer, Long> current = connection.keyEncryptionKeys().lastEntry();
                byte[] ciphertext = Pkcs11Token.encrypt(p11, session, current.getValue(), nonce, associatedData, material);
                return new WrappedKey(keyEncryptionKeyLabel(current.getKey()), concat(nonce, ciphertext));
            } finally {
                Arrays.fill(material, (byte) 0);
            }
        });
    }

    @Override
    public DataKey unwrapDataKey(WrappedKey wrapped, byte[] context) {
        return new DataKey(unwrap(wrapped, wrapContext(DATA_KEY, context)));
    }

    @Override
    public MacKey unwrapMacKey(WrappedKey wrapped, byte[] context) {
        return new MacKey(unwrap(wrapped, wrapContext(MAC_KEY, context)));
    }

    @Override
    public WrappedKey rewrap(WrappedKey wrapped, byte[] context) {
        if (wrapped.keyEncryptionKey().equals(currentKeyEncryptionKey())) {
            return wrapped;
        }
        try (DataKey probe = unwrapDataKeyOrNull(wrapped, context)) {
            if (probe != null) {
                return wrap(probe, context);
            }
        }
        try (MacKey macKey = unwrapMacKey(wrapped, context)) {
            return wrap(macKey, context);
        }
    }

    private DataKey unwrapDataKeyOrNull(WrappedKey wrapped, byte[] context) {
        try {
            return unwrapDataKey(wrapped, context);
        } catch (CustodyIntegrityException notADataKey) {
            return null;
        }
    }

    private byte[] unwrap(WrappedKey wrapped, byte[] associatedData) {
        requireNonNull(wrapped, "wrapped is null");
        Optional<Integer> generation = keyEncryptionKeyGeneration(wrapped.keyEncryptionKey());
        byte[] bytes = wrapped.bytes();
        byte[] nonce = Arrays.copyOf(bytes, DataKey.NONCE_BYTES);
        byte[] ciphertext = Arrays.copyOfRange(bytes, DataKey.NONCE_BYTES, bytes.length);
        Optional<byte[]> material = call((connection, p11, session) -> {
            Long key = generation.map(connection.keyEncryptionKeys()::get).orElse(null);
            if (key == null) {
                // Its key-encryption key was destroyed (or never ours): the wrapped key is unrecoverable.
                throw new CustodyIntegrityException();
            }
            try {
                return Optional.of(Pkcs11Token.decrypt(p11, session, key, nonce, associatedData, ciphertext));
            } catch (PKCS11Exception refused) {
                return Optional.<byte[]>empty();
            }
        });
        // The token refused to decrypt: tampered input, or a failing HSM. A known round trip tells which; it runs on a
        // session of its own, after this one was given back, so no caller ever holds two.
        byte[] unwrapped = material.orElseGet(() -> {
            call(Pkcs11KeyCustody::probe); // a failing HSM throws "unavailable" here, and the connection is reset
            throw new CustodyIntegrityException();
        });
        if (unwrapped.length != SoftwareKey.LENGTH) {
            Arrays.fill(unwrapped, (byte) 0);
            throw new CustodyIntegrityException();
        }
        return unwrapped;
    }

    /**
     * A round trip under the current key-encryption key with fixed data (the nonce protects nothing). Throws if the HSM
     * fails it, so the caller's connection is treated as broken.
     */
    private static Boolean probe(Connection connection, PKCS11 p11, long session) throws PKCS11Exception {
        byte[] nonce = new byte[DataKey.NONCE_BYTES];
        byte[] probe = "heroa.probe".getBytes(StandardCharsets.US_ASCII);
        long key = connection.currentKeyEncryptionKey();
        byte[] sealed = Pkcs11Token.encrypt(p11, session, key, nonce, probe, probe);
        if (!Arrays.equals(probe, Pkcs11Token.decrypt(p11, session, key, nonce, probe, sealed))) {
            throw new IllegalStateException("the HSM failed a known round trip");
        }
        return Boolean.TRUE;
    }

    // ---- key-encryption key rotation ----

    @Override
    public String currentKeyEncryptionKey() {
        return call((connection, p11, session) -> keyEncryptionKeyLabel(connection.keyEncryptionKeys().lastKey()));
    }

    @Override
    public String rotateKeyEncryptionKey() {
        String label = call((connection, p11, session) -> {
            String next = keyEncryptionKeyLabel(connection.keyEncryptionKeys().lastKey() + 1);
            Pkcs11Token.generateKeyEncryptionKey(p11, session, next);
            return next;
        });
        refresh();
        LOG.log(Level.INFO, "key-encryption key rotated: " + label + " is current");
        return label;
    }

    @Override
    public List<String> retiredKeyEncryptionKeys() {
        return call((connection, p11, session) -> connection.keyEncryptionKeys().headMap(connection.keyEncryptionKeys().lastKey()).keySet().stream()
                .map(this::keyEncryptionKeyLabel).toList());
    }

    @Override
    public void destroyKeyEncryptionKey(String label) {
        int generation = keyEncryptionKeyGeneration(label).orElseThrow(() -> new IllegalArgumentException("not a key-encryption key of this appliance"));
        call((connection, p11, session) -> {
            if (generation == connection.keyEncryptionKeys().lastKey()) {
                throw new CustodyException(CustodyProblem.KEY_IN_USE, label);
            }
            Long handle = connection.keyEncryptionKeys().get(generation);
            if (handle != null) {
                p11.C_DestroyObject(session, handle);
            }
            return null;
        });
        refresh();
        LOG.log(Level.INFO, "key-encryption key " + label + " destroyed");
    }

    // ---- signing ----

    @Override
    public byte[] sign(KeyPurpose purpose, byte[] message) {
        if (purpose == KeyPurpose.KEY_ENCRYPTION) {
            throw new IllegalArgumentException("the key-encryption key does not sign");
        }
        byte[] digest = Fips.sha256().digest(message);
        return call((connection, p11, session) -> Pkcs11Token.signDigest(p11, session, connection.signingKeys().get(purpose), digest));
    }

    @Override
    public String signingKeyLabel(KeyPurpose purpose) {
        if (purpose == KeyPurpose.KEY_ENCRYPTION) {
            throw new IllegalArgumentException("the key-encryption key does not sign");
        }
        return settings.label(purpose);
    }

    @Override
    public X509Certificate certificate(KeyPurpose purpose) {
        return call((connection, p11, session) -> {
            X509Certificate certificate = connection.certificates().get(purpose);
            if (certificate == null) {
                throw new IllegalArgumentException("no certificate for " + purpose);
            }
            return certificate;
        });
    }

    @Override
    public List<KeyAttributes> inventory() {
        return call((connection, p11, session) -> scan(p11, session).attributes());
    }

    @Override
    public String describe() {
        return "token " + settings.token() + " through " + module.library();
    }

    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            closed = true;
            Connection last = connection;
            connection = null;
            if (last != null) {
                last.sessions().closeIdle();
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    // ---- connection, failure and recovery ----

    private <T> T call(Operation<T> operation) {
        while (true) {
            Connection current = connection();
            Exception failure;
            lock.readLock().lock();
            try {
                if (connection != current) {
                    // Replaced (or dropped) while this thread waited: its handles may belong to another generation.
                    continue;
                }
                return current.sessions().with((p11, session) -> operation.run(current, p11, session));
            } catch (CustodyException | KeyDestroyedException | IllegalArgumentException e) {
                throw e;
            } catch (PKCS11Exception | RuntimeException e) {
                failure = e;
            } finally {
                lock.readLock().unlock();
            }
            // Outside the read lock: a thread reconnecting holds the monitor while it waits for the write lock.
            broken(current, failure);
            throw new CustodyUnavailableException(Pkcs11Errors.reason(failure), failure);
        }
    }

    private void broken(Connection failed, Exception cause) {
        synchronized (reconnecting) {
            if (connection == failed) {
                connection = null;
                failed.sessions().closeIdle();
                brokenGeneration = failed.sessions().generation();
                lastFailure = Pkcs11Errors.reason(cause);
                lastAttemptNanos = System.nanoTime();
                retryAfterNanos = settings.reconnectInterval().toNanos();
                LOG.log(Level.WARNING, "the HSM failed (" + lastFailure + "); key custody refuses operations until it reconnects");
            }
        }
    }

    private Connection connection() {
        Connection current = connection;
        if (current != null) {
            return current;
        }
        synchronized (reconnecting) {
            if (connection != null) {
                return connection;
            }
            if (closed) {
                throw new CustodyUnavailableException("custody closed", null);
            }
            long now = System.nanoTime();
            if (now - lastAttemptNanos < retryAfterNanos) {
                throw new CustodyUnavailableException(lastFailure, null);
            }
            lastAttemptNanos = now;
            lock.writeLock().lock();
            try {
                Connection recovered;
                try {
                    recovered = connect(Optional.empty());
                } catch (CustodyException login) {
                    if (isLoginProblem(login)) {
                        throw login;
                    }
                    module.reinitialize(brokenGeneration < 0 ? module.generation() : brokenGeneration);
                    recovered = connect(Optional.empty());
                } catch (PKCS11Exception | RuntimeException soft) {
                    // New sessions were not enough: initialise the library again (SoftHSM2 needs it after losing its storage).
                    module.reinitialize(brokenGeneration < 0 ? module.generation() : brokenGeneration);
                    recovered = connect(Optional.empty());
                }
                connection = recovered;
                retryAfterNanos = settings.reconnectInterval().toNanos();
                LOG.log(Level.INFO, "key custody reconnected to " + describe());
                return recovered;
            } catch (CustodyException e) {
                lastFailure = e.getMessage();
                if (isLoginProblem(e)) {
                    // A wrong PIN must not be tried again and again: HSMs lock the user out after a few attempts.
                    retryAfterNanos = Math.min(Math.max(retryAfterNanos * 2, LOGIN_BACKOFF.toNanos()), MAX_LOGIN_BACKOFF.toNanos());
                    LOG.log(Level.ERROR, "key custody cannot log in (" + e.getMessage() + "); next attempt in "
                            + java.time.Duration.ofNanos(retryAfterNanos).toSeconds() + " s");
                }
                throw new CustodyUnavailableException(lastFailure, e);
            } catch (PKCS11Exception | RuntimeException e) {
                lastFailure = Pkcs11Errors.reason(e);
                throw new CustodyUnavailableException(lastFailure, e);
            } finally {
                lock.writeLock().unlock();
            }
        }
    }

    private static boolean isLoginProblem(CustodyException e) {
        return switch (e.problem()) {
            case LOGIN_FAILED, PIN_UNREADABLE, PIN_FILE_TOO_OPEN -> true;
            default -> false;
        };
    }

    /** Re-reads the key handles after this process changed the token, on the same sessions. */
    private void refresh() {
        lock.writeLock().lock();
        try {
            Connection current = connection;
            connection = connect(current == null ? Optional.empty() : Optional.of(current.sessions()));
        } catch (PKCS11Exception e) {
            connection = null;
            throw new CustodyUnavailableException(Pkcs11Errors.reason(e), e);
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Logs in (on {@code reuse} when it belongs to the current library generation) and finds and checks every key. */
    private Connection connect(Optional<Pkcs11Sessions> reuse) throws PKCS11Exception {
        Pkcs11Sessions sessions = reuse.filter(pool -> pool.generation() == module.generation()).isPresent() ? reuse.get() : login();
        Objects found = sessions.with((p11, session) -> scan(p11, session));
        List<String> missing = new ArrayList<>();
        if (found.keyEncryptionKeys().isEmpty()) {
            missing.add(keyEncryptionKeyLabel(1));
        }
        for (KeyPurpose purpose : KeyPurpose.signing()) {
            if (!found.privateKeys().containsKey(purpose)) {
                missing.add(settings.label(purpose));
            } else if (!found.certificates().containsKey(purpose)) {
                missing.add(settings.label(purpose) + " (certificate)");
            }
        }
        if (!missing.isEmpty()) {
            throw new CustodyException(CustodyProblem.KEYS_NOT_PROVISIONED, String.join(", ", missing));
        }
        for (KeyAttributes key : found.attributes()) {
            Optional<KeyPurpose> purpose = purposeOf(key.label());
            if (key.isSecret() && purpose.isPresent()) {
                List<String> wrong = key.violations(purpose.get());
                if (!wrong.isEmpty()) {
                    throw new CustodyException(CustodyProblem.KEY_ATTRIBUTES_WRONG, key.label(), String.join("; ", wrong));
                }
            }
        }
        Map<KeyPurpose, X509Certificate> certificates = new EnumMap<>(KeyPurpose.class);
        for (Map.Entry<KeyPurpose, Long> entry : found.certificates().entrySet()) {
            byte[] der = sessions.with((p11, session) -> Pkcs11Token.value(p11, session, entry.getValue()));
            certificates.put(entry.getKey(), certificate(der));
        }
        return new Connection(sessions, found.keyEncryptionKeys(), Map.copyOf(found.privateKeys()), Map.copyOf(certificates));
    }

    private Pkcs11Sessions login() throws PKCS11Exception {
        int generation = module.generation();
        long slot;
        try {
            slot = Pkcs11Token.findSlot(module.p11(), settings.token());
        } catch (CustodyException notFound) {
            // A token initialised after the library loaded in this JVM appears only once the library initialises again.
            module.reinitialize(generation);
            generation = module.generation();
            slot = Pkcs11Token.findSlot(module.p11(), settings.token());
        }
        Pkcs11Sessions sessions = new Pkcs11Sessions(module, slot, generation);
        sessions.login(settings.pin().read(), settings.token().toString());
        return sessions;
    }

    /** Our objects on the token, by purpose, with their attributes. */
    private record Objects(List<KeyAttributes> attributes, NavigableMap<Integer, Long> keyEncryptionKeys, Map<KeyPurpose, Long> privateKeys,
                           Map<KeyPurpose, Long> publicKeys, Map<KeyPurpose, Long> certificates) {
    }

    private Objects scan(PKCS11 p11, long session) throws PKCS11Exception {
        List<KeyAttributes> attributes = new ArrayList<>();
        NavigableMap<Integer, Long> keyEncryptionKeys = new TreeMap<>();
        Map<KeyPurpose, Long> privateKeys = new EnumMap<>(KeyPurpose.class);
        Map<KeyPurpose, Long> publicKeys = new EnumMap<>(KeyPurpose.class);
        Map<KeyPurpose, Long> certificates = new EnumMap<>(KeyPurpose.class);
        for (long handle : Pkcs11Token.allObjects(p11, session)) {
            String label = Pkcs11Token.label(p11, session, handle);
            if (!label.startsWith(settings.keyLabelPrefix() + "-")) {
                continue;
            }
            attributes.add(Pkcs11Token.attributes(p11, session, handle));
            long objectClass = Pkcs11Token.objectClass(p11, session, handle);
            Optional<Integer> generation = keyEncryptionKeyGeneration(label);
            if (generation.isPresent() && objectClass == CKO_SECRET_KEY) {
                keyEncryptionKeys.put(generation.get(), handle);
                continue;
            }
            Optional<KeyPurpose> purpose = purposeOf(label).filter(p -> p != KeyPurpose.KEY_ENCRYPTION);
            if (purpose.isEmpty()) {
                continue;
            }
            if (objectClass == CKO_PRIVATE_KEY) {
                privateKeys.put(purpose.get(), handle);
            } else if (objectClass == CKO_PUBLIC_KEY) {
                publicKeys.put(purpose.get(), handle);
            } else if (objectClass == CKO_CERTIFICATE) {
                certificates.put(purpose.get(), handle);
            }
        }
        attributes.sort(java.util.Comparator.comparing(KeyAttributes::label).thenComparing(KeyAttributes::objectClass));
        return new Objects(List.copyOf(attributes), keyEncryptionKeys, privateKeys, publicKeys, certificates);
    }

    Optional<KeyPurpose> purposeOf(String label) {
        if (keyEncryptionKeyGeneration(label).isPresent()) {
            return Optional.of(KeyPurpose.KEY_ENCRYPTION);
        }
        for (KeyPurpose purpose : KeyPurpose.values()) {
            if (label.equals(settings.label(purpose))) {
                return Optional.of(purpose);
            }
        }
        return Optional.empty();
    }

    private String keyEncryptionKeyLabel(int generation) {
        return settings.label(KeyPurpose.KEY_ENCRYPTION) + "-" + generation;
    }

    private Optional<Integer> keyEncryptionKeyGeneration(String label) {
        String prefix = settings.label(KeyPurpose.KEY_ENCRYPTION) + "-";
        if (!label.startsWith(prefix) || label.length() > prefix.length() + 6) {
            return Optional.empty();
        }
        String digits = label.substring(prefix.length());
        if (digits.isEmpty() || !digits.chars().allMatch(c -> c >= '0' && c <= '9') || digits.startsWith("0")) {
            return Optional.empty();
        }
        return Optional.of(Integer.parseInt(digits));
    }

    // ---- provisioning helpers ----

    /** A self-signed certificate for a signing key, signed inside the token, stored next to it under the same label. */
    private static void storeSelfSignedCertificate(PKCS11 p11, long session, String label, long publicKey, long privateKey) throws PKCS11Exception {
        byte[] point = Pkcs11Token.ecPoint(p11, session, publicKey);
        SubjectPublicKeyInfo publicKeyInfo = new SubjectPublicKeyInfo(new AlgorithmIdentifier(EC_PUBLIC_KEY, PRIME256V1), point);
        X500Name name = new X500Name("CN=" + label + ",O=Heroa appliance");
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        BigInteger serial = new BigInteger(1, Fips.randomBytes(8));
        X509CertificateHolder holder = new X509v3CertificateBuilder(name, serial, Date.from(now.minus(1, ChronoUnit.DAYS)),
                Date.from(now.plus(25 * 366, ChronoUnit.DAYS)), name, publicKeyInfo).build(new TokenSigner(p11, session, privateKey));
        try {
            byte[] der = holder.getEncoded();
            byte[] serialDer = new org.bouncycastle.asn1.ASN1Integer(serial).getEncoded();
            Pkcs11Token.storeCertificate(p11, session, label, der, name.getEncoded(), name.getEncoded(), serialDer);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode the certificate of " + label, e);
        }
    }

    /** A BC content signer whose signature is made by the token. */
    private static final class TokenSigner implements ContentSigner {
        private final PKCS11 p11;
        private final long session;
        private final long privateKey;
        private final ByteArrayOutputStream content = new ByteArrayOutputStream();

        TokenSigner(PKCS11 p11, long session, long privateKey) {
            this.p11 = p11;
            this.session = session;
            this.privateKey = privateKey;
        }

        @Override
        public AlgorithmIdentifier getAlgorithmIdentifier() {
            return new AlgorithmIdentifier(ECDSA_WITH_SHA256);
        }

        @Override
        public OutputStream getOutputStream() {
            return content;
        }

        @Override
        public byte[] getSignature() {
            try {
                return Pkcs11Token.signDigest(p11, session, privateKey, Fips.sha256().digest(content.toByteArray()));
            } catch (PKCS11Exception e) {
                throw new IllegalStateException("the token did not sign the certificate: " + e.getMessage(), e);
            }
        }
    }

    private static X509Certificate certificate(byte[] der) {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("a certificate on the token does not parse", e);
        }
    }

    private static byte[] wrapContext(byte kind, byte[] context) {
        requireNonNull(context, "context is null");
        return ByteBuffer.allocate(WRAP_DOMAIN.length + 1 + 4 + context.length)
                .put(WRAP_DOMAIN).put(kind).putInt(context.length).put(context).array();
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }
}
