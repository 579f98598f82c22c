package dev.envctl.core.spi;

import dev.envctl.core.Durations;
import dev.envctl.core.EnvctlException;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.InvalidValueException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InvalidSettingExceptionTest {

    @Test
    void aBadValueReadAboutAKeyIsAnErrorAboutThatKeyWithTheSameMessage() {
        assertThat(InvalidSettingException.about("timeout", () -> 5)).isEqualTo(5);
        assertThatThrownBy(() -> InvalidSettingException.about("timeout", () -> {
            throw EnvctlException.invalid("timeout 'soon' is not a positive duration");
        })).isInstanceOfSatisfying(InvalidSettingException.class, e -> {
            assertThat(e.key()).isEqualTo("timeout");
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT);
        }).hasMessage("timeout 'soon' is not a positive duration");
    }

    @Test
    void aSharedParsersErrorReadAboutAKeyKeepsWhatIsWrongWithTheValueApartFromItsName() {
        assertThatThrownBy(() -> InvalidSettingException.about("timeout", () -> Durations.parse("k3d setting timeout",
                "soon"))).isInstanceOfSatisfying(InvalidSettingException.class, e -> {
            assertThat(e.key()).isEqualTo("timeout");
            assertThat(e.problem()).contains("'soon' is not a positive duration; write it like 500ms, 60s, 5m or 1h");
        }).hasMessage("k3d setting timeout 'soon' is not a positive duration; write it like 500ms, 60s, 5m or 1h");
        // a plugin's own check says it the same way
        assertThatThrownBy(() -> InvalidSettingException.about("region", () -> {
            throw InvalidValueException.of("region", "'mars' is unknown; allowed: eu, us");
        })).isInstanceOfSatisfying(InvalidSettingException.class,
                e -> assertThat(e.problem()).contains("'mars' is unknown; allowed: eu, us"))
                .hasMessage("region 'mars' is unknown; allowed: eu, us");
    }

    @Test
    void anErrorThatDoesNotSayTheProblemApartHasNone() {
        assertThatThrownBy(() -> InvalidSettingException.about("timeout", () -> {
            throw EnvctlException.invalid("timeout 'soon' is not a positive duration");
        })).isInstanceOfSatisfying(InvalidSettingException.class, e -> assertThat(e.problem()).isEmpty());
        assertThat(new InvalidSettingException("token", "token 'x' is invalid").problem()).isEmpty();
        assertThat(new InvalidSettingException("token", "token 'x' is invalid", "'x' is invalid", null).problem())
                .contains("'x' is invalid");
    }

    @Test
    void anErrorThatIsNotABadValueOrIsAboutAnotherKeyIsLeftAsItIs() {
        EnvctlException unavailable = new EnvctlException(ErrorCode.STORE_UNAVAILABLE, "down");
        assertThatThrownBy(() -> InvalidSettingException.about("timeout", () -> {
            throw unavailable;
        })).isSameAs(unavailable);
        InvalidSettingException other = new InvalidSettingException("dir", "dir 'x' is not an absolute path");
        assertThatThrownBy(() -> InvalidSettingException.about("timeout", () -> {
            throw other;
        })).isSameAs(other);
    }
}
