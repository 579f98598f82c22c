package dev.envctl.core.spi;

/** A held per-environment lock; {@link #close()} releases it and is idempotent. */
public interface EnvironmentLock extends AutoCloseable {
    String name();

    @Override
    void close();
}
