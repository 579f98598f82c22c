package dev.envctl.store.jdbc.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * 64-bit PostgreSQL advisory lock keys: the first 8 bytes of SHA-256 over a namespaced text, so envctl's
 * keys neither collide with each other in practice nor with small integer keys other applications use.
 */
public final class LockKeys {
    private LockKeys() {
    }

    /** The key serializing writes of the store in {@code schema}. */
    public static long writes(String schema) {
        return hash("envctl:writes:" + schema);
    }

    /** The key of the per-environment lock of {@code name} in {@code schema}. */
    public static long environment(String schema, String name) {
        return hash("envctl:env:" + schema + ":" + name);
    }

    /** The key of the session lock that lets one process at a time migrate the schema {@code schema}. */
    public static long migrations(String schema) {
        return hash("envctl:migrate:" + schema);
    }

    private static long hash(String text) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(d, 0, 8).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
    }
}
