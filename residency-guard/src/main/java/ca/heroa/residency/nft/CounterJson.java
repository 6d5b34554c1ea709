package ca.heroa.residency.nft;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.HashMap;
import java.util.Map;

/** Reads the task table's named counters from {@code nft -j list counters table inet heroa_task}. */
final class CounterJson {
    static final int MAX_INPUT = 256 * 1024;
    private static final int MAX_ENTRIES = 64;

    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(8)
                    .maxNumberLength(20)
                    .maxStringLength(4_096)
                    .maxDocumentLength(MAX_INPUT)
                    .build())
            .build());

    private CounterJson() {
    }

    static EgressCounters parse(String json) {
        if (json.length() > MAX_INPUT) {
            throw new NftablesException("nft's counter listing is larger than " + MAX_INPUT + " characters");
        }
        JsonNode entries;
        try {
            entries = JSON.readTree(json).path("nftables");
        } catch (JsonProcessingException e) {
            throw new NftablesException("nft's counter listing is not valid JSON: " + e.getOriginalMessage());
        }
        if (!entries.isArray() || entries.size() > MAX_ENTRIES) {
            throw new NftablesException("nft's counter listing has no \"nftables\" array of at most " + MAX_ENTRIES + " entries");
        }
        Map<String, PacketCount> counts = new HashMap<>();
        for (JsonNode entry : entries) {
            JsonNode counter = entry.path("counter");
            if (!counter.isObject() || !"inet".equals(counter.path("family").asText())
                    || !NftRuleset.TASK_TABLE.equals(counter.path("table").asText())) {
                continue;
            }
            counts.put(counter.path("name").asText(), new PacketCount(count(counter, "packets"), count(counter, "bytes")));
        }
        return new EgressCounters(named(counts, NftRuleset.ALLOWED_OUT), named(counts, NftRuleset.ALLOWED_IN),
                named(counts, NftRuleset.BLOCKED_OUT), named(counts, NftRuleset.BLOCKED_IN));
    }

    private static long count(JsonNode counter, String field) {
        JsonNode value = counter.path(field);
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.asLong() < 0) {
            throw new NftablesException("nft's counter " + counter.path("name").asText() + " has no valid " + field);
        }
        return value.asLong();
    }

    private static PacketCount named(Map<String, PacketCount> counts, String name) {
        PacketCount count = counts.get(name);
        if (count == null) {
            throw new NftablesException("nft's counter listing has no counter " + name + " in table inet " + NftRuleset.TASK_TABLE);
        }
        return count;
    }
}
