package dev.envctl.realtools;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

/**
 * Gives each test a fresh {@link Sandbox} on the shared {@link Machine} and removes what the test made afterwards,
 * passed or failed.
 */
final class RealToolsExtension implements ParameterResolver, AfterEachCallback {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(RealToolsExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext c) {
        return p.getParameter().getType() == Sandbox.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext c) {
        try {
            Sandbox s = new Sandbox(Machine.get(c), Files.createTempDirectory("envctl-realtools"), "");
            c.getStore(NS).put(Sandbox.class, s);
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void afterEach(ExtensionContext c) {
        Sandbox s = c.getStore(NS).remove(Sandbox.class, Sandbox.class);
        if (s != null) {
            s.close();
        }
    }
}
