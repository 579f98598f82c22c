package dev.envctl.store.csv;

import dev.envctl.core.spi.EnvironmentStore;
import dev.envctl.core.testing.TakenPortContract;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** A vanished cluster made again while another program holds one of its ports, on the CSV store. */
class CsvTakenPortTest extends TakenPortContract {
    @TempDir
    Path dir;

    @Override
    protected EnvironmentStore newStore() {
        return CsvEnvironmentStore.open(dir.resolve("environments.csv"));
    }
}
