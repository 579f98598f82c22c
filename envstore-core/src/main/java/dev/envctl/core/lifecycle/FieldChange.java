package dev.envctl.core.lifecycle;

import java.util.Objects;

/**
 * One field in which a desired environment differs from its record.
 *
 * @param field   {@code provider}, {@code http}, {@code https}, {@code pf}, {@code api}, {@code subnet},
 *                {@code option}, {@code node} or {@code label}
 * @param key     the option's or label's key; {@code null} for the other fields
 * @param from    the recorded value; {@code null} when there is none (a label not set yet, an api port the
 *                Kindler scripts did not record)
 * @param to      the desired value; {@code auto} for a subnet to be allocated; {@code null} for an option a change of
 *                provider drops (the request does not give it, and the new provider would read it otherwise)
 * @param replace true when the change needs a new cluster (provider, host ports, subnet, provider options that
 *                shape the cluster); false when it is written to the record only (labels, the in-cluster node port,
 *                options the provider changes in place, such as a timeout)
 */
public record FieldChange(String field, String key, String from, String to, boolean replace) {
    public FieldChange {
        Objects.requireNonNull(field, "field");
        if (to == null && !field.equals("option")) {
            throw new NullPointerException("to");
        }
    }

    /**
     * As the CLI prints it: {@code http 18080 -> 18090}, {@code label team: a -> b}, {@code option image: x -> (none)}.
     */
    @Override
    public String toString() {
        return field + (key == null ? "" : " " + key + ":") + " " + (from == null ? "(none)" : from) + " -> "
                + (to == null ? "(none)" : to);
    }
}
