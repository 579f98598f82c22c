package dev.envctl.cli;

import dev.envctl.cli.Workspace.Result;
import dev.envctl.cli.plugins.ArgumentHookFactory;
import dev.envctl.cli.plugins.BadIdProviderFactory;
import dev.envctl.cli.plugins.BuggyListingStoreFactory;
import dev.envctl.cli.plugins.NullProviderFactory;
import dev.envctl.cli.plugins.PluginJar;
import dev.envctl.cli.plugins.PrintingHookFactory;
import dev.envctl.cli.plugins.SecondK3dProviderFactory;
import dev.envctl.cli.plugins.TokenProviderFactory;
import dev.envctl.core.spi.ClusterProviderFactory;
import dev.envctl.core.spi.EnvironmentStoreFactory;
import dev.envctl.core.spi.LifecycleHookFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Plugin jars that break the rules of docs/plugins.md, copied into a copy of the distribution's {@code lib/}: what
 * the packaged CLI reports about them, and that they cannot spoil its results.
 */
class MisbehavingPluginsIT {
    @TempDir
    Path tmp;
    Workspace ws;

    @BeforeEach
    void setUp() {
        ws = new Workspace(tmp.resolve("ws"));
    }

    @Test
    void doctorFailsNamingAProviderPluginWhoseFactoryMakesNoProvider() {
        ws.distribution(PluginJar.distributionWith(tmp.resolve("envctl"), "null-provider.jar",
                ClusterProviderFactory.class, NullProviderFactory.class));

        Result doctor = ws.run("doctor");

        assertThat(doctor.exit()).as(doctor.toString()).isEqualTo(1);
        assertThat(doctor.out().lines().filter(l -> l.startsWith("FAIL")).toList()).as(doctor.toString())
                .singleElement().asString().startsWith("FAIL  provider nullprov")
                .contains(NullProviderFactory.class.getName(), "null-provider.jar", "its factory returned null");
        assertThat(doctor.out()).contains("PASS  k3d");
        Result create = ws.run("create", "n1", "--provider", "nullprov");
        assertThat(create.exit()).as(create.toString()).isEqualTo(6);
    }

    @Test
    void doctorFailsNamingAPluginThatDiscoverySkipped() {
        ws.distribution(PluginJar.distributionWith(tmp.resolve("envctl"), "bad-id.jar",
                ClusterProviderFactory.class, BadIdProviderFactory.class));

        Result doctor = ws.run("doctor", "-o", "json");

        assertThat(doctor.exit()).as(doctor.toString()).isEqualTo(1);
        assertThat(doctor.json().findValuesAsText("status")).containsOnlyOnce("FAIL");
        assertThat(doctor.json().findParents("status").stream().filter(c -> c.get("status").asText().equals("FAIL"))
                .findFirst().orElseThrow().toString()).contains("\"name\":\"plugins\"",
                BadIdProviderFactory.class.getName(), "bad-id.jar", "its id 'Bad_Id' is invalid");
    }

    @Test
    void pluginsReportsABrokenPluginOnce() {
        ws.distribution(PluginJar.distributionWith(tmp.resolve("envctl"), "bad-id.jar",
                ClusterProviderFactory.class, BadIdProviderFactory.class));

        Result plugins = ws.run("plugins");

        assertThat(plugins.exit()).as(plugins.toString()).isZero();
        assertThat(plugins.errLines()).as(plugins.toString()).singleElement().asString()
                .startsWith("envctl: warning: skipped a broken ClusterProviderFactory plugin "
                        + BadIdProviderFactory.class.getName())
                .contains("bad-id.jar", "its id 'Bad_Id' is invalid");
    }

    @Test
    void pluginsWarnsAboutAProviderPluginWhoseFactoryMakesNoProvider() {
        ws.distribution(PluginJar.distributionWith(tmp.resolve("envctl"), "null-provider.jar",
                ClusterProviderFactory.class, NullProviderFactory.class));

        Result plugins = ws.run("plugins");

        assertThat(plugins.exit()).as(plugins.toString()).isZero();
        assertThat(plugins.errLines()).as(plugins.toString()).containsExactly("envctl: warning: the provider plugin "
                + "'nullprov' (" + NullProviderFactory.class.getName() + ", " + tmp.resolve("envctl/lib/null-provider.jar")
                + ") failed to create its provider: its factory returned null");
    }

