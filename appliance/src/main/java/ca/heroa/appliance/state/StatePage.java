package ca.heroa.appliance.state;

import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * One page of a listing, in key order.
 *
 * @param objects   the objects of this page
 * @param continueAfter the last key of this page when more follow
 */
public record StatePage(List<StateObject> objects, Optional<StateKey> continueAfter) {
    public StatePage {
        objects = List.copyOf(objects);
        requireNonNull(continueAfter, "continueAfter is null");
    }
}
