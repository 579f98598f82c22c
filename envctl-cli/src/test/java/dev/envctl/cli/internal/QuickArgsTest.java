package dev.envctl.cli.internal;

import com.beust.jcommander.JCommander;
import com.beust.jcommander.ParameterException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link QuickArgs} against JCommander: over the same command lines, the quick parser either declines or sets
 * exactly the fields JCommander sets, and it declines every command line JCommander rejects.
 */
class QuickArgsTest {
    private static final List<String> WORDS = List.of("list", "get", "dev", "web-1", "--store", "x.csv",
            "jdbc:postgresql://db/envs", "--config", "c.properties", "-o", "json", "--output", "csv", "-v",
            "--verbose", "-vv", "-q", "--quiet", "--provider", "k3d", "--state", "running", "-h", "--help", "",
            " ", " list", "dev ", "--store=x.csv", "-x", "--", "delete", "create", "version", "@args", "-ojson",
            "--PROVIDER", "LIST");

    /** The fields a parse sets, as one comparable line. */
    private static String fields(GlobalOptions g, CliCommand c) {
        String command = c == null ? "none" : c.name();
        if (c instanceof ListCommand l) {
            command += " provider=" + l.provider + " state=" + l.state;
        } else if (c instanceof GetCommand get) {
            command += " args=" + get.args;
        }
        return "store=" + g.store + " config=" + g.config + " output=" + g.output + " verbose=" + g.verbose
                + " debug=" + g.debug + " quiet=" + g.quiet + " help=" + g.help + " | " + command;
    }

    /** What JCommander parses {@code args} to, or {@code null} when it rejects them. */
    private static String jcommander(String[] args) {
        GlobalOptions g = new GlobalOptions();
        List<CliCommand> commands = Commands.all(g);
        JCommander jc = Cli.parser(g, commands);
        try {
            jc.parse(args);
        } catch (ParameterException e) {
            return null;
        }
        String name = jc.getParsedCommand();
        return fields(g, commands.stream().filter(c -> c.name().equals(name)).findFirst().orElse(null));
    }

    private static String quick(String[] args) {
        GlobalOptions g = new GlobalOptions();
        CliCommand c = QuickArgs.parse(args, g);
        return c == null ? null : fields(g, c);
    }

    @Test
    void takesThePlainFormsOfListAndGetAsJCommanderDoes() {
        List<String[]> lines = List.of(
                new String[]{"list"},
                new String[]{"--store", "x.csv", "list"},
                new String[]{"list", "--store", "x.csv", "-o", "json"},
                new String[]{"--config", "c.properties", "-q", "list", "--provider", "k3d", "--state", "running"},
                new String[]{"-o", "csv", "list", "-v"},
                new String[]{"get", "dev"},
                new String[]{"get", "dev", "--output", "json", "--store", "jdbc:postgresql://db/envs"},
                new String[]{"get", "dev", "web-1"},
                new String[]{"get"},
                new String[]{"-vv", "get", "dev"});
        for (String[] args : lines) {
            assertThat(quick(args)).as(Arrays.toString(args)).isNotNull().isEqualTo(jcommander(args));
        }
    }

    @Test
    void leavesHelpOtherCommandsAndUnusualFormsToJCommander() {
        List<String[]> lines = List.of(
                new String[]{},
                new String[]{"list", "--help"},
                new String[]{"-h", "get", "dev"},
                new String[]{"list", "extra"},
                new String[]{"list", "--store"},
                new String[]{"list", "--store", "-v"},
                new String[]{"list", "--store", "a", "--store", "b"},
                new String[]{"list", "-v", "--verbose"},
                new String[]{"--provider", "k3d", "list"},
                new String[]{"get", "--provider", "k3d", "dev"},
                new String[]{"list", "--store=x.csv"},
                new String[]{"list", ""},
                new String[]{" list"},
                new String[]{"create", "dev"},
                new String[]{"version"},
                new String[]{"list", "--", "x"});
        for (String[] args : lines) {
            assertThat(quick(args)).as(Arrays.toString(args)).isNull();
        }
    }

    @Test
    void agreesWithJCommanderOnRandomCommandLines() {
        Random random = new Random(20261126L);
        int taken = 0;
        for (int n = 0; n < 20_000; n++) {
            String[] args = new String[random.nextInt(7)];
            for (int i = 0; i < args.length; i++) {
                args[i] = WORDS.get(random.nextInt(WORDS.size()));
            }
            String quick = quick(args);
            if (quick == null) {
                continue;
            }
            taken++;
            assertThat(quick).as(Arrays.toString(args)).isEqualTo(jcommander(args));
        }
        assertThat(taken).as("command lines the quick parser took").isGreaterThan(200);
    }

    @Test
    void agreesWithJCommanderOnEveryShortLineOfListWords() {
        List<String> words = List.of("list", "get", "dev", "--store", "x.csv", "-o", "json", "-v", "-q",
                "--provider", "k3d", "--state");
        List<String[]> lines = new ArrayList<>();
        lines.add(new String[0]);
        for (int length = 1; length <= 4; length++) {
            List<String[]> next = new ArrayList<>();
            for (String[] line : lines) {
                if (line.length == length - 1) {
                    for (String w : words) {
                        String[] longer = Arrays.copyOf(line, length);
                        longer[length - 1] = w;
                        next.add(longer);
                    }
                }
            }
            lines.addAll(next);
        }
        for (String[] args : lines) {
            String quick = quick(args);
            if (quick != null) {
                assertThat(quick).as(Arrays.toString(args)).isEqualTo(jcommander(args));
            }
        }
    }
}
