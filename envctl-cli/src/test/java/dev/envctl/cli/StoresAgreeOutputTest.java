package dev.envctl.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The CLI findings of issue 19 (point 5), driven in-process against CSV stores in a temp dir. */
class StoresAgreeOutputTest {
    @TempDir
    Path home;

    private ByteArrayOutputStream out = new ByteArrayOutputStream();
    private ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) throws Exception {
        out = new ByteArrayOutputStream();
        err = new ByteArrayOutputStream();
        Main main = new Main(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                Map.of("HOME", home.toString(), "ENVCTL_STORE", home.resolve("envs.csv").toString(), "PATH", ""));
        return main.execute(args);
    }

    private Path file(String name, String text) throws Exception {
        Path f = home.resolve(name);
        Files.writeString(f, text);
        return f;
    }

    @Test
    void labelsAndOptionsPrintSortedInDryRunPlansAndJson() throws Exception {
        Path yaml = file("envs.yaml", "- name: dev\n  provider: k3d\n  labels: {zeta: '1', alpha: '2', mid: '3'}\n"
                + "  options: {servers: '1', agents: '2', image: x}\n");

        assertThat(run("apply", "-f", yaml.toString(), "--dry-run")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("labels    {alpha=2, mid=3, zeta=1}")
                .contains("options   {agents=2, image=x, servers=1}");
    }

    @Test
    void aQuotedYamlPortIsAcceptedAsThatPort() throws Exception {
        Path yaml = file("envs.yaml", "- name: dev\n  provider: k3d\n  ports: {http: \"18405\"}\n");

        assertThat(run("apply", "-f", yaml.toString(), "--dry-run")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("http 18405,");
    }

    @Test
    void aQuotedYamlPortThatIsNoNumberIsStillRefused() throws Exception {
        Path yaml = file("envs.yaml", "- name: dev\n  provider: k3d\n  ports: {http: \"18405x\"}\n");

        assertThat(run("apply", "-f", yaml.toString(), "--dry-run")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("http port '18405x' is not a whole number");
    }

    @Test
    void aControlCharacterInAnApplyOptionIsNamedAsAnOption() throws Exception {
        Path yaml = file("envs.yaml", "- name: dev\n  provider: k3d\n  options: {image: \"a\\u0001b\"}\n");

        assertThat(run("apply", "-f", yaml.toString(), "--dry-run")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("option 'image' value contains a control character")
                .doesNotContain("label");
    }

    @Test
    void aFailedMigrateRowIsAnEnvctlErrorNotAWarning() throws Exception {
        String header = "# env,provider,node_port,pf_port,register_portainer,haproxy_route,http_port,https_port,"
                + "cluster_subnet\n";
        Path from = file("from.csv", header + "a,k3d,30080,19000,true,true,18080,18400,\n");
        Path to = file("to.csv", header + "b,k3d,30080,19001,true,true,18080,18401,\n");

        assertThat(run("migrate", "--from", from.toString(), "--to", to.toString())).isEqualTo(1);
        String stderr = err.toString(StandardCharsets.UTF_8);
        assertThat(stderr).contains("envctl: a was not migrated: would break the target's invariants")
                .doesNotContain("WARN");
    }
}
