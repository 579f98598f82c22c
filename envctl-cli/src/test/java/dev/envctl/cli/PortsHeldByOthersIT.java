package dev.envctl.cli;

import dev.envctl.cli.Workspace.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Allocation on the local Docker host skips ports another program listens on (a dev server on the first port of
 * the http pool), so the tool is never handed a port it cannot publish; an explicit port stays the user's choice,
 * and a remote Docker host ({@code DOCKER_HOST=tcp://...}) is not probed from here.
 */
class PortsHeldByOthersIT {
    @TempDir
    Path tmp;

    @Test
    void anAutomaticPortSkipsAPortAnotherProgramHoldsAndAnExplicitOneIsKept() throws Exception {
        Workspace ws = new Workspace(tmp);
        // a pool of its own: the port this test holds must not be the one another test, running at the same
        // time, expects an automatic create to get (the default pool's first port)
        Workspace.write(ws.home.resolve(".envctl/config.properties"), "pool.http=41080-41179\n");
        Result probe = ws.run("create", "first", "--dry-run", "-o", "json");
        assertThat(probe.exit()).as(probe.toString()).isZero();
        int http = probe.json().findValue("ports").get("http").asInt();

        try (ServerSocket devServer = new ServerSocket()) {
            devServer.bind(new InetSocketAddress("127.0.0.1", http));

            Result created = ws.run("create", "dev", "-o", "json");
            assertThat(created.exit()).as(created.toString()).isZero();
            assertThat(created.json().get("ports").get("http").asInt()).isGreaterThan(http);

            Result explicit = ws.run("create", "mine", "--http-port", String.valueOf(http), "-o", "json");
            assertThat(explicit.exit()).as(explicit.toString()).isZero();
            assertThat(explicit.json().get("ports").get("http").asInt()).isEqualTo(http);
            ok(ws.run("delete", "mine"));

            // another machine's Docker: this host's listeners say nothing about its ports
            Result remote = ws.run(java.util.Map.of("DOCKER_HOST", "tcp://192.0.2.10:2376"), "create", "far",
                    "--dry-run", "-o", "json");
            assertThat(remote.exit()).as(remote.toString()).isZero();
            assertThat(remote.json().findValue("ports").get("http").asInt()).isEqualTo(http);
        }
    }

    @Test
    void aPoolThatOtherProgramsFillIsExhaustedNamingTheConfigKeys() throws Exception {
        Workspace ws = new Workspace(tmp);
        try (ServerSocket devServer = new ServerSocket()) {
            devServer.bind(new InetSocketAddress("127.0.0.1", 0));
            int held = devServer.getLocalPort();
            Workspace.write(ws.home.resolve(".envctl/config.properties"), "pool.http=" + held + "-" + held + "\n");

            Result full = ws.run("create", "dev", "--dry-run");
            assertThat(full.exit()).as(full.toString()).isEqualTo(4);
            // the library says what to do in its terms, the CLI adds where the pools are set
            assertThat(full.err()).contains("no free http port left in pool " + held + "-" + held,
                    "delete an environment or widen the http port pool (the pools are pool.http, pool.https, "
                            + "pool.pf, pool.api and pool.subnet in the config)");
        }
    }

    private static void ok(Result r) {
        assertThat(r.exit()).as(r.toString()).isZero();
    }
}
