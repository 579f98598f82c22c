package dev.envctl.cli.internal;

import dev.envctl.core.Host;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class HostsTest {
    private static final List<Host> KNOWN = List.of(Host.LOCAL);

    /**
     * An unknown host that a file defines: the refusal ends with the exact command that adds it, each word a shell
     * reads back as it is; without a definition (create --host, a YAML file), the command with ENDPOINT to fill in.
     */
    @Test
    void anUnknownHostIsRefusedWithTheCommandThatAddsIt() {
        Host three = new Host("three", "tcp://[fd00::3]:2376", "192.168.1.30", Map.of("gpu", "true",
                "owner", "it's $HOME; rm -rf /"), 4);

        assertThat(Hosts.unknown("three", KNOWN, Optional.of(three))).hasMessage("host 'three' is unknown; known: "
                + "local (add it as the file defines it: envctl host add three --docker 'tcp://[fd00::3]:2376' "
                + "--address 192.168.1.30 --label gpu=true --label 'owner=it'\\''s $HOME; rm -rf /' --capacity 4)");
        assertThat(Hosts.unknown("three", KNOWN, Optional.empty())).hasMessage("host 'three' is unknown; known: "
                + "local (add it with: envctl host add three --docker ENDPOINT)");
    }

    /** A line {@code host add} would refuse (a password in the endpoint, a hand edit) gives no command to copy. */
    @Test
    void aDefinitionHostAddRefusesGivesTheCommandWithEndpointToFillIn() {
        Host withPassword = new Host("three", "ssh://me@three?password=S3cret", null, Map.of(), null);

        assertThat(Hosts.unknown("three", KNOWN, Optional.of(withPassword)).getMessage())
                .endsWith("(add it with: envctl host add three --docker ENDPOINT)").doesNotContain("S3cret");
    }
}
