package dev.envctl.cli.internal;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.SubnetRequest;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SmallPartsTest {

    @Test
    void quotesArgvOnlyWhereAShellNeedsIt() {
        assertThat(Plans.shell(List.of("k3d", "cluster", "create", "dev", "-p", "18080:80@loadbalancer")))
                .isEqualTo("k3d cluster create dev -p 18080:80@loadbalancer");
        assertThat(Plans.shell(List.of("k3d", "--k3s-arg", "--disable=traefik@server:*", "it's")))
                .isEqualTo("k3d --k3s-arg '--disable=traefik@server:*' 'it'\\''s'");
    }

    @Test
    void parsesLabelsAndRejectsMalformedOnes() {
        assertThat(SpecOptions.parseLabels(List.of("haproxy_route=true", "team=a=b")))
                .containsExactlyInAnyOrderEntriesOf(Map.of("haproxy_route", "true", "team", "a=b"));
        assertThatThrownBy(() -> SpecOptions.parseLabels(List.of("noequals"))).hasMessageContaining("KEY=VALUE");
        assertThatThrownBy(() -> SpecOptions.parseLabels(List.of("=v"))).hasMessageContaining("KEY=VALUE");
        assertThatThrownBy(() -> SpecOptions.parseLabels(List.of("a=1", "a=2"))).hasMessageContaining("twice");
        assertThatThrownBy(() -> SpecOptions.parseLabels(List.of("9x=1"))).hasMessageContaining("label key");
    }

    @Test
    void takesEachLabelValueWholeCommasIncluded() {
        SpecOptions o = new SpecOptions();
        com.beust.jcommander.JCommander.newBuilder().addObject(o).build()
                .parse("--label", "team=a, b", "--label", "haproxy_route=false", "--label", "csv=x,y,,z");

        assertThat(o.toSpec("dev", "k3d").labels()).containsExactlyInAnyOrderEntriesOf(Map.of("team", "a, b",
                "haproxy_route", "false", "csv", "x,y,,z"));
    }

    @Test
    void buildsTheSpecFromCreateFlags() {
        SpecOptions o = new SpecOptions();
        o.subnet = "auto";
        o.http = 18100;
        o.servers = 1;
        o.agents = 2;
        o.image = "rancher/k3s:v1.31.5-k3s1";
        o.labels = List.of("haproxy_route=true");

        EnvironmentSpec spec = o.toSpec("dev", "k3d");

        assertThat(spec.provider()).isEqualTo("k3d");
        assertThat(spec.subnet()).isEqualTo(SubnetRequest.AUTO);
        assertThat(spec.ports().http()).isEqualTo(18100);
        assertThat(spec.ports().https()).isNull();
        assertThat(spec.options()).containsExactlyInAnyOrderEntriesOf(Map.of("servers", "1", "agents", "2",
                "image", "rancher/k3s:v1.31.5-k3s1"));
        assertThat(spec.labels()).containsEntry("haproxy_route", "true");
    }

    @Test
    void rejectsOutOfRangeNodeCounts() {
        SpecOptions o = new SpecOptions();
        o.servers = 0;
        assertThatThrownBy(() -> o.toSpec("dev", "k3d")).hasMessageContaining("--servers 0 is out of range");
    }

    @Test
    void rewordsJCommandersObscureMessages() {
        assertThat(Usage.explain("Was passed main parameter '--bogus' but no main parameter was defined in your "
                + "arg class", "list")).isEqualTo("unknown option '--bogus' for list");
        assertThat(Usage.explain("Was passed main parameter '--bogus' but no main parameter was defined in your "
                + "arg class", null)).isEqualTo("unknown option '--bogus'");
        assertThat(Usage.explain("Was passed main parameter 'web' but no main parameter was defined in your "
                + "arg class", "list")).isEqualTo("list takes no arguments, got 'web'");
        assertThat(Usage.explain("Was passed main parameter 'web' but no main parameter was defined in your "
                + "arg class", null)).isEqualTo("unexpected argument 'web'");
        assertThat(Usage.explain("Expected a command, got -x", null))
                .isEqualTo("unknown option '-x'; run 'envctl --help' for the options");
        assertThat(Usage.explain("Expected a command, got frobnicate", null))
                .isEqualTo("unknown command 'frobnicate'; run 'envctl --help' for the list of commands");
        assertThat(Usage.explain("Can only specify option --dry-run once.", "create")).isEqualTo("--dry-run was given "
                + "twice; give it once");
        assertThat(Usage.explain("Expected a value after parameter -f", "apply")).isEqualTo("-f needs a value");
        assertThat(Usage.explain("\"--http-port\": couldn't convert \"abc\" to an integer", "create"))
                .isEqualTo("--http-port takes a whole number, got 'abc'");
    }

    @Test
    void expandsTheHomeFolderInStoreLocations() {
        Map<String, String> env = Map.of("HOME", "/home/ada");
        assertThat(Locations.expand("~/envs.csv", env)).isEqualTo("/home/ada/envs.csv");
        assertThat(Locations.expand("csv:~/envs.csv", env)).isEqualTo("csv:/home/ada/envs.csv");
        assertThat(Locations.expand("jdbc:postgresql://h/db", env)).isEqualTo("jdbc:postgresql://h/db");
    }

    @Test
    void redactsPasswordsAndTheKnownSecret() {
        assertThat(Errors.redact("cannot reach jdbc:postgresql://u:pw@h/db, auth s3cret failed", "s3cret"))
                .isEqualTo("cannot reach jdbc:postgresql://u:***@h/db, auth *** failed");
    }

    /** Issue 19, finding 5: with password {@code pg} a database named {@code diff_7_pg_0} printed as {@code diff_7_***_0}. */
    @Test
    void masksTheKnownSecretWhereItStandsNotInsideOtherWords() {
        assertThat(Errors.redact("cannot reach jdbc:postgresql://u:pg@h/diff_7_pg_0?password=pg and auth pg failed",
                "pg")).isEqualTo("cannot reach jdbc:postgresql://u:***@h/diff_7_pg_0?password=*** and auth *** failed");
        assertThat(Errors.redact("pgpg pg", "pg")).isEqualTo("pgpg ***");
    }

    @Test
    void migratesPoolAdviceIsTheLargestPartOfThePoolBesideEveryGivenPort() {
        dev.envctl.core.alloc.PortRange pool = new dev.envctl.core.alloc.PortRange(18080, 18399);

        assertThat(MigrateCommand.without("pool.http", pool, java.util.Set.of(18080)))
                .isEqualTo("pool.http=18081-18399");
        assertThat(MigrateCommand.without("pool.http", pool, java.util.Set.of(18300)))
                .isEqualTo("pool.http=18080-18299");
        assertThat(MigrateCommand.without("pool.http", pool, java.util.Set.of(18300, 18100)))
                .isEqualTo("pool.http=18101-18299, which leaves out 18100, 18300");
        assertThat(MigrateCommand.without("pool.http", new dev.envctl.core.alloc.PortRange(18080, 18081),
                java.util.Set.of(18080, 18081))).isEqualTo("a pool.http without them, which leaves out 18080, 18081");
        assertThat(MigrateCommand.without("pool.http", new dev.envctl.core.alloc.PortRange(18080, 18080),
                java.util.Set.of(18080))).isEqualTo("a pool.http without it");
    }
}
