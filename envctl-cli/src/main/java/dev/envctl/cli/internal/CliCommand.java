package dev.envctl.cli.internal;

import com.beust.jcommander.Parameters;
import com.beust.jcommander.ParametersDelegate;

/**
 * One {@code envctl} command: its own JCommander flags object, annotated with {@code @Parameters} that names
 * it, that also runs the command. Every command also takes the {@link GlobalOptions} shared by the parser.
 */
abstract class CliCommand {
    @ParametersDelegate
    GlobalOptions global;

    /** The word that selects it, such as {@code create}: the first of its {@code @Parameters} command names. */
    String name() {
        return getClass().getAnnotation(Parameters.class).commandNames()[0];
    }

    /** Runs the command and returns its exit code; failures are thrown as {@code EnvctlException}s. */
    abstract int run(Session session);
}
