package dev.envctl.store.csv;

import dev.envctl.core.ActualState;
import dev.envctl.core.Cidr;
import dev.envctl.core.DesiredState;
import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentFilter;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.HostPorts;
import dev.envctl.core.PortRole;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Reading files in the replaced system's format, as DESIGN.md describes it. */
class LegacyFormatTest {
    @TempDir
    Path dir;

    private List<Environment> read(String fixture) {
        try (CsvEnvironmentStore store = CsvEnvironmentStore.open(Fixtures.copy(fixture, dir))) {
            return store.list(EnvironmentFilter.ALL);
        }
    }

    @Test
    void readsTheDesignExampleRows() {
        List<Environment> all = read("legacy.csv");

        assertThat(all).extracting(Environment::name).containsExactly("dev", "dev-k3d", "devops");
        Environment devops = all.get(2);
        assertThat(devops.provider()).isEqualTo("k3d");
        assertThat(devops.nodePort()).isEqualTo(30800);
        assertThat(devops.ports()).isEqualTo(new HostPorts(23800, 23843, 19000, null));
        assertThat(devops.subnet()).isNull();
        assertThat(devops.labels()).isEqualTo(Map.of("register_portainer", "false", "haproxy_route", "false"));
        Environment devK3d = all.get(1);
        assertThat(devK3d.subnet()).isEqualTo(Cidr.parse("10.101.0.0/16"));
        assertThat(devK3d.ports()).isEqualTo(new HostPorts(18091, 18444, 19002, null));
        assertThat(devK3d.labels()).isEqualTo(Map.of("register_portainer", "true", "haproxy_route", "true"));
        assertThat(all.get(0).provider()).isEqualTo("kind");
    }

    @Test
    void legacyRowsReadAsPresentUnknownVersionOneWithEpochTimes() {
        for (Environment e : read("legacy.csv")) {
            assertThat(e.desiredState()).isEqualTo(DesiredState.PRESENT);
            assertThat(e.actualState()).isEqualTo(ActualState.UNKNOWN);
            assertThat(e.version()).isEqualTo(1);
            assertThat(e.createdAt()).isEqualTo(Instant.EPOCH);
            assertThat(e.updatedAt()).isEqualTo(Instant.EPOCH);
            assertThat(e.lastError()).isNull();
            assertThat(e.options()).isEmpty();
            assertThat(e.ports().api()).isNull();
        }
    }

    @Test
    void skipsCommentsAndBlankLinesAndReadsSpacedFieldsAndNumericBooleans() {
        List<Environment> all = read("legacy-messy.csv");

        assertThat(all).extracting(Environment::name).containsExactly("dev", "devops", "uat");
        assertThat(all.get(1).ports()).isEqualTo(new HostPorts(23800, 23843, 19000, null));
        assertThat(all.get(1).provider()).isEqualTo("k3d");
        assertThat(all.get(1).subnet()).isNull();
        assertThat(all.get(1).labels()).isEqualTo(Map.of("register_portainer", "false", "haproxy_route", "false"));
        assertThat(all.get(2).labels()).isEqualTo(Map.of("register_portainer", "true", "haproxy_route", "false"));
        assertThat(all.get(2).subnet()).isEqualTo(Cidr.parse("10.102.0.0/16"));
        assertThat(all.get(0).provider()).isEqualTo("kind");
        assertThat(all.get(0).labels()).isEqualTo(Map.of("register_portainer", "true", "haproxy_route", "true"));
        assertThat(all.get(0).subnet()).isNull();
    }

    @Test
    void readsEnvctlColumnsAndKeepsBooleanColumnsAsLabels() {
        List<Environment> all = read("mixed.csv");

        Environment modern = all.get(2);
        assertThat(modern.name()).isEqualTo("modern");
        assertThat(modern.ports()).isEqualTo(new HostPorts(18081, 18401, 19001, 26443));
        assertThat(modern.subnet()).isEqualTo(Cidr.parse("10.100.0.0/24"));
        assertThat(modern.labels()).isEqualTo(Map.of("register_portainer", "true", "team", "platform",
                "note", "a, b"));
        assertThat(modern.options()).isEqualTo(Map.of("servers", "1", "agents", "2"));
        assertThat(modern.actualState()).isEqualTo(ActualState.RUNNING);
        assertThat(modern.createdAt()).isEqualTo(Instant.parse("2026-11-26T08:00:00Z"));
        assertThat(modern.updatedAt()).isEqualTo(Instant.parse("2026-11-26T08:01:12.345Z"));
        assertThat(modern.version()).isEqualTo(3);
        Environment broken = all.get(0);
        assertThat(broken.actualState()).isEqualTo(ActualState.FAILED);
        assertThat(broken.lastError()).isEqualTo("kind failed: exit 1");
        assertThat(all.get(1).labels()).isEqualTo(Map.of("register_portainer", "true", "haproxy_route", "false"));
    }

    @Test
    void rowsTheScriptsGaveTheSamePortChangeStateAndGoButNoUpdateTakesAnotherOnesPort() throws Exception {
        Path file = dir.resolve("raced.csv");
        Files.writeString(file, "# env,provider,node_port,pf_port,register_portainer,haproxy_route,http_port,"
                + "https_port,cluster_subnet\n"
                + "a,kind,30080,19001,true,true,18090,18443,\n"
                + "b,kind,30081,19002,true,true,18090,18444,\n");
        try (CsvEnvironmentStore store = CsvEnvironmentStore.open(file)) {
            Environment a = store.get("a");
            Environment b = store.get("b");

            Environment absent = store.update(b.withDesiredState(DesiredState.ABSENT), b.version());
            Environment stopped = store.update(a.withDesiredState(DesiredState.STOPPED), a.version());
            Environment moved = new Environment(a.name(), a.provider(), a.subnet(), a.ports().with(PortRole.HTTPS,
                    18444), a.nodePort(), a.labels(), a.options(), stopped.desiredState(), stopped.actualState(),
                    null, a.createdAt(), a.updatedAt(), stopped.version());
            assertThatThrownBy(() -> store.update(moved, stopped.version()))
                    .isInstanceOfSatisfying(EnvctlException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT))
                    .hasMessageContaining("https port 18444 is already held by environment 'b'");
            store.delete("b", absent.version());

            assertThat(store.list(EnvironmentFilter.ALL)).singleElement()
                    .satisfies(e -> assertThat(e.desiredState()).isEqualTo(DesiredState.STOPPED))
                    .satisfies(e -> assertThat(e.ports().http()).isEqualTo(18090));
        }
    }
}
