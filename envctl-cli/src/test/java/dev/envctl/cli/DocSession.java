package dev.envctl.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The examples of one documentation page: every fenced block whose info string is {@code console}, read as a
 * session. In a block, a line starting with {@code $ } is a command (bash syntax); the lines after it, up to the
 * next command, are what it prints; a line {@code [N]} is its exit code (0 when there is none). Output lines are
 * compared with the command's stdout, then with its stderr lines that start with {@code envctl:} (errors and
 * warnings; progress is not compared). In an expected line, runs of spaces match any run of spaces, and
 * {@code {port}}, {@code {age}}, {@code {time}}, {@code {path}} and {@code {any}} match what their names say; a
 * line {@code ...} matches any number of lines. A command followed by no output line has its output left
 * unchecked. Blocks with another info string ({@code console real-tools}, {@code console build} among them) are
 * not run here (DocBlocksTest says what each kind is).
 */
record DocSession(String page, List<Command> commands) {

    /** One command of a page, with what it must print and return, and the line it stands on. */
    record Command(String line, List<String> expected, int exit, int lineNumber) {
        boolean checksOutput() {
            return !expected.isEmpty();
        }
    }

    private static final Pattern EXIT = Pattern.compile("\\[(\\d+)]");

    static DocSession parse(String page, String markdown) {
        List<Command> commands = new ArrayList<>();
        String[] lines = markdown.split("\n", -1);
        boolean inBlock = false;
        String command = null;
        int commandLine = 0;
        List<String> expected = new ArrayList<>();
        int exit = 0;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            String trimmed = line.strip();
            if (!inBlock) {
                inBlock = trimmed.equals("```console");
                continue;
            }
            boolean end = trimmed.equals("```");
            if (end || line.startsWith("$ ")) {
                if (command != null) {
                    commands.add(new Command(command, List.copyOf(expected), exit, commandLine));
                }
                command = end ? null : line.substring(2);
                commandLine = i + 1;
                expected.clear();
                exit = 0;
                inBlock = !end;
                continue;
            }
            Matcher m = EXIT.matcher(trimmed);
            if (m.matches()) {
                exit = Integer.parseInt(m.group(1));
            } else if (command != null) {
                expected.add(line);
            }
        }
        return new DocSession(page, List.copyOf(commands));
    }

    /** Whether {@code actual} lines match {@code expected} ones, placeholders and {@code ...} included. */
    static boolean matches(List<String> expected, List<String> actual) {
        return match(expected, 0, actual, 0);
    }

    private static boolean match(List<String> expected, int e, List<String> actual, int a) {
        if (e == expected.size()) {
            return a == actual.size();
        }
        if (expected.get(e).strip().equals("...")) {
            for (int skip = a; skip <= actual.size(); skip++) {
                if (match(expected, e + 1, actual, skip)) {
                    return true;
                }
            }
            return false;
        }
        return a < actual.size() && line(expected.get(e)).matcher(actual.get(a).stripTrailing()).matches()
                && match(expected, e + 1, actual, a + 1);
    }

    /** The pattern of one expected line. */
    static Pattern line(String expected) {
        StringBuilder regex = new StringBuilder();
        String s = expected.stripTrailing();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == ' ') {
                int j = i;
                while (j < s.length() && s.charAt(j) == ' ') {
                    j++;
                }
                regex.append(j - i > 1 ? " +" : " ");
                i = j;
                continue;
            }
            String placeholder = placeholderAt(s, i);
            if (placeholder != null) {
                regex.append(switch (placeholder) {
                    case "{port}" -> "\\d{1,5}";
                    case "{age}" -> "\\d+[smhd]";
                    case "{time}" -> "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z";
                    case "{path}" -> "\\S+";
                    default -> ".*";
                });
                i += placeholder.length();
                continue;
            }
            regex.append(Pattern.quote(String.valueOf(c)));
            i++;
        }
        return Pattern.compile(regex.toString());
    }

    private static String placeholderAt(String s, int i) {
        for (String p : List.of("{port}", "{age}", "{time}", "{path}", "{any}")) {
            if (s.startsWith(p, i)) {
                return p;
            }
        }
        return null;
    }
}
