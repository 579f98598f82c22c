package dev.envctl.core.plugin;

/**
 * One discovered plugin, for {@code envctl plugins}.
 *
 * @param kind      {@code store}, {@code provider} or {@code hook}
 * @param source    the jar or folder the class came from, or {@code null} when unknown
 */
public record PluginInfo(String kind, String id, String className, String source) {
}
