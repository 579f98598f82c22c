package dev.envctl.cli.internal;

import dev.envctl.core.ErrorCode;
import dev.envctl.core.Host;
import dev.envctl.core.exec.CommandRunner;
import dev.envctl.core.lifecycle.Action;
import dev.envctl.core.lifecycle.Outcome;
import dev.envctl.core.lifecycle.ReconcileReport;

import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** Prints the report of {@code reconcile} and {@code apply}: one row per environment touched. */
final class ReportView {
    private ReportView() {
    }

    /**
     * Prints the report and returns its exit code: 0 when every environment converged, 5 when each that failed
     * failed because the store refused or could not take a write, 4 when each was superseded by another writer's
     * desired state, else 1. A delete another envctl process carries out ({@code pending}) is said after the table,
     * as {@code delete} says it.
     */
    static int print(Session session, ReconcileReport report) {
        session.progressDone();
        if (report.outcomes().isEmpty() && report.unmanaged().isEmpty() && CommandRunner.stopping()) {
            return 0; // stopped before anything was done: an empty report would claim listings the signal ended
        }
        session.print(() -> toJson(session, report), out -> {
            TextTable t = new TextTable("NAME", "ACTION", "STATE", "ERROR");
            for (Outcome o : report.outcomes()) {
                t.row(o.name(), o.action().name().toLowerCase(Locale.ROOT),
                        o.state() == null ? null : o.state().key(), o.error() == null ? null
                                : session.redact(Errors.oneLine(o.error())) + Errors.hint(o.remedy(), o.error()));
            }
            t.print(out);
            report.outcomes().stream().filter(o -> o.action() == Action.PENDING)
                    .forEach(o -> out.println(Engines.pending("delete", o.name())));
            if (!report.unmanaged().isEmpty()) {
                out.println("unmanaged clusters (no envctl record): " + report.unmanaged().stream()
                        .map(c -> c.name() + " (" + c.provider() + (c.host().equals(Host.LOCAL_NAME) ? ""
                                : " on " + c.host()) + ")").collect(Collectors.joining(", ")));
            }
        });
        return report.failure().map(ErrorCode::exitCode).orElse(0);
    }

    /** The report as docs/cli.md gives it; errors redacted, as the table shows them. */
    static Map<String, Object> toJson(Session session, ReconcileReport report) {
        return Json.object("ok", report.ok(),
                "outcomes", report.outcomes().stream().map(o -> Json.object("name", o.name(),
                        "action", o.action().name().toLowerCase(Locale.ROOT),
                        "state", o.state() == null ? null : o.state().key(), "error", session.redact(o.error())))
                        .toList(),
                "unmanaged", report.unmanaged().stream().map(c -> Json.object("name", c.name(),
                        "provider", c.provider(), "host", c.host(), "running", c.running(), "detail", c.detail()))
                        .toList());
    }
}
