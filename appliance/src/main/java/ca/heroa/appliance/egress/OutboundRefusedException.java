package ca.heroa.appliance.egress;

/** The appliance itself was about to connect somewhere outside Canadian address space: it does not. */
public final class OutboundRefusedException extends RuntimeException {
    public OutboundRefusedException(String message) {
        super(message, null, false, false);
    }
}
