package dev.envctl.core.provider;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.spi.ClusterProvider.OptionChange;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

class OptionChangesTest {
    /** A provider's reading: {@code n} a whole number, 3 when absent; anything else as it is. */
    private static final Function<Map<String, String>, ?> READ = o -> {
        String n = o.getOrDefault("n", "3");
        if (!n.matches("[0-9]+")) {
            throw EnvctlException.invalid("option n '" + n + "' is not a whole number");
        }
        return Map.of("n", Integer.parseInt(n), "image", o.getOrDefault("image", "-"));
    };

    @Test
    void valuesReadAlikeAreNoChangeOthersAreInPlaceOrNewClusterByKey() {
        Set<String> inPlace = Set.of("n");
        assertThat(OptionChanges.of("n", "1", "01", READ, inPlace)).isEqualTo(OptionChange.NONE);
        assertThat(OptionChanges.of("n", null, "3", READ, inPlace)).as("absent is the default").isEqualTo(
                OptionChange.NONE);
        assertThat(OptionChanges.of("n", "1", "2", READ, inPlace)).isEqualTo(OptionChange.IN_PLACE);
        assertThat(OptionChanges.of("image", "a", "b", READ, inPlace)).isEqualTo(OptionChange.NEW_CLUSTER);
        assertThat(OptionChanges.of("image", "a", "a", READ, inPlace)).isEqualTo(OptionChange.NONE);
        // a value the provider cannot read (an old record's) is taken to need a new cluster
        assertThat(OptionChanges.of("n", "x", "1", READ, inPlace)).isEqualTo(OptionChange.NEW_CLUSTER);
    }
}
