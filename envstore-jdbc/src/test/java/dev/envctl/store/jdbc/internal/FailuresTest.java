package dev.envctl.store.jdbc.internal;

import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.internal.exception.FlywaySqlException;
import dev.envctl.core.EnvctlException;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.Remedy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.sql.SQLException;

import static org.assertj.core.api.Assertions.assertThat;

class FailuresTest {
    @Test
    void flywaysMultiLineTextIsKeptToItsFirstMeaningfulLineAndTheServers() {
        String line = Failures.flywayLine(new FlywaySqlException("Unable to lock the table",
                new SQLException("ERROR: canceling statement due to lock timeout\n  Where: SQL statement", "55P03")));

        assertThat(line).isEqualTo("Unable to lock the table: ERROR: canceling statement due to lock timeout");
    }

    @Test
    void flywaysAdviceToRunWithDashXIsLeftOut() {
        String line = Failures.flywayLine(new FlywayException("Run Flyway with -X option to see the actual error "
                + "causing the failure\n-------\nValidate failed: Migrations have failed validation\nDetected applied "
                + "migration not resolved locally: 3."));

        assertThat(line).isEqualTo("Validate failed: Migrations have failed validation");
    }

    /**
     * pgjdbc names its server-side prepared statements S_1, S_2, ... per connection, so a connection meets another
     * one's names only on a server session that several clients share: a pooler in transaction pooling mode
     * (PgBouncer before 1.21 passes them through as they are). Said as that, a setting to fix, not as a failure of
     * the command.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "42P05|ERROR: prepared statement \"S_1\" already exists",
            "26000|ERROR: prepared statement \"S_3\" does not exist"})
    void anotherClientsPreparedStatementOnTheSessionIsSaidToBeAPoolerSharingSessions(String state, String text) {
        EnvctlException e = Failures.map("jdbc:postgresql://pooler:6432/envctl", "listing environments",
                new SQLException(text, state), "envctl");

        assertThat(e.code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE);
        assertThat(e.remedy()).contains(Remedy.FIX_STORE_SETTINGS);
        assertThat(e.getMessage()).isEqualTo("listing environments failed: PostgreSQL store "
                + "jdbc:postgresql://pooler:6432/envctl runs several clients on one server session (" + text + "), "
                + "as a connection pooler in transaction or statement pooling mode does (PgBouncer with "
                + "pool_mode=transaction), where envctl's locks do not hold; use session pooling (pool_mode=session) "
                + "or connect to PostgreSQL directly");
    }
}
