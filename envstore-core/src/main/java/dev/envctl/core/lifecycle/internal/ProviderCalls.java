package dev.envctl.core.lifecycle.internal;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.spi.ClusterProvider;

import java.util.function.Supplier;

/**
 * Calls into a provider whose failure the engine reports rather than records: anything it throws but an
 * {@link EnvctlException} (a plugin's bug, a class missing from its jar) and a null answer become
 * {@link ErrorCode#PROVIDER_FAILED} naming the provider, its class, the method and the error, so a plugin's bug
 * never leaves envctl as a raw exception. Other {@link Error}s pass.
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
        } catch (RuntimeException | LinkageError e) {
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

    private static String failed(ClusterProvider provider, String method) {
        String id;
        try {
            id = provider.id();
        } catch (RuntimeException | LinkageError e) {
            id = "?";
        }
        return "the " + id + " provider (" + provider.getClass().getName() + ") failed in " + method + ": ";
    }
}
