package ca.heroa.residency.plan;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** One refused endpoint: as declared, the address that failed (when there is one), its country (when known), and why. */
public record Refusal(String endpoint, Optional<String> address, Optional<String> country, RefusalReason reason) {
    public Refusal {
        requireNonNull(endpoint, "endpoint is null");
        requireNonNull(address, "address is null");
        requireNonNull(country, "country is null");
        requireNonNull(reason, "reason is null");
    }
}
