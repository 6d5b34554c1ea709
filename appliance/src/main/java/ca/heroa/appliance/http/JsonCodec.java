package ca.heroa.appliance.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Locale;

import static java.util.Objects.requireNonNull;

/**
 * Reads request bodies within {@link JsonLimits} and writes response bodies. Over a limit is a 413 or 400
 * problem, never a 500.
 */
public final class JsonCodec {
    private static final int MAX_REPORTED_FIELD_LENGTH = 64;

    private final JsonLimits limits;
    private final ObjectMapper mapper;

    public JsonCodec(JsonLimits limits) {
        this.limits = requireNonNull(limits, "limits is null");
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(limits.maxDepth())
                        .maxStringLength(limits.maxStringLength())
                        .maxNameLength(limits.maxStringLength())
                        .maxNumberLength(64)
                        .maxDocumentLength(limits.maxBodyBytes())
                        .build())
                .build();
        this.mapper = JsonMapper.builder(factory)
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .serializationInclusion(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_ABSENT)
                .addModule(new JavaTimeModule())
                .addModule(new Jdk8Module())
                .build();
    }

    public JsonLimits limits() {
        return limits;
    }

    /** Reads the request body as {@code type}, enforcing content type, size, depth and string length. */
    public <T> T read(ServerRequest request, Class<T> type) {
        String contentType = request.headers().first(HeaderNames.CONTENT_TYPE).orElse("");
        if (!contentType.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            throw new ApiException(ErrorCode.UNSUPPORTED_MEDIA_TYPE);
        }
        long declared = request.headers().contentLength().orElse(-1L);
        if (declared > limits.maxBodyBytes()) {
            throw new ApiException(ErrorCode.BODY_TOO_LARGE, Integer.toString(limits.maxBodyBytes()));
        }
        byte[] body = readBounded(request);
        try {
            // Parse the whole document first so every limit applies, whatever the target type stops reading at.
            T value = mapper.treeToValue(mapper.readTree(body), type);
            if (value == null) {
                throw new ApiException(ErrorCode.MALFORMED_JSON);
            }
            return value;
        } catch (StreamConstraintsException e) {
            throw constraintViolation(e);
        } catch (UnrecognizedPropertyException e) {
            throw new ApiException(ErrorCode.UNKNOWN_FIELD, truncate(e.getPropertyName()));
        } catch (JsonProcessingException e) {
            if (e.getCause() instanceof StreamConstraintsException constraints) {
                throw constraintViolation(constraints);
            }
            throw new ApiException(ErrorCode.MALFORMED_JSON);
        } catch (IOException e) {
            throw new ApiException(ErrorCode.MALFORMED_JSON);
        }
    }

    public byte[] write(Object value) {
        try {
            return mapper.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void send(ServerResponse response, Status status, Object value) {
        response.status(status);
        response.header(HeaderNames.CONTENT_TYPE, "application/json");
        response.send(write(value));
    }

    private byte[] readBounded(ServerRequest request) {
        if (!request.content().hasEntity()) {
            throw new ApiException(ErrorCode.MALFORMED_JSON);
        }
        try (InputStream in = request.content().inputStream()) {
            byte[] body = in.readNBytes(limits.maxBodyBytes() + 1);
            if (body.length > limits.maxBodyBytes()) {
                throw new ApiException(ErrorCode.BODY_TOO_LARGE, Integer.toString(limits.maxBodyBytes()));
            }
            return body;
        } catch (IOException e) {
            throw new ApiException(ErrorCode.MALFORMED_JSON);
        }
    }

    private ApiException constraintViolation(StreamConstraintsException e) {
        String message = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        if (message.contains("nesting depth")) {
            return new ApiException(ErrorCode.JSON_TOO_DEEP, Integer.toString(limits.maxDepth()));
        }
        if (message.contains("document length")) {
            return new ApiException(ErrorCode.BODY_TOO_LARGE, Integer.toString(limits.maxBodyBytes()));
        }
        if (message.contains("length")) {
            return new ApiException(ErrorCode.STRING_TOO_LONG, Integer.toString(limits.maxStringLength()));
        }
        return new ApiException(ErrorCode.MALFORMED_JSON);
    }

    private static String truncate(String field) {
        if (field == null) {
            return "?";
        }
        return field.length() <= MAX_REPORTED_FIELD_LENGTH ? field : field.substring(0, MAX_REPORTED_FIELD_LENGTH) + "…";
    }
}
