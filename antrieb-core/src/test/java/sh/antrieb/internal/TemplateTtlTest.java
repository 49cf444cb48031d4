package sh.antrieb.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import sh.antrieb.Antrieb;

/** The TTL of the cluster that makes a warm-start template covers what making it may take, whatever the boot timeout. */
class TemplateTtlTest {

    @Test
    void aTemplateNodeOutlivesItsSlowestBootArmingAndSaving() {
        for (Duration boot : new Duration[] {Antrieb.DEFAULT_BOOT_TIMEOUT_KVM, Antrieb.DEFAULT_BOOT_TIMEOUT_TCG, Duration.ofMinutes(30)}) {
            assertThat(Provisioner.templateTtl(boot))
                    .as("boot timeout %s", boot)
                    .isGreaterThan(boot.plus(Provisioner.TEMPLATE_ARM_TIMEOUT));
        }
    }

    @Test
    void withTheKvmBootTimeoutItIsTheTenMinutesItAlwaysHad() {
        assertThat(Provisioner.templateTtl(Antrieb.DEFAULT_BOOT_TIMEOUT_KVM)).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void underTcgItIsLongerThanTheClientsTtlLimit() {
        // The 5-minute TCG boot timeout plus 6 minutes of arming did not fit in the fixed 10 minutes it had.
        assertThat(Provisioner.templateTtl(Antrieb.DEFAULT_BOOT_TIMEOUT_TCG)).isEqualTo(Duration.ofMinutes(13))
                .isGreaterThan(Antrieb.DEFAULT_MAX_TTL);
    }
}
