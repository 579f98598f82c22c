package dev.envctl.cli.internal;

import com.beust.jcommander.Parameters;
import com.beust.jcommander.ParametersDelegate;
import dev.envctl.core.EnvctlException;
import dev.envctl.core.Validation;

import java.util.List;

/**
 * One {@code envctl} command: its own JCommander flags object, annotated with {@code @Parameters} that names
 * it, that also runs the command. Every command also takes the {@link GlobalOptions} shared by the parser.
 */
abstract class CliCommand {
    @ParametersDelegate
    GlobalOptions global;

    /**
     * How many of the command's last arguments came after {@code --}: JCommander ends the options there and drops
     * it, so those are arguments even when they start with {@code -} (a name checked as a name, not an unknown
     * option). Set by {@link Cli}.
     */
    int operands;

    /** The word that selects it, such as {@code create}: the first of its {@code @Parameters} command names. */
    String name() {
        return getClass().getAnnotation(Parameters.class).commandNames()[0];
    }

    /**
     * Whether the command reads the config ({@code --config}, {@code --store} and the file): then the config is
     * resolved, every key checked, before the command runs, so a bad config fails every such command alike.
     */
    boolean readsConfig() {
        return true;
    }

    /**
     * Whether the command reports every plugin problem itself (a broken plugin discovery skipped, a provider plugin
     * that made no provider), so that the warnings core logs about them would say each a second time.
     */
    boolean reportsPluginProblems() {
        return false;
    }

    /** Runs the command and returns its exit code; failures are thrown as {@code EnvctlException}s. */
    abstract int run(Session session);

    /** Exactly one argument, a valid environment name; a leftover {@code --flag} is named as unknown. */
    String oneName(List<String> args) {
        noUnknownOptions(args);
        if (args.size() != 1) {
            throw new UsageException(name() + " takes one environment NAME, got " + args.size()
                    + (args.isEmpty() ? "" : " (" + Validation.printable(String.join(" ", args)) + ")")
                    + "; usage: envctl " + name() + " NAME");
        }
        return Validation.requireName(args.get(0));
    }

    /** One or more valid environment names, each once, in the order given; a leftover {@code --flag} is unknown. */
    List<String> names(List<String> args) {
        noUnknownOptions(args);
        if (args.isEmpty()) {
            throw new UsageException(name() + " takes one or more environment NAMEs, got none; usage: envctl "
                    + name() + " NAME...");
        }
        List<String> unique = args.stream().distinct().toList();
        unique.forEach(Validation::requireName);
        return unique;
    }

    /** No arguments at all: a leftover {@code --flag} is named as unknown, anything else refused with {@code usage}. */
    void noArguments(List<String> args, String usage) {
        noUnknownOptions(args);
        if (!args.isEmpty()) {
            throw EnvctlException.invalid(name() + " takes no arguments" + got(args) + "; " + usage);
        }
    }

    /** {@code , got 'ARGS'} for a message refusing {@code args}, or nothing when there are none. */
    static String got(List<String> args) {
        return args.isEmpty() ? "" : ", got '" + Validation.printable(String.join(" ", args)) + "'";
    }

    void noUnknownOptions(List<String> args) {
        for (String a : args.subList(0, Math.max(0, args.size() - operands))) {
            if (a.startsWith("-")) {
                int eq = a.indexOf('=');
                throw new UsageException("unknown option '" + Validation.printable(a) + "' for " + name() + (eq < 2 ? ""
                        : "; " + Usage.VALUE_AFTER_EQUALS + " ("
                        + Validation.printable(a.substring(0, eq) + " " + a.substring(eq + 1)) + ")"));
            }
        }
    }
}
