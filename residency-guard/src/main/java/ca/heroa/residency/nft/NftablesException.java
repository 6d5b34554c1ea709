package ca.heroa.residency.nft;

/** nft refused a ruleset, could not be run, or reported something unreadable. The task must not start. */
public class NftablesException extends RuntimeException {
    public NftablesException(String message) {
        super(message);
    }

    public NftablesException(String message, Throwable cause) {
        super(message, cause);
    }
}
