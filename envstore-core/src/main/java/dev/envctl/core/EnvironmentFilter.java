package dev.envctl.core;

/**
 * Which environments {@code list} returns; a {@code null} field matches everything.
 *
 * @param host the name of the {@link Host} the environments live on
 */
public record EnvironmentFilter(String provider, DesiredState desiredState, ActualState actualState, String host) {
    public static final EnvironmentFilter ALL = new EnvironmentFilter(null, null, null, null);

    /** A filter over every host. */
    public EnvironmentFilter(String provider, DesiredState desiredState, ActualState actualState) {
        this(provider, desiredState, actualState, null);
    }

    /** The same filter, matching only environments on host {@code host} (every host when null). */
    public EnvironmentFilter withHost(String host) {
        return new EnvironmentFilter(provider, desiredState, actualState, host);
    }

    public boolean matches(Environment e) {
        return (provider == null || provider.equals(e.provider()))
                && (desiredState == null || desiredState == e.desiredState())
                && (actualState == null || actualState == e.actualState())
                && (host == null || host.equals(e.host()));
    }
}
