package dev.envctl.core.testing;

import dev.envctl.core.ActualState;
import dev.envctl.core.Cidr;
import dev.envctl.core.DesiredState;
import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.HostPorts;
import dev.envctl.core.spi.ClusterProvider;
import dev.envctl.core.spi.ClusterStatus;
import dev.envctl.core.spi.PlannedCommand;
import dev.envctl.core.spi.PrerequisiteCheck;
import dev.envctl.core.spi.ProgressListener;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The behaviour every {@link ClusterProvider} shows. A provider module extends this class, wiring the real
 * provider to stand-in tools on {@code PATH} that keep which clusters exist.
 */
public abstract class ClusterProviderContract {

    /**
     * The provider under test, talking to fresh stand-in tools with no clusters; called once per test, on the
     * test's first use of it (after the subclass's {@code @BeforeEach} methods).
     */
    protected abstract ClusterProvider provider();

    /** {@link #provider()} of this test, asked once (JUnit makes a new instance of this class per test). */
    private ClusterProvider subject;

    private ClusterProvider subject() {
        if (subject == null) {
            subject = provider();
        }
        return subject;
    }

    /** Makes the stand-in tool's next create fail after it started, printing {@code message} as its error. */
    protected abstract void failNextCreate(String message);

    /** A resolved environment of this provider, as a store would hand it over. */
    protected Environment environment(String name, Cidr subnet) {
        return new Environment(name, subject().id(), subnet, new HostPorts(18091, 18444, 19002, 26443), 30080,
                Map.of("haproxy_route", "true"), Map.of(), DesiredState.PRESENT, ActualState.CREATING, null,
                Instant.parse("2026-11-26T08:00:00Z"), Instant.parse("2026-11-26T08:00:00Z"), 1);
    }

    private static List<String> names(List<ClusterStatus> clusters) {
        return clusters.stream().map(ClusterStatus::name).toList();
    }

    @Test
    void createdClusterIsListedAsRunning() {
        ClusterProvider p = subject();
        p.create(environment("dev", null), ProgressListener.NONE);

        assertThat(p.list()).anySatisfy(c -> {
            assertThat(c.name()).isEqualTo("dev");
            assertThat(c.running()).isTrue();
            assertThat(c.provider()).isEqualTo(p.id());
        });
        assertThat(p.createFinished(environment("dev", null))).as("a create that returned has finished").isTrue();
    }

    @Test
    void createWithASubnetIsListedToo() {
        ClusterProvider p = subject();
        p.create(environment("sub", Cidr.parse("10.101.0.0/16")), ProgressListener.NONE);
        assertThat(names(p.list())).contains("sub");
        p.delete(environment("sub", Cidr.parse("10.101.0.0/16")), ProgressListener.NONE);
        assertThat(names(p.list())).doesNotContain("sub");
    }

    @Test
    void deleteRemovesTheCluster() {
        ClusterProvider p = subject();
        p.create(environment("dev", null), ProgressListener.NONE);
        p.delete(environment("dev", null), ProgressListener.NONE);

        assertThat(names(p.list())).doesNotContain("dev");
    }

    @Test
    void deleteOfAMissingClusterSucceeds() {
        ClusterProvider p = subject();
        p.delete(environment("ghost", null), ProgressListener.NONE);
        assertThat(names(p.list())).doesNotContain("ghost");
    }

    @Test
    void listWithNoClustersIsEmpty() {
        assertThat(subject().list()).isEmpty();
    }

    @Test
    void failedCreateIsAProviderErrorCarryingTheToolsMessageAndLeavesNoCluster() {
        ClusterProvider p = subject();
        failNextCreate("boom: port is already allocated");

        assertThatThrownBy(() -> p.create(environment("dev", null), ProgressListener.NONE))
                .isInstanceOf(EnvctlException.class)
                .hasMessageContaining("boom: port is already allocated")
                .satisfies(e -> assertThat(((EnvctlException) e).code()).isEqualTo(ErrorCode.PROVIDER_FAILED));
        assertThat(names(p.list())).doesNotContain("dev");
    }

    @Test
    void versionAndPrerequisitesAreReported() {
        ClusterProvider p = subject();
        assertThat(p.version()).isNotBlank();
        assertThat(p.checkPrerequisites()).isNotEmpty()
                .allSatisfy(c -> assertThat(c.status()).isNotNull());
        assertThat(p.checkPrerequisites()).anySatisfy(c -> assertThat(c.status())
                .isEqualTo(PrerequisiteCheck.Status.PASS));
    }

    @Test
    void planNamesEveryHostPortExplicitly() {
        ClusterProvider p = subject();
        StringBuilder plan = new StringBuilder();
        for (PlannedCommand c : p.planCreate(environment("dev", null))) {
            plan.append(c.argv()).append('\n').append(c.stdin() == null ? "" : c.stdin()).append('\n');
        }
        assertThat(plan).contains("dev", "18091", "18444", "26443");
        assertThat(p.planDelete(environment("dev", null))).isNotEmpty()
                .anySatisfy(c -> assertThat(c.argv()).contains("dev"));
    }
}
