package dev.envctl.core.spi;

/** When a {@link LifecycleHook} runs. */
public enum HookPhase {
    POST_CREATE("post-create"), PRE_DELETE("pre-delete"), POST_DELETE("post-delete");

    private final String key;

    HookPhase(String key) {
        this.key = key;
    }

    /** {@code post-create}, {@code pre-delete}, {@code post-delete}: also the exec hook's folder names. */
    public String key() {
        return key;
    }
}
