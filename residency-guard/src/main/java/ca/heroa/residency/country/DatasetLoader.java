package ca.heroa.residency.country;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;

/**
 * Reads, verifies and parses the files of a {@link DatasetSource} into range tables. Each file is read whole (at most
 * {@link #MAX_FILE_BYTES}); its SHA-256 is computed over exactly the bytes that are then parsed, and compared with the
 * pinned digest before any row is parsed.
 */
final class DatasetLoader {
    static final long MAX_FILE_BYTES = 256L * 1024 * 1024;
    static final int MAX_LINE_LENGTH = 200;
    static final int MAX_QUOTED = 100;

    private final Ipv4Rows ipv4 = new Ipv4Rows();
    private final Ipv6Rows ipv6 = new Ipv6Rows();
    private final long[] address = new long[2];
    private final long[] secondAddress = new long[2];

    /** The tables, what to report, and how many rows overlapped an earlier one (see {@link Overlaps}). */
    record Loaded(Ipv4Table ipv4, Ipv6Table ipv6, DatasetInfo info, long overlappingRows) {
    }

    static Loaded load(DatasetSource source) {
        DatasetLoader loader = new DatasetLoader();
        List<DatasetInfo.LoadedFile> files = new ArrayList<>();
        for (DatasetFile file : source.files()) {
            files.add(loader.loadFile(file));
        }
        Ipv4Table ipv4Table = loader.ipv4.build();
        Ipv6Table ipv6Table = loader.ipv6.build();
        return new Loaded(ipv4Table, ipv6Table, new DatasetInfo(source.version(), files, ipv4Table.size(), ipv6Table.size()),
                loader.ipv4.count() + loader.ipv6.count());
    }

    private DatasetInfo.LoadedFile loadFile(DatasetFile file) {
        String name = file.name();
        byte[] bytes = read(file);
        String digest = HexFormat.of().formatHex(sha256(bytes));
        if (file.expectedSha256().isPresent()
                && !MessageDigest.isEqual(HexFormat.of().parseHex(file.expectedSha256().get()), HexFormat.of().parseHex(digest))) {
            throw new DatasetException(name + ": SHA-256 is " + digest + ", expected " + file.expectedSha256().get()
                    + "; the file is refused");
        }
        long rows = parse(bytes, name);
        return new DatasetInfo.LoadedFile(name, digest, rows);
    }

    private static byte[] read(DatasetFile file) {
        String name = file.name();
        try {
            if (Files.size(file.path()) > MAX_FILE_BYTES) {
                throw tooLarge(name);
            }
            try (InputStream in = Files.newInputStream(file.path())) {
                // The size may change between the check and the read: read at most one byte more than allowed.
                byte[] bytes = in.readNBytes((int) MAX_FILE_BYTES + 1);
                if (bytes.length > MAX_FILE_BYTES) {
                    throw tooLarge(name);
                }
                return bytes;
            }
        } catch (NoSuchFileException missing) {
            throw new DatasetException(name + ": no such file", missing);
        } catch (IOException unreadable) {
            throw new DatasetException(name + ": cannot be read (" + unreadable.getClass().getSimpleName() + ")", unreadable);
        }
    }

