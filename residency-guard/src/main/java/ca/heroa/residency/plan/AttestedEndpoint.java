package ca.heroa.residency.plan;

import static java.util.Objects.requireNonNull;

/**
 * A destination the operator attests is in Canada although the dataset says otherwise (or nothing), with the written
 * justification that goes into the attestation report.
 */
public record AttestedEndpoint(Destination destination, String justification) {
    public static final int MAX_JUSTIFICATION = 1_000;

    public AttestedEndpoint {
        requireNonNull(destination, "destination is null");
        requireNonNull(justification, "justification is null");
        justification = justification.strip();
        if (justification.isEmpty() || justification.length() > MAX_JUSTIFICATION) {
            throw new IllegalArgumentException("an attested endpoint needs a written justification of 1 to " + MAX_JUSTIFICATION + " characters");
        }
    }
}
