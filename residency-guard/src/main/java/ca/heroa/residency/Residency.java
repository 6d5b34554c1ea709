package ca.heroa.residency;

import ca.heroa.residency.plan.AttestedEndpoint;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Where an address (or every address of a block) is: its country in the dataset, when one country covers it, and the
 * operator's attestation that covers it, if any. It is Canadian when the dataset says CA or an attestation covers it.
 */
public record Residency(Optional<String> country, Optional<AttestedEndpoint> attestedBy) {
    public Residency {
        requireNonNull(country, "country is null");
        requireNonNull(attestedBy, "attestedBy is null");
    }

    public boolean canadian() {
        return attestedBy.isPresent() || country.filter(ResidencyGuard.CANADA::equals).isPresent();
    }
}
