package dev.envctl.store.csv;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The fixture files under src/test/resources/fixtures, and variants of them built byte by byte. */
final class Fixtures {
    private Fixtures() {
    }

    static byte[] bytes(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String text(String name) {
        return new String(bytes(name), StandardCharsets.UTF_8);
    }

    /** Copies a fixture into {@code dir} and returns the copy's path. */
    static Path copy(String name, Path dir) {
        return write(dir.resolve(name), bytes(name));
    }

    static Path write(Path file, byte[] bytes) {
        try {
            Files.createDirectories(file.getParent());
            return Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes the file a store makes on its first write (header comments, no row), for tests that need one. */
    static Path emptyStore(Path file) {
        return write(file, dev.envctl.store.csv.internal.CsvDocument.emptyFile());
    }

    static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String readText(Path file) {
        return new String(read(file), StandardCharsets.UTF_8);
    }
}