    @Test
    void pluginsChecksTheOtherProvidersBesideOneThatNeedsSettingsAndSaysSoOnItsOwnLine() {
        Path dist = PluginJar.distributionWith(tmp.resolve("envctl"), "null-provider.jar",
                ClusterProviderFactory.class, NullProviderFactory.class);
        PluginJar.write(dist.resolve("lib/token-provider.jar"), ClusterProviderFactory.class,
                TokenProviderFactory.class);
        ws.distribution(dist);

        Result plugins = ws.run("plugins");

        assertThat(plugins.exit()).as(plugins.toString()).isZero();
        assertThat(plugins.errLines()).as(plugins.toString()).containsExactly(
                "envctl: warning: the provider plugin 'nullprov' (" + NullProviderFactory.class.getName() + ", "
                        + tmp.resolve("envctl/lib/null-provider.jar") + ") failed to create its provider: its factory "
                        + "returned null",
                "envctl: warning: the provider plugin 'tokenprov' (" + TokenProviderFactory.class.getName() + ", "
                        + tmp.resolve("envctl/lib/token-provider.jar") + ") was not checked: it makes no provider "
                        + "without its settings (config keys provider.tokenprov.*), which plugins does not read: "
                        + "provider tokenprov needs the setting 'token': the API token of its cloud");
        assertThat(plugins.out()).contains("nullprov", "tokenprov");
    }

    @Test
    void pluginsNamesTheJarOfAPluginWithoutANoArgumentConstructor() {
        ws.distribution(PluginJar.distributionWith(tmp.resolve("envctl"), "argument-hook.jar",
                LifecycleHookFactory.class, ArgumentHookFactory.class));

        Result plugins = ws.run("plugins");

        assertThat(plugins.exit()).as(plugins.toString()).isZero();
        assertThat(plugins.errLines()).as(plugins.toString()).containsExactly("envctl: warning: skipped a broken "
                + "LifecycleHookFactory plugin " + ArgumentHookFactory.class.getName() + " ("
                + tmp.resolve("envctl/lib/argument-hook.jar") + "): it has no public no-argument constructor");
        assertThat(plugins.out()).contains("exec").doesNotContain(ArgumentHookFactory.class.getName());
    }

    @Test
    void aSecondProviderWithTheIdK3dIsInvalidInputForEveryCommandThatNeedsAProvider() {
        ws.distribution(PluginJar.distributionWith(tmp.resolve("envctl"), "second-k3d.jar",
                ClusterProviderFactory.class, SecondK3dProviderFactory.class));
        String duplicate = "two provider plugins have the id 'k3d': dev.envctl.provider.k3d.K3dProviderFactory ("
                + tmp.resolve("envctl/lib/envctl.jar") + ") and " + SecondK3dProviderFactory.class.getName() + " ("
                + tmp.resolve("envctl/lib/second-k3d.jar") + "); remove one of the two jars from the class path: "
                + "until then no provider plugin can be used";

        Result plugins = ws.run("plugins");
        assertThat(plugins.exit()).as(plugins.toString()).isZero();
        assertThat(plugins.errLines()).as(plugins.toString()).containsExactly("envctl: warning: " + duplicate);
        assertThat(plugins.out().lines().filter(l -> l.startsWith("provider  k3d"))).as(plugins.toString())
                .hasSize(2).anySatisfy(l -> assertThat(l).endsWith("second-k3d.jar"));

        for (String[] args : new String[][] {{"create", "n1", "--provider", "kind"}, {"create", "n1"}, {"doctor"}}) {
            Result r = ws.run(args);
            assertThat(r.exit()).as(r.toString()).isEqualTo(2);
            assertThat(r.errLines()).as(r.toString()).last().isEqualTo("envctl: " + duplicate);
        }
        Result list = ws.run("list");
        assertThat(list.exit()).as(list.toString()).isZero();

        // a config file is checked against every provider's settings, so it needs the providers; plugins reads
        // no config, so it still lists what is installed
        Workspace.write(ws.home.resolve(".envctl/config.properties"), "hooks.enabled=exec\n");
        Result listed = ws.run("list");
        assertThat(listed.exit()).as(listed.toString()).isEqualTo(2);
        assertThat(listed.errLines()).as(listed.toString()).last().isEqualTo("envctl: " + duplicate);
        Result pluginsWithConfig = ws.run("plugins");
        assertThat(pluginsWithConfig.exit()).as(pluginsWithConfig.toString()).isZero();
        assertThat(pluginsWithConfig.errLines()).as(pluginsWithConfig.toString())
                .containsExactly("envctl: warning: " + duplicate);
        assertThat(pluginsWithConfig.out()).isEqualTo(plugins.out());
    }

