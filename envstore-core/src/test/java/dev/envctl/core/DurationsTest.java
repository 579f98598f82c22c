package dev.envctl.core;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DurationsTest {
    @ParameterizedTest
    @CsvSource({"500ms,500", "30s,30000", "45,45000", "5m,300000", "1h,3600000", "PT1M,60000", "pt2s,2000",
            " 10s ,10000", "2M,120000"})
    void parsesEveryForm(String text, long millis) {
        assertThat(Durations.parse("timeout", text)).isEqualTo(Duration.ofMillis(millis));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "soon", "0s", "0", "-5s", "PT-1S", "PT"})
    void rejectsWhatIsNotAPositiveDurationSayingWhatIsAllowed(String text) {
        assertThatThrownBy(() -> Durations.parse("hook.exec.timeout", text))
                .isInstanceOfSatisfying(EnvctlException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT))
                .hasMessageContaining("hook.exec.timeout '")
                .hasMessageEndingWith("is not a positive duration; write it like 500ms, 60s, 5m or 1h");
    }

    @org.junit.jupiter.api.Test
    void anErrorSaysWhatIsWrongWithTheValueAlsoWithoutNamingIt() {
        assertThatThrownBy(() -> Durations.parse("csv.lock-timeout", "abc"))
                .isInstanceOfSatisfying(InvalidValueException.class, e -> assertThat(e.problem())
                        .isEqualTo("'abc' is not a positive duration; write it like 500ms, 60s, 5m or 1h"))
                .hasMessage("csv.lock-timeout 'abc' is not a positive duration; write it like 500ms, 60s, 5m or 1h");
        assertThatThrownBy(() -> Durations.parse("timeout", "99999999999h"))
                .isInstanceOfSatisfying(InvalidValueException.class, e -> assertThat(e.problem())
                        .isEqualTo("'99999999999h' is too long; at most 9 digits, such as 5m for 300s"));
        assertThatThrownBy(() -> Durations.parseAtLeast("interval", "1ms", Duration.ofSeconds(1)))
                .isInstanceOfSatisfying(InvalidValueException.class, e -> assertThat(e.problem())
                        .isEqualTo("'1ms' is too short; at least 1s"));
    }

    @org.junit.jupiter.api.Test
    void formatsWhatGoReadsAndThisClassParsesBack() {
        assertThat(Durations.format(Duration.ofMinutes(5))).isEqualTo("300s");
        assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(Durations.parse("t", Durations.format(Duration.ofMillis(1500)))).isEqualTo(Duration.ofMillis(1500));
    }

    @org.junit.jupiter.api.Test
    void aValueTooLongOrTooShortSaysSoRatherThanThatItIsNotPositive() {
        assertThatThrownBy(() -> Durations.parse("--interval", "99999999999h"))
                .hasMessage("--interval '99999999999h' is too long; at most 9 digits, such as 5m for 300s");
        assertThat(Durations.parse("t", "000000000010s")).isEqualTo(Duration.ofSeconds(10));
        assertThatThrownBy(() -> Durations.parseAtLeast("--interval", "1ms", Duration.ofSeconds(1)))
                .isInstanceOfSatisfying(EnvctlException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT))
                .hasMessage("--interval '1ms' is too short; at least 1s");
        assertThat(Durations.parseAtLeast("--interval", "1s", Duration.ofSeconds(1))).isEqualTo(Duration.ofSeconds(1));
    }

    /**
     * A number with a fraction is not taken ({@code 500ms} is), and the message says so, not that the value is no
     * positive duration: with the whole number of the same duration where there is one the setting takes, else what
     * it takes.
     */
    @org.junit.jupiter.api.Test
    void aFractionIsRefusedSayingSoAndWhatToWriteInstead() {
        assertThatThrownBy(() -> Durations.parse("reconcile.interval", "0.5s"))
                .isInstanceOfSatisfying(InvalidValueException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT);
                    assertThat(e.problem()).isEqualTo("'0.5s' has a fraction; durations are whole numbers with a "
                            + "unit, so write 500ms for 0.5s");
                })
                .hasMessage("reconcile.interval '0.5s' has a fraction; durations are whole numbers with a unit, so "
                        + "write 500ms for 0.5s");
        assertThatThrownBy(() -> Durations.parse("t", "1.5m")).hasMessage("t '1.5m' has a fraction; durations are "
                + "whole numbers with a unit, so write 90s for 1.5m");
        assertThatThrownBy(() -> Durations.parse("t", "2.5")).hasMessageEndingWith("so write 2500ms for 2.5");
        assertThatThrownBy(() -> Durations.parse("t", "1,5h")).hasMessageEndingWith("so write 5400s for 1,5h");
        assertThatThrownBy(() -> Durations.parse("t", ".25s")).hasMessageEndingWith("so write 250ms for .25s");
        // no whole number of milliseconds, or none the setting takes: what it takes
        assertThatThrownBy(() -> Durations.parse("t", "1.5ms")).hasMessage("t '1.5ms' has a fraction; durations are "
                + "whole numbers with a unit, so write it like 500ms, 60s, 5m or 1h");
        assertThatThrownBy(() -> Durations.parseAtLeast("--interval", "0.5s", java.time.Duration.ofSeconds(1)))
                .hasMessage("--interval '0.5s' has a fraction; durations are whole numbers with a unit, so write at "
                        + "least 1s, like 1s, 30s, 5m or 1h");
        assertThatThrownBy(() -> Durations.parseAtLeast("--interval", "1.5s", java.time.Duration.ofSeconds(1)))
                .hasMessageEndingWith("so write 1500ms for 1.5s");
        // ISO-8601 has fractions of seconds of its own
        assertThat(Durations.parse("t", "PT0.5S")).isEqualTo(Duration.ofMillis(500));
    }

    /**
     * A value that is not a positive duration, where a minimum applies, says that minimum: {@code --interval 0s} is
     * not told "500ms", which the same flag then refuses as too short.
     */
    @ParameterizedTest
    @ValueSource(strings = {"0s", "soon", "-5s", "0ms", "PT0S"})
    void aValueThatIsNotADurationOfTheMinimumSaysTheMinimum(String text) {
        assertThatThrownBy(() -> Durations.parseAtLeast("--interval", text, Duration.ofSeconds(1)))
                .isInstanceOfSatisfying(InvalidValueException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT);
                    assertThat(e.problem()).startsWith("'" + text + "' is ")
                            .endsWith("; write at least 1s, like 1s, 30s, 5m or 1h");
                })
                .hasMessageStartingWith("--interval '" + text + "' is ");
        assertThatThrownBy(() -> Durations.parseAtLeast("reconcile.interval", "0", Duration.ofMinutes(1)))
                .hasMessage("reconcile.interval '0' is not a positive duration; write at least 60s, like 60s, 5m or 1h");
        assertThatThrownBy(() -> Durations.parseAtLeast("--interval", "PT0.0004S", Duration.ofSeconds(1)))
                .hasMessage("--interval 'PT0.0004S' is too short; at least 1s");
    }

    /**
     * The shortest duration is 1ms: a shorter ISO-8601 one would pass the config check, then fail every tool and hook
     * run ("timeout must not be less than 1" from Commons Exec) and be written "0ms" where a tool is given it.
     */
    @org.junit.jupiter.api.Test
    void aDurationUnderAMillisecondIsTooShort() {
        assertThatThrownBy(() -> Durations.parse("provider.k3d.timeout", "PT0.0004S"))
                .isInstanceOfSatisfying(EnvctlException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT))
                .hasMessage("provider.k3d.timeout 'PT0.0004S' is too short; at least 1ms");
        assertThat(Durations.parse("t", "PT0.001S")).isEqualTo(Duration.ofMillis(1));
    }

    /**
     * The 9-digit limit holds for ISO-8601 too: a longer number would pass the config check, then fail every hook
     * (or tool) run with "ArithmeticException: long overflow" when its timeout is turned into milliseconds.
     */
    @org.junit.jupiter.api.Test
    void anIsoDurationOfMoreThanNineDigitsIsTooLongToo() {
        assertThatThrownBy(() -> Durations.parse("hook.exec.timeout", "PT9999999999999999S"))
                .isInstanceOfSatisfying(EnvctlException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT))
                .hasMessage("hook.exec.timeout 'PT9999999999999999S' is too long; at most 9 digits, such as 5m for 300s");
        assertThatThrownBy(() -> Durations.parse("t", "P1DT10000000000S")).hasMessageContaining("is too long");
        Duration longest = Durations.parse("t", "P999999999DT999999999H999999999M999999999.999999999S");
        assertThat(longest.toMillis()).isPositive();
        assertThat(Durations.parse("t", "PT000000000010S")).isEqualTo(Duration.ofSeconds(10));
    }

    /**
     * A duration in a unit this class does not know, with a space before the unit, or in several units (as Go's
     * and so k3d's {@code --timeout} take) says which of these it is and what to write.
     */
    @org.junit.jupiter.api.Test
    void aSpaceAnUnknownUnitOrSeveralUnitsSaySo() {
        assertThatThrownBy(() -> Durations.parse("hook.exec.timeout", "1m30s"))
                .isInstanceOfSatisfying(InvalidValueException.class, e -> assertThat(e.problem()).isEqualTo("'1m30s' "
                        + "combines units; durations are one whole number with one unit, so write 90s for 1m30s"))
                .hasMessage("hook.exec.timeout '1m30s' combines units; durations are one whole number with one unit, "
                        + "so write 90s for 1m30s");
        assertThatThrownBy(() -> Durations.parse("t", "1h500ms")).hasMessage("t '1h500ms' combines units; durations "
                + "are one whole number with one unit, so write 3600500ms for 1h500ms");
        assertThatThrownBy(() -> Durations.parseAtLeast("--interval", "0m500ms", Duration.ofSeconds(1)))
                .hasMessage("--interval '0m500ms' combines units; durations are one whole number with one unit, so "
                        + "write at least 1s, like 1s, 30s, 5m or 1h");
        assertThatThrownBy(() -> Durations.parse("hook.exec.timeout", "30 s"))
                .isInstanceOfSatisfying(InvalidValueException.class, e -> assertThat(e.problem())
                        .isEqualTo("'30 s' has a space; write 30s"))
                .hasMessage("hook.exec.timeout '30 s' has a space; write 30s");
        assertThatThrownBy(() -> Durations.parse("t", "5 S")).hasMessage("t '5 S' has a space; write 5s");
        assertThatThrownBy(() -> Durations.parse("hook.exec.timeout", "1d"))
                .isInstanceOfSatisfying(EnvctlException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT))
                .hasMessage("hook.exec.timeout '1d' has an unknown unit; allowed units: ms, s, m, h");
        assertThatThrownBy(() -> Durations.parse("t", "10 sec")).hasMessage("t '10 sec' has an unknown unit; allowed "
                + "units: ms, s, m, h");
    }

    /**
     * Several units with a space between the parts ({@code 1m 30s}) are refused as several units are, saying what to
     * write, not that the value is no positive duration.
     */
    @org.junit.jupiter.api.Test
    void severalUnitsWithSpacesBetweenSaySoToo() {
        assertThatThrownBy(() -> Durations.parse("hook.exec.timeout", "1m 30s"))
                .isInstanceOfSatisfying(InvalidValueException.class, e -> assertThat(e.code())
                        .isEqualTo(ErrorCode.INVALID_INPUT))
                .hasMessage("hook.exec.timeout '1m 30s' combines units; durations are one whole number with one "
                        + "unit, so write 90s for 1m 30s");
        assertThatThrownBy(() -> Durations.parse("t", "1h 30 m")).hasMessage("t '1h 30 m' combines units; "
                + "durations are one whole number with one unit, so write 5400s for 1h 30 m");
        assertThatThrownBy(() -> Durations.parse("t", "30 s")).hasMessage("t '30 s' has a space; write 30s");
    }
}
