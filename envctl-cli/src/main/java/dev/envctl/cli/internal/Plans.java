package dev.envctl.cli.internal;

import dev.envctl.core.ActualState;
import dev.envctl.core.AutoPorts;
import dev.envctl.core.DesiredState;
import dev.envctl.core.Environment;
import dev.envctl.core.Host;
import dev.envctl.core.lifecycle.ApplyPlan;
import dev.envctl.core.lifecycle.FieldChange;
import dev.envctl.core.lifecycle.PlannedStep;
import dev.envctl.core.lifecycle.PlannedStep.Kind;
import dev.envctl.core.spi.PlannedCommand;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Prints dry runs and {@code diff}: the facade's {@link PlannedStep}s (what would be allocated, the fields an
 * update changes, the exact commands the provider would run) as text or JSON.
 */
final class Plans {
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

    private Plans() {
    }

    /**
     * Prints the plan: as JSON, or as text with one header line per step ({@code create NAME (PROVIDER)},
     * {@code adopt NAME (PROVIDER)},
     * {@code ~ NAME  CHANGES  (replace|in place)}, {@code delete NAME (PROVIDER)},
     * {@code resume NAME (PROVIDER)  STATE[: LAST ERROR]}) and the unchanged names;
     * {@code detailed} (a dry run) adds a banner, each new record's allocation and the provider commands;
     * {@code adopting} names the records whose running cluster the plan saw
     * ({@link dev.envctl.core.lifecycle.ApplyPlan#adopting}). Returns 0, or the exit code of the first step that would
     * fail.
     */
    static int print(Session session, List<PlannedStep> steps, List<String> unchanged, List<String> adopting,
                     boolean detailed) {
        session.print(() -> Json.object("dryRun", true, "steps", steps.stream().map(s -> toJson(session, s)).toList(),
                "unchanged", unchanged), out -> text(session, out, steps, unchanged, adopting, detailed));
        return steps.stream().filter(s -> s.error() != null).findFirst().map(s -> s.error().exitCode()).orElse(0);
    }

    private static void text(Session session, PrintStream out, List<PlannedStep> steps, List<String> unchanged,
                             List<String> adopting, boolean detailed) {
        if (detailed) {
            out.println("Dry run: nothing was changed. Plan:");
            if (steps.isEmpty()) {
                out.println("  nothing to do");
            }
        }
        Set<String> resumed = steps.stream().filter(s -> s.kind() == Kind.RESUME).map(s -> s.environment().name())
                .collect(Collectors.toSet());
        for (PlannedStep s : steps) {
            Environment e = s.environment();
            if (detailed) {
                out.println();
            }
            out.println(header(session, s));
            if (s.error() != null) {
                out.println("  would fail: " + session.redact(Errors.oneLine(s.error().getMessage())));
                continue;
            }
            if (!detailed) {
                continue;
            }
            if (s.kind() == Kind.ADOPT) {
                out.println("  the " + e.provider() + " cluster of that name exists: it is adopted as it is (no "
                        + "provider command, no hook); the http, https and api ports it publishes replace the ones "
                        + "below");
            }
            if (s.kind() == Kind.REPLACE && e.desiredState() == DesiredState.STOPPED) {
                out.println("  it is stopped: apply deletes its old cluster and it stays stopped; 'envctl start "
                        + e.name() + "' creates the new one");
            }
            // a create of a record the store has (not unknown: desired absent, its delete not finished) is marked
            // present again and converged as a resume is: a cluster that runs is kept, with no create
            if (s.kind() == Kind.RESUME || s.kind() == Kind.UPDATE && resumed.contains(e.name())
                    || s.kind() == Kind.CREATE && e.actualState() != ActualState.UNKNOWN) {
                out.println("  " + resumption(s, adopting.contains(e.name())));
            }
            if (s.kind() == Kind.CREATE || s.kind() == Kind.REPLACE || s.kind() == Kind.ADOPT
                    || s.kind() == Kind.RESUME && e.desiredState() == DesiredState.PRESENT
                    && (e.actualState() != ActualState.RUNNING || ApplyPlan.replacing(e))
                    && !adopting.contains(e.name())) {
                if (!e.host().equals(Host.LOCAL_NAME)) {
                    out.println("  host      " + e.host());
                }
                out.println("  subnet    " + (e.subnet() == null ? "none (shared network)" : e.subnet()));
                out.println("  ports     http " + port(e.ports().http()) + ", https " + port(e.ports().https())
                        + ", pf " + port(e.ports().pf()) + ", api " + port(e.ports().api()) + ", node " + e.nodePort());
                // envctl's mark of the ports it allocates says no more here than the ports line
                Map<String, String> labels = new TreeMap<>(e.labels());
                labels.remove(AutoPorts.LABEL);
                if (!labels.isEmpty()) {
                    out.println("  labels    " + labels);
                }
                if (!e.options().isEmpty()) {
                    out.println("  options   " + e.options());
                }
            }
            if (!s.commands().isEmpty()) {
                out.println("  commands:");
            }
            for (PlannedCommand c : s.commands()) {
                out.println("    " + shell(c));
                if (c.stdin() != null) {
                    out.println("    with stdin:");
                    c.stdin().lines().forEach(l -> out.println("      " + l));
                }
            }
        }
        if (!unchanged.isEmpty()) {
            if (detailed) {
                out.println();
            }
            out.println("unchanged: " + String.join(", ", unchanged));
        }
    }

