package ca.heroa.appliance.auth;

import io.helidon.webserver.http.ServerRequest;

/**
 * Proves who sent a request. The public API uses workspace and tenant-admin tokens ({@link Authenticator}); a task's
 * own Unix socket accepts only that task's token. Services that both serve take this, not a concrete authenticator.
 */
@FunctionalInterface
public interface RequestAuthenticator {
    /** The caller, or an {@link ca.heroa.appliance.http.ApiException} (401, 429) that says why not. */
    Principal authenticate(ServerRequest request);
}
