package dev.envctl.core.spi;

import dev.envctl.core.Remedy;

/**
 * The answer of {@link EnvironmentStore#health()}.
 *
 * @param available     whether the store answers now, so reads can proceed (and writes, unless {@code problem})
 * @param detail        one line for people: what was checked, or why it failed; it names the store (its location
 *                      or file), so that it can be shown on its own
 * @param schemaVersion the store's schema or format version, or {@code null} where it has none
 * @param problem       for a store that answers: what keeps it from working as it should and must be fixed (such
 *                      as every write refused until some rows are repaired), one line saying what to do, in library
 *                      terms; {@code null} when there is none
 * @param remedy        the fix {@code problem} names (else the fix {@code warning} names), for a client that names it
 *                      in its own terms (as {@link dev.envctl.core.EnvctlException#remedy()}); for a store that does
 *                      not answer, the fix of the failure {@code detail} names ({@link Remedy#FIX_STORE_SETTINGS}
 *                      for a server that answers but refuses the login, say); {@code null} when none is known
 * @param warning       for a store that works as it should now: what needs attention all the same, though nothing
 *                      fails on it (such as a schema the next opening migrates), one line saying what will happen
 *                      or what to do, in library terms; {@code null} when there is none. A {@code problem} outweighs
 *                      it: a client shows the problem
 */
public record StoreHealth(boolean available, String detail, String schemaVersion, String problem, Remedy remedy,
                          String warning) {

    /** Health without a warning (the form before {@code warning} existed). */
    public StoreHealth(boolean available, String detail, String schemaVersion, String problem, Remedy remedy) {
        this(available, detail, schemaVersion, problem, remedy, null);
    }

    /** Health without a problem (the form before {@code problem} and {@code remedy} existed). */
    public StoreHealth(boolean available, String detail, String schemaVersion) {
        this(available, detail, schemaVersion, null, null);
    }

    public static StoreHealth up(String detail, String schemaVersion) {
        return new StoreHealth(true, detail, schemaVersion);
    }

    public static StoreHealth down(String detail) {
        return new StoreHealth(false, detail, null);
    }

    /** A store that does not answer, for a failure whose fix is known ({@code remedy}, nullable). */
    public static StoreHealth down(String detail, Remedy remedy) {
        return new StoreHealth(false, detail, null, null, remedy);
    }

    /** This health with {@code problem} to fix, and the {@code remedy} it names (or {@code null}). */
    public StoreHealth withProblem(String problem, Remedy remedy) {
        return new StoreHealth(available, detail, schemaVersion, problem, remedy, warning);
    }

    /**
     * This health with {@code warning} to heed, and the {@code remedy} it names (or {@code null}); a problem's remedy,
     * when there is one, stays.
     */
    public StoreHealth withWarning(String warning, Remedy remedy) {
        return new StoreHealth(available, detail, schemaVersion, problem, problem == null ? remedy : this.remedy,
                warning);
    }
}
