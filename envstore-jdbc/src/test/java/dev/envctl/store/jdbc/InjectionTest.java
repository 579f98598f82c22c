package dev.envctl.store.jdbc;

import dev.envctl.core.ActualState;
import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentFilter;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.alloc.AllocationPolicy;
import dev.envctl.core.alloc.Allocator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Hostile text is data: names are refused by validation, labels and errors round-trip inert. */
class InjectionTest {
    private static final String[] HOSTILE = {"it's", "a\"b", "x; y", "$(rm -rf /)", "--x", "'); DROP TABLE clusters; --",
            "\\'; SELECT pg_sleep(10); --", "{\"json\": [1]}", "a\\b\\\\c"};

    private static final TestDatabase.ClassSchema SCHEMA = new TestDatabase.ClassSchema("inject");
    private JdbcEnvironmentStore store;
    private final Allocator allocator = new Allocator(AllocationPolicy.defaults());

    @BeforeEach
    void open() {
        store = SCHEMA.emptyStore();
    }

    @AfterEach
    void close() {
        store.close();
    }

    @AfterAll
    static void drop() {
        SCHEMA.drop();
    }

    @ParameterizedTest
    @ValueSource(strings = {"it's", "a;b", "$(x)", "--x", "'); DROP TABLE clusters; --", "Dev"})
    void hostileNamesAreRefusedBeforeTheyReachTheDatabase(String name) {
        assertThatThrownBy(() -> store.create(EnvironmentSpec.of(name, "k3d"), allocator))
                .isInstanceOf(EnvctlException.class)
                .satisfies(e -> assertThat(((EnvctlException) e).code()).isEqualTo(ErrorCode.INVALID_INPUT));
        assertThat(store.find("dev")).isEmpty();
        assertThat(store.list(EnvironmentFilter.ALL)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6, 7, 8})
    void hostileLabelsAndErrorsRoundTripInert(int which) {
        String text = HOSTILE[which];
        Environment e = store.create(EnvironmentSpec.of("dev", "k3d").withLabels(Map.of("note", text))
                .withOptions(Map.of("image", text)), allocator);
        Environment failed = store.update(e.withActualState(ActualState.FAILED, text), e.version());

        Environment back = store.get("dev");
        assertThat(back).isEqualTo(failed);
        assertThat(back.labels()).containsEntry("note", text);
        assertThat(back.options()).containsEntry("image", text);
        assertThat(back.lastError()).isEqualTo(text);
        assertThat(store.list(new EnvironmentFilter("k3d", null, ActualState.FAILED))).containsExactly(back);
        assertThat(store.find(text)).isEmpty();
        assertThat(store.list(EnvironmentFilter.ALL)).containsExactly(back);
    }
}
