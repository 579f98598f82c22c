package dev.envctl.cli.internal;

import com.beust.jcommander.Parameter;
import dev.envctl.core.EnvctlException;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.lifecycle.ApplyPlan;
import dev.envctl.core.spi.EnvironmentStore;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A command that reads the desired environments from {@code -f FILE} and takes no arguments: apply and diff. */
abstract class FileCommand extends CliCommand {
    @Parameter(names = {"-f", "--file"}, description = "The file of desired environments (.csv, .yaml, .yml, .json; - reads "
            + "standard input)")
    String file;

    @Parameter(description = "")
    List<String> args = new ArrayList<>();

    /**
     * The environments of the file, each with a known provider and on a host the store knows; a usage error for
     * missing or extra arguments. With {@code onlyReading}, the store is opened to read.
     */
    List<EnvironmentSpec> desired(Session session, String usage, boolean onlyReading) {
        noArguments(args, usage);
        if (file == null || file.isBlank()) {
            throw EnvctlException.invalid(name() + " needs a file; " + usage);
        }
        session.format();
        List<EnvironmentSpec> desired = EnvironmentFile.read(session, Path.of(file),
                session.config().defaultProvider());
        desired.forEach(s -> session.envctl().provider(s.provider()));
        session.onlyReading(onlyReading);
        EnvironmentStore store = session.store();
        for (EnvironmentSpec s : desired) {
            try {
                Hosts.requireKnown(store, s.host());
            } catch (EnvctlException e) {
                throw EnvctlException.invalid("apply file " + file + ", environment '" + s.name() + "': "
                        + e.getMessage());
            }
        }
        return desired;
    }

    /**
     * {@link dev.envctl.core.Envctl#plan} of {@code desired}; options a provider refuses are invalid input naming the
     * file and the environment, as the file's other errors do.
     */
    ApplyPlan plan(Session session, List<EnvironmentSpec> desired, boolean prune) {
        try {
            return session.envctl().plan(desired, prune);
        } catch (EnvctlException e) {
            String name = e.code() == ErrorCode.INVALID_INPUT ? refusedBy(session, desired, e.getMessage()) : null;
            if (name == null) {
                throw e;
            }
            throw EnvctlException.invalid("apply file " + file + ", environment '" + name + "': " + e.getMessage());
        }
    }

    /** The name of the first of {@code desired} whose provider refuses its options with {@code message}, or null. */
    private static String refusedBy(Session session, List<EnvironmentSpec> desired, String message) {
        for (EnvironmentSpec s : desired) {
            try {
                session.envctl().provider(s.provider()).validate(s);
            } catch (EnvctlException e) {
                if (message.equals(e.getMessage())) {
                    return s.name();
                }
            } catch (RuntimeException e) {
                // a provider's bug, not this refusal: the plan reports such a failure itself
            }
        }
        return null;
    }
}
