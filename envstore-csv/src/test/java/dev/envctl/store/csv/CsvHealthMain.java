package dev.envctl.store.csv;

import dev.envctl.core.spi.StoreHealth;

import java.nio.file.Path;

/**
 * Prints a CSV store's health, for tests that run it as another user.
 *
 * <pre>
 * java -cp TEST_CLASSPATH dev.envctl.store.csv.CsvHealthMain CSV_FILE
 * </pre>
 *
 * Output: {@code up DETAIL} or {@code down DETAIL}.
 */
public final class CsvHealthMain {
    private CsvHealthMain() {
    }

    public static void main(String[] args) {
        try (CsvEnvironmentStore store = CsvEnvironmentStore.open(Path.of(args[0]))) {
            StoreHealth health = store.health();
            System.out.println((health.available() ? "up " : "down ") + health.detail());
        }
    }
}
