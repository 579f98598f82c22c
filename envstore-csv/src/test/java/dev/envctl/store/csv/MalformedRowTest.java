package dev.envctl.store.csv;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentFilter;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.alloc.AllocationPolicy;
import dev.envctl.core.alloc.Allocator;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * A row the store cannot read is an error naming the file, the line and the problem, for reads and writes
 * alike; no write goes through, so no row is ever dropped.
 */
class MalformedRowTest {
    private static final String HEADER = "# env,provider,node_port,pf_port,register_portainer,haproxy_route,"
            + "http_port,https_port,cluster_subnet\n";
    private static final String GOOD = "good,k3d,30080,19000,true,true,18080,18400,\n";
    private static final String GOOD_META = "#envctl good row=00000000 api_port= labels= options= "
            + "desired_state=present actual_state=unknown last_error= created_at=2026-11-26T08:00:00Z "
            + "updated_at=2026-11-26T08:00:00Z version=1";
    private static final String EXT = ",26443,,,present,unknown,,2026-11-26T08:00:00Z,2026-11-26T08:00:00Z,1";

    @TempDir
    Path dir;

    private final Allocator allocator = new Allocator(AllocationPolicy.defaults());

    static Stream<Arguments> cases() {
        return Stream.of(
                arguments("http port not a number", "bad,k3d,30080,19001,true,true,abc,18401,",
                        "http_port 'abc' is not a port; allowed: 1 to 65535"),
                arguments("pf port zero", "bad,k3d,30080,0,true,true,18081,18401,", "pf_port '0' is not a port"),
                arguments("https port above 65535", "bad,k3d,30080,19001,true,true,18081,70000,",
                        "https_port '70000' is not a port"),
                arguments("negative port", "bad,k3d,30080,19001,true,true,-1,18401,", "http_port '-1' is not a port"),
                arguments("empty node port", "bad,k3d,,19001,true,true,18081,18401,", "node_port is empty"),
                arguments("one port in two roles", "bad,k3d,30080,19001,true,true,19001,18401,",
                        "port 19001 is given for both"),
                arguments("CIDR with host bits", "bad,k3d,30080,19001,true,true,18081,18401,10.101.0.1/16",
                        "has host bits set; did you mean 10.101.0.0/16?"),
                arguments("CIDR with a bad address", "bad,k3d,30080,19001,true,true,18081,18401,10.300.0.0/16",
                        "invalid address part '300'"),
                arguments("CIDR without prefix", "bad,k3d,30080,19001,true,true,18081,18401,10.101.0.0",
                        "has no prefix length"),
                arguments("five columns", "bad,k3d,30080,19001,true",
                        "the row has 5 columns; allowed: 6 to 9 (the Kindler scripts'; missing trailing fields are "
                                + "empty, empty ones after them are ignored) or 18 and more"),
                arguments("ten columns", "bad,k3d,30080,19001,true,true,18081,18401,,x", "the row has 10 columns"),
                arguments("one column", "bad", "the row has 1 column; allowed: 6 to 9"),
                arguments("a header without '#' below the first line", "env,provider,node_port,pf_port,"
                        + "register_portainer,haproxy_route,http_port,https_port,cluster_subnet",
                        "line 3: register_portainer 'register_portainer' is not a boolean"),
                arguments("seventeen columns", "bad,k3d,30080,19001,true,true,18081,18401," + EXT.substring(0,
                        EXT.lastIndexOf(',')), "the row has 17 columns"),
                arguments("duplicate name", "good,kind,30080,19001,true,true,18081,18401,",
                        "environment 'good' is already defined on line 2; names must be unique"),
                arguments("boolean maybe", "bad,k3d,30080,19001,maybe,true,18081,18401,",
                        "register_portainer 'maybe' is not a boolean; allowed: true, false, 1, 0, yes, no, on, off"),
                arguments("#envctl line without its fields", "#envctl good row=00000000 api_port=26443",
                        "the #envctl line of 'good' has no labels; it needs row, api_port, labels"),
                arguments("#envctl line with a bad port", GOOD_META.replace("api_port=", "api_port=99999"),
                        "api_port '99999' is not a port"),
                arguments("#envctl line with a bad name", "#envctl Bad_1 row=0", "environment name 'Bad_1' is invalid"),
                arguments("upper-case name", "Bad_1,k3d,30080,19001,true,true,18081,18401,",
                        "environment name 'Bad_1' is invalid"),
                arguments("bad provider", "bad,K3D!,30080,19001,true,true,18081,18401,", "provider 'K3D!' is invalid"),
                arguments("bad api port", "bad,k3d,30080,19001,true,true,18081,18401,"
                        + EXT.replace("26443", "api"), "api_port 'api' is not a port"),
                arguments("bad desired state", "bad,k3d,30080,19001,true,true,18081,18401,"
                        + EXT.replace("present", "maybe"), "unknown desired state 'maybe'"),
                arguments("bad actual state", "bad,k3d,30080,19001,true,true,18081,18401,"
                        + EXT.replace("unknown", "sleeping"), "unknown state 'sleeping'"),
                arguments("bad time", "bad,k3d,30080,19001,true,true,18081,18401,"
                        + EXT.replaceFirst("2026-11-26T08:00:00Z", "yesterday"), "created_at 'yesterday' is not a"),
                arguments("bad version", "bad,k3d,30080,19001,true,true,18081,18401,"
                        + EXT.substring(0, EXT.length() - 1) + "-3", "version '-3' is not a whole number"),
                // issue 19, finding 2: version 0 read from a CSV row is refused as PostgreSQL's check refuses it
                arguments("version zero", "bad,k3d,30080,19001,true,true,18081,18401,"
                        + EXT.substring(0, EXT.length() - 1) + "0", "version '0' is not a whole number of 1 or more"),
                arguments("bad escape in labels", "bad,k3d,30080,19001,true,true,18081,18401,"
                        + EXT.replace(",26443,,", ",26443,team=%zz,"), "labels: '%' at position 1"),
                arguments("label without value", "bad,k3d,30080,19001,true,true,18081,18401,"
                        + EXT.replace(",26443,,", ",26443,team,"), "labels: entry 'team' is not key=value"),
                arguments("invalid label key", "bad,k3d,30080,19001,true,true,18081,18401,"
                        + EXT.replace(",26443,,", ",26443,1x=y,"), "label key '1x' is invalid"),
                arguments("unclosed quote", "bad,\"k3d,30080,19001,true,true,18081,18401,",
                        "quoted field that is not closed"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void aMalformedRowIsAnErrorNamingFileLineAndProblemAndNothingIsWritten(String name, String line,
                                                                            String problem) {
        byte[] bytes = (HEADER + GOOD + line + "\n# a comment after it\n").getBytes(StandardCharsets.UTF_8);
        Path file = Fixtures.write(dir.resolve("envs.csv"), bytes);

        try (CsvEnvironmentStore store = CsvEnvironmentStore.open(file)) {
            String expected = file.toRealPath() + " line 3: ";
            assertCorrupt(() -> store.list(EnvironmentFilter.ALL), expected, problem);
            assertCorrupt(() -> store.find("good"), expected, problem);
            assertCorrupt(() -> store.create(EnvironmentSpec.of("fresh", "k3d"), allocator), expected, problem);
            assertCorrupt(() -> store.delete("good"), expected, problem);
            assertCorrupt(() -> store.insert(new Environment("fresh", "k3d", null,
                    new dev.envctl.core.HostPorts(1, 2, 3, 4), 30080, null, null,
                    dev.envctl.core.DesiredState.PRESENT, dev.envctl.core.ActualState.UNKNOWN, null,
                    java.time.Instant.EPOCH, java.time.Instant.EPOCH, 1)), expected, problem);
            // the file answers; the row is a problem to fix, not an outage that waiting (or a fallback) covers
            assertThat(store.health().available()).isTrue();
            assertThat(store.health().detail()).isEqualTo("CSV file " + file.toRealPath());
            assertThat(store.health().problem()).contains(expected).contains(problem);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        assertThat(Fixtures.read(file)).isEqualTo(bytes);
    }

    private static void assertCorrupt(ThrowingCallable call, String where, String problem) {
        assertThatThrownBy(call).isInstanceOf(EnvctlException.class)
                .satisfies(e -> assertThat(((EnvctlException) e).code()).isEqualTo(ErrorCode.STORE_CORRUPT))
                .hasMessageStartingWith(where).hasMessageContaining(problem)
                .hasMessageContaining("envctl writes nothing to this file until every row reads")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
}
