package dev.envctl.cli.internal;

import dev.envctl.core.lifecycle.Outcome;
import dev.envctl.core.lifecycle.ReconcileReport;
import dev.envctl.core.spi.ClusterStatus;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** Prints the report of {@code reconcile} and {@code apply}: one row per environment touched. */
final class ReportView {
    private ReportView() {
    }

    static void print(Session session, ReconcileReport report) {
        session.progressDone();
        if (session.format() == OutputFormat.JSON) {
            Json.print(session.out(), toJson(report));
            return;
        }
        TextTable t = new TextTable("NAME", "ACTION", "STATE", "ERROR");
        for (Outcome o : report.outcomes()) {
            t.row(o.name(), o.action().name().toLowerCase(java.util.Locale.ROOT),
                    o.state() == null ? null : o.state().key(), o.error() == null ? null
                            : session.redact(Errors.oneLine(o.error())));
        }
        t.print(session.out());
        if (!report.unmanaged().isEmpty()) {
            session.out().println("unmanaged clusters (no envctl record): " + report.unmanaged().stream()
                    .map(c -> c.name() + " (" + c.provider() + ")").collect(Collectors.joining(", ")));
        }
    }

    static Map<String, Object> toJson(ReconcileReport report) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ok", report.ok());
        m.put("outcomes", report.outcomes().stream().map(ReportView::outcome).toList());
        m.put("unmanaged", report.unmanaged().stream().map(ReportView::cluster).toList());
        return m;
    }

    private static Map<String, Object> outcome(Outcome o) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", o.name());
        m.put("action", o.action().name().toLowerCase(java.util.Locale.ROOT));
        m.put("state", o.state() == null ? null : o.state().key());
        m.put("error", o.error());
        return m;
    }

    private static Map<String, Object> cluster(ClusterStatus c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", c.name());
        m.put("provider", c.provider());
        m.put("running", c.running());
        m.put("detail", c.detail());
        return m;
    }

    /** 0 when every outcome succeeded, else 1. */
    static int exitCode(ReconcileReport report) {
        return report.ok() ? 0 : 1;
    }
}
