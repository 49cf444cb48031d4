package sh.antrieb.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class BoundedOutputTest {

    @Test
    void keepsEverythingUnderTheLimit() {
        BoundedOutput out = new BoundedOutput(100);
        out.write("hello\n".getBytes(StandardCharsets.UTF_8), 0, 6);
        assertThat(out.text()).isEqualTo("hello\n");
    }

    @Test
    void cutIsMarkedWithTheDroppedCount() {
        BoundedOutput out = new BoundedOutput(4);
        byte[] b = "abcdefghij".getBytes(StandardCharsets.UTF_8);
        out.write(b, 0, 6);
        out.write(b, 6, 4);
        assertThat(out.text()).startsWith("abcd").contains("6 more bytes were not kept");
    }
}
