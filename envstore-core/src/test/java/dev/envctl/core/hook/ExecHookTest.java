package dev.envctl.core.hook;

import dev.envctl.core.ActualState;
import dev.envctl.core.Cidr;
import dev.envctl.core.DesiredState;
import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.HostPorts;
import dev.envctl.core.alloc.AllocationPolicy;
import dev.envctl.core.alloc.Allocator;
import dev.envctl.core.lifecycle.EngineOptions;
import dev.envctl.core.lifecycle.LifecycleEngine;
import dev.envctl.core.plugin.PluginRegistry;
import dev.envctl.core.spi.ClusterProvider;
import dev.envctl.core.spi.HookPhase;
import dev.envctl.core.spi.LifecycleHook;
import dev.envctl.core.spi.InvalidSettingException;
import dev.envctl.core.spi.ProgressListener;
import dev.envctl.core.testing.InMemoryEnvironmentStore;
import dev.envctl.core.testing.RecordingProgress;
import dev.envctl.core.testing.ScriptedClusterProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ExecHookTest {
    @TempDir
    Path dir;

    private static final Map<String, String> HOSTILE = Map.of(
            "quotes", "it's \"quoted\" 'twice'",
            "semicolon", "x; touch PWNED-1 #",
            "subshell", "$(touch PWNED-2)",
            "backtick", "`touch PWNED-3`",
            "dashdash", "--x",
            "team.owner", "ops & dev | cat");

    private static Environment env(Map<String, String> labels) {
        Instant t = Instant.parse("2026-11-26T08:00:00Z");
        return new Environment("dev-k3d", "k3d", Cidr.parse("10.101.0.0/16"), new HostPorts(18091, 18444, 19002, 26443),
                30080, labels, Map.of(), DesiredState.PRESENT, ActualState.CREATING, null, t, t, 1);
    }

    private Path script(String phase, String name, String body) throws IOException {
        Path folder = Files.createDirectories(dir.resolve(phase + ".d"));
        Path file = folder.resolve(name);
        Files.writeString(file, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }

    private LifecycleHook hook(String timeout) {
        return new ExecHookFactory().create(Map.of("dir", dir.toString(), "timeout", timeout));
    }

    private static Map<String, String> parseEnv(List<String> lines) {
        Map<String, String> m = new TreeMap<>();
        for (String line : lines) {
            int eq = line.indexOf('=');
            if (line.startsWith("ENVCTL_")) {
                m.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return m;
    }

    @Test
    void aScriptReceivesEveryVariableAndTheNameAsItsArgument() throws IOException {
        Path out = dir.resolve("out.txt");
        script("post-create", "10-dump", "echo \"arg=$1\" > '" + out + "'\nenv >> '" + out + "'");

        hook("10s").run(HookPhase.POST_CREATE, env(Map.of("register_portainer", "true", "haproxy_route", "false")));

        List<String> lines = Files.readAllLines(out);
        assertThat(lines.get(0)).isEqualTo("arg=dev-k3d");
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("ENVCTL_API_PORT", "26443");
        expected.put("ENVCTL_HTTPS_PORT", "18444");
        expected.put("ENVCTL_HOST_ADDRESS", "");
        expected.put("ENVCTL_HOST_DOCKER", "");
        expected.put("ENVCTL_HOST_NAME", "local");
        expected.put("ENVCTL_HTTP_PORT", "18091");
        expected.put("ENVCTL_KUBE_CONTEXT", "k3d-dev-k3d");
        expected.put("ENVCTL_LABEL_HAPROXY_ROUTE", "false");
        expected.put("ENVCTL_LABEL_REGISTER_PORTAINER", "true");
        expected.put("ENVCTL_NAME", "dev-k3d");
        expected.put("ENVCTL_NODE_PORT", "30080");
        expected.put("ENVCTL_PF_PORT", "19002");
        expected.put("ENVCTL_PHASE", "post-create");
        expected.put("ENVCTL_PROVIDER", "k3d");
        expected.put("ENVCTL_SUBNET", "10.101.0.0/16");
        assertThat(parseEnv(lines)).isEqualTo(expected);
    }

    @Test
    void aScriptOnAnotherHostIsToldItsNameEndpointAndAddress() throws IOException {
        Path out = dir.resolve("out.txt");
        script("pre-delete", "10-dump", "env > '" + out + "'");
        dev.envctl.core.Host two = new dev.envctl.core.Host("two", "ssh://me@two.example", "192.168.1.20", Map.of(),
                null);

        hook("10s").run(HookPhase.PRE_DELETE, env(Map.of()).withHost("two"), two);

        assertThat(parseEnv(Files.readAllLines(out))).containsEntry("ENVCTL_HOST_NAME", "two")
                .containsEntry("ENVCTL_HOST_DOCKER", "ssh://me@two.example")
                .containsEntry("ENVCTL_HOST_ADDRESS", "192.168.1.20");
    }

    @Test
    void hostileLabelValuesArriveVerbatimAndNothingInThemRuns() throws IOException {
        Path out = dir.resolve("out.txt");
        StringBuilder body = new StringBuilder("cd '" + dir + "'\n");
        for (String key : new TreeMap<>(HOSTILE).keySet()) {
            body.append("printf '%s\\n' \"$").append(HookVariables.labelVariable(key)).append("\" >> out.txt\n");
        }
        script("pre-delete", "10-print", body.toString());

        hook("10s").run(HookPhase.PRE_DELETE, env(HOSTILE));

        assertThat(Files.readAllLines(out)).containsExactlyElementsOf(new TreeMap<>(HOSTILE).values());
        assertThat(dir.resolve("PWNED-1")).doesNotExist();
        assertThat(dir.resolve("PWNED-2")).doesNotExist();
        assertThat(dir.resolve("PWNED-3")).doesNotExist();
        assertThat(HookVariables.labelVariable("team.owner")).isEqualTo("ENVCTL_LABEL_TEAM_OWNER");
    }

    /**
     * envctl's own labels reach scripts as ENVCTL_LABEL_ENVCTL_*: a user's label whose key maps to the same variable
     * ({@code ENVCTL_KEEP-RECORD}, which sorts before {@code envctl.keep-record}) took the variable over.
     */
    @Test
    void envctlsOwnLabelsVariablesAreNotTakenOverByAUsersLabel() {
        Map<String, String> labels = Map.of("envctl.keep-record", "true", "ENVCTL_KEEP-RECORD", "false",
                "Envctl-auto-ports", "mine");

        Map<String, String> v = HookVariables.of(env(labels), HookPhase.PRE_DELETE);

        assertThat(v).containsEntry("ENVCTL_LABEL_ENVCTL_KEEP_RECORD", "true")
                .containsEntry("ENVCTL_LABEL_ENVCTL_AUTO_PORTS", "mine");
    }

    @Test
    void scriptsRunInNameOrderSkippingHiddenAndNonExecutableFiles() throws IOException {
        Path out = dir.resolve("order.txt");
        script("post-delete", "20-b", "echo b >> '" + out + "'");
        script("post-delete", "10-a", "echo a >> '" + out + "'");
        script("post-delete", "30-c", "echo c >> '" + out + "'");
        script("post-delete", ".hidden", "echo hidden >> '" + out + "'");
        Path plain = script("post-delete", "15-not-executable", "echo nx >> '" + out + "'");
        Files.setPosixFilePermissions(plain, PosixFilePermissions.fromString("rw-r--r--"));

        hook("10s").run(HookPhase.POST_DELETE, env(Map.of()));

        assertThat(Files.readAllLines(out)).containsExactly("a", "b", "c");
    }

    @Test
    void editorBackupsOfAScriptAreNotRunBesideIt() throws IOException {
        Path out = dir.resolve("backups.txt");
        script("post-create", "10-register", "echo new >> '" + out + "'");
        script("post-create", "10-register~", "echo emacs-backup >> '" + out + "'");
        script("post-create", "#10-register#", "echo emacs-autosave >> '" + out + "'");

        hook("10s").run(HookPhase.POST_CREATE, env(Map.of()));

        assertThat(Files.readAllLines(out)).containsExactly("new");
    }

    @Test
    void aFailingScriptStopsThePhaseWithAHookErrorNamingItAndItsStderr() throws IOException {
        Path out = dir.resolve("after.txt");
        script("post-create", "10-fail", "echo 'haproxy: bad config' >&2\nexit 3");
        script("post-create", "20-after", "touch '" + out + "'");

        assertThatThrownBy(() -> hook("10s").run(HookPhase.POST_CREATE, env(Map.of())))
                .isInstanceOfSatisfying(EnvctlException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.HOOK_FAILED))
                .hasMessage(dir.resolve("post-create.d/10-fail") + " failed with exit code 3: haproxy: bad config");
        assertThat(out).doesNotExist();
    }

    /**
     * plugins.md said envctl waited about 4 s for each output stream a background process kept open. envctl does not
     * wait for such a process once the script exits, and stops reading its output then (the JDK closes its end of
     * the pipes, so a process left writing to them may die of SIGPIPE at a later write); one whose output was sent
     * elsewhere runs on, as the page now says.
     */
    @Test
    @org.junit.jupiter.api.Timeout(60)
    void aProcessAScriptLeavesIsNotWaitedForAndRunsOnOnlyWithItsOutputSentElsewhere() throws Exception {
        Path onPipe = dir.resolve("on-pipe");
        Path elsewhere = dir.resolve("elsewhere");
        // each tick written to the process's output before it is counted: a write that fails ends the process, as it
        // ends kubectl port-forward (SIGPIPE, or the write's error where the JVM's parent ignores that signal)
        String ticker = "for i in 1 2 3 4 5 6; do sleep 0.3; echo tick || exit 1; echo $i >> '%s'; done";
        script("post-create", "10-leave", "(" + ticker.formatted(onPipe) + ") &\n"
                + "(" + ticker.formatted(elsewhere) + ") >/dev/null 2>&1 &\nexit 0");

        long start = System.nanoTime();
        hook("30s").run(HookPhase.POST_CREATE, env(Map.of()));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(took).isLessThan(Duration.ofSeconds(3));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!(Files.exists(elsewhere) && Files.readAllLines(elsewhere).contains("6"))
                && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(Files.readAllLines(elsewhere)).containsExactly("1", "2", "3", "4", "5", "6");
    }

    @Test
    void aScriptOverItsTimeoutIsKilledAndReported() throws IOException {
        script("post-create", "10-slow", "exec sleep 30");

        assertThatThrownBy(() -> hook("300ms").run(HookPhase.POST_CREATE, env(Map.of())))
                .isInstanceOfSatisfying(EnvctlException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.HOOK_FAILED))
                .hasMessageContaining(dir.resolve("post-create.d/10-slow") + " timed out after");
    }

    /** A timeout under a second was reported as "timed out after 0 s": the message gives the timeout as set. */
    @Test
    void aTimeoutUnderASecondIsReportedAsSet() throws IOException {
        script("post-create", "10-slow", "exec sleep 30");

        assertThatThrownBy(() -> hook("300ms").run(HookPhase.POST_CREATE, env(Map.of())))
                .hasMessage(dir.resolve("post-create.d/10-slow") + " timed out after 300 ms and was killed");
        assertThatThrownBy(() -> hook("1500ms").run(HookPhase.POST_CREATE, env(Map.of())))
                .hasMessage(dir.resolve("post-create.d/10-slow") + " timed out after 1500 ms and was killed");
        assertThatThrownBy(() -> hook("1s").run(HookPhase.POST_CREATE, env(Map.of())))
                .hasMessage(dir.resolve("post-create.d/10-slow") + " timed out after 1 s and was killed");
    }

    /**
     * A script that prints a long line on stderr (a JSON body, a binary file) and fails: its failure becomes the
     * environment's lastError, written to the store and printed, so only the end of what it said is kept, not the
     * megabytes of its lines.
     */
    @Test
    void aFailingScriptsHugeStderrIsCutToItsEndInTheMessage() throws IOException {
        script("post-create", "10-loud", "head -c 3000000 /dev/zero | tr '\\0' x >&2\necho >&2\n"
                + "echo 'portainer: 401' >&2\nexit 1");

        assertThatThrownBy(() -> hook("30s").run(HookPhase.POST_CREATE, env(Map.of())))
                .isInstanceOfSatisfying(EnvctlException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.HOOK_FAILED);
                    assertThat(e.getMessage()).startsWith(dir.resolve("post-create.d/10-loud")
                                    + " failed with exit code 1: ...xxx")
                            .endsWith("xxx | portainer: 401")
                            .hasSizeLessThan(2100);
                });
    }

    /**
     * A script the system cannot start (its #! line names an interpreter that is not there) was reported as "could
     * not be run" and nothing more: the error now says why, as the system said it.
     */
    @Test
    void aScriptThatCannotBeStartedSaysWhy() throws IOException {
        Path file = script("post-create", "10-py", "");
        Files.writeString(file, "#!/nonexistent/python3\nprint('hi')\n");

        assertThatThrownBy(() -> hook("10s").run(HookPhase.POST_CREATE, env(Map.of())))
                .isInstanceOfSatisfying(EnvctlException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.HOOK_FAILED))
                .hasMessageStartingWith(dir.resolve("post-create.d/10-py") + " could not be run: ")
                .hasMessageContaining("No such file or directory");
    }

    /**
     * An embedder cancels a converge by interrupting its thread (Future.cancel(true)): the script that was running
     * is ended, and its error said it "could not be run", though it had run until then.
     */
    @Test
    @Timeout(60)
    void aScriptEndedByAnInterruptOfItsThreadSaysSoNotThatItCouldNotRun() throws Exception {
        Path started = dir.resolve("started");
        script("post-create", "10-wait", ": > '" + started + "'\nexec sleep 600");
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                hook("10m").run(HookPhase.POST_CREATE, env(Map.of()));
            } catch (RuntimeException e) {
                failure.set(e);
            }
        });
        t.start();
        while (!Files.exists(started)) {
            Thread.sleep(10);
        }
        t.interrupt();
        t.join();

        assertThat(failure.get()).isInstanceOfSatisfying(EnvctlException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.HOOK_FAILED);
            assertThat(e.getMessage()).isEqualTo(dir.resolve("post-create.d/10-wait")
                    + " was ended: the thread running it was "
                    + "interrupted");
        });
    }

    @Test
    void aMissingFolderRunsNothing() {
        hook("10s").run(HookPhase.POST_CREATE, env(Map.of()));
        assertThat(dir.resolve("post-create.d")).doesNotExist();
    }

    /** An empty or absent phase folder, or one holding only hidden files and backups, is no step of the command. */
    @Test
    void aPhaseWithNoScriptIsNotReportedAsRunningTheHook() throws IOException {
        Path out = dir.resolve("ran.txt");
        script("post-create", "10-register", "echo registered >> '" + out + "'");
        Files.createDirectories(dir.resolve("pre-delete.d"));
        script("post-delete", ".10-hidden", "echo hidden >> '" + out + "'");
        script("post-delete", "10-backup~", "echo backup >> '" + out + "'");
        LifecycleEngine engine = new LifecycleEngine(new InMemoryEnvironmentStore(),
                new Allocator(AllocationPolicy.defaults()),
                Map.<String, ClusterProvider>of("k3d", new ScriptedClusterProvider("k3d")), List.of(hook("10s")),
                EngineOptions.defaults());
        RecordingProgress progress = new RecordingProgress();

        engine.create(dev.envctl.core.EnvironmentSpec.of("dev", "k3d"), progress);
        engine.delete("dev", false, progress);

        assertThat(progress.steps()).filteredOn(s -> s.startsWith("running hook"))
                .containsExactly("running hook exec (post-create)");
        assertThat(Files.readAllLines(out)).containsExactly("registered");
        assertThat(hook("10s").runsIn(HookPhase.POST_CREATE)).isTrue();
        assertThat(hook("10s").runsIn(HookPhase.PRE_DELETE)).isFalse();
        assertThat(hook("10s").runsIn(HookPhase.POST_DELETE)).isFalse();
    }

    @Test
    void theFactoryIsDiscoveredAndItsSettingsAreChecked() {
        PluginRegistry registry = PluginRegistry.discover();
        assertThat(registry.hookIds()).contains("exec");
        ExecHook hook = (ExecHook) registry.createHook("exec", Map.of("dir", dir.toString(), "timeout", "2m"));
        assertThat(hook.timeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(hook.dir()).isEqualTo(dir);
        assertThatThrownBy(() -> registry.createHook("exec", Map.of("folder", "x")))
                .hasMessageContaining("unknown setting 'folder' for hook exec; valid: dir, timeout");
        assertThatThrownBy(() -> registry.createHook("exec", Map.of("timeout", "soon")))
                .hasMessageContaining("timeout 'soon' is not a positive duration")
                .isInstanceOfSatisfying(InvalidSettingException.class, e -> assertThat(e.key()).isEqualTo("timeout"));
        assertThatThrownBy(() -> registry.createHook("exec", Map.of("dir", "relative/hooks")))
                .hasMessageContaining("dir 'relative/hooks' is not an absolute path")
                .hasMessageContaining("allowed: an absolute path, such as /srv/envctl/hooks, or one starting with ~/")
                .hasMessageNotContaining("config")
                .isInstanceOfSatisfying(InvalidSettingException.class, e -> assertThat(e.problem()).contains(
                        "'relative/hooks' is not an absolute path; allowed: an absolute path, such as "
                                + "/srv/envctl/hooks, or one starting with ~/ (a folder under $HOME)"));
        String home = System.getenv("HOME") != null && !System.getenv("HOME").isBlank() ? System.getenv("HOME")
                : System.getProperty("user.home");
        assertThat(((ExecHook) registry.createHook("exec", Map.of("dir", "~/hooks"))).dir())
                .as("what the message allows is taken").isEqualTo(Path.of(home, "hooks"));
    }

    /**
     * A relative XDG_CONFIG_HOME named another folder of scripts in each folder envctl ran in; the XDG base directory
     * spec says to ignore it, as hook.exec.dir refuses a relative path.
     */
    @Test
    void aRelativeXdgConfigHomeIsIgnoredForTheDefaultFolder() {
        assertThat(ExecHookFactory.defaultDir(Map.of("XDG_CONFIG_HOME", "config", "HOME", "/home/me")))
                .isEqualTo(Path.of("/home/me/.config/envctl/hooks"));
        assertThat(ExecHookFactory.defaultDir(Map.of("XDG_CONFIG_HOME", "/etc/xdg/me", "HOME", "/home/me")))
                .isEqualTo(Path.of("/etc/xdg/me/envctl/hooks"));
    }

    @Test
    void aFailingScriptMarksTheEnvironmentFailedThroughTheEngine() throws IOException {
        script("post-create", "10-register", "echo 'portainer: 401' >&2\nexit 1");
        ScriptedClusterProvider k3d = new ScriptedClusterProvider("k3d");
        LifecycleEngine engine = new LifecycleEngine(new InMemoryEnvironmentStore(),
                new Allocator(AllocationPolicy.defaults()), Map.<String, ClusterProvider>of("k3d", k3d),
                List.of(hook("10s")), EngineOptions.defaults());

        Environment e = engine.create(dev.envctl.core.EnvironmentSpec.of("dev", "k3d"), ProgressListener.NONE);

        assertThat(e.actualState()).isEqualTo(ActualState.FAILED);
        assertThat(e.lastError()).isEqualTo(
                "hook 'exec' failed in post-create: " + dir.resolve("post-create.d/10-register")
                        + " failed with exit code 1: portainer: 401");
    }

    /**
     * An embedder's two exec hooks over two folders ({@code hook("exec", ...)} twice, as embedding.md allows) both
     * have the name {@code exec}: the failure named the script only as {@code post-create.d/10-register}, which
     * either folder may hold. It names the script by its path, so the folder says which hook failed.
     */
    @Test
    void aFailureOfOneOfTwoExecHooksNamesTheFolderOfTheScript() throws IOException {
        Path first = dir.resolve("first");
        Path second = dir.resolve("second");
        for (Path folder : List.of(first, second)) {
            Path file = Files.createDirectories(folder.resolve("post-create.d")).resolve("10-register");
            Files.writeString(file, "#!/bin/sh\n" + (folder == second ? "echo 'portainer: 401' >&2\nexit 1\n" : ""));
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        LifecycleEngine engine = new LifecycleEngine(new InMemoryEnvironmentStore(),
                new Allocator(AllocationPolicy.defaults()),
                Map.<String, ClusterProvider>of("k3d", new ScriptedClusterProvider("k3d")),
                List.of(new ExecHook(first, Duration.ofSeconds(10)), new ExecHook(second, Duration.ofSeconds(10))),
                EngineOptions.defaults());

        Environment e = engine.create(dev.envctl.core.EnvironmentSpec.of("dev", "k3d"), ProgressListener.NONE);

        assertThat(e.lastError()).isEqualTo("hook 'exec' failed in post-create: "
                + second.resolve("post-create.d/10-register") + " failed with exit code 1: portainer: 401");
    }

    /**
     * Two exec hooks over two folders were both announced as "running hook exec (post-create)", and the second, a
     * step repeating the last one, was not passed on: the listener saw one hook run. Hooks of one name are numbered.
     */
    @Test
    void twoExecHooksAreTwoStepsOfTheCreate() throws IOException {
        List<LifecycleHook> hooks = new java.util.ArrayList<>();
        for (String name : List.of("first", "second")) {
            Path file = Files.createDirectories(dir.resolve(name).resolve("post-create.d")).resolve("10-register");
            Files.writeString(file, "#!/bin/sh\n");
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
            hooks.add(new ExecHook(dir.resolve(name), Duration.ofSeconds(10)));
        }
        LifecycleEngine engine = new LifecycleEngine(new InMemoryEnvironmentStore(),
                new Allocator(AllocationPolicy.defaults()),
                Map.<String, ClusterProvider>of("k3d", new ScriptedClusterProvider("k3d")), hooks,
                EngineOptions.defaults());
        RecordingProgress progress = new RecordingProgress();

        engine.create(dev.envctl.core.EnvironmentSpec.of("dev", "k3d"), progress);

        assertThat(progress.steps()).filteredOn(s -> s.startsWith("running hook"))
                .containsExactly("running hook exec #1 (post-create)", "running hook exec #2 (post-create)");
    }

    /**
     * plugins.md's Portainer script registers what the Kindler scripts registered: an environment without the label
     * (their default, yes) and the yes words of their parse_bool in any case; not false, no, or an empty value.
     */
    @Test
    void thePortainerScriptOfPluginsMdRegistersWhatTheKindlerScriptsRegistered() throws IOException {
        String page = Files.readString(Path.of("../docs/plugins.md"));
        int marker = page.indexOf("# post-create.d/20-portainer");
        String body = page.substring(page.lastIndexOf("```sh\n", marker) + 6, page.indexOf("```", marker));
        assertThat(body).contains("exec portainer-register ");
        Path out = dir.resolve("registered.txt");
        // the registration itself is the one line replaced: it writes the name where the test reads it
        script("post-create", "20-portainer", body.replaceFirst("#!/bin/sh\n", "")
                .replace("exec portainer-register ", "exec echo \"$ENVCTL_NAME\" >> '" + out + "'; : "));
        Map<String, Boolean> registers = new LinkedHashMap<>();
        registers.put(null, true);
        for (String yes : List.of("true", "TRUE", "1", "yes", "Y", "on")) {
            registers.put(yes, true);
        }
        for (String no : List.of("false", "0", "no", "off", "", "maybe")) {
            registers.put(no, false);
        }
        for (Map.Entry<String, Boolean> c : registers.entrySet()) {
            Files.deleteIfExists(out);
            hook("10s").run(HookPhase.POST_CREATE, env(c.getKey() == null ? Map.of()
                    : Map.of("register_portainer", c.getKey())));
            assertThat(Files.exists(out)).as("label %s", c.getKey()).isEqualTo(c.getValue());
        }
    }
}
