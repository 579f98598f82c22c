package dev.envctl.provider.kind;

import dev.envctl.core.testing.StandInTools;
import dev.envctl.core.spi.ClusterProvider;
import dev.envctl.core.testing.ClusterProviderContract;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

/** The provider contract from core's test-jar, run by the real kind provider against stand-in tools. */
class KindProviderContractTest extends ClusterProviderContract {
    @TempDir
    Path dir;

    private StandInTools tools;
    private ClusterProvider provider;

    @BeforeEach
    void standIns() {
        tools = new StandInTools(dir, "kind", "docker");
        provider = new KindProviderFactory().create(Map.of(), tools.environment());
    }

    @Override
    protected ClusterProvider provider() {
        return provider;
    }

    @Override
    protected void failNextCreate(String message) {
        tools.flag("kind-fail-next-create", message);
    }
}
