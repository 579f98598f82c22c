package dev.envctl.store.jdbc.internal;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.Remedy;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;
import org.jooq.Record2;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;


/**
 * Refuses a migration, in its own transaction and before it runs, whose session is set to another schema or
 * carries another envctl process's mark ({@link Database#sessionMark}). Flyway reads its connection's search path
 * once and sets it again only where that differs from the store's schema, so behind a pooler in transaction pooling
 * mode a migration could otherwise run in the schema of whichever client used its session last. One query per
 * migration applied; none when the schema is current.
 */
record MigrationSessionCheck(String schema, String location) implements Callback {
    @Override
    public boolean supports(Event event, Context context) {
        return event == Event.BEFORE_EACH_MIGRATE;
    }

    @Override
    public boolean canHandleInTransaction(Event event, Context context) {
        return true;
    }

    @Override
    public void handle(Event event, Context context) {
        Record2<String, String> session;
        try {
            session = DSL.using(context.getConnection(), SQLDialect.POSTGRES).select(DSL.field("current_schema()",
                    String.class), DSL.field("current_setting({0}, true)", String.class,
                    DSL.val(Database.SESSION_SETTING))).fetchOne();
        } catch (RuntimeException e) {
            throw Failures.map(location, "checking the session of a migration", e, null);
        }
        String ran = session.value1();
        String mark = session.value2();
        String seen = !schema.equals(ran) ? "the migration was about to run on a session set to schema " + ran
                : Database.ofAnotherProcess(mark) ? "the migration was about to run on a session another envctl "
                + "marked" : null;
        if (seen != null) {
            throw new EnvctlException(ErrorCode.STORE_UNAVAILABLE, "migrating schema " + schema + " to version "
                    + context.getMigrationInfo().getVersion() + " refused before it ran: "
                    + Failures.sharedSessions(location, seen), null, Remedy.FIX_STORE_SETTINGS);
        }
    }

    @Override
    public String getCallbackName() {
        return "envctl session check";
    }
}
