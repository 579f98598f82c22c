package dev.envctl.cli.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.envctl.core.ActualState;
import dev.envctl.core.Cidr;
import dev.envctl.core.DesiredState;
import dev.envctl.core.Environment;
import dev.envctl.core.HostPorts;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class EnvironmentViewTest {
    private static final Environment DEV_K3D = new Environment("dev-k3d", "k3d", Cidr.parse("10.101.0.0/16"),
            new HostPorts(18091, 18444, 19002, 26443), 30080,
            Map.of("register_portainer", "true", "haproxy_route", "true"), Map.of("servers", "1"),
            DesiredState.PRESENT, ActualState.RUNNING, null, Instant.parse("2026-11-26T08:00:00.123Z"),
            Instant.parse("2026-11-26T08:01:12.999Z"), 3);

    /**
     * A record's lastError keeps what a failing hook or tool printed, passwords included; every output format shows it
     * with the passwords envctl knows (and a URL's) masked, as errors on stderr and reconcile's report are.
     */
    @Test
    void aLastErrorIsRedactedInEveryFormat() {
        Environment failed = DEV_K3D.withActualState(ActualState.FAILED, "hook 'exec' failed in post-create: psql: "
                + "connection to postgresql://admin:S3cretPw@db.example:5432/ops failed; password S3cretPw refused");
        for (String format : List.of("json", "csv", "table")) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            GlobalOptions global = new GlobalOptions();
            global.output = format;
            Session session = new Session(new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(java.io.OutputStream.nullOutputStream()), Map.of("PGPASSWORD", "S3cretPw"), global);

            EnvironmentView.print(session, new dev.envctl.core.testing.InMemoryEnvironmentStore(), List.of(failed),
                    true, true);

            assertThat(out.toString(StandardCharsets.UTF_8)).as(format).doesNotContain("S3cretPw");
            if (!format.equals("table")) {
                assertThat(out.toString(StandardCharsets.UTF_8)).as(format).contains("admin:***@db.example");
            }
        }
    }

    @Test
    void writesTheDesignShapeWithNullsAndSecondTimestamps() throws Exception {
        String json = new ObjectMapper().writeValueAsString(EnvironmentView.toJson(DEV_K3D));

        assertThat(json).isEqualTo("{\"name\":\"dev-k3d\",\"provider\":\"k3d\",\"host\":\"local\",\"subnet\":\"10.101.0.0/16\","
                + "\"ports\":{\"http\":18091,\"https\":18444,\"pf\":19002,\"api\":26443,\"node\":30080},"
                + "\"labels\":{\"haproxy_route\":\"true\",\"register_portainer\":\"true\"},"
                + "\"options\":{\"servers\":\"1\"},"
                + "\"desiredState\":\"present\",\"actualState\":\"running\",\"lastError\":null,"
                + "\"createdAt\":\"2026-11-26T08:00:00Z\",\"updatedAt\":\"2026-11-26T08:01:12Z\"}");
    }

    @Test
    void writesAbsentSubnetAndPortsAsNull() throws Exception {
        Environment legacy = new Environment("dev", "kind", null, new HostPorts(18090, 18443, 19001, null), 30080,
                Map.of(), Map.of(), DesiredState.ABSENT, ActualState.FAILED, "boom", Instant.EPOCH, Instant.EPOCH, 1);

        String json = new ObjectMapper().writeValueAsString(EnvironmentView.toJson(legacy));

        assertThat(json).contains("\"subnet\":null", "\"api\":null", "\"lastError\":\"boom\"",
                "\"desiredState\":\"absent\"", "\"createdAt\":null", "\"updatedAt\":null");
    }

    @Test
    void writesTheCreationTimeOfARowTheKindlerScriptsWroteAsNullButARealUpdateTime() throws Exception {
        Environment legacy = new Environment("dev", "kind", null, new HostPorts(18090, 18443, 19001, 26444), 30080,
                Map.of(), Map.of(), DesiredState.PRESENT, ActualState.RUNNING, null, Instant.EPOCH,
                Instant.parse("2026-11-26T08:01:12Z"), 2);

        String json = new ObjectMapper().writeValueAsString(EnvironmentView.toJson(legacy));

        assertThat(json).contains("\"createdAt\":null", "\"updatedAt\":\"2026-11-26T08:01:12Z\"")
                .doesNotContain("1970");
    }

    @Test
    void tableHasTheDocumentedColumnsAndDashesForAbsentValues() {
        Environment legacy = new Environment("dev", "kind", null, new HostPorts(18090, 18443, 19001, null), 30080,
                Map.of(), Map.of(), DesiredState.PRESENT, ActualState.UNKNOWN, null,
                Instant.parse("2026-11-26T07:00:00Z"), Instant.EPOCH, 1);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        EnvironmentView.table(List.of(DEV_K3D, legacy), Instant.parse("2026-11-26T09:00:00Z"), false, false)
                .print(new PrintStream(bytes, true, StandardCharsets.UTF_8));

        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines.get(0).split("\\s+")).containsExactly("NAME", "PROVIDER", "STATE", "SUBNET", "HTTP",
                "HTTPS", "PF", "API", "AGE");
        assertThat(lines.get(1).split("\\s+")).containsExactly("dev-k3d", "k3d", "running", "10.101.0.0/16",
                "18091", "18444", "19002", "26443", "59m");
        assertThat(lines.get(2).split("\\s+")).containsExactly("dev", "kind", "unknown", "-", "18090", "18443",
                "19001", "-", "2h");
    }

    @Test
    void getsTableHasTheOptionsAfterAgeAndHostStaysLast() {
        Environment plain = new Environment("web", "kind", null, new HostPorts(18090, 18443, 19001, 26444), 30080,
                Map.of(), Map.of(), DesiredState.PRESENT, ActualState.RUNNING, null,
                Instant.parse("2026-11-26T07:00:00Z"), Instant.EPOCH, 1);
        Environment options = new Environment("dev-k3d", "k3d", null, new HostPorts(18091, 18444, 19002, 26443),
                30080, Map.of(), Map.of("servers", "1", "agents", "2", "image", "rancher/k3s:v1.31.5-k3s1"),
                DesiredState.PRESENT, ActualState.RUNNING, null, Instant.parse("2026-11-26T08:00:00Z"),
                Instant.EPOCH, 3, "two");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        EnvironmentView.table(List.of(options, plain),
                Instant.parse("2026-11-26T09:00:00Z"), true, true)
                .print(new PrintStream(bytes, true, StandardCharsets.UTF_8));

        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines.get(0).split("\\s+")).containsExactly("NAME", "PROVIDER", "STATE", "SUBNET", "HTTP",
                "HTTPS", "PF", "API", "AGE", "OPTIONS", "HOST");
        assertThat(lines.get(1).split("\\s+")).endsWith("agents=2,image=rancher/k3s:v1.31.5-k3s1,servers=1", "two");
        assertThat(lines.get(2).split("\\s+")).endsWith("-", "local");
    }

    @Test
    void agesReadLikeKubectl() {
        Instant t = Instant.parse("2026-11-26T00:00:00Z");
        assertThat(EnvironmentView.age(t, t.plusSeconds(45))).isEqualTo("45s");
        assertThat(EnvironmentView.age(t, t.plusSeconds(600))).isEqualTo("10m");
        assertThat(EnvironmentView.age(t, t.plusSeconds(5 * 3600))).isEqualTo("5h");
        assertThat(EnvironmentView.age(t, t.plusSeconds(3 * 86400))).isEqualTo("3d");
        assertThat(EnvironmentView.age(t, t.minusSeconds(5))).isEqualTo("0s");
        assertThat(EnvironmentView.age(Instant.EPOCH, t)).as("a legacy row has no creation time").isNull();
    }

    @Test
    void marksAPendingDeleteInTheState() {
        assertThat(EnvironmentView.state(DEV_K3D.withDesiredState(DesiredState.ABSENT))).isEqualTo("running->absent");
    }
}
