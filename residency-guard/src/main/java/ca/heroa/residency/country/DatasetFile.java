package ca.heroa.residency.country;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * One CSV file of a dataset and, when the operator pinned it, the SHA-256 it must have (64 hexadecimal digits, stored in
 * lower case). A file whose digest differs is refused before any of its rows is used.
 */
public record DatasetFile(Path path, Optional<String> expectedSha256) {
    private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");

    public DatasetFile {
        requireNonNull(path, "path is null");
        requireNonNull(expectedSha256, "expectedSha256 is null");
        if (path.getFileName() == null) {
            throw new IllegalArgumentException("a dataset file path must name a file");
        }
        if (expectedSha256.isPresent()) {
            String digest = expectedSha256.get();
            if (!SHA256.matcher(digest).matches()) {
                throw new IllegalArgumentException("expected SHA-256 of " + path.getFileName() + " is not 64 hexadecimal digits");
            }
            expectedSha256 = Optional.of(digest.toLowerCase(Locale.ROOT));
        }
    }

    /** A file whose digest is not checked (a test dataset, or an operator's own file). */
    public static DatasetFile unpinned(Path path) {
        return new DatasetFile(path, Optional.empty());
    }

    public static DatasetFile pinned(Path path, String sha256) {
        return new DatasetFile(path, Optional.of(sha256));
    }

    /** The file name without its directory: what reports and error messages show. */
    public String name() {
        return path.getFileName().toString();
    }
}
