package dev.envctl.cli.internal;

/**
 * One {@code envctl} command: its own JCommander flags object (annotated with {@code @Parameters}) that also
 * runs the command.
 */
public interface CliCommand {

    /** The word that selects it, such as {@code create}. */
    String name();

    /** Runs the command and returns its exit code; failures are thrown as {@code EnvctlException}s. */
    int run(Session session);
}
