package dev.spindle.json;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The limits on what a codec reads: defaults, copies, and refusals that name the field. */
class JsonOptionsTest {

    @Test
    void shouldBoundEveryDimensionOfADocumentByDefault() {
        JsonOptions defaults = JsonOptions.defaults();

        assertThat(defaults.maxNestingDepth()).isEqualTo(64);
        assertThat(defaults.maxNumberLength()).isEqualTo(100);
        assertThat(defaults.maxStringLength()).isEqualTo(1 << 20);
        assertThat(defaults.maxNameLength()).isEqualTo(1024);
        assertThat(defaults.maxDocumentLength()).isEqualTo(16L << 20);
        assertThat(defaults.maxTokenCount()).isEqualTo(1_000_000L);
    }

    @Test
    void shouldCopyWithOneFieldChanged() {
        JsonOptions options = JsonOptions.defaults().withMaxNestingDepth(8).withMaxNumberLength(20).withMaxStringLength(30)
                .withMaxNameLength(40).withMaxDocumentLength(50).withMaxTokenCount(60);

        assertThat(options).isEqualTo(new JsonOptions(8, 20, 30, 40, 50, 60));
        assertThat(JsonCodec.create(options).mapper().tokenStreamFactory().streamReadConstraints().getMaxStringLength())
                .isEqualTo(30);
    }

    @Test
    void shouldNameTheOneFieldThatIsWrong() {
        assertThatThrownBy(() -> JsonOptions.defaults().withMaxNestingDepth(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxNestingDepth must be at least 1: 0");
        assertThatThrownBy(() -> JsonOptions.defaults().withMaxNumberLength(0)).hasMessageStartingWith("maxNumberLength ");
        assertThatThrownBy(() -> JsonOptions.defaults().withMaxStringLength(-1)).hasMessageStartingWith("maxStringLength ");
        assertThatThrownBy(() -> JsonOptions.defaults().withMaxNameLength(0)).hasMessageStartingWith("maxNameLength ");
        assertThatThrownBy(() -> JsonOptions.defaults().withMaxDocumentLength(0)).hasMessageStartingWith("maxDocumentLength ");
        assertThatThrownBy(() -> JsonOptions.defaults().withMaxTokenCount(0)).hasMessageStartingWith("maxTokenCount ");
    }
}
