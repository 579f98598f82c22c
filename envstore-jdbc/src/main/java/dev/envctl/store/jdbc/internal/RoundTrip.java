package dev.envctl.store.jdbc.internal;

import org.jooq.DSLContext;
import org.jooq.QueryPart;
import org.jooq.Results;
import org.jooq.impl.DSL;

import java.util.stream.Collectors;
import java.util.stream.IntStream;

/** Several statements sent to the server at once. */
public final class RoundTrip {
    private RoundTrip() {
    }

    /**
     * Runs {@code queries} in one round trip, in order, and returns their results; under read committed each
     * statement takes its snapshot once the one before has returned, so statements after a lock see every
     * commit made under it.
     */
    public static Results fetch(DSLContext ctx, QueryPart... queries) {
        String template = IntStream.range(0, queries.length).mapToObj(i -> "{" + i + "}")
                .collect(Collectors.joining(";\n"));
        return ctx.fetchMany(DSL.resultQuery(template, queries));
    }
}
