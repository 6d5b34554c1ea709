package ca.heroa.appliance.template;

/** JSON Pointer (RFC 6901) tokens for error messages. */
final class ManifestPointer {
    private static final int MAX_TOKEN = 64;

    private ManifestPointer() {
    }

    /** {@code token} escaped for a pointer, cut at 64 characters so an error never echoes a long field name. */
    static String escape(String token) {
        String cut = token.length() <= MAX_TOKEN ? token : token.substring(0, MAX_TOKEN) + "…";
        return cut.replace("~", "~0").replace("/", "~1");
    }
}
