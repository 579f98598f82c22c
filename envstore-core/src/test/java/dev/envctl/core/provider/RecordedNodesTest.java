package dev.envctl.core.provider;

import dev.envctl.core.ActualState;
import dev.envctl.core.Cidr;
import dev.envctl.core.DesiredState;
import dev.envctl.core.Environment;
import dev.envctl.core.HostPorts;
import dev.envctl.core.spi.ClusterStatus;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RecordedNodesTest {
    private static Environment env(Map<String, String> options) {
        Instant t = Instant.parse("2026-11-26T08:00:00Z");
        return new Environment("dev", "kind", Cidr.parse("10.101.1.0/24"), new HostPorts(18100, 18500, 19100, 26500),
                30080, Map.of(), options, DesiredState.PRESENT, ActualState.RUNNING, null, t, t, 3);
    }

    private static ClusterStatus listed(int servers, int agents) {
        return new ClusterStatus("dev", "kind", true, "nodes 1/1 running").withNodes(servers, agents);
    }

    @Test
    void withoutOptionsOneServerAndNoAgentIsWhatARecordAsksFor() {
        assertThat(RecordedNodes.missing(env(Map.of()), listed(1, 0), "control-plane", "worker")).isEmpty();
        assertThat(RecordedNodes.missing(env(Map.of()), listed(0, 0), "control-plane", "worker"))
                .contains("kind lists 0 of the 1 control-plane nodes its record asks for");
    }

    @Test
    void namesEveryKindOfNodeThatIsShortOfTheOptions() {
        assertThat(RecordedNodes.missing(env(Map.of("servers", "3", "agents", "2")), listed(2, 1), "control-plane",
                "worker")).contains("kind lists 2 of the 3 control-plane nodes its record asks for; kind lists 1 of "
                + "the 2 worker nodes its record asks for");
    }

    @Test
    void moreNodesThanAskedForUncountedNodesAndOptionsThatAreNoCountsLackNothing() {
        assertThat(RecordedNodes.missing(env(Map.of("agents", "1")), listed(3, 2), "server", "agent")).isEmpty();
        assertThat(RecordedNodes.missing(env(Map.of("agents", "1")),
                new ClusterStatus("dev", "kind", true, null), "server", "agent")).isEmpty();
        assertThat(RecordedNodes.missing(env(Map.of("servers", "many")), listed(0, 0), "server", "agent")).isEmpty();
    }
}
