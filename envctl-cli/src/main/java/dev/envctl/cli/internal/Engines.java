package dev.envctl.cli.internal;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.Host;
import dev.envctl.core.spi.PrerequisiteCheck;

import java.util.List;
import java.util.stream.Collectors;

/** Checks a provider before anything is written, and words a change another envctl process carries out. */
final class Engines {
    private Engines() {
    }

    /**
     * Fails with {@link ErrorCode#PROVIDER_FAILED} (exit 6) when a prerequisite of {@code providerId} on host
     * {@code hostName} (its tool, that host's Docker) fails, naming what is missing, saying that nothing was changed
     * and pointing at {@code --dry-run} where the command has one ({@code withDryRun}). Called before a command
     * changes anything, or (create) once a failure is known to have changed nothing.
     */
    static void requireReady(Session session, String providerId, String hostName, boolean withDryRun) {
        List<PrerequisiteCheck> failed = session.envctl().provider(providerId, hostName).checkReady().stream()
                .filter(c -> c.status() == PrerequisiteCheck.Status.FAIL).toList();
        if (!failed.isEmpty()) {
            String what = failed.stream().map(c -> c.name() + ": " + Errors.withConfigKey(c.detail())
                    + (c.hint() == null || c.hint().isBlank() || c.detail().contains("http") ? ""
                    : " (" + c.hint() + ")")).collect(Collectors.joining("; "));
            String where = Host.LOCAL_NAME.equals(hostName) ? "" : " on host '" + hostName + "'";
            throw new EnvctlException(ErrorCode.PROVIDER_FAILED, "provider " + providerId + where + " is not ready: "
                    + Errors.oneLine(what) + "; nothing was changed; " + (withDryRun ? "add --dry-run to see the "
                    + "plan, which runs no tool, or run envctl doctor" : "run envctl doctor"));
        }
    }

    /** {@link #requireReady} of the provider of each of {@code records} once on its host, not once per record. */
    static void requireReady(Session session, List<Environment> records, boolean withDryRun) {
        records.stream().map(e -> List.of(e.provider(), e.host())).distinct()
                .forEach(w -> requireReady(session, w.get(0), w.get(1), withDryRun));
    }

    /** The line for a {@code command} of {@code name} that another envctl process, holding it, carries out. */
    static String pending(String command, String name) {
        return command + " of " + name + " recorded; another envctl process is converging it and carries the "
                + command + " out ('envctl get " + name + "' shows how far it is)";
    }
}
