package dev.envctl.core.spi;

/**
 * The answer of {@link EnvironmentStore#health()}.
 *
 * @param available     whether reads and writes can proceed now
 * @param detail        one line for people: what was checked, or why it failed
 * @param schemaVersion the store's schema or format version, or {@code null} where it has none
 */
public record StoreHealth(boolean available, String detail, String schemaVersion) {
    public static StoreHealth up(String detail, String schemaVersion) {
        return new StoreHealth(true, detail, schemaVersion);
    }

    public static StoreHealth down(String detail) {
        return new StoreHealth(false, detail, null);
    }
}