    @Test
    void doctorSaysABrokenProviderPluginOnlyInItsFailLine() {
        ws.distribution(PluginJar.distributionWith(tmp.resolve("envctl"), "null-provider.jar",
                ClusterProviderFactory.class, NullProviderFactory.class));

        Result doctor = ws.run("doctor");

        assertThat(doctor.out()).as(doctor.toString()).contains("FAIL  provider nullprov");
        assertThat(doctor.err()).as(doctor.toString()).doesNotContain("nullprov");
    }

    @Test
    void aHookThatPrintsToStandardOutputCannotSpoilTheJsonResult() {
        ws.distribution(PluginJar.distributionWith(tmp.resolve("envctl"), "printing-hook.jar",
                LifecycleHookFactory.class, PrintingHookFactory.class));
        Workspace.write(ws.home.resolve(".envctl/config.properties"), "hooks.enabled=printing\n");

        Result create = ws.run("create", "n1", "-o", "json");

        assertThat(create.exit()).as(create.toString()).isZero();
        assertThat(create.json().get("name").asText()).isEqualTo("n1");
        assertThat(create.out()).doesNotContain("printing hook");
        assertThat(create.err()).contains("printing hook: POST_CREATE n1 line 0\n",
                "printing hook: POST_CREATE n1 line 99999\n");
    }

    /**
     * A store plugin whose listing throws its own RuntimeException (no EnvctlException) does not end a watch, which
     * outlives outages: one WARN line names the exception's class and message, without a stack below -vv, and the
     * watch goes on, converging again once the store answers, until a signal stops it.
     */
    @Test
    void aWatchOutlivesAStorePluginThrowingItsOwnExceptionAndSaysSoOnce() throws Exception {
        Path dist = PluginJar.distributionWith(tmp.resolve("envctl"), "buggy-listing.jar",
                EnvironmentStoreFactory.class, BuggyListingStoreFactory.class);
        // no .csv at the end, which the CSV store would claim too
        Path rows = tmp.resolve("environments.rows");
        ws.ok("--store", "csv:" + rows, "create", "dev", "--no-wait");
        Path flag = tmp.resolve("broken");
        ProcessBuilder pb = new ProcessBuilder(dist.resolve("bin/envctl").toString(), "--store",
                "buggy-listing:" + flag + ":csv:" + rows, "reconcile", "--watch", "--interval", "1s", "-v");
        pb.environment().clear();
        pb.environment().putAll(ws.env);
        Path out = tmp.resolve("watch.out");
        Path err = tmp.resolve("watch.err");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        boolean alive;
        try {
            for (int i = 0; i < 600 && p.isAlive() && !Files.readString(out).contains("created"); i++) {
                Thread.sleep(100);
            }
            Files.createFile(flag);
            for (int i = 0; i < 600 && p.isAlive() && !Files.readString(err).contains("listing broke"); i++) {
                Thread.sleep(100);
            }
            Thread.sleep(3500); // the retries 1 and 2 rounds later fail alike
            Files.delete(flag);
            for (int i = 0; i < 600 && p.isAlive() && !Files.readString(err).contains("the store answers again");
                 i++) {
                Thread.sleep(100);
            }
            alive = p.isAlive();
        } finally {
            p.destroy();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
        String stderr = Files.readString(err);
        assertThat(alive).as(stderr).isTrue();
        assertThat(p.exitValue()).as(stderr).isEqualTo(143);
        assertThat(stderr.lines().filter(l -> l.contains("listing broke"))).as(stderr).singleElement().asString()
                .contains("WARN", "java.lang.IllegalStateException: the plugin's listing broke");
        assertThat(stderr).as("no stack trace below -vv").doesNotContain("\tat ");
        assertThat(stderr.lines().filter(l -> l.contains("the store answers again"))).as(stderr).hasSize(1);
    }
}
