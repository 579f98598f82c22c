package dev.envctl.cli.internal;

import com.beust.jcommander.JCommander;
import com.beust.jcommander.ParameterDescription;

import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Usage text (the command's own flags first, the global options after) and readable parse-error messages. */
final class Usage {
    private static final Pattern MAIN_PARAMETER = Pattern.compile("Was passed main parameter '(.*)' but no main "
            + "parameter was defined.*", Pattern.DOTALL);
    private static final Pattern EXPECTED_COMMAND = Pattern.compile("Expected a command, got (.*)", Pattern.DOTALL);
    private static final Pattern TWICE = Pattern.compile("Can only specify option (\\S+) once\\.?");
    private static final Pattern NO_VALUE = Pattern.compile("Expected a value after parameter (\\S+)");
    private static final Pattern NOT_AN_INTEGER = Pattern.compile("\"(.*)\": couldn't convert \"(.*)\" to an "
            + "integer", Pattern.DOTALL);
    private static final String EXIT_CODES = "Exit codes: 0 ok, 1 failure, 2 invalid input or usage, 3 no such environment, "
            + "4 conflict, 5 store unavailable, 6 provider failed or missing.\n";

    private Usage() {
    }

    /** JCommander's message, reworded where it is obscure, on one line. */
    static String explain(String message) {
        String m = message == null ? "invalid command line" : message;
        Matcher main = MAIN_PARAMETER.matcher(m);
        if (main.matches()) {
            m = "unexpected argument '" + main.group(1) + "'";
        }
        Matcher command = EXPECTED_COMMAND.matcher(m);
        if (command.matches()) {
            m = "unknown command '" + command.group(1) + "'; run 'envctl --help' for the list of commands";
        }
        Matcher twice = TWICE.matcher(m);
        if (twice.matches()) {
            m = twice.group(1) + " was given twice; give it once";
        }
        Matcher noValue = NO_VALUE.matcher(m);
        if (noValue.matches()) {
            m = noValue.group(1) + " needs a value";
        }
        Matcher integer = NOT_AN_INTEGER.matcher(m);
        if (integer.matches()) {
            m = integer.group(1) + " takes a whole number, got '" + integer.group(2) + "'";
        }
        return m.replaceAll("\\s*\\R\\s*", " ").strip();
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
                .append("\n\n").append(jc.getUsageFormatter().getCommandDescription(command))
                .append("\n\nOptions:\n");
        options(b, sub.getParameters(), false);
        b.append("\nGlobal options: --store LOCATION, --config FILE, -o table|json|csv, -v, -vv, -q, --help "
                + "(see envctl --help)\n").append(EXIT_CODES);
        return b.toString();
    }

    private static void options(StringBuilder b, List<ParameterDescription> all, boolean global) {
        List<ParameterDescription> list = all.stream().filter(d -> (d.getObject() instanceof GlobalOptions) == global)
                .sorted(global ? Comparator.comparingInt(d -> d.getParameterAnnotation().order())
                        : Comparator.comparing(d -> d.getLongestName().replaceFirst("^-+", ""))).toList();
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
