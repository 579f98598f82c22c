package dev.envctl.cli.internal;

import com.beust.jcommander.JCommander;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Usage text and readable parse-error messages. */
final class Usage {
    private static final Pattern MAIN_PARAMETER = Pattern.compile("Was passed main parameter '(.*)' but no main "
            + "parameter was defined.*", Pattern.DOTALL);
    private static final Pattern EXPECTED_COMMAND = Pattern.compile("Expected a command, got (.*)", Pattern.DOTALL);

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
        return m.replaceAll("\\s*\\R\\s*", " ").strip();
    }

    static String text(JCommander jc, String command) {
        StringBuilder b = new StringBuilder();
        if (command == null) {
            jc.getUsageFormatter().usage(b);
            b.append("\nExit codes: 0 ok, 1 failure, 2 invalid input or usage, 3 not found, 4 conflict, "
                    + "5 store unavailable, 6 provider failed or missing.\n"
                    + "Run 'envctl COMMAND --help' for the flags of a command.\n");
        } else {
            jc.getUsageFormatter().usage(command, b);
        }
        return b.toString();
    }
}
