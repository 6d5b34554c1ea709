package ca.heroa.appliance.egress;

import ca.heroa.appliance.http.ApiException;
import ca.heroa.appliance.http.ErrorCode;
import ca.heroa.appliance.http.Messages;
import ca.heroa.residency.plan.Refusal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The 422 for refused endpoints: each one with its address, its country and the reason, in the caller's language. */
public final class EgressRefusals {
    private EgressRefusals() {
    }

    public static ApiException problem(List<Refusal> refusals) {
        List<Refusal> listed = List.copyOf(refusals);
        return new ApiException(ErrorCode.EGRESS_REFUSED, messages -> Map.of("refusedEndpoints", listed.stream().map(refusal -> item(refusal, messages)).toList()),
                Long.toString(listed.stream().map(Refusal::endpoint).distinct().count()));
    }

    private static Map<String, Object> item(Refusal refusal, Messages messages) {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("endpoint", refusal.endpoint());
        refusal.address().ifPresent(address -> item.put("address", address));
        item.put("country", refusal.country().orElse(messages.text("egress.country.unknown")));
        item.put("reason", refusal.reason().name().toLowerCase(Locale.ROOT));
        item.put("message", messages.text("egress.refusal." + refusal.reason().name().toLowerCase(Locale.ROOT)));
        return item;
    }
}
