package ca.heroa.residency.plan;

/** Why an endpoint is refused; each has a bilingual message in the appliance's bundles ({@code egress.refusal.<name>}). */
public enum RefusalReason {
    /** No site allowance covers this destination, port and protocol. */
    NOT_ALLOWED_BY_SITE,
    /** The address (or part of the block) is not in Canadian address space and no attested endpoint covers it. */
    NOT_CANADIAN,
    /** Loopback, private, link-local, multicast or other special-purpose space the site did not name explicitly. */
    RESERVED_ADDRESS,
    /** One of the appliance host's own addresses, which the site did not name explicitly. */
    APPLIANCE_ADDRESS,
    /** The host name did not resolve (or resolution timed out). */
    UNRESOLVED
}
