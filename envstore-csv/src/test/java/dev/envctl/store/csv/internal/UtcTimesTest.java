package dev.envctl.store.csv.internal;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UtcTimesTest {

    @Test
    void readsWhatInstantToStringWritesAsInstantParseDoes() {
        Random random = new Random(20261126L);
        for (int i = 0; i < 50_000; i++) {
            long seconds = random.nextLong(253_402_300_800L); // 1970-01-01 .. 9999-12-31
            int nanos = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1000;
                default -> random.nextInt(1_000_000_000);
            };
            Instant t = Instant.ofEpochSecond(seconds, nanos);
            String text = t.toString();
            assertThat(UtcTimes.quick(text)).as(text).isEqualTo(t).isEqualTo(Instant.parse(text));
        }
    }

    @Test
    void agreesWithInstantParseAtTheEdgesOfMonthsAndYears() {
        for (String text : List.of("1970-01-01T00:00:00Z", "2000-02-29T23:59:59.999Z", "2024-02-29T12:00:00Z",
                "2100-03-01T00:00:00Z", "1999-12-31T23:59:59.5Z", "2026-11-26T08:00:00.12Z", "9999-12-31T23:59:59Z")) {
            assertThat(UtcTimes.quick(text)).as(text).isEqualTo(Instant.parse(text));
        }
    }

    @Test
    void leavesEveryOtherFormToInstantParse() {
        for (String text : List.of("2023-02-29T00:00:00Z", "2026-13-01T00:00:00Z", "2026-11-31T00:00:00Z",
                "2026-11-26T24:00:00Z", "2026-11-26T08:60:00Z", "2026-11-26T08:00:60Z", "2026-11-26 08:00:00Z",
                "2026-11-26T08:00:00", "2026-11-26T08:00:00.Z", "2026-11-26T08:00:00.1234567890Z",
                "1969-12-31T23:59:59Z", "+12026-11-26T08:00:00Z", "2026-11-26T08:00:00+01:00", "2026-1x-26T08:00:00Z",
                "2026-11-26T08:00:00,5Z", "")) {
            assertThat(UtcTimes.quick(text)).as(text).isNull();
        }
        assertThat(UtcTimes.parse("1969-12-31T23:59:59Z")).isEqualTo(Instant.ofEpochSecond(-1));
        assertThatThrownBy(() -> UtcTimes.parse("2026-11-31T00:00:00Z")).isInstanceOf(DateTimeParseException.class);
        assertThatThrownBy(() -> UtcTimes.parse("yesterday")).isInstanceOf(DateTimeParseException.class);
    }
}
