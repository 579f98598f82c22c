package dev.envctl.core;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class HostTest {
    private static final Host TWO = new Host("two", "tcp://10.0.0.2:2376", null, Map.of(), null);

    /**
     * The rule migrate and apply share: a host of the same name elsewhere is the same Docker daemon only with the same
     * endpoint and address; labels and capacity may differ. The text names the host, both endpoints (passwords
     * hidden) and addresses.
     */
    @Test
    void anotherDaemonIsAHostOfTheSameNameWithAnotherEndpointOrAddress() {
        assertThat(Host.anotherDaemon(TWO, "store.csv",
                new Host("two", "tcp://10.0.0.2:2376", null, Map.of("gpu", "true"), 3), "the file")).isEmpty();

        assertThat(Host.anotherDaemon(TWO, "store.csv", new Host("two", "tcp://10.9.9.9:2376", "10.9.9.9", Map.of(),
                null), "the file")).contains("host 'two' is another Docker daemon in store.csv (tcp://10.0.0.2:2376) "
                + "than in the file (tcp://10.9.9.9:2376, address 10.9.9.9)");
        assertThat(Host.anotherDaemon(TWO, "a", new Host("two", "tcp://10.0.0.2:2376", "10.0.0.2", Map.of(), null),
                "b")).contains("host 'two' is another Docker daemon in a (tcp://10.0.0.2:2376) than in b "
                + "(tcp://10.0.0.2:2376, address 10.0.0.2)");
        assertThat(Host.anotherDaemon(TWO, "a", new Host("two", "ssh://me@two?password=S3cret", null, Map.of(), null),
                "b")).hasValueSatisfying(why -> assertThat(why).doesNotContain("S3cret"));
    }
}
