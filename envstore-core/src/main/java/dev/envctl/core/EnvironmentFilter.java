package dev.envctl.core;

/**
 * Which environments {@code list} returns; a {@code null} field matches everything.
 */
public record EnvironmentFilter(String provider, DesiredState desiredState, ActualState actualState) {
    public static final EnvironmentFilter ALL = new EnvironmentFilter(null, null, null);

    public boolean matches(Environment e) {
        return (provider == null || provider.equals(e.provider()))
                && (desiredState == null || desiredState == e.desiredState())
                && (actualState == null || actualState == e.actualState());
    }
}
