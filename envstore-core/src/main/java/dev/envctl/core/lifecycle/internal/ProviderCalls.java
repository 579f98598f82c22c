package dev.envctl.core.lifecycle.internal;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.plugin.PluginRegistry;
import dev.envctl.core.spi.ClusterProvider;

import java.util.Optional;
import java.util.function.Supplier;

/**
 * Calls into a provider: anything it throws but an {@link EnvctlException} (a plugin's bug, a class missing from
 * its jar, an {@link AssertionError} or a {@link StackOverflowError}) names the provider, its class, the method
 * and the error, so a plugin's bug never leaves envctl as a raw exception nor a record half done; only a
 * {@link VirtualMachineError} that leaves the JVM unusable (out of memory) passes. {@link #call} reports it (with
 * a null answer) as {@link ErrorCode#PROVIDER_FAILED}; {@link #failure} returns it for the record.
 */
public final class ProviderCalls {
    private ProviderCalls() {
    }

    /** {@code call}'s answer, which {@code provider}'s {@code method} gave. */
    public static <T> T call(ClusterProvider provider, String method, Supplier<T> call) {
        T answer;
        try {
            answer = call.get();
        } catch (EnvctlException e) {
            throw e;
        } catch (Throwable e) {
            PluginRegistry.rethrowIfFatal(e);
            throw new EnvctlException(ErrorCode.PROVIDER_FAILED, failed(provider, method) + e, e);
        }
        if (answer == null) {
            throw new EnvctlException(ErrorCode.PROVIDER_FAILED, failed(provider, method) + "it returned null");
        }
        return answer;
    }

    /** Runs {@code call}, {@code provider}'s {@code method}. */
    public static void run(ClusterProvider provider, String method, Runnable call) {
        call(provider, method, () -> {
            call.run();
            return Boolean.TRUE;
        });
    }

    /**
     * Runs {@code call}, {@code provider}'s {@code method}, which the record is written around: empty when it
     * succeeded, else the message to mark the record {@code failed} with (an envctl error's own message).
     */
    public static Optional<String> failure(ClusterProvider provider, String method, Runnable call) {
        return error(provider, method, call).map(EnvctlException::getMessage);
    }

    /**
     * As {@link #failure}, but the error itself: an envctl error as the provider threw it (for what it carries
     * besides its message), anything else as a {@link ErrorCode#PROVIDER_FAILED} error whose message
     * {@link #failure} gives.
     */
    public static Optional<EnvctlException> error(ClusterProvider provider, String method, Runnable call) {
        try {
            call.run();
            return Optional.empty();
        } catch (EnvctlException e) {
            return Optional.of(e);
        } catch (Throwable e) {
            PluginRegistry.rethrowIfFatal(e);
            return Optional.of(new EnvctlException(ErrorCode.PROVIDER_FAILED, failed(provider, method)
                    + HookRunner.describe(e), e));
        }
    }

    private static String failed(ClusterProvider provider, String method) {
        String id;
        try {
            id = provider.id();
        } catch (Throwable e) {
            PluginRegistry.rethrowIfFatal(e);
            id = "?";
        }
        return "the " + id + " provider (" + provider.getClass().getName() + ") failed in " + method + ": ";
    }
}
