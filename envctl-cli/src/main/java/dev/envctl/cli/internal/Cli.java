package dev.envctl.cli.internal;

import com.beust.jcommander.JCommander;
import com.beust.jcommander.ParameterDescription;
import com.beust.jcommander.ParameterException;
import dev.envctl.core.ErrorCode;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Parses a command line, picks the command and runs it, turning every failure into one {@code envctl: } line
 * on stderr and the exit code of its {@link ErrorCode}. A parse error prints the message, then the usage of
 * the command, and returns 2.
 */
public final class Cli {
    private Cli() {
    }

    /** Runs {@code args} with results on {@code out}, the rest on {@code err}, reading {@code env}. */
    public static int execute(PrintStream out, PrintStream err, Map<String, String> env, String... args) {
        GlobalOptions global = new GlobalOptions();
        JCommander jc = parser(global);
        try {
            jc.parse(args);
            requireGlobalOptionsOnce(jc, args);
        } catch (ParameterException e) {
            // the usage of the command named in args, if any
            String command = Arrays.stream(args).filter(jc.getCommands()::containsKey).findFirst().orElse(null);
            int dashes = Arrays.asList(args).indexOf("--");
            List<String> operands = dashes < 0 ? List.of() : Arrays.asList(args).subList(dashes + 1, args.length);
            err.println("envctl: " + Usage.explain(e.getMessage(), command, operands));
            if (!Usage.isBadValue(e.getMessage())) {
                // a value that is not a number is bad input, as one out of range is: the line says it all
                err.print(Usage.text(jc, command));
            }
            return ErrorCode.INVALID_INPUT.exitCode();
        }
        String name = jc.getParsedCommand();
        if (global.help) {
            out.print(Usage.text(jc, name));
            return 0;
        }
        if (global.version) {
            name = "version";
        }
        if (global.quiet && global.verbose()) {
            // -q asks for less than the default and -v (-vv) for more: neither can win without surprising someone
            err.println("envctl: " + (global.debug ? "-vv" : "-v") + " and -q exclude each other: -v (-vv) shows "
                    + "more than the default and -q less; give one of them");
            err.print(Usage.text(jc, name));
            return ErrorCode.INVALID_INPUT.exitCode();
        }
        if (global.verbose && global.debug) {
            // as a flag given twice: -vv already is -v and more
            err.println("envctl: -v and -vv were both given; -vv shows all -v does, give one of them");
            err.print(Usage.text(jc, name));
            return ErrorCode.INVALID_INPUT.exitCode();
        }
        if (name == null) {
            err.println("envctl: no command given; run 'envctl --help' for the list of commands");
            err.print(Usage.text(jc, null));
            return ErrorCode.INVALID_INPUT.exitCode();
        }
        CliCommand command = (CliCommand) jc.getCommands().get(name).getObjects().get(0);
        command.operands = afterDashDash(args, name);
        if (command instanceof HelpCommand help) {
            help.parser = jc;
        }
        Logging.configure(global, command.reportsPluginProblems());
        return run(command, jc, new Session(out, err, env, global));
    }

    /**
     * Refuses a global option given both before and after the command word ({@code -o json list -o csv}): the
     * top-level parser and the command's each take one of them, so JCommander does not see it given twice, and the
     * last would silently win (another store, another format).
     */
    private static void requireGlobalOptionsOnce(JCommander jc, String[] args) {
        String name = jc.getParsedCommand();
        if (name == null) {
            return;
        }
        List<ParameterDescription> afterCommand = jc.getCommands().get(name).getParameters();
        for (ParameterDescription before : jc.getParameters()) {
            if (before.isAssigned() && afterCommand.stream().anyMatch(after -> after.isAssigned()
                    && after.getLongestName().equals(before.getLongestName()))) {
                String typed = Arrays.stream(before.getParameter().names()).filter(Arrays.asList(args)::contains)
                        .findFirst().orElse(before.getLongestName());
                throw new ParameterException("Can only specify option " + typed + " once.");
            }
        }
    }

    /**
     * How many arguments follow the first {@code --} after the command word {@code name}; JCommander reads each
     * of them as an argument of the command, never as an option, so they are the command's last arguments.
     */
    private static int afterDashDash(String[] args, String name) {
        List<String> after = Arrays.asList(args).subList(Arrays.asList(args).indexOf(name) + 1, args.length);
        int dashDash = after.indexOf("--");
        return dashDash < 0 ? 0 : after.size() - dashDash - 1;
    }

    /** The parser of a fresh instance of every command, in the order {@code envctl --help} lists them. */
    private static JCommander parser(GlobalOptions global) {
        JCommander jc = JCommander.newBuilder().programName("envctl").addObject(global).expandAtSign(false)
                .addConverterInstanceFactory(WholeNumber.FACTORY).columnSize(100).build();
        for (CliCommand c : List.of(new CreateCommand(), new DeleteCommand(), new StopStartCommand.Stop(),
                new StopStartCommand.Start(), new ListCommand(), new GetCommand(), new ApplyCommand(),
                new DiffCommand(), new ReconcileCommand(), new HostCommand(), new MigrateCommand(), new DbCommand(),
                new DoctorCommand(), new PluginsCommand(), new VersionCommand(), new HelpCommand())) {
            c.global = global;
            jc.addCommand(c.name(), c);
        }
        return jc;
    }

    /** Runs a parsed command; a usage error prints the usage of the command as {@code parsedWith} knows it. */
    private static int run(CliCommand command, JCommander parsedWith, Session session) {
        session.interruption().start(command.name());
        try {
            if (command.readsConfig()) {
                session.config();
            }
            return command.run(session);
        } catch (UsageException e) {
            session.progressDone();
            session.err().println("envctl: " + Usage.explain(e.getMessage(), command.name()));
            session.err().print(Usage.text(parsedWith, command.name()));
            return e.exitCode();
        } catch (RuntimeException | LinkageError e) {
            return Errors.report(session, e);
        } finally {
            session.interruption().close();
            session.close();
        }
    }
}
