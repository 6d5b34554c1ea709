package ca.heroa.appliance.token;

/** The two kinds of API token, told apart by their prefix. */
public enum TokenKind {
    TENANT_ADMIN("heroa_at_", "tenant-admin"),
    WORKSPACE("heroa_wt_", "workspace");

    private final String prefix;
    private final String storedValue;

    TokenKind(String prefix, String storedValue) {
        this.prefix = prefix;
        this.storedValue = storedValue;
    }

    /** The recognisable prefix of the token string, so a leaked token is easy to find and report. */
    public String prefix() {
        return prefix;
    }

    public String storedValue() {
        return storedValue;
    }

    public static TokenKind fromStoredValue(String value) {
        for (TokenKind kind : values()) {
            if (kind.storedValue.equals(value)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("unknown token kind");
    }
}
