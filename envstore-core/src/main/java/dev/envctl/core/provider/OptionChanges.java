package dev.envctl.core.provider;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.spi.ClusterProvider.OptionChange;

import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/** {@link dev.envctl.core.spi.ClusterProvider#optionChange} for a provider that reads its options into a value. */
public final class OptionChanges {
    private OptionChanges() {
    }

    /**
     * {@code NONE} when {@code read} makes the same of option {@code key} at {@code from} (absent when null: the
     * provider's setting) and at {@code to}, as {@code 01} and {@code 1}; else {@code IN_PLACE} for a key of
     * {@code inPlace} and {@code NEW_CLUSTER} for the others, and for a value {@code read} refuses.
     *
     * @param read the provider's reading of an environment's options (equal results for equal meanings)
     */
    public static OptionChange of(String key, String from, String to, Function<Map<String, String>, ?> read,
                                  Set<String> inPlace) {
        try {
            if (Objects.equals(read.apply(one(key, from)), read.apply(one(key, to)))) {
                return OptionChange.NONE;
            }
        } catch (EnvctlException unreadable) {
            return OptionChange.NEW_CLUSTER;
        }
        return inPlace.contains(key) ? OptionChange.IN_PLACE : OptionChange.NEW_CLUSTER;
    }

    private static Map<String, String> one(String key, String value) {
        return value == null ? Map.of() : Map.of(key, value);
    }
}
