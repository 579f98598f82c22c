package dev.envctl.store.csv;

import dev.envctl.core.spi.EnvironmentStore;
import dev.envctl.core.testing.EnvironmentStoreContract;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

class CsvStoreContractTest extends EnvironmentStoreContract {
    @TempDir
    Path dir;

    @Override
    protected EnvironmentStore newStore() {
        return CsvEnvironmentStore.open(dir.resolve("environments.csv"));
    }
}
