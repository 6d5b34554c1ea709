package ca.heroa.residency.country;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * What the appliance reports about the dataset in use: the version the operator stated, each file with its SHA-256 and
 * number of data rows, and the number of ranges held in memory per family (after adjacent rows of one country were
 * merged, so usually fewer than the rows).
 */
public record DatasetInfo(String version, List<LoadedFile> files, long ipv4Ranges, long ipv6Ranges) {
    public DatasetInfo {
        requireNonNull(version, "version is null");
        requireNonNull(files, "files is null");
        files = List.copyOf(files);
        DatasetSource.validateVersion(version);
        if (ipv4Ranges < 0 || ipv6Ranges < 0) {
            throw new IllegalArgumentException("range counts are never negative");
        }
    }

    /** One loaded file: its name (without directory), the SHA-256 of the bytes that were parsed, its data rows. */
    public record LoadedFile(String name, String sha256, long rows) {
        public LoadedFile {
            requireNonNull(name, "name is null");
            requireNonNull(sha256, "sha256 is null");
            if (!sha256.matches("[0-9a-f]{64}")) {
                throw new IllegalArgumentException("sha256 is 64 lower-case hexadecimal digits");
            }
            if (rows < 0) {
                throw new IllegalArgumentException("rows is never negative");
            }
        }
    }
}
