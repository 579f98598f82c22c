package dev.envctl.core.spi;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.InvalidValueException;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A setting a factory was given has a value it refuses: {@link #key()} is that setting's key as the factory's
 * {@code settingKeys()} names it, so a client that keeps settings under names of its own (the CLI's config keys,
 * such as {@code provider.k3d.binary}) names the setting without reading the message. Always
 * {@link ErrorCode#INVALID_INPUT}. Factories throw it from {@code create} and {@code open}, most simply by reading
 * each setting within {@link #about}; any other {@link EnvctlException} still refuses the settings, but a client
 * can then name only the plugin's settings as a whole. The message names the setting, as any error's does;
 * {@link #problem()}, when known, says what is wrong with the value without naming it, so that a client that names
 * the setting itself names it once. Immutable.
 */
public final class InvalidSettingException extends EnvctlException {
    private static final long serialVersionUID = 1L;

    private final String key;
    private final String problem;

    /**
     * @param key     the setting's key, as {@code settingKeys()} names it
     * @param message what is wrong with its value and what is allowed, as for any {@link EnvctlException}
     */
    public InvalidSettingException(String key, String message) {
        this(key, message, null);
    }

    public InvalidSettingException(String key, String message, Throwable cause) {
        this(key, message, null, cause);
    }

    /**
     * @param key     the setting's key, as {@code settingKeys()} names it
     * @param message what is wrong with its value and what is allowed, naming the setting
     * @param problem the same without naming the setting ({@code 'soon' is not a positive duration; ...}), or null
     * @param cause   the error it was made from, or null
     */
    public InvalidSettingException(String key, String message, String problem, Throwable cause) {
        super(ErrorCode.INVALID_INPUT, message, cause);
        this.key = Objects.requireNonNull(key, "key");
        this.problem = problem;
    }

    /** The setting's key, as the factory's {@code settingKeys()} names it. */
    public String key() {
        return key;
    }

    /** What is wrong with the value and what is allowed, without naming the setting; empty when not known. */
    public Optional<String> problem() {
        return Optional.ofNullable(problem);
    }

    /**
     * What {@code read} gives, reading the setting {@code key}; its {@link ErrorCode#INVALID_INPUT} error becomes one
     * about {@code key}, with the same message, and the {@link InvalidValueException#problem() problem} of a shared
     * parser's error as its {@link #problem()}. Another error, or one already about a setting, is thrown as it is.
     */
    public static <T> T about(String key, Supplier<T> read) {
        try {
            return read.get();
        } catch (InvalidSettingException e) {
            throw e;
        } catch (EnvctlException e) {
            if (e.code() != ErrorCode.INVALID_INPUT) {
                throw e;
            }
            throw new InvalidSettingException(key, e.getMessage(),
                    e instanceof InvalidValueException v ? v.problem() : null, e);
        }
    }
}
