package dev.envctl.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link Main} driven in-process with its own streams and environment, as an embedding tool would. */
class MainTest {
    @TempDir
    Path home;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return run(Map.of("HOME", home.toString()), args);
    }

    private int run(Map<String, String> env, String... args) {
        Main main = new Main(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env);
        return main.execute(args);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void versionPrintsToOutAndReturnsZero() {
        assertThat(run("version")).isZero();
        assertThat(out()).startsWith("envctl ");
        assertThat(err()).isEmpty();
    }

    @Test
    void helpListsTheCommandsOnOut() {
        assertThat(run("--help")).isZero();
        assertThat(out()).contains("Commands:", "create", "reconcile", "Exit codes:",
                "(env ENVCTL_STORE; default ~/.envctl/environments.csv)");
    }

    @Test
    void helpCommandPrintsWhatHelpOptionPrints() {
        assertThat(run("create", "--help")).isZero();
        String createHelp = out();
        out.reset();
        assertThat(run("help", "create")).isZero();
        assertThat(out()).isEqualTo(createHelp).startsWith("Usage: envctl create [options] NAME");
        out.reset();
        assertThat(run("--help")).isZero();
        String envctlHelp = out();
        out.reset();
        assertThat(run("help")).isZero();
        assertThat(out()).isEqualTo(envctlHelp).contains("  help       Print the usage of envctl, or of COMMAND");
        assertThat(err()).isEmpty();
    }

    /** The usage line names the options a command cannot run without, as its usage error and cli.md's heading do. */
    @Test
    void theUsageLineNamesTheOptionsACommandNeeds() {
        Map<String, String> lines = Map.of("apply", "Usage: envctl apply [options] -f FILE\n",
                "diff", "Usage: envctl diff [options] -f FILE\n",
                "migrate", "Usage: envctl migrate [options] --from LOCATION --to LOCATION\n");
        lines.forEach((command, line) -> {
            out.reset();
            assertThat(run(command, "--help")).isZero();
            assertThat(out()).as(command + " --help").startsWith(line);
        });
    }

    /** A tool not found is told with the config key that points envctl at it, by create and by doctor. */
    @Test
    void aMissingToolIsToldWithTheConfigKeyOfItsPath() throws java.io.IOException {
        Path empty = Files.createDirectories(home.resolve("empty-bin"));
        Map<String, String> env = Map.of("HOME", home.toString(), "PATH", empty.toString());
        assertThat(run(env, "create", "dev")).isEqualTo(6);
        assertThat(err()).contains("or set the k3d provider setting 'binary' (config key provider.k3d.binary) to "
                + "its path");
        err.reset();
        assertThat(run(env, "doctor")).isEqualTo(1);
        assertThat(out()).contains("set the kind provider setting 'binary' (config key provider.kind.binary) to its "
                + "path -> needed only for --provider kind");
    }

    /** docs/cli.md says what a valid environment name is, quoting the refusal of another one as envctl words it. */
    @Test
    void theCliReferenceQuotesTheRefusalOfABadName() throws java.io.IOException {
        String doc = Files.readString(Path.of("../docs/cli.md")).replaceAll("\\s+", " ");
        assertThat(run("create", "Dev", "--dry-run")).isEqualTo(2);
        String refusal = err().lines().findFirst().orElseThrow();
        assertThat(refusal).startsWith("envctl: environment name 'Dev' is invalid; ");
        assertThat(doc).contains("`" + refusal.substring("envctl: ".length()) + "`");
    }

    /** Every option a command's help lists, in each of its spellings, is in docs/cli.md. */
    @Test
    void everyOptionTheHelpListsIsInTheCliReference() throws java.io.IOException {
        String doc = Files.readString(Path.of("../docs/cli.md"));
        assertThat(run("--help")).isZero();
        List<String> commands = out().lines().dropWhile(l -> !l.equals("Commands:")).skip(1)
                .takeWhile(l -> !l.isBlank()).map(l -> l.strip().split(" ")[0]).toList();
        assertThat(commands).contains("create", "apply", "host");
        for (String command : commands) {
            out.reset();
            assertThat(run(command, "--help")).isZero();
            out().lines().dropWhile(l -> !l.equals("Options:")).skip(1).takeWhile(l -> !l.isBlank())
                    .flatMap(l -> java.util.regex.Pattern.compile("-{1,2}[a-z][a-z-]*").matcher(l.strip()
                            .split(" {2,}|(?<=[A-Z]) ")[0]).results().map(java.util.regex.MatchResult::group))
                    .forEach(option -> assertThat(doc).as(command + " " + option + " (in its --help)")
                            .containsPattern("`" + java.util.regex.Pattern.quote(option) + "[` ]"));
        }
    }

    @Test
    void aCommandWithoutOptionsOfItsOwnHasNoEmptyOptionsHeading() {
        assertThat(run("get", "--help")).isZero();
        assertThat(out()).startsWith("Usage: envctl get [options] NAME").doesNotContain("Options:")
                .contains("\nGlobal options: --store LOCATION");
        out.reset();
        assertThat(run("list", "--help")).isZero();
        assertThat(out()).contains("\nOptions:\n  --host NAME ", "\n  --state STATE ");
    }

    @Test
    void helpOfAnUnknownCommandListsTheCommands() throws java.io.IOException {
        Files.createDirectories(home.resolve(".envctl"));
        Files.writeString(home.resolve(".envctl/config.properties"), "no.such.key=1\n");
        assertThat(run("help", "crate")).isEqualTo(2);
        assertThat(err().lines().findFirst()).hasValue("envctl: unknown command 'crate'; allowed: create, delete, "
                + "stop, start, list, get, apply, diff, reconcile, host, migrate, db, doctor, plugins, version, help");
        assertThat(out()).isEmpty();
        err.reset();
        assertThat(run("help", "create", "delete")).isEqualTo(2);
        assertThat(err().lines().findFirst()).hasValue("envctl: help takes at most one COMMAND, got 2; usage: "
                + "envctl help [COMMAND]");
        err.reset();
        assertThat(run("help", "list")).as("a broken config does not stop help").isZero();
        assertThat(out()).startsWith("Usage: envctl list [options]");
    }

    @Test
    void versionOptionPrintsWhatVersionPrints() {
        assertThat(run("version")).isZero();
        String version = out();
        out.reset();
        assertThat(run("--version")).isZero();
        assertThat(out()).isEqualTo(version);
        out.reset();
        assertThat(run("list", "--version")).isZero();
        assertThat(out()).isEqualTo(version);
        assertThat(err()).isEmpty();
    }

    @Test
    void aParseErrorPrintsTheMessageThenTheUsageAndReturns2() {
        assertThat(run("list", "--bogus")).isEqualTo(2);
        assertThat(err().lines().findFirst()).hasValue("envctl: unknown option '--bogus' for list");
        assertThat(err()).contains("Usage: envctl list");
        assertThat(out()).isEmpty();
    }

    @Test
    void anArgumentToACommandThatTakesNoneSaysSo() {
        assertThat(run("doctor", "x")).isEqualTo(2);
        assertThat(err().lines().findFirst()).hasValue("envctl: doctor takes no arguments, got 'x'");
        assertThat(err()).contains("Usage: envctl doctor");
        assertThat(out()).isEmpty();
    }

    /** After {@code --} every word is an argument (cli.md), also one that looks like an option. */
    @Test
    void aWordAfterTwoDashesIsAnArgumentEvenWhenItLooksLikeAnOption() {
        assertThat(run("list", "--", "--x")).isEqualTo(2);
        assertThat(err().lines().findFirst()).hasValue("envctl: list takes no arguments, got '--x'");
        assertThat(err()).contains("Usage: envctl list");
        assertThat(out()).isEmpty();
    }

    /** Missing arguments, flags given twice or without the one they go with: the line, then the command's usage. */
    @Test
    void everyUsageErrorPrintsTheLineThenTheCommandsUsage() {
        Map<List<String>, String> cases = new LinkedHashMap<>();
        cases.put(List.of("diff"), "Usage: envctl diff");
        cases.put(List.of("apply"), "Usage: envctl apply");
        cases.put(List.of("db"), "Usage: envctl db");
        cases.put(List.of("host"), "Usage: envctl host");
        cases.put(List.of("host", "list", "--docker", "tcp://x"), "Usage: envctl host");
        cases.put(List.of("migrate", "--from", "x.csv"), "Usage: envctl migrate");
        cases.put(List.of("-vv", "-v", "list"), "Usage: envctl list");
        cases.put(List.of("-q", "-v", "get", "dev"), "Usage: envctl get");
        for (Map.Entry<List<String>, String> c : cases.entrySet()) {
            out.reset();
            err.reset();
            assertThat(run(c.getKey().toArray(String[]::new))).as(c.getKey().toString()).isEqualTo(2);
            assertThat(err().lines().findFirst().orElseThrow()).as(c.getKey().toString()).startsWith("envctl: ");
            assertThat(err().lines().skip(1).findFirst().orElseThrow()).as(err()).startsWith(c.getValue());
            assertThat(out()).isEmpty();
        }
    }

    @Test
    void listUsesTheDefaultStoreUnderHome() throws java.io.IOException {
        assertThat(run("list", "-o", "json")).isZero();
        assertThat(out().strip()).isEqualTo("[ ]");
        assertThat(Files.exists(home.resolve(".envctl"))).as("a read creates nothing").isFalse();

        Files.createDirectories(home.resolve(".envctl"));
        Files.writeString(home.resolve(".envctl/environments.csv"), "dev,kind,30080,19001,true,true,18090,18443,\n");
        assertThat(run("list", "-o", "json")).isZero();
        assertThat(out()).contains("\"name\" : \"dev\"");
    }

    @Test
    void providersRunWithTheEnvironmentGivenToMain() {
        Workspace ws = new Workspace(home.resolve("ws"));
        Map<String, String> env = Map.of("HOME", ws.home.toString(), "PATH", ws.env.get("PATH"),
                "ENVCTL_STUB_STATE", ws.state.toString());

        assertThat(run(env, "create", "dev", "-q")).as(err()).isZero();

        assertThat(out()).contains("running");
        assertThat(ws.state.resolve("k3d/dev")).exists();
    }

    @Test
    void anErrorIsOneLineWithItsExitCode() {
        assertThat(run("get", "nope")).isEqualTo(3);
        assertThat(err().lines().toList()).hasSize(1);
        assertThat(err()).startsWith("envctl: environment 'nope' not found in ");
    }
}
