package ca.heroa.residency.country;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * What to load: the dataset's version as the operator states it (e.g. {@code geo-whois-asn-country 2.3.2026061719}) and
 * its files (IPv4 and IPv6 rows may be in one file or in several).
 */
public record DatasetSource(String version, List<DatasetFile> files) {
    static final int MAX_VERSION_LENGTH = 200;
    static final int MAX_FILES = 16;

    public DatasetSource {
        requireNonNull(version, "version is null");
        requireNonNull(files, "files is null");
        files = List.copyOf(files);
        validateVersion(version);
        if (files.isEmpty() || files.size() > MAX_FILES) {
            throw new IllegalArgumentException("a dataset has 1 to " + MAX_FILES + " files, not " + files.size());
        }
        Set<String> names = new HashSet<>();
        for (DatasetFile file : files) {
            if (!names.add(file.name())) {
                // Reports and error messages name files without their directory: two files of one name would be ambiguous.
                throw new IllegalArgumentException("two dataset files are named " + file.name());
            }
        }
    }

    static void validateVersion(String version) {
        if (version.isBlank() || version.length() > MAX_VERSION_LENGTH
                || !version.chars().allMatch(c -> c >= 0x20 && c != 0x7f)) {
            throw new IllegalArgumentException("a dataset version is 1 to " + MAX_VERSION_LENGTH + " printable characters");
        }
    }
}
