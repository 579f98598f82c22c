package dev.envctl.store.csv;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.store.csv.internal.CsvDocument;
import dev.envctl.store.csv.internal.RowCache;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Lines seen before are not parsed again; their problems are reported every time with the current line. */
class RowCacheTest {
    private final Path file = Path.of("/data/envs.csv");

    @Test
    void unchangedLinesReuseTheirParsedRows() {
        RowCache cache = new RowCache();
        byte[] bytes = Fixtures.bytes("mixed.csv");

        List<Environment> first = CsvDocument.parse(file, bytes, cache).environments();
        List<Environment> second = CsvDocument.parse(file, bytes, cache).environments();

        assertThat(second).hasSameSizeAs(first);
        for (int i = 0; i < first.size(); i++) {
            assertThat(second.get(i)).isSameAs(first.get(i));
        }
        assertThat(CsvDocument.parse(file, bytes).environments()).isEqualTo(first);
    }

    @Test
    void everyRowOfALargeFileIsParsedOnceHoweverManyRowsItHas() {
        RowCache cache = new RowCache();
        StringBuilder file = new StringBuilder("# env,provider,node_port,pf_port,register_portainer,haproxy_route,http_port,https_port,cluster_subnet").append('\n');
        for (int i = 0; i < 25_000; i++) {
            file.append("env-").append(i).append(",k3d,30080,,true,true,").append(20_000 + i % 30_000).append(",,\n");
        }
        byte[] bytes = file.toString().getBytes(StandardCharsets.ISO_8859_1);

        List<Environment> first = CsvDocument.parse(this.file, bytes, cache).environments();
        List<Environment> second = CsvDocument.parse(this.file, bytes, cache).environments();

        assertThat(second).hasSize(25_000);
        for (int i = 0; i < first.size(); i++) {
            assertThat(second.get(i)).as(first.get(i).name()).isSameAs(first.get(i));
        }
    }

    @Test
    void aBadLineFailsEveryTimeWithItsCurrentLineNumber() {
        RowCache cache = new RowCache();
        String bad = "bad,k3d,30080,19001,true,true,abc,18401,\n";

        assertThatThrownBy(() -> CsvDocument.parse(file, bad.getBytes(StandardCharsets.UTF_8), cache))
                .isInstanceOf(EnvctlException.class).hasMessageStartingWith("/data/envs.csv line 1: http_port 'abc'");
        assertThatThrownBy(() -> CsvDocument.parse(file, ("# moved down\n" + bad).getBytes(StandardCharsets.UTF_8),
                cache)).hasMessageStartingWith("/data/envs.csv line 2: http_port 'abc'");
    }
}
