package ca.heroa.appliance.audit;

/**
 * Why the chain does not verify at a given entry. Each kind has a bilingual message {@code audit.verify.<kind>}.
 */
public enum ChainBreak {
    /** The entry's content does not match its hash: it was changed. */
    ALTERED,
    /** The entry does not point at the hash of the entry before it: that one was changed or removed. */
    UNLINKED,
    /** Sequence numbers jump: entries were removed. */
    MISSING,
    /** The chain head says later entries existed: the newest entries were removed. */
    TRUNCATED,
    /** The retained chain starts at a purge anchor that no audited purge recorded: old entries were removed behind its back. */
    UNANCHORED;

    public String key() {
        return "audit.verify." + name().toLowerCase(java.util.Locale.ROOT);
    }
}
