package dev.envctl.store.csv;

import dev.envctl.core.spi.EnvironmentStore;
import dev.envctl.core.testing.ApplyContract;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** Apply's plan, in-place updates and replacement on the CSV store. */
class CsvApplyTest extends ApplyContract {
    @TempDir
    Path dir;

    @Override
    protected EnvironmentStore newStore() {
        return CsvEnvironmentStore.open(dir.resolve("environments.csv"));
    }
}
