package dev.envctl.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.envctl.cli.Workspace.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Allocation on the local Docker host skips ports another program listens on (a dev server on the first port of
 * the http pool), so the tool is never handed a port it cannot publish; an explicit port stays the user's choice,
 * and a remote Docker host ({@code DOCKER_HOST=tcp://...}) is not probed from here. The same holds when a cluster
 * that vanished is made again: an automatic port taken meanwhile is allocated anew, a given one is kept.
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

    @Test
    void aVanishedClusterIsMadeAgainWithAFreePortInPlaceOfAnAutomaticOneAnotherProgramTook() throws Exception {
        // a pool of its own, as above
        Workspace ws = checkingPorts("41180-41279");
        Result dev = ws.run("create", "dev", "-o", "json");
        ok(dev);
        int taken = dev.json().get("ports").get("http").asInt();
        int given;
        try (ServerSocket free = new ServerSocket(0)) {
            given = free.getLocalPort();
        }
        ok(ws.run("create", "mine", "--http-port", String.valueOf(given)));
        // both clusters deleted behind envctl's back (k3d cluster delete), their http ports taken meanwhile
        Files.delete(ws.state.resolve("k3d/dev"));
        Files.delete(ws.state.resolve("k3d/mine"));

        try (ServerSocket devServer = new ServerSocket(); ServerSocket other = new ServerSocket()) {
            devServer.bind(new InetSocketAddress("127.0.0.1", taken));
            other.bind(new InetSocketAddress("127.0.0.1", given));

            Result started = ws.run("start", "dev", "-o", "json");
            assertThat(started.exit()).as(started.toString()).isZero();
            JsonNode after = started.json().get(0);
            int moved = after.get("ports").get("http").asInt();
            assertThat(moved).isNotEqualTo(taken).isBetween(41180, 41279);
            assertThat(after.get("actualState").asText()).isEqualTo("running");
            assertThat(after.get("labels").get("envctl.auto-ports").asText()).startsWith("http:" + moved + "/");
            assertThat(started.err()).contains("WARN", "dev: http port " + taken + " cannot be bound on the host "
                    + "now (another program holds it); envctl had allocated it, so the environment now has http "
                    + "port " + moved);
            assertThat(ws.calls()).anySatisfy(c -> assertThat(c).startsWith("k3d", "cluster", "create", "dev")
                    .contains("0.0.0.0:" + moved + ":80@loadbalancer"));

            // a port the user gave stays theirs: the start fails, saying which port is taken and why it stays
            Result refused = ws.run("start", "mine");
            assertThat(refused.exit()).as(refused.toString()).isEqualTo(6);
            assertThat(refused.err()).contains("listen tcp4 0.0.0.0:" + given + ": bind: address already in use",
                    "envctl keeps http port " + given + ", as it was given");
            // a create's advice, leaving the port out, would change nothing for a record that has it
            assertThat(refused.err()).doesNotContain("leave it out");
            Result mine = ws.run("get", "mine", "-o", "json");
            ok(mine);
            assertThat(mine.json().get("ports").get("http").asInt()).isEqualTo(given);
            assertThat(mine.json().get("actualState").asText()).isEqualTo("failed");
        }
        Result list = ws.run("list", "-o", "json");
        ok(list);
        List<Integer> ports = new ArrayList<>();
        list.json().forEach(e -> e.get("ports").forEach(p -> ports.add(p.asInt())));
        assertThat(ports.stream().filter(p -> p != 30080)).doesNotHaveDuplicates();
    }

    @Test
    void aVanishedClusterWhosePortWasTakenWithNoOtherInThePoolIsExit4() throws Exception {
        // a pool of two ports: dev and web hold both
        Workspace ws = checkingPorts("41280-41281");
        Result dev = ws.run("create", "dev", "-o", "json");
        ok(dev);
        ok(ws.run("create", "web"));
        int taken = dev.json().get("ports").get("http").asInt();
        Files.delete(ws.state.resolve("k3d/dev"));

        try (ServerSocket devServer = new ServerSocket()) {
            devServer.bind(new InetSocketAddress("127.0.0.1", taken));

            Result started = ws.run("start", "dev");

            assertThat(started.exit()).as(started.toString()).isEqualTo(4);
            assertThat(started.err()).contains("envctl: starting dev failed: no port to move to: ",
                    "no free http port left in pool 41280-41281");
            Result after = ws.run("get", "dev", "-o", "json");
            ok(after);
            assertThat(after.json().get("ports").get("http").asInt()).isEqualTo(taken);
            assertThat(after.json().get("actualState").asText()).isEqualTo("failed");
        }
    }

    /**
     * A workspace whose http pool is {@code httpPool} and whose stand-in k3d fails as Docker does for a port a
     * program listens on.
     */
    private Workspace checkingPorts(String httpPool) {
        Workspace ws = new Workspace(tmp);
        Workspace.write(ws.home.resolve(".envctl/config.properties"), "pool.http=" + httpPool + "\n");
        ws.flag("k3d-check-ports");
        return ws;
    }

    private static void ok(Result r) {
        assertThat(r.exit()).as(r.toString()).isZero();
    }
}
