package ca.heroa.appliance.api;

import ca.heroa.appliance.http.ApiException;
import ca.heroa.appliance.http.ErrorCode;
import ca.heroa.appliance.workspace.Names;

/** The {@code name} field of a request body, checked against {@link Names} with the API's errors. */
final class RequestNames {
    private RequestNames() {
    }

    static String require(String name) {
        if (name == null) {
            throw new ApiException(ErrorCode.MISSING_FIELD, "name");
        }
        if (!Names.valid(name)) {
            throw new ApiException(ErrorCode.INVALID_NAME, Integer.toString(Names.MAX_LENGTH));
        }
        return name;
    }
}
