package dev.envctl.core.exec;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Finds executables the way a shell does, on {@code PATH}. */
public final class Executables {
    private Executables() {
    }

    /**
     * {@code name} itself when it contains a '/', else the first executable file called {@code name} in the
     * folders of {@code path} (a {@code PATH}-style list).
     */
    public static Optional<Path> find(String name, String path) {
        if (name.contains("/")) {
            Path p = Path.of(name);
            return Files.isRegularFile(p) && Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
        }
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** {@link #find(String, String)} on this process's {@code PATH}. */
    public static Optional<Path> find(String name) {
        return find(name, System.getenv("PATH"));
    }
}