    private static DatasetException tooLarge(String name) {
        return new DatasetException(name + ": larger than " + MAX_FILE_BYTES / (1024 * 1024) + " MiB; the file is refused");
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException("every JDK provides SHA-256", impossible);
        }
    }

    /** Parses every line; returns the number of data rows. */
    private long parse(byte[] bytes, String name) {
        long rows = 0;
        int position = 0;
        if (bytes.length >= 3 && (bytes[0] & 0xff) == 0xef && (bytes[1] & 0xff) == 0xbb && (bytes[2] & 0xff) == 0xbf) {
            position = 3; // a UTF-8 byte order mark, as spreadsheet programs write
        }
        int line = 0;
        while (position < bytes.length) {
            line++;
            int end = position;
            while (end < bytes.length && bytes[end] != '\n') {
                end++;
            }
            int next = end + 1;
            if (end > position && bytes[end - 1] == '\r') {
                end--;
            }
            if (end - position > MAX_LINE_LENGTH) {
                throw rowError(name, line, "longer than " + MAX_LINE_LENGTH + " characters", bytes, position, end);
            }
            if (parseLine(bytes, position, end, line, name)) {
                rows++;
            }
            position = next;
        }
        return rows;
    }

    /** True for a data row, false for a blank or comment line. */
    private boolean parseLine(byte[] bytes, int from, int to, int line, String name) {
        int start = skipBlanks(bytes, from, to);
        if (start == to || bytes[start] == '#') {
            return false;
        }
        int firstComma = indexOf(bytes, start, to, (byte) ',');
        int secondComma = firstComma < 0 ? -1 : indexOf(bytes, firstComma + 1, to, (byte) ',');
        if (secondComma < 0 || indexOf(bytes, secondComma + 1, to, (byte) ',') >= 0) {
            throw rowError(name, line, "not three fields start,end,country", bytes, from, to);
        }
        int countryFrom = skipBlanks(bytes, secondComma + 1, to);
        int countryTo = trimBlanks(bytes, countryFrom, to);
        int country = countryTo - countryFrom == 2 ? Countries.index(bytes[countryFrom], bytes[countryFrom + 1]) : -1;
        if (country < 0) {
            throw rowError(name, line, "the country is not two upper-case letters", bytes, from, to);
        }
        int startFrom = start;
        int startTo = trimBlanks(bytes, startFrom, firstComma);
        int endFrom = skipBlanks(bytes, firstComma + 1, secondComma);
        int endTo = trimBlanks(bytes, endFrom, secondComma);
        boolean startIsIpv6 = indexOf(bytes, startFrom, startTo, (byte) ':') >= 0;
        boolean endIsIpv6 = indexOf(bytes, endFrom, endTo, (byte) ':') >= 0;
        if (startIsIpv6 != endIsIpv6) {
            throw rowError(name, line, "start and end are not of the same address family", bytes, from, to);
        }
        if (startIsIpv6) {
            if (!AddressText.ipv6(bytes, startFrom, startTo, address)) {
                throw rowError(name, line, "the start is not an IPv6 address", bytes, from, to);
            }
            if (!AddressText.ipv6(bytes, endFrom, endTo, secondAddress)) {
                throw rowError(name, line, "the end is not an IPv6 address", bytes, from, to);
            }
            long startHigh = address[0] ^ Long.MIN_VALUE;
            long startLow = address[1] ^ Long.MIN_VALUE;
            long endHigh = secondAddress[0] ^ Long.MIN_VALUE;
            long endLow = secondAddress[1] ^ Long.MIN_VALUE;
            if (Ipv6Table.after(startHigh, startLow, endHigh, endLow)) {
                throw rowError(name, line, "the start is after the end", bytes, from, to);
            }
            ipv6.add(startHigh, startLow, endHigh, endLow, (short) country);
            return true;
        }
        long first = AddressText.ipv4(bytes, startFrom, startTo);
        if (first == AddressText.INVALID) {
            throw rowError(name, line, "the start is not an IPv4 address", bytes, from, to);
        }
        long last = AddressText.ipv4(bytes, endFrom, endTo);
        if (last == AddressText.INVALID) {
            throw rowError(name, line, "the end is not an IPv4 address", bytes, from, to);
        }
        if (first > last) {
            throw rowError(name, line, "the start is after the end", bytes, from, to);
        }
        ipv4.add(first, last, (short) country);
        return true;
    }

    private static int skipBlanks(byte[] bytes, int from, int to) {
        while (from < to && (bytes[from] == ' ' || bytes[from] == '\t')) {
            from++;
        }
        return from;
    }

    private static int trimBlanks(byte[] bytes, int from, int to) {
        while (to > from && (bytes[to - 1] == ' ' || bytes[to - 1] == '\t')) {
            to--;
        }
        return to;
    }

    private static int indexOf(byte[] bytes, int from, int to, byte wanted) {
        for (int i = from; i < to; i++) {
            if (bytes[i] == wanted) {
                return i;
            }
        }
        return -1;
    }

    static DatasetException rowError(String name, int line, String reason, byte[] bytes, int from, int to) {
        return new DatasetException(name + " line " + line + ": " + reason + ": \"" + quote(bytes, from, to) + "\"");
    }

    /** At most {@link #MAX_QUOTED} characters of the line, control and non-ASCII bytes shown as '?'. */
    private static String quote(byte[] bytes, int from, int to) {
        int shown = Math.min(to - from, MAX_QUOTED);
        StringBuilder text = new StringBuilder(shown + 3);
        for (int i = from; i < from + shown; i++) {
            byte b = bytes[i];
            text.append(b >= 0x20 && b < 0x7f ? (char) b : '?');
        }
        if (to - from > shown) {
            text.append("...");
        }
        return text.toString();
    }

    /**
     * Lays rows over each other in order of their start address, rows of one start in the order of files and lines:
     * where rows overlap, the later row wins. This is exactly what the dataset's own mmdb form answers (it is built by
     * inserting the rows in file order, each over the ones before), and for the common case, a narrow GeoFeed row left
     * inside the wider Whois or ASN row it should have cut, it keeps the publisher's precedence (GeoFeed first).
     */
    interface Overlaps {
        /** How many rows overlapped an earlier row (resolved as above). */
        long count();
    }

    /** IPv4 rows as parsed: unsigned 32-bit starts and ends, in file order until {@link #build}. */
    private static final class Ipv4Rows implements Overlaps {
        private long[] starts = new long[1024];
        private long[] ends = new long[1024];
        private short[] countries = new short[1024];
        private int size;
        private boolean sorted = true;
        private long overlapping;

        void add(long start, long end, short country) {
            if (size == starts.length) {
                int capacity = size * 2;
                starts = Arrays.copyOf(starts, capacity);
                ends = Arrays.copyOf(ends, capacity);
                countries = Arrays.copyOf(countries, capacity);
            }
            if (size > 0 && start < starts[size - 1]) {
                sorted = false;
            }
            starts[size] = start;
            ends[size] = end;
            countries[size] = country;
            size++;
        }

        @Override
        public long count() {
            return overlapping;
        }

        Ipv4Table build() {
            int[] order = sorted ? null : order();
            Segments4 laid = new Segments4(size + 16);
            for (int i = 0; i < size; i++) {
                int row = order == null ? i : order[i];
                if (laid.lay(starts[row], ends[row], countries[row])) {
                    overlapping++;
                }
            }
            return laid.table();
        }

        private int[] order() {
            return stableOrder(size, (a, b) -> Long.compare(starts[a], starts[b]));
        }
    }

    /** Row indexes ordered by {@code byStart}; a stable sort, so rows of one start keep their file order. */
    private static int[] stableOrder(int size, Comparator<Integer> byStart) {
        Integer[] rows = new Integer[size];
        for (int i = 0; i < size; i++) {
            rows[i] = i;
        }
        Arrays.sort(rows, byStart);
        int[] order = new int[size];
        for (int i = 0; i < size; i++) {
            order[i] = rows[i];
        }
        return order;
    }

    /** Non-overlapping IPv4 segments in order, each new row laid over the tail. */
    private static final class Segments4 {
        private long[] starts;
        private long[] ends;
        private short[] countries;
        private int size;
        private final long[] aside = new long[64 * 3];

        Segments4(int capacity) {
            starts = new long[capacity];
            ends = new long[capacity];
            countries = new short[capacity];
        }

        /** Lays [start, end] over the segments; true if it covered part of an earlier row. */
        boolean lay(long start, long end, short country) {
            boolean overlapped = size > 0 && ends[size - 1] >= start;
            long[] after = aside;
            int kept = 0;
            while (size > 0 && ends[size - 1] >= start) {
                size--;
                long segmentStart = starts[size];
                long segmentEnd = ends[size];
                if (segmentEnd > end) {
                    after = keep(after, kept++, Math.max(segmentStart, end + 1), segmentEnd, countries[size]);
                }
                if (segmentStart < start) {
                    append(segmentStart, start - 1, countries[size]);
                    break;
                }
            }
            append(start, end, country);
            for (int i = kept - 1; i >= 0; i--) {
                append(after[3 * i], after[3 * i + 1], (short) after[3 * i + 2]);
            }
            return overlapped;
        }

        private static long[] keep(long[] after, int index, long start, long end, short country) {
            long[] grown = 3 * index + 3 > after.length ? Arrays.copyOf(after, after.length * 2) : after;
            grown[3 * index] = start;
            grown[3 * index + 1] = end;
            grown[3 * index + 2] = country;
            return grown;
        }

        private void append(long start, long end, short country) {
            if (size > 0 && countries[size - 1] == country && ends[size - 1] + 1 == start) {
                ends[size - 1] = end; // adjacent rows of one country become one range
                return;
            }
            if (size == starts.length) {
                int capacity = size * 2;
                starts = Arrays.copyOf(starts, capacity);
                ends = Arrays.copyOf(ends, capacity);
                countries = Arrays.copyOf(countries, capacity);
            }
            starts[size] = start;
            ends[size] = end;
            countries[size] = country;
            size++;
        }

        Ipv4Table table() {
            int[] keyStarts = new int[size];
            int[] keyEnds = new int[size];
            for (int i = 0; i < size; i++) {
                keyStarts[i] = Ipv4Table.key(starts[i]);
                keyEnds[i] = Ipv4Table.key(ends[i]);
            }
            return new Ipv4Table(keyStarts, keyEnds, Arrays.copyOf(countries, size));
        }
    }

    /** IPv6 rows as parsed, with flipped sign bits (see {@link Ipv6Table}), in file order until {@link #build}. */
    private static final class Ipv6Rows implements Overlaps {
        private long[] startHigh = new long[1024];
        private long[] startLow = new long[1024];
        private long[] endHigh = new long[1024];
        private long[] endLow = new long[1024];
        private short[] countries = new short[1024];
        private int size;
        private boolean sorted = true;
        private long overlapping;

        void add(long firstHigh, long firstLow, long lastHigh, long lastLow, short country) {
            if (size == startHigh.length) {
                int capacity = size * 2;
                startHigh = Arrays.copyOf(startHigh, capacity);
                startLow = Arrays.copyOf(startLow, capacity);
                endHigh = Arrays.copyOf(endHigh, capacity);
                endLow = Arrays.copyOf(endLow, capacity);
                countries = Arrays.copyOf(countries, capacity);
            }
            if (size > 0 && compare(firstHigh, firstLow, size - 1) < 0) {
                sorted = false;
            }
            startHigh[size] = firstHigh;
            startLow[size] = firstLow;
            endHigh[size] = lastHigh;
            endLow[size] = lastLow;
            countries[size] = country;
            size++;
        }

        /** Order of rows by start: negative if the given start comes before the start of row {@code other}. */
        private int compare(long firstHigh, long firstLow, int other) {
            if (firstHigh != startHigh[other]) {
                return Long.compare(firstHigh, startHigh[other]);
            }
            return Long.compare(firstLow, startLow[other]);
        }

        @Override
        public long count() {
            return overlapping;
        }

        Ipv6Table build() {
            int[] order = sorted ? null : order();
            Segments6 laid = new Segments6(size + 16);
            for (int i = 0; i < size; i++) {
                int row = order == null ? i : order[i];
                if (laid.lay(startHigh[row], startLow[row], endHigh[row], endLow[row], countries[row])) {
                    overlapping++;
                }
            }
            return laid.table();
        }

        private int[] order() {
            return stableOrder(size, (a, b) -> compare(startHigh[a], startLow[a], b));
        }
    }

    /** Non-overlapping IPv6 segments in order (flipped sign bits), each new row laid over the tail. */
    private static final class Segments6 {
        private long[] startHigh;
        private long[] startLow;
        private long[] endHigh;
        private long[] endLow;
        private short[] countries;
        private int size;
        private long[] aside = new long[64 * 5];

        Segments6(int capacity) {
            startHigh = new long[capacity];
            startLow = new long[capacity];
            endHigh = new long[capacity];
            endLow = new long[capacity];
            countries = new short[capacity];
        }

        boolean lay(long firstHigh, long firstLow, long lastHigh, long lastLow, short country) {
            boolean overlapped = size > 0 && !Ipv6Table.after(firstHigh, firstLow, endHigh[size - 1], endLow[size - 1]);
            int kept = 0;
            while (size > 0 && !Ipv6Table.after(firstHigh, firstLow, endHigh[size - 1], endLow[size - 1])) {
                size--;
                if (Ipv6Table.after(endHigh[size], endLow[size], lastHigh, lastLow)) {
                    // The part of the segment after the new row: from max(segment start, last + 1).
                    long nextLow = lastLow + 1;
                    long nextHigh = nextLow == Long.MIN_VALUE ? lastHigh + 1 : lastHigh;
                    boolean startsLater = Ipv6Table.after(startHigh[size], startLow[size], nextHigh, nextLow);
                    keep(kept++, startsLater ? startHigh[size] : nextHigh, startsLater ? startLow[size] : nextLow,
                            endHigh[size], endLow[size], countries[size]);
                }
                if (Ipv6Table.after(firstHigh, firstLow, startHigh[size], startLow[size])) {
                    long beforeLow = firstLow - 1;
                    long beforeHigh = firstLow == Long.MIN_VALUE ? firstHigh - 1 : firstHigh;
                    append(startHigh[size], startLow[size], beforeHigh, beforeLow, countries[size]);
                    break;
                }
            }
            append(firstHigh, firstLow, lastHigh, lastLow, country);
            for (int i = kept - 1; i >= 0; i--) {
                append(aside[5 * i], aside[5 * i + 1], aside[5 * i + 2], aside[5 * i + 3], (short) aside[5 * i + 4]);
            }
            return overlapped;
        }

        private void keep(int index, long firstHigh, long firstLow, long lastHigh, long lastLow, short country) {
            if (5 * index + 5 > aside.length) {
                aside = Arrays.copyOf(aside, aside.length * 2);
            }
            aside[5 * index] = firstHigh;
            aside[5 * index + 1] = firstLow;
            aside[5 * index + 2] = lastHigh;
            aside[5 * index + 3] = lastLow;
            aside[5 * index + 4] = country;
        }

        private void append(long firstHigh, long firstLow, long lastHigh, long lastLow, short country) {
            if (size > 0 && countries[size - 1] == country) {
                // Adjacent rows of one country become one range (in flipped form, +1 carries when the low word wraps to MIN).
                long nextLow = endLow[size - 1] + 1;
                long nextHigh = nextLow == Long.MIN_VALUE ? endHigh[size - 1] + 1 : endHigh[size - 1];
                if (nextHigh == firstHigh && nextLow == firstLow) {
                    endHigh[size - 1] = lastHigh;
                    endLow[size - 1] = lastLow;
                    return;
                }
            }
            if (size == startHigh.length) {
                int capacity = size * 2;
                startHigh = Arrays.copyOf(startHigh, capacity);
                startLow = Arrays.copyOf(startLow, capacity);
                endHigh = Arrays.copyOf(endHigh, capacity);
                endLow = Arrays.copyOf(endLow, capacity);
                countries = Arrays.copyOf(countries, capacity);
            }
            startHigh[size] = firstHigh;
            startLow[size] = firstLow;
            endHigh[size] = lastHigh;
            endLow[size] = lastLow;
            countries[size] = country;
            size++;
        }

        Ipv6Table table() {
            return new Ipv6Table(Arrays.copyOf(startHigh, size), Arrays.copyOf(startLow, size), Arrays.copyOf(endHigh, size),
                    Arrays.copyOf(endLow, size), Arrays.copyOf(countries, size));
        }
    }
}
