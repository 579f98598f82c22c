package dev.envctl.cli.internal;

import com.beust.jcommander.Parameter;
import dev.envctl.core.EnvctlException;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.Host;
import dev.envctl.core.lifecycle.ApplyPlan;
import dev.envctl.core.spi.EnvironmentStore;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A command that reads the desired environments from {@code -f FILE} and takes no arguments: apply and diff. */
abstract class FileCommand extends CliCommand {
    @Parameter(names = {"-f", "--file"}, description = "The file of desired environments (.csv, .yaml, .yml, "
            + ".json; - reads standard input)")
    String file;

    /** Arguments, which the command refuses; the description is the usage line's, naming the option it needs. */
    @Parameter(description = "-f FILE")
    List<String> args = new ArrayList<>();

    /**
     * {@link dev.envctl.core.Envctl#plan} of the file's environments, each with a known provider and on a host the
     * store knows, which is the Docker daemon a CSV file's {@code #envctl-host} line of that name defines
     * ({@link Hosts#requireSameDaemons}); a usage error for missing or extra arguments. With {@code onlyReading}, the
     * store is opened to read; with {@code prune}, a file with no content is refused (see
     * {@link EnvironmentFile#read(Session, Path, String, boolean)}). Options a provider refuses are invalid input
     * naming the file, as the file's other errors do (the library's message names the environment).
     */
    ApplyPlan plan(Session session, String usage, boolean onlyReading, boolean prune) {
        noArguments(args, usage);
        if (file == null || file.isBlank()) {
            throw new UsageException(name() + " needs a file; " + usage);
        }
        session.format();
        EnvironmentFile.Desired read = EnvironmentFile.read(session, Path.of(file),
                session.config().defaultProvider(), prune);
        List<EnvironmentSpec> desired = read.environments();
        for (EnvironmentSpec s : desired) {
            try {
                session.envctl().provider(s.provider());
            } catch (EnvctlException e) {
                throw e.code() == ErrorCode.INVALID_INPUT ? inFile(s, e) : e;
            }
        }
        session.onlyReading(onlyReading);
        EnvironmentStore store = session.store();
        boolean namesHosts = desired.stream().anyMatch(s -> Hosts.namesAddedHost(s.host()));
        List<Host> hosts = namesHosts ? store.hosts() : List.of();
        for (EnvironmentSpec s : desired) {
            try {
                Hosts.requireKnown(hosts, s.host(), s.host().isNamed() ? read.host(s.host().name())
                        : Optional.empty());
            } catch (EnvctlException e) {
                throw inFile(s, e);
            }
        }
        Hosts.requireSameDaemons(session, file, read, hosts, store);
        try {
            return session.envctl().plan(desired, prune);
        } catch (EnvctlException e) {
            throw e.code() == ErrorCode.INVALID_INPUT ? EnvctlException.invalid("apply file " + file + ", "
                    + e.getMessage()) : e;
        }
    }

    /** {@code e} as invalid input naming the file and the environment {@code s} of it that it is about. */
    private EnvctlException inFile(EnvironmentSpec s, EnvctlException e) {
        return EnvctlException.invalid("apply file " + file + ", environment '" + s.name() + "': " + e.getMessage());
    }
}
