package dev.envctl.store.jdbc;

import dev.envctl.core.InvalidValueException;
import dev.envctl.core.Validation;

import java.util.Arrays;
import java.util.Locale;

/** What opening a store does with its schema (setting {@code jdbc.migrate}). */
public enum MigrateMode {
    /** Adopt an existing {@code clusters} table if there is one, then apply pending migrations (the default). */
    AUTO,
    /** Refuse to open unless the schema is at the version this envctl needs; change nothing. */
    VALIDATE,
    /** Neither check nor change the schema. */
    OFF,
    /**
     * Change nothing, not even to adopt: a schema at this envctl's version is used as is; an existing
     * {@code clusters} table envctl has not adopted yet is read as it is (as while it has conflicts), a schema
     * without one reads as empty, and writes are refused; an older envctl schema is refused as {@link #VALIDATE}
     * refuses it. What {@link JdbcStoreFactory#openToRead} uses in place of {@link #AUTO}.
     */
    READ;

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static MigrateMode ofKey(String key) {
        String wanted = key == null ? "" : key.strip();
        return Arrays.stream(values()).filter(m -> m.key().equalsIgnoreCase(wanted)).findFirst().orElseThrow(
                () -> InvalidValueException.of("jdbc.migrate", "'" + Validation.printable(String.valueOf(key))
                        + "' is invalid; allowed: auto, validate, off, read"));
    }
}
