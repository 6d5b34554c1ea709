package ca.heroa.appliance.docs;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs-en-fr/en and docs-en-fr/fr have the same files, and each pair the same heading structure. */
class DocumentationParityTest {
    private static final Path DOCS = Path.of("..", "docs-en-fr");

    @Test
    void sameFilesAndHeadings() throws IOException {
        TreeSet<String> english = files(DOCS.resolve("en"));
        TreeSet<String> french = files(DOCS.resolve("fr"));
        assertTrue(english.containsAll(List.of("getting-started.md", "configuration.md", "api.md", "audit-log.md")),
                "the required pages exist: " + english);
        assertEquals(english, french, "the English and French trees hold the same files");
        for (String file : english) {
            assertEquals(headingLevels(DOCS.resolve("en").resolve(file)), headingLevels(DOCS.resolve("fr").resolve(file)),
                    file + ": the same sequence of heading levels in both languages");
        }
    }

    private static TreeSet<String> files(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            TreeSet<String> names = new TreeSet<>();
            paths.filter(Files::isRegularFile).forEach(path -> names.add(root.relativize(path).toString()));
            return names;
        }
    }

    private static List<Integer> headingLevels(Path file) throws IOException {
        boolean[] inCode = {false};
        return Files.readAllLines(file).stream()
                .filter(line -> {
                    if (line.startsWith("```")) {
                        inCode[0] = !inCode[0];
                        return false;
                    }
                    return !inCode[0] && line.matches("#{1,6} .*");
                })
                .map(line -> line.indexOf(' '))
                .toList();
    }
}
