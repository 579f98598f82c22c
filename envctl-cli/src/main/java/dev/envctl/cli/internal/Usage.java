package dev.envctl.cli.internal;

import com.beust.jcommander.JCommander;
import com.beust.jcommander.ParameterDescription;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Usage text (the command's own flags first, the global options after) and readable parse-error messages. */
final class Usage {
    /** What an {@code --option=value} argument is told, for options that take their value as the next argument. */
    static final String VALUE_AFTER_EQUALS = "an option takes its value as the next argument, not after '='";
    /** Where a rewording names the command: {@code  for list}, or nothing before a command. */
    private static final String FOR = "{for}";
    /** Where a rewording says the command takes no arguments: {@code list takes no arguments, got}. */
    private static final String NONE = "{none}";
    /** JCommander's message for an argument that a command without arguments was given. */
    private static final String STRAY = "Was passed main parameter '(.*)' but no main parameter was defined.*";
    /** JCommander's obscure messages, each with its rewording ({@code $1}, {@code $2}: the message's groups). */
    private static final Map<Pattern, String> REWORDED = rewordings(
            "(?:Expected a command, got |Was passed main parameter ')(--?[A-Za-z][A-Za-z-]*)=(.*?)'?"
                    + "(?: but no main parameter was defined.*)?\\z", "$1=$2: " + VALUE_AFTER_EQUALS + ": write $1 $2",
            "Was passed main parameter '(-.*)' but no main parameter was defined.*", "unknown option '$1'" + FOR,
            STRAY, NONE + " '$1'",
            "Expected a command, got (-.*)", "unknown option '$1'; run 'envctl --help' for the options",
            "Expected a command, got (.*)", "unknown command '$1'; run 'envctl --help' for the list of commands",
            "Can only specify option (\\S+) once\\.?", "$1 was given twice; give it once",
            "Expected a value after parameter (\\S+)", "$1 needs a value",
            "\"(.*)\": couldn't convert \"(.*)\" to an integer", "$1 takes a whole number, got '$2'",
            "\"(.*)\": couldn't convert \"(.*)\" to " + WholeNumber.AT_MOST_9_DIGITS,
            "$1 $2 has too many digits; allowed: at most 9");
    private static final String EXIT_CODES = "Exit codes: 0 ok, 1 failure, 2 invalid input or usage, 3 no such environment, "
            + "4 conflict, 5 store unavailable, 6 provider failed or missing; 130 stopped by SIGINT (Ctrl-C), 143 by "
            + "SIGTERM.\n";

    private Usage() {
    }

    /** JCommander's message for a value it could not convert (a port that is not a number). */
    private static final Pattern BAD_VALUE = Pattern.compile("\"(.*)\": couldn't convert \"(.*)\" to .*", Pattern.DOTALL);

    /** Whether JCommander's {@code message} is about a flag's value rather than the command line's shape. */
    static boolean isBadValue(String message) {
        return message != null && BAD_VALUE.matcher(message).matches();
    }

    private static final Pattern STRAY_ARGUMENT = Pattern.compile(STRAY, Pattern.DOTALL);

    /**
     * {@link #explain(String, String)} for a command line whose words after {@code --} are {@code operands}: one
     * of them that looks like an option is an argument there, and is told as one.
     */
    static String explain(String message, String command, List<String> operands) {
        Matcher stray = STRAY_ARGUMENT.matcher(message == null ? "" : message);
        if (stray.matches() && operands.contains(stray.group(1))) {
            return Errors.printable(noArguments(command) + " '" + stray.group(1) + "'");
        }
        return explain(message, command);
    }

    /**
     * JCommander's message, reworded where it is obscure, on one line; {@code command} is the command the line
     * names, or null.
     */
    static String explain(String message, String command) {
        String m = message == null ? "invalid command line" : message;
        for (Map.Entry<Pattern, String> r : REWORDED.entrySet()) {
            Matcher matcher = r.getKey().matcher(m);
            if (matcher.matches()) {
                m = matcher.replaceFirst(r.getValue()).replace(FOR, command == null ? "" : " for " + command)
                        .replace(NONE, noArguments(command));
            }
        }
        return Errors.printable(m.replaceAll("\\s*\\R\\s*", " ").strip());
    }

    /** How an argument to {@code command}, which takes none, is told: {@code list takes no arguments, got}. */
    private static String noArguments(String command) {
        return command == null ? "unexpected argument" : command + " takes no arguments, got";
    }

    private static Map<Pattern, String> rewordings(String... patternsAndReplacements) {
        Map<Pattern, String> m = new LinkedHashMap<>();
        for (int i = 0; i < patternsAndReplacements.length; i += 2) {
            m.put(Pattern.compile(patternsAndReplacements[i], Pattern.DOTALL), patternsAndReplacements[i + 1]);
        }
        return m;
    }

    static String text(JCommander jc, String command) {
        StringBuilder b = new StringBuilder();
        if (command == null) {
            b.append("Usage: envctl [global options] COMMAND [options]\n\n");
            b.append("Records local k3d and kind environments (ports, subnets) in one store and creates them.\n\n");
            b.append("Commands:\n");
            for (String name : jc.getCommands().keySet()) {
                b.append(String.format("  %-11s%s%n", name, jc.getUsageFormatter().getCommandDescription(name)));
            }
            b.append("\nGlobal options (before or after the command):\n");
            options(b, jc.getParameters(), true);
            b.append('\n').append(EXIT_CODES);
            b.append("Run 'envctl COMMAND --help' for the options of a command.\n");
            return b.toString();
        }
        JCommander sub = jc.getCommands().get(command);
        String main = sub.getMainParameter() == null ? "" : " " + sub.getMainParameterValue().getDescription();
        b.append("Usage: envctl ").append(command).append(" [options]").append(main.isBlank() ? "" : main)
                .append("\n\n").append(jc.getUsageFormatter().getCommandDescription(command)).append("\n");
        options(b, sub.getParameters(), false);
        b.append("\nGlobal options: --store LOCATION, --config FILE, -o table|json|csv, -v, -vv, -q, --help "
                + "(see envctl --help)\n").append(EXIT_CODES);
        return b.toString();
    }

    private static void options(StringBuilder b, List<ParameterDescription> all, boolean global) {
        List<ParameterDescription> list = all.stream().filter(d -> (d.getObject() instanceof GlobalOptions) == global)
                .sorted(global ? Comparator.comparingInt(d -> d.getParameterAnnotation().order())
                        : Comparator.comparing(d -> d.getLongestName().replaceFirst("^-+", ""))).toList();
        if (!global && !list.isEmpty()) {
            b.append("\nOptions:\n");
        }
        int width = Math.max(24, list.stream().mapToInt(d -> names(d).length()).max().orElse(0));
        for (ParameterDescription d : list) {
            Object dflt = d.getDefault();
            String suffix = flag(d) || dflt == null || (dflt instanceof List<?> l && l.isEmpty()) ? ""
                    : " (default: " + dflt + ")";
            b.append(String.format("  %-" + width + "s %s%s%n", names(d), d.getDescription(), suffix));
        }
    }

    private static boolean flag(ParameterDescription d) {
        Class<?> type = d.getParameterized().getType();
        return type == boolean.class || type == Boolean.class;
    }

    /** The option's names and, unless it is a yes/no flag, its value's placeholder. */
    private static String names(ParameterDescription d) {
        return d.getNames() + (flag(d) ? "" : " " + metavar(d));
    }

    private static String metavar(ParameterDescription d) {
        String n = d.getLongestName().replaceFirst("^-+", "");
        return switch (n) {
            case "store", "from", "to" -> "LOCATION";
            case "config", "file" -> "FILE";
            case "output" -> "FORMAT";
            case "label" -> "KEY=VALUE";
            case "skip" -> "NAME";
            case "subnet" -> "CIDR|auto|none";
            case "interval" -> "DURATION";
            case "image" -> "IMAGE";
            case "provider" -> "ID";
            case "docker" -> "ENDPOINT";
            case "address" -> "ADDR";
            case "host" -> d.getObject() instanceof SpecOptions ? "NAME|auto" : "NAME";
            case "host-selector" -> "KEY=VALUE";
            case "state" -> "STATE";
            default -> "N";
        };
    }
}
