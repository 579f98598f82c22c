package dev.envctl.cli.internal;

import java.util.HashSet;
import java.util.Set;

/**
 * The start-up path of the read-only commands: parses the plain forms of {@code list} and {@code get} (global
 * options, {@code --provider}, {@code --state}, names) without JCommander, whose reflection over the command
 * objects (annotation proxies, method-handle linking) costs more than the rest of a {@code list} on a CSV store.
 *
 * <p>It only accepts what JCommander would parse to the same fields, and declines ({@code null}) everything else:
 * help, a repeated option, an option without a plain value, any other option or command, empty or blank
 * words. A declined command line goes through JCommander as before, so every message and usage text stays
 * JCommander's; {@code QuickArgsTest} runs both parsers over the same command lines and compares the fields.
 */
final class QuickArgs {
    private QuickArgs() {
    }

    /** The command {@code args} select, its fields and {@code global} set; or {@code null} to use JCommander. */
    static CliCommand parse(String[] args, GlobalOptions global) {
        CliCommand command = null;
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.isBlank() || !a.strip().equals(a)) {
                return null;
            }
            if (!a.startsWith("-")) {
                if (command == null) {
                    command = switch (a) {
                        case "list" -> new ListCommand(global);
                        case "get" -> new GetCommand(global);
                        default -> null;
                    };
                    if (command == null) {
                        return null;
                    }
                } else if (command instanceof GetCommand get) {
                    get.args.add(a);
                } else {
                    return null;
                }
                continue;
            }
            String option = canonical(a);
            if (option == null || !seen.add(option)) {
                return null;
            }
            switch (option) {
                case "-v" -> global.verbose = true;
                case "-vv" -> global.debug = true;
                case "-q" -> global.quiet = true;
                default -> {
                    if (i + 1 >= args.length || !plainValue(args[i + 1])) {
                        return null;
                    }
                    String value = args[++i];
                    switch (option) {
                        case "--store" -> global.store = value;
                        case "--config" -> global.config = value;
                        case "-o" -> global.output = value;
                        case "--provider", "--state" -> {
                            if (!(command instanceof ListCommand list)) {
                                return null;
                            }
                            if (option.equals("--provider")) {
                                list.provider = value;
                            } else {
                                list.state = value;
                            }
                        }
                        default -> {
                            return null;
                        }
                    }
                }
            }
        }
        return command;
    }

    /** One name per option (its aliases folded), or {@code null} for an option this parser leaves to JCommander. */
    private static String canonical(String option) {
        return switch (option) {
            case "--store", "--config", "-vv", "--provider", "--state" -> option;
            case "-o", "--output" -> "-o";
            case "-v", "--verbose" -> "-v";
            case "-q", "--quiet" -> "-q";
            default -> null;
        };
    }

    /** A value JCommander takes as is: not empty, no surrounding blanks, not an option. */
    private static boolean plainValue(String value) {
        return !value.isBlank() && value.strip().equals(value) && !value.startsWith("-");
    }
}
