package dev.envctl.cli.internal;

import com.beust.jcommander.JCommander;
import com.beust.jcommander.ParameterException;
import dev.envctl.core.EnvctlException;
import dev.envctl.core.ErrorCode;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/**
 * Parses a command line, picks the command and runs it, turning every failure into one {@code envctl: } line
 * on stderr and the exit code of its {@link ErrorCode}. A parse error prints the message, then the usage of
 * the command, and returns 2.
 */
public final class Cli {
    private static final int RETRY_WITH_ALL = -1;

    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> env;

    public Cli(PrintStream out, PrintStream err, Map<String, String> env) {
        this.out = out;
        this.err = err;
        this.env = env;
    }

    public int execute(String... args) {
        if (args.length == 1 && args[0].equals("version")) {
            out.println(VersionCommand.line());
            return 0;
        }
        GlobalOptions quickGlobal = new GlobalOptions();
        CliCommand quick = QuickArgs.parse(args, quickGlobal);
        if (quick != null) {
            return run(quick, quickGlobal, null);
        }
        String named = Commands.named(args);
        if (named != null) {
            int code = execute(args, named);
            if (code != RETRY_WITH_ALL) {
                return code;
            }
        }
        return execute(args, null);
    }

    /**
     * Parses with only the command {@code only} registered (JCommander reflects over every command object it
     * is given, which dominates start-up), or with all of them when {@code only} is {@code null}. A parse
     * error with one command is retried with all, so messages and usage are the same either way.
     */
    private int execute(String[] args, String only) {
        GlobalOptions global = new GlobalOptions();
        List<CliCommand> commands = only == null ? Commands.all(global) : List.of(Commands.create(only, global));
        JCommander jc = parser(global, commands);
        try {
            jc.parse(args);
        } catch (ParameterException e) {
            if (only != null) {
                return RETRY_WITH_ALL;
            }
            String command = commandIn(args, commands);
            err.println("envctl: " + Usage.explain(e.getMessage()));
            err.print(Usage.text(jc, command));
            return ErrorCode.INVALID_INPUT.exitCode();
        }
        String name = jc.getParsedCommand();
        if (only != null && name == null) {
            return RETRY_WITH_ALL;
        }
        if (global.help || name == null) {
            if (name == null && !global.help) {
                err.println("envctl: no command given; run 'envctl --help' for the list of commands");
                err.print(Usage.text(jc, null));
                return ErrorCode.INVALID_INPUT.exitCode();
            }
            out.print(Usage.text(jc, name));
            return 0;
        }
        CliCommand command = commands.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
        return run(command, global, jc);
    }

    /** A JCommander for {@code global} and {@code commands} (package-private for QuickArgsTest). */
    static JCommander parser(GlobalOptions global, List<CliCommand> commands) {
        JCommander jc = JCommander.newBuilder().programName("envctl").addObject(global).expandAtSign(false)
                .columnSize(100).build();
        commands.forEach(c -> jc.addCommand(c.name(), c));
        return jc;
    }

    /**
     * Runs a parsed command. A usage error prints the usage of {@code parsedWith}, or, for a command line
     * {@link QuickArgs} parsed ({@code null}), of a JCommander made then: no JCommander class is loaded before.
     */
    private int run(CliCommand command, GlobalOptions global, JCommander parsedWith) {
        Logging.configure(global);
        Session session = new Session(out, err, env, global);
        try {
            return command.run(session);
        } catch (UsageException e) {
            session.progressDone();
            err.println("envctl: " + Usage.explain(e.getMessage()));
            err.print(Usage.text(parsedWith != null ? parsedWith : parser(global, List.of(command)), command.name()));
            return e.exitCode();
        } catch (EnvctlException e) {
            return Errors.report(session, e, e.exitCode());
        } catch (RuntimeException | LinkageError e) {
            return Errors.report(session, e, ErrorCode.FAILURE.exitCode());
        } finally {
            session.close();
        }
    }

    /** The command named in {@code args}, for the usage after a parse error, or {@code null}. */
    private static String commandIn(String[] args, List<CliCommand> commands) {
        for (String a : args) {
            for (CliCommand c : commands) {
                if (c.name().equals(a)) {
                    return a;
                }
            }
        }
        return null;
    }
}
