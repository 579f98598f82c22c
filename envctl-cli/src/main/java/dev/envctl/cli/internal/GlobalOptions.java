package dev.envctl.cli.internal;

import com.beust.jcommander.Parameter;

/**
 * Options every command accepts, before or after the command name: one instance is shared by the top-level
 * parser and every command (as a {@code @ParametersDelegate}), so {@code envctl -o json list} and
 * {@code envctl list -o json} mean the same.
 */
public final class GlobalOptions {
    @Parameter(names = "--store", description = "Store location: csv:PATH, a PATH ending in .csv, or "
            + "jdbc:postgresql://HOST:PORT/DB (env ENVCTL_STORE; default ~/.envctl/environments.csv)", order = 90)
    String store;

    @Parameter(names = "--config", description = "Config file in Java properties format (env ENVCTL_CONFIG; "
            + "default ~/.envctl/config.properties when present)", order = 91)
    String config;

    @Parameter(names = {"-o", "--output"}, description = "Output format: table, json or csv", order = 92)
    String output = "table";

    @Parameter(names = {"-v", "--verbose"}, description = "Show provider output, INFO logs and stack traces",
            order = 93, validateWith = OnlyOnce.class)
    boolean verbose;

    @Parameter(names = "-vv", description = "Like -v, with DEBUG logs (commands run)", order = 94,
            validateWith = OnlyOnce.class)
    boolean debug;

    @Parameter(names = {"-q", "--quiet"}, description = "No progress; only errors on stderr (not with -v or -vv)",
            order = 95, validateWith = OnlyOnce.class)
    boolean quiet;

    @Parameter(names = {"-h", "--help"}, description = "Show help for the command", help = true, order = 99,
            validateWith = OnlyOnce.class)
    boolean help;

    @Parameter(names = "--version", description = "Print the envctl and Java versions, as 'envctl version' does",
            order = 100, validateWith = OnlyOnce.class)
    boolean version;

    public boolean verbose() {
        return verbose || debug;
    }

    public boolean debug() {
        return debug;
    }

    /** {@code -q}; the CLI refuses it with {@code -v} or {@code -vv}, an embedder's options get {@code -v}'s way. */
    public boolean quiet() {
        return quiet && !verbose();
    }
}
