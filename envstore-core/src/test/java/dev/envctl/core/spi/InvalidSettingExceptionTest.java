package dev.envctl.core.spi;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.ErrorCode;
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
