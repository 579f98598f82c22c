package dev.envctl.store.jdbc.internal;

import dev.envctl.core.ActualState;
import dev.envctl.core.Cidr;
import dev.envctl.core.DesiredState;
import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentFilter;
import dev.envctl.core.HostPorts;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.SelectJoinStep;

import java.time.Instant;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Optional;

import static dev.envctl.store.jdbc.internal.schema.Tables.CLUSTERS;

/**
 * Reads an existing {@code clusters} table as it is, before envctl has adopted it: only its own nine
 * columns, each row as an environment the way adoption would make it (provider {@code k3d} and node port 30080
 * when missing, no API port, no labels, desired {@code present}, state {@code unknown}, version 1), but for a row
 * without times: they read as unknown (the epoch) until adopting gives it the time of the adoption. Rows envctl
 * cannot represent (an invalid name, port or subnet) are left out; the adoption check names them.
 */
public final class LegacyRows {
    private LegacyRows() {
    }

    /** The rows {@code filter} selects, by name. */
    public static List<Environment> list(DSLContext ctx, EnvironmentFilter filter) {
        return select(ctx).orderBy(CLUSTERS.NAME).fetch().stream().flatMap(r -> environment(r).stream())
                .filter(filter::matches).toList();
    }

    /** The row named {@code name}, if envctl can represent it. */
    public static Optional<Environment> find(DSLContext ctx, String name) {
        return select(ctx).where(CLUSTERS.NAME.eq(name)).fetchOptional().flatMap(LegacyRows::environment);
    }

    private static SelectJoinStep<Record> select(DSLContext ctx) {
        return ctx.select(List.of(CLUSTERS.NAME, CLUSTERS.PROVIDER, CLUSTERS.SUBNET, CLUSTERS.NODE_PORT, CLUSTERS.PF_PORT,
                CLUSTERS.HTTP_PORT, CLUSTERS.HTTPS_PORT, CLUSTERS.CREATED_AT, CLUSTERS.UPDATED_AT)).from(CLUSTERS);
    }

    private static Optional<Environment> environment(Record r) {
        LocalDateTime created = r.get(CLUSTERS.CREATED_AT);
        LocalDateTime updated = r.get(CLUSTERS.UPDATED_AT);
        // no time recorded: the epoch, which reads as unknown, as for the CSV store's Kindler rows (the time of the
        // read would make every such row new at every read); adopting gives them the time of the adoption
        Instant createdAt = created != null ? Rows.instant(created) : updated != null ? Rows.instant(updated)
                : Instant.EPOCH;
        Instant updatedAt = updated != null ? Rows.instant(updated) : createdAt;
        String provider = r.get(CLUSTERS.PROVIDER);
        Integer nodePort = r.get(CLUSTERS.NODE_PORT);
        String subnet = r.get(CLUSTERS.SUBNET);
        try {
            return Optional.of(new Environment(r.get(CLUSTERS.NAME), provider == null ? "k3d" : provider,
                    subnet == null ? null : Cidr.parse(subnet),
                    new HostPorts(r.get(CLUSTERS.HTTP_PORT), r.get(CLUSTERS.HTTPS_PORT), r.get(CLUSTERS.PF_PORT), null),
                    nodePort == null ? 30080 : nodePort, null, null, DesiredState.PRESENT, ActualState.UNKNOWN, null,
                    createdAt, updatedAt, 1));
        } catch (EnvctlException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