    /** A host port as the ports line shows it: {@code -} for none (an adopted row of the scripts has no api port). */
    private static String port(Integer port) {
        return port == null ? "-" : port.toString();
    }

    /**
     * What apply does with a record a converge still acts on: a {@code failed} one, a create or delete left
     * unfinished by a process that died or a store that went away, an {@code unknown} one nothing converged yet
     * ({@code adopting}: whose cluster the plan saw running), or a {@code running} one whose cluster was stopped
     * outside envctl; for a create, a record desired absent whose delete was not finished, marked present again.
     */
    private static String resumption(PlannedStep s, boolean adopting) {
        Environment e = s.environment();
        String what = switch (s.kind()) {
            case RESUME -> "it is ";
            case CREATE -> "its delete was recorded and not finished, and apply marks it present again: it is ";
            default -> "it is then converged, as it is ";
        };
        if (ApplyPlan.replacing(e)) {
            // its converge deletes the old cluster whatever runs, as reconcile's does (the commands show it first)
            return what + e.actualState().key() + " and its replacement is not finished (its old cluster was not "
                    + "deleted): apply finishes it as reconcile does: the old cluster is deleted (the delete hooks run)"
                    + (e.desiredState() == DesiredState.PRESENT ? " and the new one created" : "")
                    + (s.commands().isEmpty() ? "" : " with the commands below")
                    + "; an envctl process converging it now is left to finish it";
        }
        if (e.desiredState() != DesiredState.PRESENT) {
            return what + e.actualState().key() + " and desired " + e.desiredState().key() + ": apply finishes that "
                    + "as reconcile does (no cluster is created)";
        }
        if (s.kind() == Kind.CREATE && (e.actualState() == ActualState.RUNNING
                || e.actualState() == ActualState.STOPPED)) {
            return what + e.actualState().key() + ": apply converges it as reconcile does: a cluster of that name "
                    + "that runs is kept (no provider command, no hook), a stopped one is started; one that is gone "
                    + "is created" + withCommands(s) + (e.actualState() == ActualState.RUNNING
                    ? " (reconcile.drift=mark-failed marks it failed instead, as the drift of a running one)" : "");
        }
        if (e.actualState() == ActualState.RUNNING) {
            // the plan saw its cluster stopped with every node (ApplyPlan.toResume): started, not created
            return what + "running, but its " + e.provider() + " cluster is stopped (stopped outside envctl: a "
                    + "cluster stop, docker stop, a Docker restart): apply starts it as reconcile does (the provider's "
                    + "start; no hook); a start that fails leaves it failed and desired stopped";
        }
        if (e.actualState() == ActualState.UNKNOWN && adopting) {
            // the plan saw its cluster running (ApplyPlan.adopting): no create to show, no port from a pool
            return what + "unknown (nothing converged it yet) and its " + e.provider() + " cluster runs: apply adopts "
                    + "it as reconcile does (no provider command, no hook; the record takes the ports the cluster "
                    + "publishes); an envctl process converging it now is left to finish it";
        }
        if (e.actualState() == ActualState.UNKNOWN) {
            return what + "unknown (nothing converged it yet): apply converges it as reconcile does: a cluster of that "
                    + "name that runs is adopted as it is (no provider command, no hook; the record takes the ports it "
                    + "publishes); else what is left of it is deleted and it is created" + withCommands(s)
                    + "; an envctl process converging it now is left to finish it";
        }
        return what + e.actualState().key() + ": apply converges it as reconcile does: a cluster of that name that "
                + "runs is kept and the post-create hooks run again (for creating, once its create finished; for "
                + "failed after its post-create hooks failed, a stopped one is started first); else "
                + "what is left of it is deleted and it is created" + withCommands(s) + "; an envctl process "
                + "converging it now is left to finish it";
    }

