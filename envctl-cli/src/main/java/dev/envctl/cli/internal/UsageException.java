package dev.envctl.cli.internal;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.ErrorCode;

/** A command line JCommander accepted but the command cannot: reported like a parse error, with the usage. */
final class UsageException extends EnvctlException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(ErrorCode.INVALID_INPUT, message);
    }
}
