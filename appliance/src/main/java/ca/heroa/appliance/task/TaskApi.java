package ca.heroa.appliance.task;

import ca.heroa.appliance.auth.RequestAuthenticator;
import io.helidon.webserver.http.HttpRouting;

/**
 * What a task may call from inside its container, through its own Unix socket: the workspace state API, with the
 * same routes and error handling as the public API, authenticated by the task's token alone.
 */
@FunctionalInterface
public interface TaskApi {
    void routing(HttpRouting.Builder routing, RequestAuthenticator taskAuthenticator);
}
