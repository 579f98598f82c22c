package dev.envctl.cli.internal;

import dev.envctl.core.Validation;

import java.util.List;

/** Checks of positional arguments. */
final class Args {
    private Args() {
    }

    /** Exactly one argument, a valid environment name; a leftover {@code --flag} is named as unknown. */
    static String oneName(List<String> args, String command) {
        noUnknownOptions(args, command);
        if (args.size() != 1) {
            throw new UsageException(command + " takes one environment NAME, got " + args.size()
                    + (args.isEmpty() ? "" : " (" + String.join(" ", args) + ")") + "; usage: envctl " + command
                    + " NAME");
        }
        return Validation.requireName(args.get(0));
    }

    static void noUnknownOptions(List<String> args, String command) {
        for (String a : args) {
            if (a.startsWith("-")) {
                throw new UsageException("unknown option '" + Validation.printable(a) + "' for " + command);
            }
        }
    }
}
