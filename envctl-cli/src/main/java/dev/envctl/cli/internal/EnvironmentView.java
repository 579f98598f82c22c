package dev.envctl.cli.internal;

import dev.envctl.core.ActualState;
import dev.envctl.core.DesiredState;
import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.HostPorts;
import dev.envctl.core.Validation;
import dev.envctl.core.lifecycle.LifecycleEngine;
import dev.envctl.core.spi.EnvironmentStore;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Environments as the CLI prints them: the JSON shape docs/cli.md gives (every field present, absent values
 * {@code null}, timestamps ISO-8601 UTC to the second, {@code null} where not recorded), the table NAME PROVIDER
 * STATE SUBNET HTTP HTTPS PF API AGE (and HOST once the store has a host besides {@code local}; {@code get} adds
 * OPTIONS after AGE), and the CSV of the store's format.
 */
final class EnvironmentView {
    private EnvironmentView() {
    }

    /** One environment in the documented JSON shape, as ordered maps. */
    static Map<String, Object> toJson(Environment e) {
        HostPorts p = e.ports();
        return Json.object("name", e.name(), "provider", e.provider(), "host", e.host(),
                "subnet", e.subnet() == null ? null : e.subnet().toString(),
                "ports", Json.object("http", p.http(), "https", p.https(), "pf", p.pf(), "api", p.api(),
                        "node", e.nodePort()),
                "labels", e.labels(), "options", e.options(), "desiredState", e.desiredState().key(),
                "actualState", e.actualState().key(), "lastError", e.lastError(),
                "createdAt", recorded(e.createdAt()), "updatedAt", recorded(e.updatedAt()));
    }

    /**
     * {@code e} as the CLI may print it: its last error, which keeps what a failing hook or tool said, with the
     * passwords the session knows (and a URL's) masked.
     */
    static Environment redacted(Session session, Environment e) {
        return e.lastError() == null ? e : e.withActualState(e.actualState(), session.redact(e.lastError()));
    }

    /**
     * An environment's timestamp, or {@code null} for the epoch: the time a store reports for a row adopted from
     * the Kindler scripts' CSV file, which records none.
     */
    static String recorded(Instant t) {
        return Instant.EPOCH.equals(t) ? null : timestamp(t);
    }

    static String timestamp(Instant t) {
        return t == null ? null : t.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    /**
     * Prints environments read from {@code store}, which is asked for its hosts only where the format needs them
     * (the table's HOST column, the CSV of environments on other hosts); {@code single} prints one JSON object
     * instead of an array, {@code withOptions} adds the table's column OPTIONS ({@code get}: the list's table stays
     * narrow, and an image reference is long).
     */
    static void print(Session session, EnvironmentStore store, List<Environment> environments, boolean single,
                      boolean withOptions) {
        List<Environment> list = environments.stream().map(e -> redacted(session, e)).toList();
        switch (session.format()) {
            case JSON -> Json.print(session.out(), single ? toJson(list.get(0))
                    : list.stream().map(EnvironmentView::toJson));
            case CSV -> CsvFormat.write(session, list, Hosts.of(store, list));
            default -> table(list, Instant.now(), Hosts.several(store.hosts()), withOptions).print(session.out());
        }
    }

    /**
     * Runs {@code change} of {@code names}, then ends the progress line. When one of several names failed without a
     * record of it (its provider could not list its clusters, a delete recorded meanwhile, the store failing), the
     * records of the names given, as far as the store still has them, are printed before the error is thrown, so
     * that the changes that ended are shown; nothing when the store cannot be read.
     */
    static <T> T changing(Session session, EnvironmentStore store, List<String> names, Supplier<T> change) {
        try {
            return change.get();
        } catch (EnvctlException e) {
            session.progressDone();
            try {
                List<Environment> records = names.size() < 2 ? List.of()
                        : names.stream().flatMap(n -> store.find(n).stream()).toList();
                if (!records.isEmpty()) {
                    print(session, store, records, false, false);
                }
            } catch (EnvctlException unreadable) {
                // the error that follows says what failed
            }
            throw e;
        } finally {
            session.progressDone();
        }
    }

    /**
     * The table; {@code withHost} adds HOST as the last column (last, so that scripts reading the columns by
     * position keep working when a second host is added); {@code withOptions} adds OPTIONS after AGE: the provider
     * options as {@code KEY=VALUE} separated by commas in key order, {@code -} for none.
     */
    static TextTable table(List<Environment> list, Instant now, boolean withHost, boolean withOptions) {
        List<String> header = new ArrayList<>(List.of("NAME", "PROVIDER", "STATE", "SUBNET", "HTTP", "HTTPS", "PF",
                "API", "AGE"));
        if (withOptions) {
            header.add("OPTIONS");
        }
        if (withHost) {
            header.add("HOST");
        }
        TextTable t = new TextTable(header.toArray(String[]::new));
        for (Environment e : list) {
            List<Object> row = new ArrayList<>(Arrays.asList(e.name(), e.provider(), state(e), e.subnet(),
                    e.ports().http(), e.ports().https(), e.ports().pf(), e.ports().api(), age(e.createdAt(), now)));
            if (withOptions) {
                row.add(pairs(e.options()));
            }
            if (withHost) {
                row.add(e.host());
            }
            t.row(row.toArray());
        }
        return t;
    }

    /**
     * Options or labels as table cells: {@code agents=2,image=rancher/k3s:v1.31.5-k3s1,servers=1} (the map's order,
     * {@link Validation#pairs}), or null (shown as -).
     */
    static String pairs(Map<String, String> pairs) {
        return pairs.isEmpty() ? null : Validation.pairs(pairs);
    }

    /**
     * The actual state, with {@code ->absent} while a delete is pending; {@code kept} for a record a delete
     * kept ({@code --keep-record}) once its cluster is gone.
     */
    static String state(Environment e) {
        String s = e.actualState().key();
        return e.desiredState() != DesiredState.ABSENT ? s : kept(e) ? "kept" : s + "->absent";
    }

    /** A record {@code delete --keep-record} left: no cluster, its allocation held until apply or delete. */
    static boolean kept(Environment e) {
        return e.desiredState() == DesiredState.ABSENT && e.actualState() == ActualState.UNKNOWN
                && e.labels().containsKey(LifecycleEngine.KEEP_RECORD_LABEL);
    }

    /**
     * {@code 45s}, {@code 12m}, {@code 5h}, {@code 3d}: kubectl's style; {@code null} (shown as {@code -}) for
     * the epoch, the creation time of rows adopted from the Kindler scripts' CSV file, which has none.
     */
    static String age(Instant created, Instant now) {
        if (created.equals(Instant.EPOCH)) {
            return null;
        }
        long s = Math.max(0, Duration.between(created, now).getSeconds());
        if (s < 120) {
            return s + "s";
        }
        if (s < 120 * 60) {
            return s / 60 + "m";
        }
        if (s < 48 * 3600) {
            return s / 3600 + "h";
        }
        return s / 86400 + "d";
    }
}
