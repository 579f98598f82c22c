package dev.envctl.cli;

import dev.envctl.cli.Workspace.Result;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code reconcile NAME} of the packaged CLI lists only the providers of the environments it names (each listing a
 * user waits for), counted in the stand-in tools' calls.
 */
class NamedReconcileIT {
    private static final List<String> K3D_LIST = List.of("k3d", "cluster", "list", "-o", "json");
    /** kind's listing: one {@code docker ps} of its node containers. */
    private static final List<String> KIND_LIST = List.of("docker", "ps", "-a", "--filter",
            "label=io.x-k8s.kind.cluster", "--format",
            "{{.Label \"io.x-k8s.kind.cluster\"}} {{.State}} {{.Label \"io.x-k8s.kind.role\"}}");

    @TempDir
    Path tmp;
    Workspace ws;

    @BeforeEach
    void setUp() {
        ws = new Workspace(tmp);
    }

    /** The calls {@code args} made to the stand-ins that equal {@code call}. */
    private long count(List<String> call, String... args) {
        ws.clearCalls();
        ws.ok(args);
        return ws.calls().stream().filter(call::equals).count();
    }

    @Test
    void reconcileOfANamedEnvironmentListsOnlyItsProviderAndReportsOnlyItsUnmanagedClusters() throws Exception {
        ws.ok("create", "web");
        ws.ok("create", "uat", "--provider", "kind");
        ProcessBuilder k3d = new ProcessBuilder(ws.bin.resolve("k3d").toString(), "cluster", "create", "stray")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        k3d.environment().putAll(ws.env);
        assertThat(k3d.start().waitFor()).isZero();

        assertThat(ws.ok("reconcile", "uat", "-o", "json").json().get("unmanaged")).isEmpty();
        assertThat(ws.ok("reconcile", "web", "-o", "json").json().get("unmanaged").get(0).get("name").asText())
                .isEqualTo("stray");

        assertThat(count(K3D_LIST, "reconcile", "uat")).isZero();
        assertThat(ws.calls().stream().filter(KIND_LIST::equals)).hasSize(1);
        assertThat(count(K3D_LIST, "reconcile", "web")).isEqualTo(1);
        assertThat(ws.calls().stream().filter(KIND_LIST::equals)).isEmpty();
        assertThat(count(K3D_LIST, "reconcile")).as("all of them: every provider").isEqualTo(1);
        assertThat(ws.calls().stream().filter(KIND_LIST::equals)).hasSize(1);
    }

    @Test
    void anUnknownNameIsExitThreeBeforeAnyProviderIsAskedWithKnownNamesBesideItAndDockerDown() {
        ws.ok("create", "dev");
        ws.ok("create", "web", "--no-wait");
        byte[] before = Workspace.bytes(ws.defaultStore());
        Workspace.write(ws.state.resolve("docker-down-hosts"), "unix:///var/run/docker.sock\n");

        for (String[] args : List.of(new String[] {"reconcile", "ghost"}, new String[] {"reconcile", "dev", "ghost"},
                new String[] {"reconcile", "ghost", "web", "dev"})) {
            ws.clearCalls();
            Result r = ws.run(args);
            assertThat(r.exit()).as(r.toString()).isEqualTo(3);
            assertThat(r.errLines()).as(r.toString()).containsExactly("envctl: environment 'ghost' not found in "
                    + ws.defaultStore());
            assertThat(ws.calls()).as("no provider asked: " + r).isEmpty();
            assertThat(Workspace.bytes(ws.defaultStore())).as("the store as it was: " + r).isEqualTo(before);
        }
        Result two = ws.run("reconcile", "dev", "nope", "ghost");
        assertThat(two.errLines()).as("the first unknown name given, as stop names it").containsExactly(
                "envctl: environment 'nope' not found in " + ws.defaultStore());
    }
}
