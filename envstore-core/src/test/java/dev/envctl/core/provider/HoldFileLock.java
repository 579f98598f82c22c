package dev.envctl.core.provider;

import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** A process that locks the file {@code args[0]}, prints "locked" and holds the lock until its stdin closes. */
public final class HoldFileLock {
    private HoldFileLock() {
    }

    public static void main(String[] args) throws Exception {
        try (FileChannel ch = FileChannel.open(Path.of(args[0]), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             var lock = ch.lock()) {
            System.out.println("locked");
            System.out.flush();
            while (System.in.read() >= 0) {
                // until the test closes stdin
            }
        }
    }
}
