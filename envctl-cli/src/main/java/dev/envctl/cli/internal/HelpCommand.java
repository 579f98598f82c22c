package dev.envctl.cli.internal;

import com.beust.jcommander.JCommander;
import com.beust.jcommander.Parameter;
import com.beust.jcommander.Parameters;
import dev.envctl.core.Validation;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code envctl help [COMMAND]}: the usage {@code envctl [COMMAND] --help} prints, for those who type the word.
 * Reads no config, so it answers while the config is broken.
 */
@Parameters(commandNames = "help", commandDescription = "Print the usage of envctl, or of COMMAND")
final class HelpCommand extends CliCommand {
    @Parameter(description = "[COMMAND]")
    List<String> args = new ArrayList<>();

    /** The parser whose commands it describes; set by {@link Cli}. */
    JCommander parser;

    @Override
    boolean readsConfig() {
        return false;
    }

    @Override
    int run(Session session) {
        noUnknownOptions(args);
        if (args.size() > 1) {
            throw new UsageException("help takes at most one COMMAND, got " + args.size() + "; usage: envctl help "
                    + "[COMMAND]");
        }
        String command = args.isEmpty() ? null : args.get(0);
        if (command != null && !parser.getCommands().containsKey(command)) {
            throw new UsageException("unknown command '" + Validation.printable(command) + "'; allowed: "
                    + String.join(", ", parser.getCommands().keySet()));
        }
        session.out().print(Usage.text(parser, command));
        return 0;
    }
}
