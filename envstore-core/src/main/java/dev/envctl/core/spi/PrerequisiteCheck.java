package dev.envctl.core.spi;

/**
 * One line of {@code envctl doctor}: what was checked, its outcome, what was found and what to do.
 */
public record PrerequisiteCheck(String name, Status status, String detail, String hint) {
    public enum Status { PASS, WARN, FAIL }

    public static PrerequisiteCheck pass(String name, String detail) {
        return new PrerequisiteCheck(name, Status.PASS, detail, null);
    }

    public static PrerequisiteCheck warn(String name, String detail, String hint) {
        return new PrerequisiteCheck(name, Status.WARN, detail, hint);
    }

    public static PrerequisiteCheck fail(String name, String detail, String hint) {
        return new PrerequisiteCheck(name, Status.FAIL, detail, hint);
    }
}