    /**
     * What the create of a step apply converges as a resume is done with, when the step shows commands (a plugin's
     * may have none).
     */
    private static String withCommands(PlannedStep s) {
        return s.commands().isEmpty() ? "" : " with the commands below";
    }

    private static String header(Session session, PlannedStep s) {
        Environment e = s.environment();
        if (s.kind() == Kind.RESUME) {
            return "resume " + e.name() + " (" + e.provider() + ")  " + e.actualState().key()
                    + (e.lastError() == null ? "" : ": " + session.redact(Errors.oneLine(e.lastError())));
        }
        if (s.changes().isEmpty()) {
            return action(s) + " " + e.name() + " (" + e.provider() + ")";
        }
        return "~ " + e.name() + "  " + s.changes().stream().map(FieldChange::toString)
                .collect(Collectors.joining(", ")) + "  (" + (s.kind() == Kind.REPLACE ? "replace" : "in place")
                + ")";
    }

    private static Map<String, Object> toJson(Session session, PlannedStep s) {
        return Json.object("action", action(s), "environment",
                EnvironmentView.toJson(EnvironmentView.redacted(session, s.environment())),
                "changes", s.changes().stream().map(c -> Json.object("field", c.field(), "key", c.key(),
                        "from", c.from(), "to", c.to(), "replace", c.replace())).toList(),
                "commands", s.commands().stream().map(c -> Json.object("argv", c.argv(),
                        "environment", c.environment(), "stdin", c.stdin())).toList(),
                "error", s.error() == null ? null : s.error().getMessage());
    }

    /**
     * The step's kind as text and JSON name it: {@code create}, {@code adopt}, {@code update}, {@code replace},
     * {@code delete}, {@code resume}.
     */
    private static String action(PlannedStep s) {
        return s.kind().name().toLowerCase(Locale.ROOT);
    }

    /**
     * A command as a shell would read it back: its variables first ({@code VAR=value}, empty ones too, since
     * they clear what the user's shell may set), then argv; words with special characters single-quoted.
     */
    static String shell(PlannedCommand c) {
        return shell(Stream.concat(c.environment().entrySet().stream().map(v -> v.getKey() + "=" + v.getValue()),
                c.argv().stream()).toList());
    }

    /** Words as a shell would read them back: those with special characters single-quoted. */
    static String shell(List<String> argv) {
        return argv.stream().map(a -> SAFE.matcher(a).matches() ? a : "'" + a.replace("'", "'\\''") + "'")
                .collect(Collectors.joining(" "));
    }
}
